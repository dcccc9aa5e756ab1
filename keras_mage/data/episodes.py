"""Episodes and episode datasets: the one in-memory form every source loads into.

Example:

>>> import numpy as np
>>> from keras_mage.data import Episode, EpisodeDataset
>>> episode = Episode(
...     observations=np.zeros((4, 3)), goals=None, actions=np.zeros((3, 2)),
...     rewards=np.ones(3), terminations=np.array([0, 0, 1]),
...     truncations=np.zeros(3))
>>> len(episode), episode.state_dim, episode.action_dim
(3, 3, 2)
>>> dataset = EpisodeDataset([episode], dataset_id="toy")
>>> dataset.total_steps
3
"""

import dataclasses
from collections.abc import Sequence

import numpy as np


@dataclasses.dataclass
class Episode:
    """One episode of T steps.

    observations: (T+1, ds) float32 states (see `split_observation`); the last
        row is the state after the last action (a source that lacks it repeats
        the row before).
    goals: (T+1, dg) float32 or None.
    actions: (T, da) float32; rewards: (T,) float32;
    terminations, truncations: (T,) bool.
    infos: name -> array with T or T+1 leading entries (e.g. "success").
    id: the episode's id in its source, used in error messages.
    """

    observations: np.ndarray
    goals: np.ndarray | None
    actions: np.ndarray
    rewards: np.ndarray
    terminations: np.ndarray
    truncations: np.ndarray
    infos: dict = dataclasses.field(default_factory=dict)
    id: int | None = None

    def __post_init__(self):
        self.observations = _float_array(self.observations, 2)
        self.goals = None if self.goals is None else _float_array(self.goals, 2)
        self.actions = _float_array(self.actions, 2)
        self.rewards = np.asarray(self.rewards, np.float32).reshape(-1)
        self.terminations = np.asarray(self.terminations).astype(bool).reshape(-1)
        self.truncations = np.asarray(self.truncations).astype(bool).reshape(-1)
        self.infos = {key: np.asarray(value) for key, value in dict(self.infos).items()}
        self._validate()

    def __len__(self):
        return len(self.actions)

    @property
    def state_dim(self):
        return self.observations.shape[1]

    @property
    def goal_dim(self):
        return None if self.goals is None else self.goals.shape[1]

    @property
    def action_dim(self):
        return self.actions.shape[1]

    def _error(self, message):
        label = "episode" if self.id is None else f"episode {self.id}"
        return ValueError(f"{label}: {message}")

    def _validate(self):
        steps = len(self.actions)
        if steps < 1:
            raise self._error("has no steps (0 actions); drop empty episodes before loading.")
        expected = {"observations": steps + 1, "rewards": steps, "terminations": steps, "truncations": steps}
        if self.goals is not None:
            expected["goals"] = steps + 1
        for name, length in expected.items():
            if len(getattr(self, name)) != length:
                raise self._error(
                    f"`{name}` has {len(getattr(self, name))} entries but {length} were expected "
                    f"({steps} actions); an episode needs T+1 observations/goals and T actions, "
                    "rewards, terminations and truncations: fix the arrays' lengths."
                )
        for name, value in self.infos.items():
            if len(value) not in (steps, steps + 1):
                raise self._error(f"`infos[{name!r}]` has {len(value)} entries; infos need T ({steps}) or T+1 entries.")
        arrays = {name: getattr(self, name) for name in ("observations", "goals", "actions", "rewards")}
        arrays.update({f"infos[{name!r}]": value for name, value in self.infos.items()})
        for name, value in arrays.items():
            if value is not None and value.dtype.kind in "fc" and not np.isfinite(value).all():
                step = int(np.argwhere(~np.isfinite(value))[0][0])
                raise self._error(
                    f"`{name}` holds NaN or inf (first at index {step}); repair or drop this episode "
                    "before loading (e.g. filter it out of the source)."
                )


def _float_array(value, ndim):
    array = np.asarray(value, np.float32)
    if array.ndim == 1 and ndim == 2:
        array = array[:, None]
    return array


class EpisodeDataset(Sequence):
    """A sequence of `Episode`s plus what is known of their source.

    Args:
        episodes: the episodes (at least one; equal state, goal, action sizes).
        dataset_id: name of the data (e.g. a Minari id), stored with models.
        env_spec, eval_env_spec: `gymnasium.envs.registration.EnvSpec` or None.
        ref_min_score, ref_max_score: reference returns for normalised scores.
        action_low, action_high: (da,) action bounds (default: data min/max).
        minari_dataset: the `minari.MinariDataset` behind the data, if any.

    Example:

    >>> dataset = keras_mage.data.load_episodes("D4RL/pointmaze/umaze-v2")  # doctest: +SKIP
    >>> env = dataset.make_env()  # doctest: +SKIP
    """

    def __init__(
        self,
        episodes,
        *,
        dataset_id=None,
        env_spec=None,
        eval_env_spec=None,
        ref_min_score=None,
        ref_max_score=None,
        action_low=None,
        action_high=None,
        minari_dataset=None,
    ):
        self.episodes = list(episodes)
        self.dataset_id = dataset_id
        if not self.episodes:
            raise ValueError(
                f"dataset {dataset_id or ''!s} has no episodes; check the source (path, id, filters) "
                "or generate data first (`python -m keras_mage.datagen --help`)."
            )
        self._check_sizes()
        self.env_spec = env_spec
        self.eval_env_spec = eval_env_spec
        self.ref_min_score = None if ref_min_score is None else float(ref_min_score)
        self.ref_max_score = None if ref_max_score is None else float(ref_max_score)
        actions = [episode.actions for episode in self.episodes]
        self.action_low = np.asarray(
            np.min([a.min(0) for a in actions], 0) if action_low is None else action_low, np.float32
        )
        self.action_high = np.asarray(
            np.max([a.max(0) for a in actions], 0) if action_high is None else action_high, np.float32
        )
        self._minari_dataset = minari_dataset

    def _check_sizes(self):
        first = self.episodes[0]
        for position, episode in enumerate(self.episodes):
            if not isinstance(episode, Episode):
                raise TypeError(f"item {position} is a {type(episode).__name__}, not an Episode.")
            for name in ("state_dim", "goal_dim", "action_dim"):
                if getattr(episode, name) != getattr(first, name):
                    label = position if episode.id is None else episode.id
                    raise ValueError(
                        f"episode {label}: {name} is {getattr(episode, name)} but the first episode's is "
                        f"{getattr(first, name)}; all episodes of a dataset need the same sizes."
                    )

    def __len__(self):
        return len(self.episodes)

    def __getitem__(self, index):
        return self.episodes[index]

    def __repr__(self):
        return (
            f"EpisodeDataset(dataset_id={self.dataset_id!r}, episodes={len(self)}, steps={self.total_steps}, "
            f"state_dim={self.state_dim}, goal_dim={self.goal_dim}, action_dim={self.action_dim})"
        )

    @property
    def total_steps(self):
        return sum(len(episode) for episode in self.episodes)

    @property
    def state_dim(self):
        return self.episodes[0].state_dim

    @property
    def goal_dim(self):
        return self.episodes[0].goal_dim

    @property
    def action_dim(self):
        return self.episodes[0].action_dim

    def make_env(self, eval_env=True, **kwargs):
        """Builds the (evaluation) environment; `kwargs` go to `gymnasium.make`.

        Example:

        >>> env = dataset.make_env(render_mode="rgb_array")  # doctest: +SKIP
        """
        import gymnasium

        from keras_mage.maze_envs import remove_maze_file

        if self._minari_dataset is not None:
            return remove_maze_file(self._minari_dataset.recover_environment(eval_env=eval_env, **kwargs))
        spec = self.eval_env_spec if eval_env and self.eval_env_spec is not None else self.env_spec
        if spec is None:
            raise ValueError(
                f"dataset {self.dataset_id!r} records no environment; pass `env_spec=` (a gymnasium "
                "EnvSpec or env id) when loading it, or build the env with `gymnasium.make` yourself."
            )
        if isinstance(spec, str):
            import gymnasium_robotics  # noqa: F401  (registers the maze ids)
        return remove_maze_file(gymnasium.make(spec, **kwargs))
