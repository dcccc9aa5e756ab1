"""Dataset generators: faithful local regenerations of the maze datasets.

PointMaze follows Minari's published procedure; AntMaze drives Gymnasium's
ant with D4RL's collection policy. Both write real local Minari datasets
under keras_mage's own namespace (never D4RL's ids).

Example:
    >>> from keras_mage.datagen import generate_pointmaze
    >>> generate_pointmaze("umaze", steps=1_000_000, seed=123)  # doctest: +SKIP
    'keras_mage/pointmaze/umaze-v0'
"""

from keras_mage.datagen.ant_policy import AntPolicy, load_ant_policy
from keras_mage.datagen.antmaze import generate_antmaze
from keras_mage.datagen.maze_planner import MazePlanner
from keras_mage.datagen.pointmaze import generate_pointmaze

__all__ = ["AntPolicy", "MazePlanner", "generate_antmaze", "generate_pointmaze",
           "load_ant_policy"]
