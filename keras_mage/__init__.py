"""keras_mage: MAGE (multi-scale autoregressive generation for offline RL) in Keras 3.

Example:

>>> import keras_mage
>>> model = keras_mage.MAGE.from_preset("tiny", seed=0)
>>> model.fit("keras_mage/pointmaze/umaze-v0", epochs=1)  # doctest: +SKIP

Attributes load lazily, so `python -m keras_mage.datagen` (dataset generation,
MuJoCo rendering) never imports Keras or TensorFlow. When Keras is already
imported, or as soon as it is, the models load (keras_mage/registration.py),
so that `keras.saving.load_model` finds the `keras_mage>...` classes after a
plain `import keras_mage`, in either import order.
"""

import importlib

from keras_mage.registration import register_with_keras
from keras_mage.version import __version__

_ATTRIBUTES = {
    "MAGE": ("keras_mage.models", "MAGE"),
    "PRESETS": ("keras_mage.presets", "PRESETS"),
    "get_preset": ("keras_mage.presets", "get_preset"),
}
_SUBMODULES = ("baselines", "control", "data", "datagen", "distribution", "export", "layers", "models")


def __getattr__(name):
    if name in _ATTRIBUTES:
        module, attribute = _ATTRIBUTES[name]
        return getattr(importlib.import_module(module), attribute)
    if name in _SUBMODULES:
        return importlib.import_module(f"keras_mage.{name}")
    raise AttributeError(f"module 'keras_mage' has no attribute {name!r}")


def __dir__():
    return sorted([*_ATTRIBUTES, *_SUBMODULES, "__version__"])


register_with_keras()
