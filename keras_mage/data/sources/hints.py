"""The regeneration command to suggest when a dataset cannot be fetched.

Example:

>>> from keras_mage.data.sources.hints import regeneration_hint
>>> regeneration_hint("D4RL/pointmaze/medium-dense-v2")
'python -m keras_mage.datagen pointmaze --maze medium (saved as keras_mage/pointmaze/medium-v0)'
>>> regeneration_hint("d4rl_antmaze/large-play-v2")
'python -m keras_mage.datagen antmaze --variant large-play (saved as keras_mage/antmaze/large-play-v0)'
>>> regeneration_hint("keras_mage/pointmaze/umaze-200k-v0")
'python -m keras_mage.datagen pointmaze --maze umaze --steps 200000 (saved as keras_mage/pointmaze/umaze-200k-v0)'
>>> regeneration_hint("D4RL/kitchen/mixed-v2")
'python -m keras_mage.datagen --help'
"""

import re

from keras_mage.datagen.catalogue import ANTMAZE_VARIANTS, FULL_DATASET_STEPS, POINTMAZE_MAZES, dataset_id

_UNITS = {"": 1, "k": 1000, "m": 1_000_000}


def _pattern(kind, names):
    longest_first = sorted(names, key=len, reverse=True)  # umaze-diverse before umaze
    size = r"(?:-(\d+)([km]?)(?=-v\d))?"  # the step count of a keras_mage id, see catalogue.dataset_id
    return kind + r"\W+(" + "|".join(map(re.escape, longest_first)) + ")" + size


def regeneration_hint(name):
    """`python -m keras_mage.datagen ...` for maze data like `name` (its size too for keras_mage ids), else the help."""
    for kind, names, option in (("pointmaze", POINTMAZE_MAZES, "--maze"), ("antmaze", ANTMAZE_VARIANTS, "--variant")):
        match = re.search(_pattern(kind, names), name)
        if match:
            maze, count, unit = match.groups()
            steps = FULL_DATASET_STEPS if count is None else int(count) * _UNITS[unit]
            flag = "" if steps == FULL_DATASET_STEPS else f" --steps {steps}"
            saved_as = dataset_id(kind, maze, steps)
            return f"python -m keras_mage.datagen {kind} {option} {maze}{flag} (saved as {saved_as})"
    return "python -m keras_mage.datagen --help"
