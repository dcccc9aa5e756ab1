"""Shared fixtures. The suite runs once per KERAS_BACKEND (tensorflow, jax, torch)."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import gymnasium as gym
import numpy as np
import pytest


def synthetic_batches(n=256, horizon=8, state_dim=4, action_dim=2, goal_dim=2, seed=0):
    """Window batches (docs/contracts.md) from a toy goal-reaching system.

    States drift toward the goal; the action is a fixed linear function of
    the first state and the goal, so every loss has something to learn.
    """
    rng = np.random.default_rng(seed)
    goals = rng.normal(size=(n, goal_dim)).astype("float32")
    start = rng.normal(size=(n, state_dim)).astype("float32")
    steps = np.arange(horizon, dtype="float32")[None, :, None] / horizon
    target = np.zeros((n, 1, state_dim), "float32")
    target[:, 0, :goal_dim] = goals
    states = start[:, None] + steps * (target - start[:, None])
    returns = (1.0 - steps) * rng.uniform(0.5, 1.0, size=(n, 1, 1)).astype("float32")
    actions = np.tanh(states[..., :action_dim] - target[..., :action_dim]).astype("float32")
    mask = np.ones((n, horizon), "float32")
    ends = rng.integers(horizon // 2, horizon + 1, size=n)
    mask[np.arange(horizon)[None, :] >= ends[:, None]] = 0.0
    return {
        "observations": states.astype("float32"),
        "returns": returns.astype("float32"),
        "actions": actions,
        "mask": mask,
        "goals": goals,
    }


@pytest.fixture(scope="session")
def batches():
    return synthetic_batches()


@pytest.fixture(scope="session")
def make_batches():
    """`synthetic_batches` itself, for tests that need other sizes (a plain import may find another conftest)."""
    return synthetic_batches


@pytest.fixture(scope="session")
def trained_tiny(batches):
    """A tiny MAGE fitted briefly on synthetic batches (shared to save compile time)."""
    import keras_mage

    model = keras_mage.MAGE.from_preset("tiny", seed=0, tokenizer_warmup_steps=4)
    history = model.fit(batches, batch_size=32, epochs=4, verbose=0)
    return model, history


@pytest.fixture(scope="session")
def pointmaze_dataset(tmp_path_factory):
    """A 3,000-step regenerated PointMaze UMaze dataset in a temporary Minari root (session-wide)."""
    from keras_mage.datagen import generate_pointmaze

    root = tmp_path_factory.mktemp("minari")
    previous = os.environ.get("MINARI_DATASETS_PATH")
    os.environ["MINARI_DATASETS_PATH"] = str(root)
    try:
        yield generate_pointmaze("umaze", steps=3000, seed=123, ref_episodes=2, progress=False)
    finally:
        if previous is None:
            os.environ.pop("MINARI_DATASETS_PATH")
        else:
            os.environ["MINARI_DATASETS_PATH"] = previous


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
def blinking_env():
    """`blinking_env(max_steps=6, success_step=3)`: a factory of time-limited `BlinkingGoalEnv`s."""

    def factory(max_steps=6, success_step=3):
        return lambda: gym.wrappers.TimeLimit(BlinkingGoalEnv(success_step), max_episode_steps=max_steps)

    return factory
