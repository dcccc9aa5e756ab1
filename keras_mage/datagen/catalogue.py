"""The mazes keras_mage regenerates, their evaluation settings and the ids of the datasets it writes.

Plain Python (no Gymnasium), so command lines and error messages can list the
choices without loading the simulators.

Example:

>>> dataset_id("pointmaze", "medium", steps=200_000)
'keras_mage/pointmaze/medium-200k-v0'
>>> dataset_id("antmaze", "large-play")
'keras_mage/antmaze/large-play-v0'
>>> ANTMAZE_VARIANTS[:2]
('umaze', 'umaze-diverse')
"""

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
ANTMAZE_MAX_EPISODE_STEPS = {"umaze": 700, "medium": 1000, "large": 1000}  # per maze size
ANTMAZE_EVAL_CELLS = {"umaze": ((3, 1), (1, 1)), "medium": ((1, 1), (6, 6)), "large": ((1, 1), (7, 9))}  # start, goal


def dataset_id(kind, name, steps=FULL_DATASET_STEPS):
    """`keras_mage/<kind>/<name>-v0` for Minari's size, else with the step count in the name."""
    size = "" if steps == FULL_DATASET_STEPS else f"-{_short_count(steps)}"
    return f"keras_mage/{kind}/{name}{size}-v0"


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
