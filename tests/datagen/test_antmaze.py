import re

import minari
import numpy as np
import pytest

from keras_mage.datagen.__main__ import main
from keras_mage.datagen.antmaze import antmaze_eval_spec, generate_antmaze, make_antmaze_env
from keras_mage.maze_envs import remove_maze_file


def test_env_matches_minari_d4rl_observation_layout():
    env = make_antmaze_env("medium-diverse")
    obs, _ = env.reset(seed=0)
    assert obs["observation"].shape == (27,)
    assert env.spec.max_episode_steps == 1000
    assert env.spec.kwargs["reset_target"] is False
    spec = antmaze_eval_spec("large-play")
    assert spec.kwargs["maze_map"][1][1] == "r" and spec.kwargs["maze_map"][7][9] == "g"
    assert make_antmaze_env("umaze").spec.max_episode_steps == 700


def test_missing_policy_error_says_how_to_get_it(tmp_path, minari_root):
    with pytest.raises(SystemExit, match="ant_hierarch_pol.pkl.*--ant-policy"):
        main(["antmaze", "--variant", "umaze", "--ant-policy", str(tmp_path / "none.pkl")])


@pytest.mark.slow
def test_tiny_parallel_generation_loads_back(minari_root, ant_policy_path, capsys):
    dataset_id = generate_antmaze("umaze", policy_path=ant_policy_path, steps=400, seed=0,
                                  ref_episodes=1, workers=2, progress=False)
    dataset = minari.load_dataset(dataset_id)
    assert dataset_id == "keras_mage/antmaze/umaze-400-v0"  # the size in the id (catalogue.dataset_id)
    assert dataset.total_steps == 400 and dataset.total_episodes == 2
    summary = capsys.readouterr().out  # every generation ends with its episodes, share reaching the goal, flips
    assert re.search(r"umaze-400-v0: 2 episodes, \d reached the goal \(\d+\.\d%\), \d+ flipped-ant resets", summary)
    metadata = dataset.storage.metadata
    assert "NOT D4RL" in metadata["description"]
    assert metadata["ref_min_score"] <= metadata["ref_max_score"]
    for episode in dataset.iterate_episodes():
        assert episode.observations["observation"].shape == (201, 27)
        assert episode.actions.shape == (200, 8) and np.abs(episode.actions).max() <= 1.0
        assert episode.infos["qpos"].shape == (201, 15) and episode.infos["qvel"].shape == (201, 14)
        np.testing.assert_allclose(episode.infos["qpos"][:, :2], episode.observations["achieved_goal"])
        assert np.abs(np.diff(episode.observations["achieved_goal"], axis=0)).max() < 0.5
    assert remove_maze_file(dataset.recover_environment(eval_env=True)).spec.max_episode_steps == 700
