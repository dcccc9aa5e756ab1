import h5py
import numpy as np
import pytest

from keras_mage.data import load_episodes, make_dataset


def test_reads_d4rl_layout_with_goals(tmp_path, write_d4rl):
    dataset = load_episodes(write_d4rl(tmp_path / "maze2d-tiny-v1.hdf5"), goal_key="goal")
    assert dataset.dataset_id == "maze2d-tiny-v1"
    assert [len(episode) for episode in dataset] == [3, 3]
    first, second = dataset
    assert first.terminations.tolist() == [False, False, True]
    assert second.truncations.tolist() == [False, False, True]
    assert second.rewards.tolist() == [3, 4, 5]
    assert first.observations[:, 0].tolist() == [0, 3, 6, 6]  # no next_observations: repeat
    assert first.goals.tolist() == [[7, 7]] * 4 and sorted(first.infos) == ["goal", "qpos"]


def test_next_observations_are_used(tmp_path, write_d4rl):
    dataset = load_episodes(write_d4rl(tmp_path / "d.h5", next_observations=True))
    assert dataset[0].observations[:, 0].tolist() == [0, 3, 6, 9] and dataset.goal_dim is None


def test_missing_file_names_the_path(tmp_path):
    path = tmp_path / "absent.hdf5"
    with pytest.raises(FileNotFoundError, match="absent.hdf5"):
        load_episodes(path)


def test_mismatched_datasets_are_reported(tmp_path):
    path = tmp_path / "bad.hdf5"
    with h5py.File(path, "w") as file:
        file["observations"] = np.zeros((4, 2))
        file["actions"] = np.zeros((3, 1))
        file["rewards"] = np.zeros(4)
        file["terminals"] = np.zeros(4)
    with pytest.raises(ValueError, match="`actions` has 3 rows but `observations` has 4"):
        load_episodes(path)


def test_windows_from_hdf5_data_by_hand(tmp_path, write_d4rl):
    path = write_d4rl(tmp_path / "d.hdf5")
    dataset, stats = make_dataset(path, 4, 6, discount=1.0, reward_scale=0.5, shuffle=False, backend="numpy")
    batch = dataset[0]  # window 0 starts episode 0: rewards 0, 1, 2
    assert batch["mask"][0].tolist() == [1, 1, 1, 0]
    np.testing.assert_allclose(batch["returns"][0, :, 0] * stats.return_scale, [1.5, 1.5, 1.0, 0], rtol=1e-6)
    raw = np.array([[0, 1, 2], [3, 4, 5], [6, 7, 8], [6, 7, 8]], np.float32)
    np.testing.assert_allclose(batch["observations"][0], stats.normalize_states(raw))
