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

POINTMAZE = r"pointmaze\W+(umaze|medium|large)"
ANTMAZE = r"antmaze\W+(umaze-diverse|medium-play|medium-diverse|large-play|large-diverse|umaze)"


def regeneration_hint(name):
    """`python -m keras_mage.datagen ...` for maze data like `name`, else the CLI help."""
    for pattern, kind, option in ((POINTMAZE, "pointmaze", "--maze"), (ANTMAZE, "antmaze", "--variant")):
        match = re.search(pattern, name)
        if match:
            maze = match.group(1)
            return f"python -m keras_mage.datagen {kind} {option} {maze} (saved as keras_mage/{kind}/{maze}-v0)"
    return "python -m keras_mage.datagen --help"
