"""Tiny hand-checkable episodes shared by the data tests."""

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
