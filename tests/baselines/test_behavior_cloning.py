"""The behaviour-cloning baseline: trains on MAGE's pipeline, acts through the same API."""

import numpy as np
import pytest

from keras_mage.baselines import BehaviorCloning
from keras_mage.models.agent_directory import load_any


@pytest.fixture(scope="module")
def trained(make_goal_episodes):
    model = BehaviorCloning(hidden_units=(32, 32), learning_rate=3e-3, batch_size=64, seed=0)
    history = model.fit(make_goal_episodes(), epochs=4, steps_per_epoch=25, verbose=0)
    return model, history


def test_learns_the_data_actions(trained, make_goal_episodes):
    model, history = trained
    losses = history.history["loss"]
    assert losses[-1] < 0.5 * losses[0]
    assert model.data_statistics.dataset_id == "toy/linear-v0"
    episode = make_goal_episodes(count=1, seed=1)[0]
    predicted = model.predict_actions(episode.observations[:-1], episode.goals[:-1])
    assert predicted.shape == (20, 1, 2)
    assert np.mean((predicted[:, 0] - episode.actions) ** 2) < 0.05


def test_actions_stay_within_data_bounds(trained):
    model, _ = trained
    far = np.full((4, 6), 100.0, "float32")
    actions = model.predict_actions(far, -far[:, :2])
    assert actions.min() >= model.data_statistics.action_low[0] - 1e-6
    assert actions.max() <= model.data_statistics.action_high[0] + 1e-6


def test_keras_file_round_trip(trained, tmp_path):
    import keras

    model, _ = trained
    path = tmp_path / "bc.keras"
    model.save(path)
    states, goals = np.ones((3, 6), "float32"), np.zeros((3, 2), "float32")
    for restored in (keras.saving.load_model(path), load_any(str(path))):  # load_any: what the recipes load with
        np.testing.assert_allclose(restored.predict_actions(states, goals), model.predict_actions(states, goals),
                                   atol=1e-5)


def test_untrained_or_goal_less_use_is_refused(trained):
    with pytest.raises(ValueError, match="train it with `fit`"):
        BehaviorCloning().predict_actions(np.zeros((1, 6)))
    with pytest.raises(ValueError, match="goal-conditioned"):
        trained[0].predict_actions(np.zeros((1, 6)))


def straight_line_episodes(count=30, steps=15, seed=0):
    """Goal-less episodes that move at a constant random action: a future state tells which action leads there."""
    from keras_mage.data import Episode

    rng = np.random.default_rng(seed)
    episodes = []
    for index in range(count):
        action = rng.uniform(-1, 1, size=(1, 2)).astype("float32")
        states = rng.normal(size=(1, 2)) + 0.1 * np.arange(steps + 1)[:, None] * action
        episodes.append(Episode(observations=states.astype("float32"), goals=None,
                                actions=np.repeat(action, steps, 0), rewards=np.zeros(steps),
                                terminations=np.zeros(steps), truncations=np.eye(steps)[-1], id=index))
    return episodes


def test_hindsight_goals_make_it_gcbc(reloaded):
    from keras_mage.baselines import IQL, DecisionTransformer

    model = BehaviorCloning(hidden_units=(32, 32), learning_rate=3e-3, batch_size=64, seed=0, hindsight_goals=(0, 1))
    history = model.fit(straight_line_episodes(), epochs=4, steps_per_epoch=25, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    assert model.goal_dim == 2 and model.hindsight_goals == (0, 1)
    np.testing.assert_allclose(model.data_statistics.goal_mean, model.data_statistics.observation_mean)
    restored = reloaded(model)
    assert restored.hindsight_goals == (0, 1)
    states = np.zeros((2, 2), "float32")
    goals = np.array([[1.0, 0.5], [-0.5, -1.0]], "float32")  # the action that leads there points the same way
    assert (np.sign(restored.predict_actions(states, goals)[:, 0]) == np.sign(goals)).all()
    for peer in (IQL, DecisionTransformer):
        with pytest.raises(ValueError, match="cannot train on hindsight goals"):
            peer(hindsight_goals=(0, 1))
    nearer = BehaviorCloning(hindsight_goals=(0, 1), hindsight_goal_draw="geometric")
    assert BehaviorCloning.from_config(nearer.get_config()).hindsight_goal_draw == "geometric"
    with pytest.raises(ValueError, match="hindsight_goal_draw must be one of"):
        BehaviorCloning(hindsight_goals=(0, 1), hindsight_goal_draw="nearest")


def test_batch_arrays_train_at_the_models_batch_size(make_goal_episodes):
    import keras

    from keras_mage import data

    episodes = make_goal_episodes()
    batches = next(iter(data.make_dataset(episodes, 1, 48)[0]))  # one window batch of 48, as arrays
    model = BehaviorCloning(hidden_units=(8,), batch_size=16, seed=0)
    model.fit({k: np.asarray(v) for k, v in batches.items()}, epochs=1, verbose=0)
    assert int(keras.ops.convert_to_numpy(model.optimizer.iterations)) == 3  # 48 / 16, not Keras's 32 a batch
