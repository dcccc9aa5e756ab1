"""The IQL baseline: transitions from two-step windows, its three losses, Polyak targets, saving, acting."""

import keras
import numpy as np
import pytest

from keras_mage.baselines import IQL, IQL_PRESETS
from keras_mage.data import Episode, EpisodeDataset, make_dataset


def choice_episodes(count=64, steps=4, reward=1.0, seed=0):
    """Goal-conditioned episodes whose 1-D action is +0.5 (rewarded) or -0.5 (not), at random; the last step terminates."""
    rng = np.random.default_rng(seed)
    episodes = []
    for index in range(count):
        good = rng.random(steps) < 0.5
        goal = rng.normal(size=(1, 2)).astype("float32")
        episodes.append(Episode(observations=rng.normal(size=(steps + 1, 3)), goals=np.repeat(goal, steps + 1, 0),
                                actions=np.where(good, 0.5, -0.5)[:, None], rewards=reward * good,
                                terminations=np.eye(steps)[-1], truncations=np.zeros(steps), id=index))
    return EpisodeDataset(episodes, dataset_id="toy/choice-v0")


def small_iql(**overrides):
    return IQL(**{"hidden_units": (32, 32), "learning_rate": 3e-3, "batch_size": 64, "seed": 0, **overrides})


def one_batch(model, episodes, size=64):
    dataset, _ = make_dataset(episodes, 2, size, model.data_statistics, discount=model.discount, backend="numpy")
    return dataset[0]


@pytest.fixture(scope="module")
def trained():
    model = small_iql()
    history = model.fit(choice_episodes(reward=0.1), epochs=4, steps_per_epoch=25, verbose=0)
    return model, history


def test_fit_lowers_every_loss(trained):
    model, history = trained
    for name in ("q_loss", "value_loss"):
        losses = history.history[name]
        assert losses[-1] < 0.5 * losses[0], (name, losses)
    actor_losses = history.history["actor_loss"]  # a negative log-likelihood: bounded below by the actions' spread
    assert actor_losses[-1] < actor_losses[0] - 0.1, actor_losses
    assert model.data_statistics.dataset_id == "toy/choice-v0"


def test_transitions_recover_rewards_next_states_and_ends():
    episode = choice_episodes(count=1, steps=3, reward=2.0, seed=3)[0]
    model = small_iql(discount=0.9)
    dataset, model.data_statistics = make_dataset([episode], 2, 3, discount=0.9, shuffle=False, backend="numpy")
    batch = dataset[0]
    model.build({key: value.shape for key, value in batch.items()})
    states, actions, rewards, next_states, done, mask = (keras.ops.convert_to_numpy(v) for v in model.transitions(batch))
    np.testing.assert_allclose(rewards, episode.rewards, atol=1e-5)
    np.testing.assert_allclose(actions, episode.actions)
    np.testing.assert_allclose(next_states[:, :3], model.data_statistics.normalize_states(episode.observations[1:]),
                               atol=1e-5)
    assert done.tolist() == [0.0, 0.0, 1.0] and mask.tolist() == [1.0, 1.0, 1.0]
    # A time limit is not a terminal state: a truncated episode bootstraps from its final observation.
    truncated = dict(batch, terminals=np.zeros_like(batch["terminals"]))
    assert keras.ops.convert_to_numpy(model.transitions(truncated)[4]).tolist() == [0.0, 0.0, 0.0]
    hand_made = {key: value for key, value in batch.items() if key != "terminals"}  # every episode end terminal
    assert keras.ops.convert_to_numpy(model.transitions(hand_made)[4]).tolist() == [0.0, 0.0, 1.0]
    with pytest.raises(ValueError, match="two steps"):
        model.transitions({key: value[:, :1] if value.ndim > 2 else value for key, value in batch.items()})


def _set_net(net, slope, bias):
    """Makes a ReLU MLP compute slope * relu(input_0) + bias (every other weight zero)."""
    for layer in net.layers:
        kernel, layer_bias = (np.zeros(tuple(w.shape), "float32") for w in layer.weights)
        kernel[0, 0] = 1.0 if layer is not net.layers[-1] else slope
        layer.set_weights([kernel, layer_bias + (bias if layer is net.layers[-1] else 0.0)])


@pytest.mark.parametrize("expectile", [0.7, 0.5])
def test_value_loss_is_the_expectile_loss(expectile):
    model = small_iql(expectile=expectile)
    batch = {"observations": np.zeros((4, 2, 3), "float32"), "actions": np.zeros((4, 2, 1), "float32"),
             "returns": np.zeros((4, 2, 1), "float32"), "mask": np.ones((4, 2), "float32"),
             "goals": np.zeros((4, 2), "float32")}
    batch["observations"][:, 0, 0] = [0.0, 0.5, 2.0, 3.0]
    model.build({key: value.shape for key, value in batch.items()})
    _set_net(model.value_net, slope=1.0, bias=0.0)  # V(s) = relu(s_0)
    for net in model.target_q_nets:
        _set_net(net, slope=0.0, bias=1.0)  # target Q = 1
    value_loss = keras.ops.convert_to_numpy(model.iql_losses(batch, model(batch))["value_loss"])
    error = 1.0 - np.array([0.0, 0.5, 2.0, 3.0])
    expected = np.mean(np.where(error > 0, expectile, 1.0 - expectile) * error**2)
    np.testing.assert_allclose(value_loss, expected, rtol=1e-5)
    if expectile == 0.5:
        np.testing.assert_allclose(value_loss, 0.5 * np.mean(error**2), rtol=1e-5)


def test_target_moves_toward_online_by_tau_per_step():
    episodes = choice_episodes(count=20)
    model = small_iql(tau=0.005)
    model.fit(episodes, epochs=1, steps_per_epoch=1, verbose=0)
    target, online = model.target_q_nets[0].layers[0].kernel, model.q_nets[0].layers[0].kernel
    online_before = keras.ops.convert_to_numpy(online)
    target.assign(online_before + 1.0)
    model.train_on_batch(one_batch(model, episodes))
    assert not np.allclose(keras.ops.convert_to_numpy(online), online_before)  # the online net trained
    np.testing.assert_allclose(keras.ops.convert_to_numpy(target), online_before + (1.0 - 0.005), atol=1e-5)
    assert not any(weight.trainable for net in model.target_q_nets for weight in net.weights)


def test_keras_file_round_trip(trained, reloaded):
    model, _ = trained
    restored = reloaded(model)
    states, goals = np.ones((3, 3), "float32"), np.zeros((3, 2), "float32")
    np.testing.assert_array_equal(restored.predict_actions(states, goals), model.predict_actions(states, goals))
    for restored_net, net in zip(restored.target_q_nets, model.target_q_nets):
        np.testing.assert_array_equal(restored_net.get_weights()[0], net.get_weights()[0])


def test_actions_have_the_policy_shape_and_stay_within_data_bounds(trained):
    model, _ = trained
    far = np.full((5, 3), 100.0, "float32")
    actions = model.predict_actions(far, -far[:, :2], np.zeros((5, 1)))
    assert actions.shape == (5, 1, 1) and model.action_chunk == 1
    assert actions.min() >= -0.5 - 1e-6 and actions.max() <= 0.5 + 1e-6
    with pytest.raises(ValueError, match="train it with `fit`"):
        IQL().predict_actions(np.zeros((1, 3)))


def test_q_values_rank_the_rewarded_action_first(trained):
    model, _ = trained
    rng = np.random.default_rng(3)
    states, goals = rng.normal(size=(32, 3)), rng.normal(size=(32, 2))
    rewarded = model.predict_q_values(states, goals, np.full((32, 1), 0.5))
    unrewarded = model.predict_q_values(states, goals, np.full((32, 1), -0.5))
    assert rewarded.shape == (32,) and np.mean(rewarded > unrewarded) > 0.9
    features = np.concatenate([(states - model.data_statistics.observation_mean) / model.data_statistics.observation_std,
                               (goals - model.data_statistics.goal_mean) / model.data_statistics.goal_std,
                               np.full((32, 1), 0.5)], axis=-1).astype("float32")
    by_hand = np.minimum(*[keras.ops.convert_to_numpy(net(features))[:, 0] for net in model.q_nets])
    np.testing.assert_allclose(rewarded, by_hand, rtol=1e-4, atol=1e-5)


def test_advantage_weighting_prefers_the_rewarded_action():
    # The data's mean action is 0 (what behaviour cloning learns); IQL's actor should move toward +0.5.
    model = small_iql(tau=0.05)  # a faster target than the paper's, so that Q's ranking shows in 100 steps
    model.fit(choice_episodes(reward=1.0), epochs=4, steps_per_epoch=25, verbose=0)
    rng = np.random.default_rng(5)
    actions = model.predict_actions(rng.normal(size=(32, 3)), rng.normal(size=(32, 2)))
    assert actions.mean() > 0.25


def test_presets_and_seeded_initialisation():
    assert IQL.from_preset("antmaze").expectile == IQL_PRESETS["antmaze"]["expectile"] == 0.9
    assert IQL.from_preset("locomotion", temperature=1.0).temperature == 1.0
    with pytest.raises(ValueError, match="unknown IQL preset"):
        IQL.from_preset("atari")
    shapes = {"observations": (None, 2, 3), "actions": (None, 2, 1), "goals": (None, 2)}
    first, second, other = small_iql(), small_iql(), small_iql(seed=1)
    for model in (first, second, other):
        model.build(shapes)
    np.testing.assert_array_equal(first.get_weights()[1], second.get_weights()[1])
    assert not np.array_equal(first.get_weights()[1], other.get_weights()[1])
