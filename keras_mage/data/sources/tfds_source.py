"""TFDS / RLDS episodes (builder names or local directories) -> EpisodeDataset.

Each RLDS episode is a sequence of steps (observation, action, reward,
discount, is_first, is_last, is_terminal, infos). A terminal episode ends with
a dummy step whose action and reward mean nothing: it is dropped, and its
observation becomes the final state (unless it is D4RL's all-zero placeholder,
then the last real state is repeated). tensorflow_datasets is imported only here.

Example:

>>> from keras_mage.data import load_episodes
>>> dataset = load_episodes("d4rl_antmaze/umaze-v2", goal_key="goal")  # doctest: +SKIP
>>> dataset = load_episodes("/data/my_rlds/1.0.0")  # a prepared local directory  # doctest: +SKIP
"""

import os

import numpy as np

from keras_mage.data.episodes import Episode, EpisodeDataset
from keras_mage.data.observations import split_observation
from keras_mage.data.sources.hints import regeneration_hint
from keras_mage.data.sources.network import reachable

D4RL_HOST = ("rail.eecs.berkeley.edu", 80)  # where the d4rl_* builders download from
OTHER_HOST = ("storage.googleapis.com", 443)


def load_tfds(source, *, split="train", data_dir=None, download=True, goal_key=None, timeout=3.0, **metadata):
    """Reads an RLDS dataset into an `EpisodeDataset`.

    Args:
        source: builder name ("d4rl_antmaze/umaze-v2") or a prepared directory.
        split: TFDS split; data_dir: TFDS data root (default TFDS_DATA_DIR or
            ~/tensorflow_datasets); download: prepare a missing builder (after a
            reachability probe); goal_key: the step infos entry holding goals;
        timeout: seconds the probe may take; metadata: EpisodeDataset keywords.
    """
    tfds = _import_tfds()
    builder = _builder(tfds, os.fspath(source), data_dir, download, timeout)
    whole = np.iinfo(np.int32).max
    ds = builder.as_dataset(split=split).map(lambda episode: episode["steps"].batch(whole).get_single_element())
    episodes = []
    for steps in tfds.as_numpy(ds):
        episode = _episode(steps, len(episodes), goal_key)
        if episode is not None:
            episodes.append(episode)
    metadata.setdefault("dataset_id", builder.info.full_name)
    return EpisodeDataset(episodes, **metadata)


def _import_tfds():
    try:
        import tensorflow_datasets as tfds
    except ImportError as error:
        raise ImportError(
            "reading TFDS/RLDS data needs tensorflow-datasets: `pip install tensorflow-datasets`."
        ) from error
    return tfds


def _builder(tfds, source, data_dir, download, timeout):
    if os.path.isdir(source):
        return tfds.builder_from_directory(source)
    if os.path.isabs(source):
        raise FileNotFoundError(f"no TFDS dataset directory at {source!r}; check the path.")
    try:
        builder = tfds.builder(source, data_dir=data_dir)
    except Exception as error:  # tfds raises several registry errors
        raise ValueError(
            f"unknown TFDS builder {source!r} ({type(error).__name__}); give a name such as "
            "'d4rl_antmaze/umaze-v2' or the directory of a prepared dataset (holding dataset_info.json)."
        ) from error
    if builder.is_prepared():
        return builder
    where = f"TFDS dataset {source!r} is not prepared in {builder.data_dir!r}"
    how = (
        f"Build it on a machine with network (`tfds build {source}`), copy the folder to this data_dir "
        "(or set TFDS_DATA_DIR / pass data_dir=); or regenerate similar data locally with "
        f"`{regeneration_hint(source)}`."
    )
    if not download:
        raise ValueError(f"{where}. {how}")
    host, port = D4RL_HOST if source.startswith("d4rl_") else OTHER_HOST
    if not reachable(host, port, timeout):
        raise ConnectionError(f"{where}, and {host} cannot be reached to download it. {how}")
    builder.download_and_prepare()
    return builder


def _episode(steps, index, goal_key):
    """One Episode from an RLDS episode's batched steps, or None when it has no transition."""
    states, goals = split_observation(steps["observation"])
    count = len(states)
    dummy = bool(count and steps["is_last"][-1] and steps["is_terminal"][-1])
    length = count - 1 if dummy else count
    if length < 1:
        return None
    final = states[-1] if dummy and np.any(states[-1]) else states[length - 1]
    infos = {key: np.asarray(value)[:length] for key, value in steps.get("infos", {}).items()}
    if goal_key is not None:
        if goal_key not in infos:
            raise ValueError(f"goal_key {goal_key!r} is not among the step infos {sorted(infos)}.")
        goals = infos[goal_key]
    if goals is not None:
        goals = np.concatenate([goals[:length], goals[length - 1 : length]])
    terminations = np.zeros(length, bool)
    terminations[-1] = dummy
    truncations = np.zeros(length, bool)
    truncations[-1] = not dummy and bool(steps["is_last"][-1])
    return Episode(
        observations=np.concatenate([states[:length], final[None]]),
        goals=goals,
        actions=np.reshape(steps["action"][:length], (length, -1)),
        rewards=np.reshape(steps["reward"][:length], -1),
        terminations=terminations,
        truncations=truncations,
        infos=infos,
        id=index,
    )
