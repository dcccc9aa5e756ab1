"""In-memory numpy data -> EpisodeDataset.

Accepts a list of `Episode`s, a list of dicts with Episode's field names
(`observations` may be a goal dict, see `split_observation`), a dict of flat
D4RL-style arrays split at `terminals | timeouts`, or a path to an `.npz` of
such flat arrays.

Example:

>>> import numpy as np
>>> from keras_mage.data.sources.numpy_source import load_numpy
>>> flat = {"observations": np.zeros((5, 3)), "actions": np.zeros((5, 2)), "rewards": np.ones(5),
...         "terminals": [0, 1, 0, 0, 0], "timeouts": [0, 0, 0, 0, 1]}
>>> [len(episode) for episode in load_numpy(flat)]
[2, 3]
"""

import os
from collections.abc import Mapping

import numpy as np

from keras_mage.data.episodes import Episode, EpisodeDataset
from keras_mage.data.observations import split_observation
from keras_mage.data.sources.damaged import reading

REQUIRED = ("observations", "actions", "rewards")


def load_numpy(data, *, dataset_id=None, goal_key=None, **metadata):
    """Builds an `EpisodeDataset` from numpy data.

    Args:
        data: list of Episodes or dicts, a dict of flat arrays, or a `.npz` path.
        dataset_id: name stored with the statistics (default "numpy" / the path).
        goal_key: for flat arrays, the infos entry holding goals (e.g. "goal").
        **metadata: EpisodeDataset keywords (env_spec, ref_min_score, ...).
    """
    if isinstance(data, (str, os.PathLike)):
        if not os.path.exists(data):
            raise FileNotFoundError(f"no numpy file at {os.fspath(data)!r}; check the path.")
        dataset_id = dataset_id or os.fspath(data)
        with reading(data, "Replace it with an intact copy, or write it again with numpy.savez."):
            with np.load(data, allow_pickle=False) as arrays:
                data = {key: arrays[key] for key in arrays.files}
    if isinstance(data, Mapping):
        episodes = split_flat(data, goal_key=goal_key)
    else:
        episodes = [
            item if isinstance(item, Episode) else episode_from_dict(item, index) for index, item in enumerate(data)
        ]
    return EpisodeDataset(episodes, dataset_id=dataset_id or "numpy", **metadata)


def episode_from_dict(item, index):
    """One `Episode` from a dict of its fields (observations may be a goal dict)."""
    if not isinstance(item, Mapping):
        raise TypeError(f"episode {index}: expected an Episode or a dict, got {type(item).__name__}.")
    missing = [key for key in REQUIRED if key not in item]
    if missing:
        raise ValueError(f"episode {index}: missing {missing}; an episode dict needs {list(REQUIRED)}.")
    states, goals = split_observation(item["observations"])
    steps = len(np.asarray(item["actions"]))
    return Episode(
        observations=states,
        goals=item.get("goals", goals),
        actions=item["actions"],
        rewards=item["rewards"],
        terminations=item.get("terminations", np.zeros(steps, bool)),
        truncations=item.get("truncations", np.zeros(steps, bool)),
        infos=item.get("infos", {}),
        id=index,
    )


def split_flat(arrays, goal_key=None):
    """Splits flat per-step arrays (D4RL layout) into Episodes at terminals | timeouts.

    The state after an episode's last action is `next_observations` when
    given, otherwise the last state repeated. `infos/<name>` keys (or an
    `infos` dict) become per-step infos; `goal_key` names the goal entry.
    """
    missing = [key for key in REQUIRED if key not in arrays]
    if missing or not ({"terminals", "timeouts"} & set(arrays)):
        raise ValueError(
            f"flat arrays need {list(REQUIRED)} and terminals and/or timeouts to split episodes; "
            f"got keys {sorted(arrays)}."
        )
    states, goals = split_observation(arrays["observations"])
    rows = len(states)
    infos = {key[len("infos/") :]: value for key, value in arrays.items() if key.startswith("infos/")}
    infos.update(arrays.get("infos", {}))
    if goal_key is not None:
        if goal_key not in infos:
            raise ValueError(f"goal_key {goal_key!r} is not among the infos {sorted(infos)}.")
        goals = np.asarray(infos[goal_key])
    per_step = {"actions": arrays["actions"], "rewards": np.reshape(arrays["rewards"], -1)}
    for key in ("terminals", "timeouts", "next_observations"):
        if key in arrays:
            per_step[key] = arrays[key]
    per_step.update({f"infos/{key}": value for key, value in infos.items()})
    if goals is not None:
        per_step["goals"] = goals
    per_step = {key: np.asarray(value) for key, value in per_step.items()}
    for key, value in per_step.items():
        if len(value) != rows:
            raise ValueError(
                f"`{key}` has {len(value)} rows but `observations` has {rows}; flat arrays need one row per step."
            )
    if rows == 0:
        raise ValueError("flat arrays hold no steps; the dataset is empty.")
    done = np.zeros(rows, bool)
    for key in ("terminals", "timeouts"):
        if key in per_step:
            done |= per_step[key].reshape(-1).astype(bool)
    ends = np.flatnonzero(done) + 1
    if not len(ends) or ends[-1] != rows:
        ends = np.append(ends, rows)
    next_states = None
    if "next_observations" in per_step:
        next_states = split_observation(arrays["next_observations"])[0]
    episodes = []
    for index, (start, end) in enumerate(zip(np.concatenate([[0], ends[:-1]]), ends)):
        last = end - 1
        final = states[last] if next_states is None else next_states[last]
        terminations = per_step.get("terminals", np.zeros(rows, bool))[start:end].reshape(-1)
        truncations = per_step.get("timeouts", np.zeros(rows, bool))[start:end].reshape(-1).astype(bool)
        if end == rows and not done[last]:
            truncations = truncations.copy()
            truncations[-1] = True
        episode_goals = None
        if goals is not None:
            episode_goals = np.concatenate([goals[start:end], goals[last:end]])
        episodes.append(
            Episode(
                observations=np.concatenate([states[start:end], final[None]]),
                goals=episode_goals,
                actions=per_step["actions"][start:end],
                rewards=per_step["rewards"][start:end],
                terminations=terminations,
                truncations=truncations,
                infos={key: value[start:end] for key, value in infos.items()},
                id=index,
            )
        )
    return episodes
