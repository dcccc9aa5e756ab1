import tempfile

import gymnasium as gym
import numpy as np
import pytest

from keras_mage import maze_envs
from keras_mage.data import load_episodes, make_dataset

minari = pytest.importorskip("minari")
DATASET_ID = "keras_mage_tests/pointmaze/tiny-v0"


def buffer(index, steps, reward=None):
    from minari.data_collector import EpisodeBuffer

    rewards = np.arange(steps, dtype=np.float64) if reward is None else np.full(steps, reward)
    return EpisodeBuffer(
        id=index,
        observations={
            "observation": np.arange((steps + 1) * 4, dtype=np.float64).reshape(steps + 1, 4),
            "achieved_goal": np.full((steps + 1, 2), -1.0),
            "desired_goal": np.full((steps + 1, 2), float(index)),
        },
        actions=np.full((steps, 2), 0.5, np.float32),
        rewards=rewards,
        terminations=np.arange(steps) == steps - 1,
        truncations=np.zeros(steps, bool),
        infos={"success": np.arange(steps + 1) == steps},
    )


def create(dataset_id, buffers):
    env = maze_envs.make("PointMaze_UMaze-v3")
    minari.create_dataset_from_buffers(
        dataset_id,
        buffers,
        env=env.spec,
        eval_env=gym.spec("PointMaze_Medium-v3"),
        ref_min_score=0.0,
        ref_max_score=10.0,
        algorithm_name="hand-made",
        action_space=env.action_space,
        observation_space=env.observation_space,
    )


@pytest.fixture(scope="module")
def minari_root(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        root = tmp_path_factory.mktemp("minari")
        patch.setenv("MINARI_DATASETS_PATH", str(root))
        # Minari builds maze envs of its own here, each writing a MuJoCo model file into the temp folder.
        patch.setattr(tempfile, "tempdir", str(tmp_path_factory.mktemp("maze_files")))
        with pytest.warns(UserWarning):  # Minari asks for author / description metadata
            create(DATASET_ID, [buffer(0, 3), buffer(1, 4)])
        yield root


def test_loads_a_local_id(minari_root):
    dataset = load_episodes(DATASET_ID)
    assert dataset.dataset_id == DATASET_ID and [len(episode) for episode in dataset] == [3, 4]
    episode = dataset[1]
    assert episode.observations.shape == (5, 6) and episode.goals.shape == (5, 2)
    assert episode.observations[:, :2].tolist() == [[-1, -1]] * 5  # achieved_goal first
    assert episode.observations[:, 2].tolist() == [0, 4, 8, 12, 16]
    assert episode.goals[0].tolist() == [1, 1] and episode.rewards.tolist() == [0, 1, 2, 3]
    assert episode.terminations.tolist() == [False, False, False, True]
    assert episode.infos["success"].tolist() == [False] * 4 + [True]
    assert (dataset.ref_min_score, dataset.ref_max_score) == (0.0, 10.0)
    assert dataset.action_low.tolist() == [-1, -1] and dataset.action_high.tolist() == [1, 1]
    assert dataset.env_spec.id == "PointMaze_UMaze-v3" and dataset.eval_env_spec.id == "PointMaze_Medium-v3"


def test_loads_minari_objects_and_directories(minari_root):
    from_object = load_episodes(minari.load_dataset(DATASET_ID))
    from_directory = load_episodes(minari_root / DATASET_ID)
    assert len(from_object) == len(from_directory) == 2 and from_directory.dataset_id == DATASET_ID


def test_make_env_recovers_the_evaluation_env(minari_root):
    dataset = load_episodes(DATASET_ID)
    for eval_env, env_id in [(True, "PointMaze_Medium-v3"), (False, "PointMaze_UMaze-v3")]:
        env = dataset.make_env(eval_env=eval_env)
        assert env.spec.id == env_id
        env.close()


def test_offline_download_fails_with_instructions(minari_root, monkeypatch):
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # a closed port: offline on any machine
    with pytest.raises(ConnectionError) as error:
        load_episodes("D4RL/pointmaze/medium-v2")
    message = str(error.value)
    for part in (
        "minari download D4RL/pointmaze/medium-v2",
        "MINARI_DATASETS_PATH",
        "python -m keras_mage.datagen pointmaze --maze medium (saved as keras_mage/pointmaze/medium-v0)",
        DATASET_ID,
    ):
        assert part in message


def test_unknown_id_lists_local_datasets(minari_root):
    with pytest.raises(ValueError, match=rf"not in the local Minari root.*{DATASET_ID}"):
        load_episodes("keras_mage_tests/none/missing-v0", download=False)
    # Offline this fails at the probe, online at the download; both list local ids.
    with pytest.raises((ConnectionError, ValueError), match=DATASET_ID):
        load_episodes("minari:keras_mage_tests/none/missing-v0")


def test_nan_rewards_name_the_episode(minari_root):
    with pytest.warns(UserWarning):
        create("keras_mage_tests/pointmaze/nan-v0", [buffer(0, 2), buffer(1, 2, reward=np.nan)])
    with pytest.raises(ValueError, match="episode 1: `rewards` holds NaN"):
        load_episodes("keras_mage_tests/pointmaze/nan-v0")


def test_windows_from_minari_data_by_hand(minari_root):
    dataset, stats = make_dataset(DATASET_ID, 4, 7, discount=0.5, shuffle=False, backend="numpy")
    batch = dataset[0]  # window 0 starts episode 0: rewards 0, 1, 2
    assert batch["mask"][0].tolist() == [1, 1, 1, 0]
    np.testing.assert_allclose(batch["returns"][0, :, 0] * stats.return_scale, [0 + 0.5 * 1 + 0.25 * 2, 1 + 0.5 * 2, 2, 0])
    assert batch["actions"][0, :, 0].tolist() == [0.5, 0.5, 0.5, 0]
    raw = np.array([[-1, -1, *range(4 * t, 4 * t + 4)] for t in (0, 1, 2, 3)], np.float32)  # s_3 pads
    np.testing.assert_allclose(batch["observations"][0], stats.normalize_states(raw))
    np.testing.assert_allclose(batch["goals"][0], stats.normalize_goals([0, 0]))


@pytest.mark.parametrize("dataset_id", ["keras_mage/pointmaze/large-200k", "D4RL/pointmaze/umaze"])
def test_minari_id_without_version_is_refused(minari_root, monkeypatch, dataset_id):
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # refused before any probe: no ConnectionError
    with pytest.raises(ValueError, match=r"has no version: add it, as in namespace/name-vN") as error:
        load_episodes(dataset_id)
    assert "Local datasets: [" in str(error.value) and DATASET_ID in str(error.value)


def test_minari_id_without_version_shows_the_local_versions(minari_root):
    with pytest.raises(ValueError, match=rf"Local versions of it: \['{DATASET_ID}'\]\."):
        load_episodes(DATASET_ID.rsplit("-v", 1)[0])
