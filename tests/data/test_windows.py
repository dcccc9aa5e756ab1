import subprocess
import sys

import numpy as np
import pytest

from keras_mage.data import DataStatistics
from keras_mage.data.windows import BatchOrder, WindowIndex, returns_to_go


def test_returns_to_go_by_hand():
    np.testing.assert_allclose(returns_to_go(np.array([1.0, 2.0, 4.0]), 0.5), [1 + 1 + 1, 2 + 2, 4])
    np.testing.assert_allclose(returns_to_go(np.array([1.0, 2.0, 4.0]), 1.0), [7, 6, 4])
    assert returns_to_go(np.array([3.0]), 0.9).tolist() == [3.0]


@pytest.fixture
def index(episodes):
    stats = DataStatistics.from_episodes(episodes, discount=0.5, reward_scale=2.0)
    return WindowIndex(episodes, horizon=4, statistics=stats), stats


def test_every_step_starts_a_window(index):
    index, _ = index
    assert index.num_windows == 8
    assert index.shapes == {"observations": (4, 3), "returns": (4, 1), "actions": (4, 2), "mask": (4,), "action_mask": (4,), "terminals": (4,), "goals": (2,)}


def test_window_contents_by_hand(index):
    index, stats = index
    # Flat steps: episode 0 holds 0..2, episode 1 holds 3..7.
    batch = index.gather([1, 3, 7])
    raw_states = [[1, 2, 3, 3], [10, 11, 12, 13], [14, 15, 15, 15]]  # padding repeats s_T
    np.testing.assert_allclose(
        batch["observations"], stats.normalize_states(np.repeat(np.array(raw_states, np.float32)[..., None], 3, -1))
    )
    assert batch["mask"].tolist() == [[1, 1, 0, 0], [1, 1, 1, 1], [1, 0, 0, 0]]
    # Rewards 1, discount 0.5, reward_scale 2; zero past the end.
    np.testing.assert_allclose(  # the model sees them over the largest, 3.875: within [-1, 1]
        batch["returns"][..., 0] * stats.return_scale, [[3.0, 2.0, 0, 0], [3.875, 3.75, 3.5, 3.0], [2.0, 0, 0, 0]],
        rtol=1e-6)
    assert stats.return_scale == pytest.approx(3.875)
    assert batch["actions"][..., 0].tolist() == [[2, 3, 0, 0], [1, 2, 3, 4], [5, 0, 0, 0]]
    np.testing.assert_allclose(batch["goals"], stats.normalize_goals([[0, 0], [10, 10], [10, 10]]))
    assert batch["terminals"].tolist() == [[0, 1, 0, 0], [0, 0, 0, 0], [1, 0, 0, 0]]  # both episodes terminate
    assert all(value.dtype == np.float32 for value in batch.values())


def test_truncated_episodes_have_no_terminals(make_episode):
    episodes = [make_episode(3, terminal=False), make_episode(2, terminal=True)]
    stats = DataStatistics.from_episodes(episodes, discount=0.5)
    batch = WindowIndex(episodes, horizon=2, statistics=stats).gather([2, 4])
    assert batch["mask"].tolist() == [[1, 0], [1, 0]] and batch["terminals"].tolist() == [[0, 0], [1, 0]]


def test_strided_windows_by_hand(episodes):
    """Every second step's state and return; the actions and their mask stay consecutive."""
    stats = DataStatistics.from_episodes(episodes, discount=0.5, reward_scale=2.0)
    batch = WindowIndex(episodes, horizon=3, statistics=stats, stride=2).gather([3, 1])
    raw_states = [[10, 12, 14], [1, 3, 3]]  # the second window passes its episode's end: s_T repeated
    np.testing.assert_allclose(
        batch["observations"], stats.normalize_states(np.repeat(np.array(raw_states, np.float32)[..., None], 3, -1))
    )
    assert batch["mask"].tolist() == [[1, 1, 1], [1, 0, 0]]
    np.testing.assert_allclose(batch["returns"][..., 0] * stats.return_scale, [[3.875, 3.5, 2.0], [3.0, 0, 0]], rtol=1e-6)
    assert batch["actions"][..., 0].tolist() == [[1, 2, 3], [2, 3, 0]]
    assert batch["action_mask"].tolist() == [[1, 1, 1], [1, 1, 0]]


def test_gather_rejects_out_of_range(index):
    with pytest.raises(IndexError, match=r"\[0, 8\)"):
        index[0].gather([8])


def test_episodes_without_goals_give_no_goal_key(make_episode):
    episodes = [make_episode(2)]
    index = WindowIndex(episodes, 2, DataStatistics.from_episodes(episodes))
    assert "goals" not in index.gather([0]) and "goals" not in index.shapes


def test_batch_order_is_seeded_and_covers_every_window():
    order = BatchOrder(10, 4, seed=3, drop_remainder=False)
    assert order.batches_per_epoch == 3
    epoch = np.concatenate([order.starts(0, batch) for batch in range(3)])
    assert sorted(epoch.tolist()) == list(range(10))
    assert epoch.tolist() == BatchOrder(10, 4, seed=3).epoch_order(0).tolist()
    assert epoch.tolist() != order.epoch_order(1).tolist()
    assert BatchOrder(10, 4, drop_remainder=True).batches_per_epoch == 2
    assert BatchOrder(10, 4, shuffle=False).starts(0, 1).tolist() == [4, 5, 6, 7]
    with pytest.raises(IndexError, match="3 batches"):
        order.starts(0, 3)


def test_windows_module_does_not_import_tensorflow():
    code = (
        "import sys, importlib.util\n"
        "spec = importlib.util.spec_from_file_location('w', 'keras_mage/data/windows.py')\n"
        "spec.loader.exec_module(importlib.util.module_from_spec(spec))\n"
        "assert 'tensorflow' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
