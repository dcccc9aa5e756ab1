"""Hindsight goals: future states of the same trajectory, returns of reaching them, seeded draws."""

import numpy as np
import pytest

from keras_mage.data import DataStatistics, Episode, make_dataset
from keras_mage.data.hindsight_goals import with_goal_statistics
from keras_mage.data.windows import WindowIndex


def labelled_episodes(lengths=(5, 9, 3)):
    """States [episode, step, noise]: a goal tells which trajectory and step it came from."""
    rng = np.random.default_rng(0)
    episodes = []
    for index, length in enumerate(lengths):
        states = np.stack([np.full(length + 1, index), np.arange(length + 1), rng.normal(size=length + 1)], axis=1)
        episodes.append(Episode(observations=states, goals=None, actions=rng.normal(size=(length, 2)),
                                rewards=np.zeros(length), terminations=np.zeros(length),
                                truncations=np.eye(length)[-1]))
    return episodes


def identity_statistics(discount):
    return DataStatistics(np.zeros(3), np.ones(3), None, None, 1.0, discount, 0.0, -np.ones(2), np.ones(2))


def test_goals_come_from_later_in_the_same_trajectory_with_the_returns_of_reaching_them():
    episodes = labelled_episodes()
    statistics = with_goal_statistics(identity_statistics(0.5), (0, 1))
    index = WindowIndex(episodes, horizon=4, statistics=statistics, hindsight_goals=(0, 1), seed=3)
    starts = np.arange(index.num_windows)
    batch = index.gather(starts)
    episode_of = np.repeat(np.arange(3), [5, 9, 3])
    step_of = starts - np.concatenate([[0], np.cumsum([5, 9, 3])])[episode_of]
    goal_episode, goal_step = batch["goals"][:, 0], batch["goals"][:, 1]
    np.testing.assert_array_equal(goal_episode, episode_of)  # the window's own trajectory
    assert (goal_step > step_of).all() and (goal_step <= np.array([5, 9, 3])[episode_of]).all()
    first_return = batch["returns"][:, 0, 0]
    np.testing.assert_allclose(first_return, 0.5 ** (goal_step - 1 - step_of))  # R_0 = discount ** (steps - 1)
    for row in range(len(starts)):  # later entries: discounted up to the goal, 0 after it and on padding
        entry_steps = step_of[row] + np.arange(4)
        expected = np.where(entry_steps <= goal_step[row] - 1, 0.5 ** (goal_step[row] - 1 - entry_steps), 0.0)
        expected[batch["mask"][row] == 0] = 0.0
        np.testing.assert_allclose(batch["returns"][row, :, 0], expected)
    assert len(set(goal_step[episode_of == 1] - step_of[episode_of == 1])) > 2  # goals near and far


def test_one_seed_one_set_of_goals_and_goal_statistics_from_the_states(tmp_path):
    episodes = labelled_episodes()
    batches = [make_dataset(episodes, 4, 17, seed=seed, shuffle=False, backend="numpy", hindsight_goals=(1,))
               for seed in (0, 0, 1)]
    (first, statistics), (second, _), (third, _) = batches
    np.testing.assert_array_equal(first[0]["goals"], second[0]["goals"])
    assert not np.array_equal(first[0]["goals"], third[0]["goals"])
    np.testing.assert_allclose(statistics.goal_mean, statistics.observation_mean[[1]])
    assert statistics.return_max == 1.0 and statistics.scale_returns(np.array([0.5]))[0] == 0.5
    assert first[0]["goals"].shape == (17, 1) and first[0]["returns"].max() <= 1.0


def test_goal_features_must_be_state_features():
    with pytest.raises(ValueError, match=r"hindsight_goals must name distinct state features in \[0, 3\)"):
        make_dataset(labelled_episodes(), 4, 8, backend="numpy", hindsight_goals=(0, 3))


def test_geometric_draws_lie_mostly_near_and_never_past_the_trajectory():
    episodes = labelled_episodes(lengths=(400,))
    starts, ahead = np.arange(399), {}
    for draw in ("uniform", "geometric", "mixed"):
        batches, statistics = make_dataset(episodes, 4, 399, seed=0, shuffle=False, backend="numpy",
                                           hindsight_goals=(1,), hindsight_draw=draw, discount=0.9)
        goal_steps = np.rint(batches[0]["goals"][:, 0] * statistics.goal_std[0] + statistics.goal_mean[0])
        ahead[draw] = goal_steps - starts
        assert ahead[draw].min() >= 1 and goal_steps.max() <= 400
    assert np.median(ahead["geometric"]) < 15 < np.median(ahead["uniform"])  # discount 0.9: about 10 steps ahead
    medians = [np.median(ahead[draw]) for draw in ("geometric", "mixed", "uniform")]
    assert medians == sorted(medians) and len(set(medians)) == 3  # mixed: half near, half spread
    assert 0.5 < (ahead["mixed"] < 60).mean() < 0.85 and ahead["mixed"].max() > 200
    with pytest.raises(ValueError, match="hindsight_goal_draw must be one of"):
        make_dataset(episodes, 4, 8, backend="numpy", hindsight_goals=(1,), hindsight_draw="nearest")
