"""Tiny hand-checkable episodes and files shared by the data tests."""

import h5py
import numpy as np
import pytest

from keras_mage.data import Episode, EpisodeDataset


def build_episode(steps, state_dim=3, action_dim=2, goal_dim=None, offset=0.0, index=None, terminal=True):
    """An episode whose numbers are easy to compute by hand.

    observations[t] = offset + t (every dim), actions[t] = t + 1 (every dim),
    rewards[t] = 1, goals[t] = offset (every dim).
    """
    t = np.arange(steps + 1, dtype=np.float32)[:, None]
    terminations = np.zeros(steps, bool)
    truncations = np.zeros(steps, bool)
    (terminations if terminal else truncations)[-1] = True
    return Episode(
        observations=np.repeat(offset + t, state_dim, 1),
        goals=None if goal_dim is None else np.full((steps + 1, goal_dim), offset, np.float32),
        actions=np.repeat(t[:-1] + 1.0, action_dim, 1),
        rewards=np.ones(steps, np.float32),
        terminations=terminations,
        truncations=truncations,
        infos={"success": terminations.copy()},
        id=index,
    )


def build_d4rl_file(path, rows=6, next_observations=False):
    """A D4RL-layout HDF5 file of two 3-step episodes (a terminal one, then a timeout); returns `path`."""
    with h5py.File(path, "w") as file:
        file["observations"] = np.arange(rows * 3, dtype=np.float32).reshape(rows, 3)
        file["actions"] = np.ones((rows, 2), np.float32)
        file["rewards"] = np.arange(rows, dtype=np.float32)
        file["terminals"] = np.array([0, 0, 1, 0, 0, 0][:rows], bool)
        file["timeouts"] = np.array([0, 0, 0, 0, 0, 1][:rows], bool)
        file["infos/goal"] = np.full((rows, 2), 7.0, np.float32)
        file["infos/qpos"] = np.zeros((rows, 3), np.float32)
        file["metadata/algorithm"] = "random"
        if next_observations:
            file["next_observations"] = np.arange(rows * 3, dtype=np.float32).reshape(rows, 3) + 3
    return path


@pytest.fixture
def write_d4rl():
    """`write_d4rl(path, rows=6, next_observations=False)`: see `build_d4rl_file`."""
    return build_d4rl_file


@pytest.fixture
def make_episode():
    """`make_episode(steps, ...)`: see `build_episode`."""
    return build_episode


@pytest.fixture
def episodes():
    """Two goal-conditioned episodes of 3 and 5 steps."""
    return EpisodeDataset(
        [build_episode(3, goal_dim=2, offset=0.0, index=0), build_episode(5, goal_dim=2, offset=10.0, index=1)],
        dataset_id="toy",
    )
