"""The mazes keras_mage regenerates, their evaluation settings, the ids of the datasets it writes, and input checks.

Plain Python (no Gymnasium), so command lines and error messages can list the
choices, and refuse bad ids and counts, without loading the simulators.

Example:

>>> dataset_id("pointmaze", "medium", steps=200_000)
'keras_mage/pointmaze/medium-200k-v0'
>>> dataset_id("antmaze", "large-play")
'keras_mage/antmaze/large-play-v0'
>>> ANTMAZE_VARIANTS[:2]
('umaze', 'umaze-diverse')
>>> check_count("steps", 0)
Traceback (most recent call last):
ValueError: steps must be a whole number of at least 1, got 0.
"""

import numbers
import os
import re

FULL_DATASET_STEPS = 1_000_000  # Minari's published size: the id without a size

# PointMaze (Minari's procedure): env per maze, evaluation goal cell (row, col) and time limit (D4RL's horizons).
POINTMAZE_ENVS = {"umaze": "PointMaze_UMaze-v3", "medium": "PointMaze_Medium-v3", "large": "PointMaze_Large-v3"}
POINTMAZE_MAZES = tuple(POINTMAZE_ENVS)
POINTMAZE_EVAL_GOAL_CELLS = {"umaze": (1, 1), "medium": (6, 6), "large": (7, 9)}
POINTMAZE_EVAL_MAX_EPISODE_STEPS = {"umaze": 300, "medium": 600, "large": 800}

# AntMaze (D4RL's policy): Minari's six variants; "diverse" medium and large mazes use the _Diverse_GR maps.
ANTMAZE_ENVS = {
    "umaze": "AntMaze_UMaze-v5",
    "umaze-diverse": "AntMaze_UMaze-v5",
    "medium-play": "AntMaze_Medium-v5",
    "medium-diverse": "AntMaze_Medium_Diverse_GR-v5",
    "large-play": "AntMaze_Large-v5",
    "large-diverse": "AntMaze_Large_Diverse_GR-v5",
}
ANTMAZE_VARIANTS = tuple(ANTMAZE_ENVS)
OGBENCH_REGENERATED_PREFIX = "keras_mage/ogbench/"  # the id of an OGBench dataset keras_mage regenerated
ANTMAZE_MAX_EPISODE_STEPS = {"umaze": 700, "medium": 1000, "large": 1000}  # per maze size
ANTMAZE_EVAL_CELLS = {"umaze": ((3, 1), (1, 1)), "medium": ((1, 1), (6, 6)), "large": ((1, 1), (7, 9))}  # start, goal


def dataset_id(kind, name, steps=FULL_DATASET_STEPS):
    """`keras_mage/<kind>/<name>-v0` for Minari's size, else with the step count in the name."""
    size = "" if steps == FULL_DATASET_STEPS else f"-{_short_count(steps)}"
    return f"keras_mage/{kind}/{name}{size}-v0"


# Minari's DATASET_ID_RE with the version required: Minari itself fails with a TypeError on ids without one.
_MINARI_ID = re.compile(r"(?:[-\w][-\w/]*[-\w]+/)?[-\w]+?-v\d+")
MINARI_ID_FORM = "namespace/name-vN, e.g. keras_mage/pointmaze/umaze-v0 or D4RL/pointmaze/umaze-v2"


def check_minari_id(dataset_id, local=None):
    """Raise a `ValueError` unless `dataset_id` has Minari's form `namespace/name-vN`.

    The message shows the form and, when `local` (the local ids) is given,
    the versions of that name found there, or else every local id.
    """
    text = dataset_id if isinstance(dataset_id, str) else ""
    if _MINARI_ID.fullmatch(text):
        return dataset_id
    if _MINARI_ID.fullmatch(f"{text}-v0"):
        message = f"Minari dataset id {dataset_id!r} has no version: add it, as in {MINARI_ID_FORM}."
    else:
        message = f"{dataset_id!r} is not a Minari dataset id: ids have the form {MINARI_ID_FORM}."
    if local is not None:
        versions = [name for name in local if re.fullmatch(rf"{re.escape(text)}-v\d+", name)]
        message += f" Local versions of it: {versions}." if versions else f" Local datasets: {sorted(local)}."
    raise ValueError(message)


def check_count(name, value, minimum=1):
    """`value` if it is a whole number of at least `minimum`, else a `ValueError` naming `name`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be a whole number of at least {minimum}, got {value!r}.")
    return value


def check_generation_options(steps, seed, ref_episodes, reset_every, workers=1):
    """Raise a `ValueError` naming the first generator option out of its range, before any work starts."""
    for name, value, minimum in (("steps", steps, 1), ("seed", seed, 0), ("ref_episodes", ref_episodes, 1),
                                 ("reset_every", reset_every, 1), ("workers", workers, 1)):
        check_count(name, value, minimum)
    if workers > steps:
        raise ValueError(f"workers ({workers}) must not exceed steps ({steps}): each worker records a share of them.")


def antmaze_size(variant):
    """The maze size ("umaze", "medium", "large") of an AntMaze variant."""
    if variant not in ANTMAZE_ENVS:
        raise ValueError(f"Unknown AntMaze variant {variant!r}; use one of {list(ANTMAZE_VARIANTS)}.")
    return variant.split("-")[0]


def _short_count(steps):
    for unit, divisor in (("m", 1_000_000), ("k", 1000)):
        if steps % divisor == 0:
            return f"{steps // divisor}{unit}"
    return str(steps)


def ogbench_regenerated_dir(dataset_dir=None):
    """Where regenerated OGBench files live: `dataset_dir`, `$KERAS_MAGE_OGBENCH_DIR` or `~/.keras_mage/ogbench`."""
    default = os.path.join("~", ".keras_mage", "ogbench")
    return os.path.expanduser(dataset_dir or os.environ.get("KERAS_MAGE_OGBENCH_DIR") or default)


def ogbench_env_id(dataset_name):
    """OGBench's env for a dataset (regenerated or not): its name without the dataset type.

    >>> ogbench_env_id("keras_mage/ogbench/pointmaze-medium-navigate-v0")
    'pointmaze-medium-v0'
    """
    parts = dataset_name.removeprefix(OGBENCH_REGENERATED_PREFIX).split("-")
    if len(parts) < 4:
        raise ValueError(f"{dataset_name!r} is not an OGBench dataset name such as pointmaze-medium-navigate-v0.")
    return "-".join(parts[:2] + parts[3:])
