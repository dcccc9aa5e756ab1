import os
import subprocess
import sys
import tempfile

import numpy as np
import pytest

from keras_mage.data import load_episodes, make_dataset
from keras_mage.data.sources.network import reachable
from keras_mage.data.sources.tfds_source import D4RL_HOST

tfds = pytest.importorskip("tensorflow_datasets")


def step(value, reward=0.0, first=False, last=False, terminal=False):
    return {
        "observation": np.full(3, value, np.float32),
        "action": np.full(2, value, np.float32),
        "reward": np.float32(reward),
        "discount": np.float32(1.0),
        "is_first": first,
        "is_last": last,
        "is_terminal": terminal,
        "infos": {"goal": np.full(2, 10 * value, np.float32)},
    }


EPISODES = {
    # Terminal, D4RL's all-zero placeholder as the dummy last step.
    "placeholder": [step(1, 1, first=True), step(2, 2), step(3, 3), step(0, 99, last=True, terminal=True)],
    # Terminal, a real final observation in the dummy last step.
    "real_final": [step(5, 1, first=True), step(6, 2), step(9, 99, last=True, terminal=True)],
    # Truncated: every step is a real transition.
    "truncated": [step(20, 1, first=True), step(21, 1), step(22, 1), step(23, 1, last=True)],
    # Only the dummy step: no transition, skipped.
    "empty": [step(7, 0, first=True, last=True, terminal=True)],
}


class KerasMageTinyRlds(tfds.core.GeneratorBasedBuilder):
    """Four RLDS episodes covering the dummy-last-step cases."""

    VERSION = tfds.core.Version("1.0.0")

    def _info(self):
        def vector(size):
            return tfds.features.Tensor(shape=(size,), dtype=np.float32)

        return tfds.core.DatasetInfo(
            builder=self,
            features=tfds.features.FeaturesDict(
                {
                    "steps": tfds.features.Dataset(
                        {
                            "observation": vector(3),
                            "action": vector(2),
                            "reward": np.float32,
                            "discount": np.float32,
                            "is_first": np.bool_,
                            "is_last": np.bool_,
                            "is_terminal": np.bool_,
                            "infos": tfds.features.FeaturesDict({"goal": vector(2)}),
                        }
                    )
                }
            ),
        )

    def _split_generators(self, dl_manager):
        return {"train": self._generate_examples()}

    def _generate_examples(self):
        for key, steps in EPISODES.items():
            yield key, {"steps": steps}


@pytest.fixture(scope="module", autouse=True)
def temp_folder(tmp_path_factory):
    """TFDS leaves an empty `tmp*tfds` folder in the temp folder per builder it sets up offline: keep them here."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tempfile, "tempdir", str(tmp_path_factory.mktemp("tfds_temp")))
        yield


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("tfds")
    KerasMageTinyRlds(data_dir=str(root)).download_and_prepare()
    return root


def by_first_state(dataset):
    return {int(episode.observations[0, 0]): episode for episode in dataset}


def test_reads_a_local_directory_and_drops_dummy_steps(data_dir):
    directory = KerasMageTinyRlds(data_dir=str(data_dir)).data_dir
    dataset = load_episodes(directory, goal_key="goal")
    episodes = by_first_state(dataset)
    assert sorted(episodes) == [1, 5, 20] and dataset.dataset_id.startswith("keras_mage_tiny_rlds")
    placeholder, real_final, truncated = episodes[1], episodes[5], episodes[20]
    assert placeholder.rewards.tolist() == [1, 2, 3]  # the dummy reward 99 is gone
    assert placeholder.observations[:, 0].tolist() == [1, 2, 3, 3]  # zero placeholder -> repeat
    assert placeholder.terminations.tolist() == [False, False, True]
    assert placeholder.truncations.tolist() == [False, False, False]
    assert real_final.observations[:, 0].tolist() == [5, 6, 9] and real_final.actions[:, 0].tolist() == [5, 6]
    assert truncated.rewards.tolist() == [1, 1, 1, 1] and truncated.truncations.tolist() == [0, 0, 0, 1]
    assert truncated.observations[:, 0].tolist() == [20, 21, 22, 23, 23]
    assert placeholder.goals[:, 0].tolist() == [10, 20, 30, 30] and placeholder.infos["goal"].shape == (3, 2)


def test_reads_a_builder_name(data_dir):
    dataset = load_episodes("tfds:keras_mage_tiny_rlds", data_dir=str(data_dir))
    assert len(dataset) == 3 and dataset.goal_dim is None


def test_unprepared_builder_explains_how_to_get_it(tmp_path):
    with pytest.raises(ValueError, match=r"not prepared .*`tfds build d4rl_antmaze/umaze-v2`.*antmaze --variant umaze"):
        load_episodes("d4rl_antmaze/umaze-v2", data_dir=str(tmp_path), download=False)


def test_offline_download_fails_fast(tmp_path):
    if reachable(*D4RL_HOST):
        pytest.skip("the D4RL host is reachable: this checks the offline path")
    with pytest.raises(ConnectionError, match="cannot be reached"):
        load_episodes("d4rl_antmaze/umaze-v2", data_dir=str(tmp_path))


def test_unknown_builder_missing_directory_and_goal_key(tmp_path, data_dir):
    with pytest.raises(ValueError, match="unknown TFDS builder 'no_such_builder_xyz'"):
        load_episodes("tfds:no_such_builder_xyz")
    with pytest.raises(FileNotFoundError, match="no TFDS dataset directory"):
        load_episodes(f"tfds:{tmp_path / 'absent'}")
    with pytest.raises(ValueError, match="goal_key 'target'"):
        load_episodes(KerasMageTinyRlds(data_dir=str(data_dir)).data_dir, goal_key="target")


def test_tensorflow_datasets_is_imported_lazily():
    code = "import sys, keras_mage.data; assert 'tensorflow_datasets' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ, "KERAS_BACKEND": "jax"})


def test_windows_from_rlds_data_by_hand(data_dir):
    episodes = load_episodes(KerasMageTinyRlds(data_dir=str(data_dir)).data_dir)
    dataset, stats = make_dataset(episodes, 4, 9, discount=0.5, shuffle=False, backend="numpy")
    batch = dataset[0]
    row = int(np.flatnonzero(batch["actions"][:, 0, 0] == 1)[0])  # the placeholder episode's first step
    assert batch["mask"][row].tolist() == [1, 1, 1, 0]
    np.testing.assert_allclose(  # no dummy 99
        batch["returns"][row, :, 0] * stats.return_scale, [1 + 0.5 * 2 + 0.25 * 3, 2 + 0.5 * 3, 3, 0], rtol=1e-6)
    assert batch["actions"][row, :, 0].tolist() == [1, 2, 3, 0]
    raw = np.repeat(np.array([1, 2, 3, 3], np.float32)[:, None], 3, 1)
    np.testing.assert_allclose(batch["observations"][row], stats.normalize_states(raw))
