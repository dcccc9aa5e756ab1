"""Stand-ins for trained agents and goal envs (fast control tests)."""

import dataclasses

import gymnasium as gym
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


class BlinkingGoalEnv(gym.Env):
    """Dict-observation env: reward 1 and success only at step `success_step`, never after.

    xy moves a little with the action; episodes end at the time limit.
    """

    def __init__(self, success_step=3):
        self.success_step = success_step
        box = gym.spaces.Box(-10, 10, (2,), np.float64)
        self.observation_space = gym.spaces.Dict({"achieved_goal": box, "desired_goal": box,
                                                  "observation": gym.spaces.Box(-10, 10, (4,), np.float64)})
        self.action_space = gym.spaces.Box(-100, 100, (2,), np.float32)

    def _observation(self):
        return {"achieved_goal": self.xy.copy(), "desired_goal": self.goal.copy(),
                "observation": np.concatenate([self.xy, np.zeros(2)])}

    def reset(self, seed=None, options=None):
        super().reset(seed=seed)
        self.xy = self.np_random.uniform(-1, 1, 2)
        self.goal = self.np_random.uniform(-1, 1, 2)
        self.t = 0
        return self._observation(), {"success": False}

    def step(self, action):
        self.t += 1
        self.xy = self.xy + 0.01 * np.asarray(action, np.float64)
        success = self.t == self.success_step
        return self._observation(), float(success), False, False, {"success": success}


@pytest.fixture
def make_agent():
    """`make_agent(chunk=1, action_dim=2, return_quantile=5.0, return_head=False)`: a `RecordingAgent`."""
    return RecordingAgent


@pytest.fixture
def blinking_env():
    """`blinking_env(max_steps=6, success_step=3)`: a factory of time-limited `BlinkingGoalEnv`s."""

    def factory(max_steps=6, success_step=3):
        return lambda: gym.wrappers.TimeLimit(BlinkingGoalEnv(success_step), max_episode_steps=max_steps)

    return factory
