"""`load_episodes`: one entry point for every offline-data source.

Example:

>>> from keras_mage.data import load_episodes
>>> load_episodes("D4RL/pointmaze/umaze-v2")            # Minari id  # doctest: +SKIP
>>> load_episodes("d4rl_antmaze/umaze-v2", goal_key="goal")  # TFDS builder  # doctest: +SKIP
>>> load_episodes("maze2d-umaze-v1.hdf5")                # D4RL HDF5 file  # doctest: +SKIP
>>> load_episodes("pointmaze-giant-stitch-v0", split="val")  # OGBench  # doctest: +SKIP
>>> load_episodes([{"observations": ..., "actions": ..., "rewards": ...}])  # doctest: +SKIP
"""

import os
from collections.abc import Mapping

from keras_mage.data.episodes import EpisodeDataset

KINDS = ("minari", "tfds", "hdf5", "numpy", "ogbench")
HDF5_SUFFIXES = (".hdf5", ".h5")


def load_episodes(source, *, kind=None, **kwargs):
    """Loads offline data into an `EpisodeDataset`.

    Args:
        source: an EpisodeDataset (returned as is); a `minari.MinariDataset`;
            an OGBench dataset name (e.g. "pointmaze-giant-stitch-v0", or
            "ogbench:<name>"); a path to a .hdf5/.h5 (D4RL) or .npz file
            (flat arrays, or OGBench's layout), a prepared TFDS
            directory or a Minari dataset directory; a TFDS builder name
            (prefix "tfds:" unless it starts with "d4rl_"); a Minari id
            (any other string, optionally prefixed "minari:"); a list of
            Episodes or dicts; a dict of flat arrays.
        kind: force one of "minari", "tfds", "hdf5", "numpy", "ogbench".
        **kwargs: options of that source (see `load_minari`, `load_tfds`,
            `load_hdf5`, `load_numpy`, `load_ogbench`), e.g. download,
            goal_key, split.
    """
    if isinstance(source, EpisodeDataset):
        if kwargs:
            raise TypeError(f"options {sorted(kwargs)} do not apply to an already loaded EpisodeDataset.")
        return source
    kind, source = _resolve(source, kind)
    if kind == "minari":
        from keras_mage.data.sources.minari_source import load_minari as load
    elif kind == "tfds":
        from keras_mage.data.sources.tfds_source import load_tfds as load
    elif kind == "hdf5":
        from keras_mage.data.sources.hdf5_source import load_hdf5 as load
    elif kind == "ogbench":
        from keras_mage.data.sources.ogbench_source import load_ogbench as load
    else:
        from keras_mage.data.sources.numpy_source import load_numpy as load
    return load(source, **kwargs)


def _resolve(source, kind):
    """Returns (kind, source) with any "tfds:" / "minari:" prefix removed."""
    if kind is not None:
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}; use one of {KINDS}.")
        return kind, source
    if type(source).__module__.startswith("minari"):
        return "minari", source
    if isinstance(source, (list, tuple, Mapping)):
        return "numpy", source
    if not isinstance(source, (str, os.PathLike)):
        raise TypeError(
            f"cannot load episodes from a {type(source).__name__}; give a Minari id, a path, "
            "a TFDS builder name, a list of episodes or a dict of arrays."
        )
    path = os.fspath(source)
    for prefix in ("tfds:", "minari:", "ogbench:"):
        if path.startswith(prefix):
            return prefix[:-1], path[len(prefix) :]
    lower = path.lower()
    if lower.endswith(HDF5_SUFFIXES):
        return "hdf5", path
    if lower.endswith(".npz"):
        return ("ogbench" if _ogbench_layout(path) else "numpy"), path
    if os.path.isdir(path):
        if os.path.isfile(os.path.join(path, "dataset_info.json")):
            return "tfds", path
        if os.path.isfile(os.path.join(path, "data", "metadata.json")):
            import minari

            return "minari", minari.MinariDataset(os.path.join(path, "data"))
        raise ValueError(
            f"{path!r} is a directory but neither a prepared TFDS dataset (dataset_info.json) "
            "nor a Minari dataset (data/metadata.json); point at the dataset's own folder."
        )
    if path.startswith("d4rl_"):
        return "tfds", path
    from keras_mage.data.sources.ogbench_source import is_ogbench_name

    if is_ogbench_name(path):
        return "ogbench", path
    if os.path.isabs(path) or path.startswith("."):
        raise FileNotFoundError(f"no dataset at {path!r}; check the path.")
    return "minari", path


def _ogbench_layout(path):
    """Whether the `.npz` at `path` has OGBench's arrays (terminals, no rewards); False if it cannot be read."""
    import zipfile

    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as arrays:
            return "terminals" in arrays.files and "rewards" not in arrays.files
    except (OSError, ValueError, EOFError, zipfile.BadZipFile):  # missing or damaged: the numpy source says which
        return False
