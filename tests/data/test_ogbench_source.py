"""OGBench's `.npz` layout: trajectories split at `terminals`, train and validation files kept apart."""

import numpy as np
import pytest

from keras_mage.data import load_episodes
from keras_mage.data.sources.damaged import DamagedFileError
from keras_mage.data.sources.ogbench_source import load_ogbench

NAME = "pointmaze-medium-navigate-v0"


def write_ogbench(directory, lengths, name=NAME, offset=0.0, **extra):
    """Writes `<name>.npz` in OGBench's layout: trajectories of `lengths` states, terminals on each last state."""
    rows = sum(lengths)
    observations = offset + np.arange(rows * 4, dtype=np.float32).reshape(rows, 4)
    terminals = np.zeros(rows, np.float32)
    terminals[np.cumsum(lengths) - 1] = 1.0
    path = directory / f"{name}.npz"
    arrays = {"observations": observations, "actions": observations[:, :2] / 100.0, "terminals": terminals}
    np.savez(path, **{**arrays, **extra})
    return path


def test_trajectories_become_episodes_without_their_last_action(tmp_path):
    write_ogbench(tmp_path, [3, 5, 2])
    dataset = load_ogbench(NAME, dataset_dir=tmp_path)
    assert dataset.dataset_id == NAME
    assert [len(episode) for episode in dataset] == [2, 4, 1]
    second = dataset[1]
    np.testing.assert_array_equal(second.observations[:, 0], [12.0, 16.0, 20.0, 24.0, 28.0])  # rows 3-7
    np.testing.assert_allclose(second.actions[:, 0], [0.12, 0.16, 0.20, 0.24], rtol=1e-6)  # row 7's action is not a step
    assert second.goals is None and not second.rewards.any()
    assert second.truncations.tolist() == [False, False, False, True] and not second.terminations.any()


def test_names_paths_and_splits(tmp_path, monkeypatch):
    write_ogbench(tmp_path, [3, 3])
    write_ogbench(tmp_path, [4], name=NAME + "-val", offset=1000.0)
    monkeypatch.setenv("OGBENCH_DATASET_DIR", str(tmp_path))
    by_name = load_episodes(NAME)
    validation = load_episodes("ogbench:" + NAME, split="val")
    by_path = load_episodes(str(tmp_path / f"{NAME}.npz"))
    assert [len(e) for e in by_name] == [len(e) for e in by_path] == [2, 2]
    assert [len(e) for e in validation] == [3] and validation[0].observations[0, 0] == 1000.0
    assert by_path.dataset_id == validation.dataset_id == NAME
    np.testing.assert_array_equal(load_ogbench(tmp_path / f"{NAME}.npz", split="val")[0].observations,
                                  validation[0].observations)


def test_flat_arrays_with_rewards_still_load_as_numpy(tmp_path):
    path = write_ogbench(tmp_path, [3, 3], rewards=np.ones(6, np.float32), timeouts=np.zeros(6))
    episodes = load_episodes(str(path))
    assert episodes.dataset_id != NAME and episodes[0].rewards.sum() > 0  # D4RL-style flat arrays


def test_missing_damaged_and_cut_off_files_are_named(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"is not at .*pointmaze-giant-stitch-v0\.npz.*download_datasets"):
        load_ogbench("pointmaze-giant-stitch-v0", dataset_dir=tmp_path)
    with pytest.raises(FileNotFoundError, match="-val.npz"):
        load_ogbench("pointmaze-giant-stitch-v0", split="val", dataset_dir=tmp_path)
    with pytest.raises(ValueError, match="unknown split"):
        load_ogbench(NAME, split="test", dataset_dir=tmp_path)
    path = write_ogbench(tmp_path, [3, 3])
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(DamagedFileError, match="intact copy"):
        load_ogbench(NAME, dataset_dir=tmp_path)
    rows = np.zeros((5, 2), np.float32)
    np.savez(path, observations=rows, actions=rows, terminals=[0, 0, 1, 0, 0])
    with pytest.raises(ValueError, match="last trajectory is cut off"):
        load_ogbench(NAME, dataset_dir=tmp_path)
    np.savez(path, observations=rows, terminals=[0, 0, 1, 0, 1])
    with pytest.raises(ValueError, match=r"lacks \['actions'\]"):
        load_ogbench(NAME, dataset_dir=tmp_path)
