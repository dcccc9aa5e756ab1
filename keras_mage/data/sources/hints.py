"""The regeneration command to suggest when a dataset cannot be fetched.

Example:

>>> from keras_mage.data.sources.hints import regeneration_hint
>>> regeneration_hint("D4RL/pointmaze/medium-dense-v2")
'python -m keras_mage.datagen pointmaze --maze medium (saved as keras_mage/pointmaze/medium-v0)'
>>> regeneration_hint("d4rl_antmaze/large-play-v2")
'python -m keras_mage.datagen antmaze --variant large-play (saved as keras_mage/antmaze/large-play-v0)'
>>> regeneration_hint("D4RL/kitchen/mixed-v2")
'python -m keras_mage.datagen --help'
"""

import re

from keras_mage.datagen.catalogue import ANTMAZE_VARIANTS, POINTMAZE_MAZES, dataset_id


def _pattern(kind, names):
    longest_first = sorted(names, key=len, reverse=True)  # umaze-diverse before umaze
    return kind + r"\W+(" + "|".join(map(re.escape, longest_first)) + ")"


def regeneration_hint(name):
    """`python -m keras_mage.datagen ...` for maze data like `name`, else the CLI help."""
    for kind, names, option in (("pointmaze", POINTMAZE_MAZES, "--maze"), ("antmaze", ANTMAZE_VARIANTS, "--variant")):
        match = re.search(_pattern(kind, names), name)
        if match:
            maze = match.group(1)
            return f"python -m keras_mage.datagen {kind} {option} {maze} (saved as {dataset_id(kind, maze)})"
    return "python -m keras_mage.datagen --help"
