"""maze_envs: maze envs made by keras_mage leave no model file in the temp folder."""

import tempfile

import numpy as np
import pytest

from keras_mage import maze_envs


@pytest.fixture
def temp_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the maze envs write their files
    return tmp_path


def test_made_maze_env_runs_and_leaves_no_file(temp_folder):
    env = maze_envs.make("PointMaze_UMaze-v3", continuing_task=True)
    env.reset(seed=0)
    observation, *_ = env.step(np.zeros(2, np.float32))
    assert observation["observation"].shape == (4,)
    assert list(temp_folder.glob("*.xml")) == []


def test_other_envs_are_returned_unchanged():
    import gymnasium as gym

    env = gym.make("CartPole-v1")
    assert maze_envs.remove_maze_file(env) is env
