"""Minari datasets (ids or `minari.MinariDataset` objects) -> EpisodeDataset.

Local ids load from `MINARI_DATASETS_PATH` (default ~/.minari/datasets).
Other ids download only when the remote answers a 3-second probe; offline,
loading fails at once with how to get or regenerate the data. An id without
its version is refused with the expected form; a dataset whose files cannot
be read raises a `DamagedFileError` naming the file and how to replace it.

Example:

>>> from keras_mage.data import load_episodes
>>> dataset = load_episodes("D4RL/pointmaze/umaze-v2")  # doctest: +SKIP
>>> env = dataset.make_env()  # the evaluation env  # doctest: +SKIP
"""

import os
from collections.abc import Mapping
from urllib.parse import urlparse

import numpy as np

from keras_mage.data.episodes import Episode, EpisodeDataset
from keras_mage.data.observations import split_observation
from keras_mage.data.sources.damaged import reading
from keras_mage.data.sources.hints import regeneration_hint
from keras_mage.data.sources.network import reachable
from keras_mage.datagen.catalogue import check_minari_id


def load_minari(dataset, *, download=True, timeout=3.0):
    """Loads a Minari dataset id (or `MinariDataset`) into an `EpisodeDataset`.

    Args:
        dataset: id such as "D4RL/pointmaze/umaze-v2", or a `minari.MinariDataset`.
        download: fetch ids missing locally (after a reachability probe).
        timeout: seconds the probe may take.
    """
    import minari

    if not isinstance(dataset, minari.MinariDataset):
        dataset = open_minari(os.fspath(dataset), download=download, timeout=timeout)
    episodes = [_episode(data) for data in _read_episodes(dataset)]
    metadata = dataset.storage.metadata
    low = getattr(dataset.action_space, "low", None)
    high = getattr(dataset.action_space, "high", None)
    if low is None or not (np.isfinite(low).all() and np.isfinite(high).all()):
        low = high = None
    return EpisodeDataset(
        episodes,
        dataset_id=dataset.id,
        env_spec=dataset.env_spec,
        eval_env_spec=getattr(dataset, "_eval_env_spec", None),  # Minari has no public accessor
        ref_min_score=metadata.get("ref_min_score"),
        ref_max_score=metadata.get("ref_max_score"),
        action_low=low,
        action_high=high,
        minari_dataset=dataset,
    )


def open_minari(dataset_id, *, download=True, timeout=3.0):
    """The local `MinariDataset` of an id, downloading it only when the remote answers."""
    import minari
    from minari.storage import get_dataset_path

    root = get_dataset_path()
    metadata = os.path.join(root, dataset_id, "data", "metadata.json")
    if os.path.isfile(metadata):
        with reading(metadata, _how_to_replace(dataset_id)):
            return minari.load_dataset(dataset_id)
    local = sorted(minari.list_local_datasets())
    check_minari_id(dataset_id, local)
    where = f"not in the local Minari root {os.fspath(root)!r} (set by MINARI_DATASETS_PATH)"
    if not download:
        raise ValueError(f"Minari dataset {dataset_id!r} is {where}. {_how_to_get(dataset_id, local)}")
    host = _remote_host()
    if not reachable(host, 443, timeout):
        raise ConnectionError(
            f"Minari dataset {dataset_id!r} is {where}, and {host} cannot be reached to download it. "
            + _how_to_get(dataset_id, local)
        )
    try:
        minari.download_dataset(dataset_id)
    except Exception as error:
        raise ValueError(
            f"Minari dataset {dataset_id!r} is {where} and could not be downloaded ({error}). "
            f"Check the id against `minari list remote`. Local datasets: {local}"
        ) from error
    return minari.load_dataset(dataset_id)


def _read_episodes(dataset):
    """`dataset.iterate_episodes()`; a file that cannot be read raises a `DamagedFileError` naming it."""
    path = os.path.join(dataset.storage.data_path, "main_data.hdf5")  # Minari's HDF5 storage
    with reading(path if os.path.isfile(path) else dataset.storage.data_path, _how_to_replace(dataset.id)):
        yield from dataset.iterate_episodes()


def _remote_host():
    remote = os.environ.get("MINARI_REMOTE", "hf://farama-minari")
    if remote.startswith("gcp://"):
        return "storage.googleapis.com"
    return urlparse(os.environ.get("HF_ENDPOINT", "https://huggingface.co")).hostname


def _how_to_replace(dataset_id):
    download = "" if dataset_id.startswith("keras_mage/") else f"download it again (`minari download {dataset_id}`) or "
    return (f"Delete the dataset (`minari delete {dataset_id}`), then {download}"
            f"regenerate it: `{regeneration_hint(dataset_id)}`.")


def _how_to_get(dataset_id, local):
    return (
        f"Download it on a machine with network (`minari download {dataset_id}`), copy its folder "
        "under a directory here and point MINARI_DATASETS_PATH at that directory; or regenerate "
        f"similar data locally with `{regeneration_hint(dataset_id)}`. Local datasets: {local}"
    )


def _episode(data):
    states, goals = split_observation(data.observations)
    return Episode(
        observations=states,
        goals=goals,
        actions=np.reshape(data.actions, (len(data.rewards), -1)),
        rewards=data.rewards,
        terminations=data.terminations,
        truncations=data.truncations,
        infos=_flatten(data.infos),
        id=data.id,
    )


def _flatten(infos, prefix=""):
    flat = {}
    for key, value in infos.items():
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{prefix}{key}/"))
        else:
            flat[f"{prefix}{key}"] = np.asarray(value)
    return flat
