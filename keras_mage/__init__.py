"""keras_mage: MAGE (multi-scale autoregressive generation for offline RL) in Keras 3.

Example:

>>> import keras_mage
>>> model = keras_mage.MAGE.from_preset("tiny", seed=0)
>>> model.fit("keras_mage/pointmaze/umaze-v0", epochs=1)  # doctest: +SKIP
"""

from keras_mage import distribution, layers
from keras_mage.models import MAGE
from keras_mage.presets import PRESETS, get_preset
from keras_mage.version import __version__
