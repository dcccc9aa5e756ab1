import numpy as np
import pytest

from keras_mage.data import load_episodes
from keras_mage.data.sources import _resolve


@pytest.mark.parametrize(
    "source, kind",
    [
        ("D4RL/pointmaze/umaze-v2", "minari"),
        ("minari:D4RL/pointmaze/umaze-v2", "minari"),
        ("d4rl_antmaze/umaze-v2", "tfds"),
        ("tfds:locomotion/hopper_sac_1M_single_policy_stochastic", "tfds"),
        ("data/maze2d-umaze-v1.hdf5", "hdf5"),
        ("data/file.H5", "hdf5"),
        ("flat.npz", "numpy"),
        ([], "numpy"),
        ({"observations": np.zeros(1)}, "numpy"),
    ],
)
def test_sources_are_recognised(source, kind):
    assert _resolve(source, None)[0] == kind


def test_prefixes_are_removed():
    assert _resolve("tfds:d4rl_mujoco_halfcheetah/v2-expert", None) == ("tfds", "d4rl_mujoco_halfcheetah/v2-expert")


def test_bad_sources_are_clear(tmp_path):
    with pytest.raises(ValueError, match="unknown kind 'parquet'"):
        load_episodes("x", kind="parquet")
    with pytest.raises(TypeError, match="cannot load episodes from a int"):
        load_episodes(3)
    with pytest.raises(FileNotFoundError, match="missing.hdf5"):
        load_episodes(str(tmp_path / "missing.hdf5"))
    with pytest.raises(FileNotFoundError, match="no dataset at"):
        load_episodes(str(tmp_path / "nothing_here"))
    with pytest.raises(ValueError, match="neither a prepared TFDS dataset"):
        load_episodes(tmp_path)


def test_kind_forces_the_source(make_episode):
    assert len(load_episodes([make_episode(2)], kind="numpy")) == 1
