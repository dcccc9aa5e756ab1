"""Stand-ins for trained agents (fast control tests); the goal env `blinking_env` is in tests/conftest.py."""

import dataclasses

import numpy as np
import pytest

from keras_mage.data import DataStatistics


class RecordingAgent:
    """An agent whose plan for call n is n in column 0 and the chunk position in column 1."""

    def __init__(self, chunk=1, action_dim=2, return_quantile=5.0, return_head=False):
        self.return_head = return_head
        self.action_chunk = chunk
        self.action_dim = action_dim
        self.data_statistics = dataclasses.replace(
            DataStatistics.identity(state_dim=6, goal_dim=2, action_dim=action_dim), return_quantile=return_quantile
        )
        self.calls = []

    def predict_actions(self, states, goals, target_returns, **options):
        self.calls.append({"states": states.copy(), "goals": None if goals is None else goals.copy(),
                           "returns": np.array(target_returns, copy=True), "options": options})
        plan = np.zeros((len(states), self.action_chunk, self.action_dim), np.float32)
        plan[:, :, 0] = len(self.calls)
        plan[:, :, 1] = np.arange(self.action_chunk)
        return plan

    def predict_returns(self, states, goals):
        """A stand-in return head: the first state feature."""
        return np.asarray(states, np.float32)[:, 0].copy()


@pytest.fixture
def make_agent():
    """`make_agent(chunk=1, action_dim=2, return_quantile=5.0, return_head=False)`: a `RecordingAgent`."""
    return RecordingAgent
