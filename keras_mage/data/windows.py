"""Training windows gathered from flat arrays (numpy only: no TensorFlow here).

Every step t of every episode starts a window of `horizon` entries: the states
and returns-to-go of steps t, t + stride, ..., t + (horizon - 1) * stride, and
the actions a_t .. a_{t+horizon-1} (consecutive: what the agent executes). The
dataset is stored once as flat, normalised arrays; a batch is gathered from a
vector of window starts, so a 1M-step dataset never materialises its 1M
windows.

Example:

>>> import numpy as np
>>> from keras_mage.data import DataStatistics, Episode
>>> from keras_mage.data.windows import WindowIndex, returns_to_go
>>> returns_to_go(np.array([1.0, 1.0, 1.0]), discount=0.5).tolist()
[1.75, 1.5, 1.0]
>>> episode = Episode(observations=[[0.0], [1.0], [2.0]], goals=None, actions=[[1.0], [2.0]],
...                   rewards=[1.0, 1.0], terminations=[0, 1], truncations=[0, 0])
>>> stats = DataStatistics.from_episodes([episode], discount=1.0)
>>> index = WindowIndex([episode], horizon=3, statistics=stats)
>>> batch = index.gather(np.array([1]))
>>> batch["mask"].tolist(), batch["actions"][..., 0].tolist()
([[1.0, 0.0, 0.0]], [[2.0, 0.0, 0.0]])
>>> batch["returns"][..., 0].tolist()  # returns-to-go 1, 0, 0 over the data's largest, 2 (`return_scale`)
[[0.5, 0.0, 0.0]]
>>> strided = WindowIndex([episode], horizon=2, statistics=stats, stride=2).gather(np.array([0]))
>>> strided["returns"][..., 0].tolist(), strided["mask"].tolist(), strided["action_mask"].tolist()
([[1.0, 0.0]], [[1.0, 0.0]], [[1.0, 1.0]])
"""

import numpy as np


def returns_to_go(rewards, discount):
    """R_t = r_t + discount * R_{t+1}, with R_T = 0 (no bootstrap at the end)."""
    values = np.asarray(rewards, np.float64).tolist()
    returns = np.empty(len(values), np.float64)
    running = 0.0
    for t in range(len(values) - 1, -1, -1):
        running = values[t] + discount * running
        returns[t] = running
    return returns


class WindowIndex:
    """Flat normalised arrays of a dataset and the gather of windows from them.

    Args:
        episodes: an `EpisodeDataset` or list of `Episode`s.
        horizon: entries per window.
        statistics: the `DataStatistics` that normalise states and goals and
            give the discount and reward scale of the returns.
        stride: env steps between a window's consecutive states / returns
            (1: every step); its actions stay consecutive.
        hindsight_goals: state features that form a goal drawn from the
            window's own future (`keras_mage.data.hindsight_goals`), replacing
            the data's goals and returns; () keeps them.
        hindsight_draw: how far ahead they are drawn ("uniform", "geometric" or "mixed").
        seed: the hindsight goals' draws.
    """

    def __init__(self, episodes, horizon, statistics, stride=1, hindsight_goals=(), seed=0, hindsight_draw="uniform"):
        self.horizon = int(horizon)
        lengths = np.array([len(episode) for episode in episodes], np.int64)
        self.num_windows = int(lengths.sum())
        episode_of_step = np.repeat(np.arange(len(lengths)), lengths)
        self._ends = np.cumsum(lengths)[episode_of_step]  # exclusive end of each step's episode
        self._episode = episode_of_step  # each earlier episode adds one extra observation row
        self._action_offsets = np.arange(self.horizon, dtype=np.int64)
        self._offsets = self._action_offsets * int(stride)
        self._states = statistics.normalize_states(np.concatenate([e.observations for e in episodes]))
        # One extra zero row (index num_windows) is what padding steps gather.
        actions = [episode.actions for episode in episodes]
        self._actions = np.concatenate([*actions, np.zeros((1, actions[0].shape[1]), np.float32)])
        terminals = [np.asarray(episode.terminations, np.float32).reshape(-1) for episode in episodes]
        self._terminals = np.concatenate([*terminals, [0.0]]).astype(np.float32)
        returns = [returns_to_go(episode.rewards, statistics.discount) for episode in episodes]
        self._returns = statistics.scale_returns(np.concatenate([*returns, [0.0]]))
        self._goals = None
        if episodes[0].goals is not None:
            self._goals = statistics.normalize_goals(np.concatenate([e.goals[:-1] for e in episodes]))
        self._goal_dims = list(hindsight_goals)
        if self._goal_dims:
            from keras_mage.data.hindsight_goals import check_draw, check_goal_dims  # here: numpy alone above

            check_goal_dims(self._goal_dims, self._states.shape[1])
            check_draw(hindsight_draw)
            self._draw = hindsight_draw
            self._discount = statistics.discount
            self._goal_uniforms = np.random.default_rng([int(seed), 1]).random(self.num_windows)

    @property
    def shapes(self):
        """Per-window shapes (no batch axis) of the batch keys."""
        shapes = {
            "observations": (self.horizon, self._states.shape[1]),
            "returns": (self.horizon, 1),
            "actions": (self.horizon, self._actions.shape[1]),
            "mask": (self.horizon,),
            "action_mask": (self.horizon,),
            "terminals": (self.horizon,),
        }
        if self._goal_dims:
            shapes["goals"] = (len(self._goal_dims),)
        elif self._goals is not None:
            shapes["goals"] = (self._goals.shape[1],)
        return shapes

    def gather(self, starts):
        """The batch dict (float32) of the windows starting at flat steps `starts`."""
        starts = np.asarray(starts, np.int64).reshape(-1)
        if starts.size and (starts.min() < 0 or starts.max() >= self.num_windows):
            raise IndexError(f"window starts must lie in [0, {self.num_windows}).")
        ends = self._ends[starts][:, None]
        steps, real, step_rows = self._steps(starts, ends, self._offsets)
        _, action_real, action_rows = self._steps(starts, ends, self._action_offsets)
        state_rows = np.minimum(steps, ends) + self._episode[starts][:, None]  # padding -> s_T
        batch = {
            "observations": np.take(self._states, state_rows, axis=0),
            "returns": np.take(self._returns, step_rows)[..., None],
            "actions": np.take(self._actions, action_rows, axis=0),
            "mask": real.astype(np.float32),
            "action_mask": action_real.astype(np.float32),
            "terminals": np.take(self._terminals, action_rows),  # 1 where the step's transition ends the task
        }
        if self._goal_dims:
            self._relabel(batch, starts, ends[:, 0], steps, real)
        elif self._goals is not None:
            batch["goals"] = np.take(self._goals, starts, axis=0)
        return batch

    def _relabel(self, batch, starts, ends, steps, real):
        """Hindsight goals and their returns in place of the data's."""
        from keras_mage.data.hindsight_goals import goal_steps, hindsight_returns

        goals = goal_steps(starts, ends, self._goal_uniforms[starts], self._draw, self._discount)
        goal_rows = goals + self._episode[starts]
        batch["goals"] = np.take(self._states, goal_rows, axis=0)[:, self._goal_dims]
        returns = np.where(real, hindsight_returns(steps, goals, self._discount), 0.0)
        batch["returns"] = returns.astype(np.float32)[..., None]

    def _steps(self, starts, ends, offsets):
        """Flat steps at `offsets` from `starts`, which of them are real, and their rows (padding -> the zero row)."""
        steps = starts[:, None] + offsets
        real = steps < ends
        return steps, real, np.where(real, steps, self.num_windows)


class BatchOrder:
    """Which window starts each batch of each epoch holds (numpy, seeded).

    Epoch e shuffles with `np.random.default_rng([seed, e])`, so the order is
    the same for every backend and every run with the same seed.
    """

    def __init__(self, num_windows, batch_size, *, shuffle=True, seed=0, drop_remainder=True):
        self.num_windows = int(num_windows)
        self.batch_size = int(batch_size)
        self.shuffle = bool(shuffle)
        self.seed = int(seed)
        self.drop_remainder = bool(drop_remainder)
        full, rest = divmod(self.num_windows, self.batch_size)
        self.batches_per_epoch = full + (1 if rest and not drop_remainder else 0)
        self._cached = (None, None)

    def starts(self, epoch, batch):
        """Window starts (int64) of batch `batch` in epoch `epoch`."""
        if not 0 <= batch < self.batches_per_epoch:
            raise IndexError(f"batch {batch} out of range: an epoch has {self.batches_per_epoch} batches.")
        cached_epoch, order = self._cached
        if cached_epoch != epoch:
            order = self.epoch_order(epoch)
            self._cached = (epoch, order)
        return order[batch * self.batch_size : (batch + 1) * self.batch_size]

    def epoch_order(self, epoch):
        """All window starts (int64) of epoch `epoch`, in batch order."""
        if not self.shuffle:
            return np.arange(self.num_windows, dtype=np.int64)
        return np.random.default_rng([self.seed, int(epoch)]).permutation(self.num_windows)
