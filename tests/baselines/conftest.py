"""Shared by the baselines' tests: toy goal-reaching episodes and the `.keras` round trip."""

import numpy as np
import pytest

from keras_mage.data import Episode, EpisodeDataset


def goal_episodes(count=40, steps=20, seed=0, rewarded_steps=0, dataset_id="toy/linear-v0"):
    """Goal-reaching episodes (6-dim states, 2-dim goals) whose action is a fixed function of (state, goal).

    The reward is 1 on each episode's last `rewarded_steps` steps, else 0.
    """
    rng = np.random.default_rng(seed)
    episodes = []
    for index in range(count):
        states = rng.normal(size=(steps + 1, 6)).astype("float32")
        goal = rng.normal(size=(1, 2)).astype("float32")
        actions = np.clip(0.5 * (goal - states[:-1, :2]), -1, 1)
        episodes.append(Episode(observations=states, goals=np.repeat(goal, steps + 1, 0), actions=actions,
                                rewards=(np.arange(steps) >= steps - rewarded_steps).astype("float32"),
                                terminations=np.zeros(steps), truncations=np.eye(steps)[-1], id=index))
    return EpisodeDataset(episodes, dataset_id=dataset_id)


@pytest.fixture(scope="session")
def make_goal_episodes():
    """`goal_episodes` itself (a plain import may find another conftest)."""
    return goal_episodes


@pytest.fixture
def reloaded(tmp_path):
    """`reloaded(model)`: the model saved to and loaded from a `.keras` file, checked to keep its class and config."""
    import keras

    def save_and_load(model):
        path = tmp_path / "model.keras"
        model.save(path)
        restored = keras.saving.load_model(path)
        assert type(restored) is type(model) and restored.get_config() == model.get_config()
        return restored

    return save_and_load
