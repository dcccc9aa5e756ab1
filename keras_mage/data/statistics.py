"""Normalisation statistics of a dataset, stored with the model as JSON.

The one normalisation of keras_mage: the data pipeline applies it to numpy
arrays, acting and export to backend tensors inside compiled functions (the
same arithmetic on either).

Example:

>>> import numpy as np
>>> from keras_mage.data import DataStatistics, Episode
>>> episode = Episode(observations=[[0.0], [2.0], [4.0]], goals=None, actions=[[0.5], [-0.5]],
...                   rewards=[1.0, 1.0], terminations=[0, 1], truncations=[0, 0])
>>> stats = DataStatistics.from_episodes([episode], discount=0.5)
>>> stats.observation_mean.tolist(), stats.observation_std.tolist(), stats.return_quantile
([1.0], [1.0], 1.5)
>>> DataStatistics.from_config(stats.get_config()).normalize_states(np.array([3.0])).tolist()
[2.0]
"""

import dataclasses

import numpy as np

from keras_mage.data.windows import returns_to_go

STD_FLOOR = 1e-6  # dimensions with a smaller std (constant ones) keep std 1


@dataclasses.dataclass(eq=False)
class DataStatistics:
    """What the model needs to map raw states, goals and returns to its inputs.

    observation_mean/std: (ds,); goal_mean/std: (dg,) or None; reward_scale and
    discount: how the return figures here were computed (the pipeline refuses
    to window data with other ones); return_quantile: the 0.9 quantile of
    episode-start discounted returns in raw reward units (a default target);
    return_max / return_min: the largest / smallest return-to-go of any step
    (None in statistics saved before they existed); return_scale: the model
    sees returns as raw x reward_scale / return_scale, with return_scale the
    data's largest |return-to-go| x reward_scale, so its returns lie in
    [-1, 1] whatever the reward scale (1 in statistics saved before it
    existed: those models keep their units); action_low/high: (da,);
    dataset_id: the data they were computed from (str or None), which
    evaluation uses when no env is named.
    """

    observation_mean: np.ndarray
    observation_std: np.ndarray
    goal_mean: np.ndarray | None
    goal_std: np.ndarray | None
    reward_scale: float
    discount: float
    return_quantile: float
    action_low: np.ndarray
    action_high: np.ndarray
    dataset_id: str | None = None
    return_max: float | None = None
    return_min: float | None = None
    return_scale: float = 1.0

    def __post_init__(self):
        for name in ("observation_mean", "observation_std", "goal_mean", "goal_std", "action_low", "action_high"):
            value = getattr(self, name)
            if value is not None:
                setattr(self, name, np.asarray(value, np.float32).reshape(-1))
        self.reward_scale = float(self.reward_scale)
        self.discount = float(self.discount)
        self.return_quantile = float(self.return_quantile)
        self.return_scale = float(self.return_scale)
        if not self.return_scale > 0:
            raise ValueError(f"return_scale must be > 0, got {self.return_scale}.")
        for name in ("return_max", "return_min"):
            if getattr(self, name) is not None:
                setattr(self, name, float(getattr(self, name)))

    @classmethod
    def identity(cls, state_dim, goal_dim=0, action_dim=0):
        """Statistics that change nothing: for a model trained on ready batches (no dataset, no statistics).

        Example:

        >>> DataStatistics.identity(2, action_dim=1).normalize_states(np.array([3.0, 4.0])).tolist()
        [3.0, 4.0]
        """
        return cls(
            np.zeros(state_dim), np.ones(state_dim), np.zeros(goal_dim) if goal_dim else None,
            np.ones(goal_dim) if goal_dim else None, reward_scale=1.0, discount=1.0, return_quantile=0.0,
            action_low=np.full(action_dim, -np.inf), action_high=np.full(action_dim, np.inf),
        )

    @classmethod
    def from_episodes(cls, episodes, discount=0.99, reward_scale=1.0):
        """Computes the statistics of an `EpisodeDataset` or a list of `Episode`s."""
        if not 0.0 <= discount <= 1.0:
            raise ValueError(f"discount must be in [0, 1], got {discount}.")
        if len(episodes) == 0:
            raise ValueError("cannot compute statistics of an empty dataset; load at least one episode.")
        states = [episode.observations[:-1] for episode in episodes]
        goals = None if episodes[0].goals is None else [episode.goals[:-1] for episode in episodes]
        returns = [returns_to_go(episode.rewards, discount) for episode in episodes]  # episodes have >= 1 step
        actions_low = getattr(episodes, "action_low", None)
        actions_high = getattr(episodes, "action_high", None)
        if actions_low is None:
            actions_low = np.min([episode.actions.min(0) for episode in episodes], 0)
            actions_high = np.max([episode.actions.max(0) for episode in episodes], 0)
        goal_mean, goal_std = (None, None) if goals is None else _mean_std(goals)
        return_max, return_min = max(float(r.max()) for r in returns), min(float(r.min()) for r in returns)
        largest = max(abs(return_max), abs(return_min)) * abs(reward_scale)
        return cls(
            *_mean_std(states),
            goal_mean,
            goal_std,
            reward_scale=reward_scale,
            discount=discount,
            return_quantile=np.quantile([r[0] for r in returns], 0.9),
            action_low=actions_low,
            action_high=actions_high,
            dataset_id=getattr(episodes, "dataset_id", None),
            return_max=return_max,
            return_min=return_min,
            return_scale=largest if largest > STD_FLOOR else 1.0,
        )

    def get_config(self):
        """A JSON-able dict (lists and numbers)."""
        config = dataclasses.asdict(self)
        return {key: value.tolist() if isinstance(value, np.ndarray) else value for key, value in config.items()}

    @classmethod
    def from_config(cls, config):
        """Statistics from `get_config`'s dict (what models store); statistics pass through."""
        if isinstance(config, cls):
            return config
        return cls(**config)

    def __eq__(self, other):
        return isinstance(other, DataStatistics) and self.get_config() == other.get_config()

    def normalize_states(self, states):
        """(states - mean) / std: float32 numpy for arrays, a tensor for backend tensors."""
        return _standardised(states, self.observation_mean, self.observation_std)

    def normalize_goals(self, goals):
        """(goals - mean) / std, as `normalize_states`."""
        if self.goal_mean is None:
            raise ValueError("these statistics have no goals: the data they come from was not goal-conditioned.")
        return _standardised(goals, self.goal_mean, self.goal_std)

    def scale_returns(self, returns):
        """Raw returns (reward units) to the model's: times `reward_scale / return_scale`."""
        return _float32(_numeric(returns) * (self.reward_scale / self.return_scale))

    def unscale_returns(self, returns):
        """The model's returns back to reward units."""
        return _float32(_numeric(returns) * (self.return_scale / self.reward_scale))


def _numeric(values):
    """Numbers, lists and arrays as float32 numpy; backend tensors as they are (their arithmetic is the same)."""
    return np.asarray(values, np.float32) if isinstance(values, (np.ndarray, list, tuple, float, int)) else values


def _standardised(values, mean, std):
    """(values - mean) / std: numpy in float64 arithmetic, backend tensors in theirs (never through numpy)."""
    values = _numeric(values)
    if isinstance(values, np.ndarray):
        return _float32((values - mean) / std)
    from keras import ops

    return (values - ops.cast(mean, values.dtype)) / ops.cast(std, values.dtype)


def _float32(values):
    return values.astype(np.float32) if isinstance(values, np.ndarray) else values


def _mean_std(chunks):
    """Exact mean / std over rows of many (n, d) arrays, in float64, two passes."""
    count = sum(len(chunk) for chunk in chunks)
    mean = sum(chunk.sum(0, dtype=np.float64) for chunk in chunks) / count
    variance = sum(np.square(chunk - mean).sum(0) for chunk in chunks) / count
    std = np.sqrt(variance)
    return mean, np.where(std < STD_FLOOR, 1.0, std)


class StatisticsAttribute:
    """A model attribute that holds `DataStatistics` or None; a dict assigned to it (a saved config) is converted.

    Example:

    >>> class Agent:
    ...     data_statistics = StatisticsAttribute()
    >>> agent = Agent()
    >>> agent.data_statistics = DataStatistics.identity(1).get_config()
    >>> type(agent.data_statistics).__name__
    'DataStatistics'
    """

    def __set_name__(self, owner, name):
        self.stored = "_" + name

    def __get__(self, instance, owner=None):
        return self if instance is None else getattr(instance, self.stored, None)

    def __set__(self, instance, value):
        object.__setattr__(instance, self.stored, None if value is None else DataStatistics.from_config(value))
