"""Gymnasium-Robotics maze envs without the model file each one leaves behind.

A maze env writes its MuJoCo model (an `ant_maze<time>.xml` file, PointMaze
too) next to the temp folder, builds from it and never removes it, so every
env made leaves one file in `/tmp`. Once built the env does not read it
again: `make` builds an env and deletes its file; `remove_maze_file` does the
same for an env built elsewhere (a Minari `recover_environment`).

Example:

>>> env = make("PointMaze_UMaze-v3")
>>> os.path.exists(env.unwrapped.tmp_xml_file_path)
False
"""

import os


def make(spec, **kwargs):
    """`gymnasium.make(spec, **kwargs)` with Gymnasium-Robotics registered, its maze file removed."""
    import gymnasium as gym
    import gymnasium_robotics

    gym.register_envs(gymnasium_robotics)
    return remove_maze_file(gym.make(spec, **kwargs))


def remove_maze_file(env):
    """Deletes the model file a maze env wrote, if any; returns `env` (other envs unchanged)."""
    path = getattr(env.unwrapped, "tmp_xml_file_path", None)
    if path and os.path.exists(path):
        os.remove(path)
    return env
