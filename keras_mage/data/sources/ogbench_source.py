"""OGBench datasets (`.npz` files in OGBench's layout) -> EpisodeDataset.

OGBench (Park et al., ICLR 2025) stores each dataset as two files,
`<name>.npz` (training) and `<name>-val.npz` (validation), in its data
directory (`~/.ogbench/data` unless `dataset_dir` says otherwise). Each holds
flat `observations`, `actions` and `terminals`; `terminals` is 1 on the last
row of every trajectory, whose state has no next state and whose action is
not part of a transition (the layout `ogbench.utils.load_dataset` reads).
The data carries no task reward and no goal: goal-conditioned training
relabels goals from states reached later in the same trajectory. Episodes
load with zero rewards and no goals. Files that `keras_mage.datagen`
regenerated (`keras_mage_generator` inside) load as
"keras_mage/ogbench/<name>", never under OGBench's own name.

Example:

>>> from keras_mage.data.sources.ogbench_source import load_ogbench
>>> train = load_ogbench("pointmaze-giant-stitch-v0")  # doctest: +SKIP
>>> validation = load_ogbench("pointmaze-giant-stitch-v0", split="val")  # doctest: +SKIP
>>> load_ogbench("runs/data/pointmaze-medium-navigate-v0.npz")  # a file anywhere  # doctest: +SKIP
>>> load_ogbench("keras_mage/ogbench/pointmaze-giant-stitch-v0")  # regenerated locally  # doctest: +SKIP
"""

import os
import re

import numpy as np

from keras_mage.data.episodes import Episode, EpisodeDataset
from keras_mage.datagen.catalogue import OGBENCH_REGENERATED_PREFIX, ogbench_regenerated_dir
from keras_mage.data.sources.damaged import reading

DEFAULT_DATASET_DIR = os.path.join("~", ".ogbench", "data")
SPLITS = ("train", "val")
REQUIRED = ("observations", "actions", "terminals")
# OGBench dataset names: <env>[-<size>]-<dataset type>[-<variant>]-v<version>, e.g. pointmaze-giant-stitch-v0,
# cube-single-play-v0, antmaze-large-navigate-singletask-task1-v0. The dataset type tells them from
# namespace-less Minari ids such as pointmaze-umaze-v1.
NAME = re.compile(r"^[a-z0-9-]+-(navigate|stitch|explore|noisy|play)(-[a-z0-9]+)*-v\d+$")


def is_ogbench_name(name):
    """Whether `name` is spelled like an OGBench dataset name (or a regenerated one, "keras_mage/ogbench/<name>").

    >>> [is_ogbench_name(n) for n in ("pointmaze-giant-stitch-v0", "D4RL/pointmaze/umaze-v2", "pointmaze-umaze-v1")]
    [True, False, False]
    """
    return bool(NAME.match(str(name).removeprefix(OGBENCH_REGENERATED_PREFIX)))


def dataset_path(name, split="train", dataset_dir=None):
    """The file holding `split` of dataset `name` (`<dir>/<name>.npz` or `<dir>/<name>-val.npz`).

    OGBench's own files are looked for in `dataset_dir`, `$OGBENCH_DATASET_DIR`
    or `~/.ogbench/data`; "keras_mage/ogbench/<name>" in `ogbench_regenerated_dir`.
    """
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; OGBench datasets have {SPLITS}.")
    if name.startswith(OGBENCH_REGENERATED_PREFIX):
        directory, name = ogbench_regenerated_dir(dataset_dir), name[len(OGBENCH_REGENERATED_PREFIX):]
    else:
        directory = os.path.expanduser(dataset_dir or os.environ.get("OGBENCH_DATASET_DIR") or DEFAULT_DATASET_DIR)
    return os.path.join(directory, name + ("-val" if split == "val" else "") + ".npz")


def load_ogbench(source, *, split="train", dataset_dir=None):
    """Loads an OGBench dataset by name (from `dataset_dir`, default `~/.ogbench/data`) or from an `.npz` path.

    `split="val"` reads the validation file (`<name>-val.npz`; for a path,
    the same path with `-val` before `.npz`). The dataset id stored with a
    model is the dataset's name.
    """
    name = os.fspath(source)
    if name.endswith(".npz"):
        path = os.fspath(source)
        if split == "val" and not path.endswith("-val.npz"):
            path = path[: -len(".npz")] + "-val.npz"
        name = os.path.basename(name)[: -len(".npz")].removesuffix("-val")
    else:
        path = dataset_path(name, split, dataset_dir)
    if not os.path.isfile(path):
        raise FileNotFoundError(_missing(name, split, path))
    fix = f"Replace {path} with an intact copy (delete it and download or generate it again)."
    with reading(path, fix):
        with np.load(path, allow_pickle=False) as arrays:
            data = {key: arrays[key] for key in REQUIRED if key in arrays.files}
            held = sorted(arrays.files)
            regenerated = "keras_mage_generator" in arrays.files
    missing = [key for key in REQUIRED if key not in data]
    if missing:
        raise ValueError(f"{path} lacks {missing}: not an OGBench dataset file (it holds {held}). {fix}")
    episodes = split_trajectories(data["observations"], data["actions"], data["terminals"], source=path)
    name = name.removeprefix(OGBENCH_REGENERATED_PREFIX)
    return EpisodeDataset(episodes, dataset_id=OGBENCH_REGENERATED_PREFIX + name if regenerated else name)


def _missing(name, split, path):
    """The message for a dataset file that is not there, with the command that makes it."""
    if name.startswith(OGBENCH_REGENERATED_PREFIX):
        bare = name[len(OGBENCH_REGENERATED_PREFIX):]
        return (
            f"Regenerated OGBench dataset {name!r} ({split}) is not at {path}. Generate it with "
            f"`python -m keras_mage.datagen ogbench --dataset {bare}`, or pass dataset_dir= (or set "
            "KERAS_MAGE_OGBENCH_DIR) to the folder that holds it."
        )
    return (
        f"OGBench dataset {name!r} ({split}) is not at {path}. Where the network reaches OGBench's server: "
        f"`python -c \"import ogbench; ogbench.download_datasets(['{name}'])\"`; without it, regenerate the "
        f"PointMaze ones locally (`python -m keras_mage.datagen ogbench --dataset {name}`, then load "
        f"'{OGBENCH_REGENERATED_PREFIX}{name}'); or pass dataset_dir= (or set OGBENCH_DATASET_DIR) to the "
        "folder that holds it."
    )


def split_trajectories(observations, actions, terminals, source="the data"):
    """Episodes of OGBench's flat arrays: each trajectory ends on a row with `terminals` = 1.

    That row's state is the trajectory's last (it has no transition), so a
    trajectory of n rows is an episode of n - 1 steps.

    >>> episodes = split_trajectories(np.arange(5.0)[:, None], np.zeros((5, 1)), [0, 0, 1, 0, 1])
    >>> [len(e) for e in episodes], episodes[1].observations[:, 0].tolist()
    ([2, 1], [3.0, 4.0])
    """
    observations = np.asarray(observations, np.float32)
    actions = np.asarray(actions, np.float32)
    terminals = np.asarray(terminals).reshape(-1).astype(bool)
    if not len(observations) == len(actions) == len(terminals):
        raise ValueError(
            f"{source}: observations, actions and terminals have {len(observations)}, {len(actions)} and "
            f"{len(terminals)} rows; OGBench's arrays have one row per state."
        )
    if not terminals.any() or not terminals[-1]:
        raise ValueError(
            f"{source}: the last row is not marked in `terminals`, so the last trajectory is cut off "
            "(OGBench marks the final state of every trajectory with 1); the file is incomplete."
        )
    ends = np.flatnonzero(terminals) + 1
    starts = np.concatenate([[0], ends[:-1]])
    episodes = []
    for index, (start, end) in enumerate(zip(starts, ends)):
        steps = end - start - 1
        if steps < 1:
            raise ValueError(f"{source}: trajectory {index} (rows {start}-{end - 1}) has no transition.")
        last = np.zeros(steps, bool)
        last[-1] = True
        episodes.append(Episode(
            observations=observations[start:end], goals=None, actions=actions[start : end - 1],
            rewards=np.zeros(steps, np.float32), terminations=np.zeros(steps, bool), truncations=last, id=index,
        ))
    return episodes
