import json

import numpy as np
import pytest

from keras_mage.data import DataStatistics

STATES = np.array([0, 1, 2, 10, 11, 12, 13, 14], np.float64)  # observations[:-1] of both episodes


def test_from_episodes_matches_hand_computation(episodes):
    stats = DataStatistics.from_episodes(episodes, discount=0.5, reward_scale=2.0)
    np.testing.assert_allclose(stats.observation_mean, [STATES.mean()] * 3, rtol=1e-6)
    np.testing.assert_allclose(stats.observation_std, [STATES.std()] * 3, rtol=1e-6)
    np.testing.assert_allclose(stats.goal_mean, [6.25, 6.25])
    np.testing.assert_allclose(stats.goal_std, [np.sqrt(23.4375)] * 2, rtol=1e-6)
    # Episode-start returns 1.75 and 1.9375 (raw units); their 0.9 quantile:
    assert stats.return_quantile == pytest.approx(1.75 + 0.9 * 0.1875)
    assert stats.return_max == pytest.approx(1.9375)  # the longest episode's first step
    assert stats.return_min == pytest.approx(1.0)  # the last steps (reward 1, nothing after)
    assert (stats.discount, stats.reward_scale, stats.dataset_id) == (0.5, 2.0, "toy")
    assert stats.action_low.tolist() == [1.0, 1.0] and stats.action_high.tolist() == [5.0, 5.0]


def test_config_is_json_and_round_trips(episodes):
    stats = DataStatistics.from_episodes(episodes)
    config = json.loads(json.dumps(stats.get_config()))
    assert DataStatistics.from_config(config).get_config() == stats.get_config()
    assert DataStatistics.from_config(stats) is stats


def test_constant_dimensions_keep_unit_std(make_episode):
    episode = make_episode(4)
    episode.observations[:, 1] = 5.0
    stats = DataStatistics.from_episodes([episode])
    assert stats.observation_std[1] == 1.0 and stats.observation_mean[1] == 5.0
    assert np.isfinite(stats.normalize_states(np.full(3, 9.0))).all()


def test_normalisers(episodes):
    stats = DataStatistics.from_episodes(episodes, reward_scale=0.1)
    states = np.array([[[7.875] * 3]])
    np.testing.assert_allclose(stats.normalize_states(states), np.zeros((1, 1, 3)), atol=1e-6)
    np.testing.assert_allclose(stats.normalize_goals([6.25, 6.25 + np.sqrt(23.4375)]), [0.0, 1.0], atol=1e-6)
    assert stats.return_scale == pytest.approx(0.1 * stats.return_max)  # rewards are positive: the largest |R|
    assert stats.scale_returns(np.array([10.0])).tolist() == pytest.approx([1.0 / stats.return_scale])
    assert stats.normalize_states(states).dtype == np.float32


def test_returns_reach_the_model_within_one_whatever_the_reward_scale(make_episode):
    """AntMaze's returns-to-go near 100 and PointMaze's below 1 both reach the model within [-1, 1]."""
    for reward in (100.0, 0.01, -5.0):
        episode = make_episode(6)
        episode.rewards[:] = reward
        stats = DataStatistics.from_episodes([episode], discount=0.99, reward_scale=0.5)
        raw = np.array([stats.return_min, stats.return_max])
        scaled = stats.scale_returns(raw)
        assert np.abs(scaled).max() == pytest.approx(1.0, rel=1e-6)
        np.testing.assert_allclose(stats.unscale_returns(scaled), raw, rtol=1e-6)


def test_statistics_saved_before_return_scale_keep_their_units(episodes):
    config = DataStatistics.from_episodes(episodes, reward_scale=0.1).get_config()
    del config["return_scale"]  # as saved before it existed
    old = DataStatistics.from_config(config)
    assert old.return_scale == 1.0 and old.scale_returns([10.0]).tolist() == pytest.approx([1.0])
    with pytest.raises(ValueError, match="return_scale must be > 0"):
        DataStatistics.from_config({**config, "return_scale": 0.0})


def test_no_goals_and_bad_arguments(make_episode):
    stats = DataStatistics.from_episodes([make_episode(3)])
    assert stats.goal_mean is None and stats.get_config()["goal_std"] is None
    with pytest.raises(ValueError, match="no goals"):
        stats.normalize_goals(np.zeros(2))
    with pytest.raises(ValueError, match="discount must be in"):
        DataStatistics.from_episodes([make_episode(3)], discount=1.5)
    with pytest.raises(ValueError, match="empty dataset"):
        DataStatistics.from_episodes([])


def test_one_normalisation_for_numpy_and_backend_tensors(episodes):
    """Training (numpy) and acting (keras.ops tensors) share one implementation and agree."""
    import keras

    stats = DataStatistics.from_episodes(episodes, reward_scale=0.1)
    states = np.random.default_rng(0).normal(size=(2, 3)).astype(np.float32)
    for method, values in ((stats.normalize_states, states), (stats.normalize_goals, states[:, :2]),
                           (stats.scale_returns, states[:, 0]), (stats.unscale_returns, states[:, 0])):
        on_tensor = method(keras.ops.convert_to_tensor(values))
        assert keras.ops.is_tensor(on_tensor)
        np.testing.assert_allclose(keras.ops.convert_to_numpy(on_tensor), method(values), rtol=1e-6)
    np.testing.assert_allclose(stats.unscale_returns(stats.scale_returns([3.0])), [3.0], rtol=1e-6)


def test_identity_statistics_change_nothing_and_compare_by_value():
    stats = DataStatistics.identity(3, goal_dim=2, action_dim=2)
    values = np.arange(6, dtype=np.float32).reshape(2, 3)
    np.testing.assert_array_equal(stats.normalize_states(values), values)
    assert stats == DataStatistics.from_config(stats.get_config())
    assert stats != DataStatistics.identity(4, goal_dim=2, action_dim=2)
