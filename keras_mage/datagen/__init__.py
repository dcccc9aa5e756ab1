"""Dataset generators: faithful local regenerations of the maze datasets.

PointMaze follows Minari's published procedure; AntMaze drives Gymnasium's
ant with D4RL's collection policy. Both write real local Minari datasets
under keras_mage's own namespace (never D4RL's ids).

Example:
    >>> from keras_mage.datagen import generate_pointmaze
    >>> generate_pointmaze("umaze", steps=1_000_000, seed=123)  # doctest: +SKIP
    'keras_mage/pointmaze/umaze-v0'
"""

import importlib

_ATTRIBUTES = {
    "AntPolicy": "keras_mage.datagen.ant_policy",
    "load_ant_policy": "keras_mage.datagen.ant_policy",
    "generate_antmaze": "keras_mage.datagen.antmaze",
    "MazePlanner": "keras_mage.datagen.maze_planner",
    "generate_pointmaze": "keras_mage.datagen.pointmaze",
}
__all__ = sorted(_ATTRIBUTES)


def __getattr__(name):
    """Loads the generators (and Gymnasium with them) on first use: `datagen.catalogue` alone stays light."""
    if name in _ATTRIBUTES:
        return getattr(importlib.import_module(_ATTRIBUTES[name]), name)
    raise AttributeError(f"module 'keras_mage.datagen' has no attribute {name!r}")
