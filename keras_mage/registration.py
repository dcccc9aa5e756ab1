"""Register keras_mage's serialisable classes with Keras whenever Keras is imported.

`import keras_mage` stays light (no Keras, so no TensorFlow: dataset generation
and MuJoCo rendering need that), yet `keras.saving.load_model` finds the
`keras_mage>...` classes whichever of `keras` and `keras_mage` came first.

Example:

>>> import keras_mage, keras
>>> keras.saving.load_model("runs/umaze/model.keras")  # doctest: +SKIP
"""

import importlib
import importlib.abc
import importlib.util
import sys

_REGISTERING_MODULES = ("keras_mage.models", "keras_mage.baselines")


def register_with_keras():
    """Registers the classes now if Keras is loaded, else right after Keras loads."""
    if "keras" in sys.modules:
        _import_registering_modules()
    elif not any(isinstance(finder, _AfterKerasImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _AfterKerasImport())


def _import_registering_modules():
    for module in _REGISTERING_MODULES:
        importlib.import_module(module)


class _AfterKerasImport(importlib.abc.MetaPathFinder):
    """Finds `keras` through the other finders and registers once it has executed.

    It stays on `sys.meta_path` until Keras actually executes: TensorFlow
    looks Keras up (`importlib.util.find_spec`) before importing it, and a
    finder gone after that look-up would miss the import itself.
    """

    def __init__(self):
        self._searching = False

    def find_spec(self, name, path=None, target=None):
        if name != "keras" or self._searching:
            return None
        self._searching = True  # the other finders, not this one again
        try:
            spec = importlib.util.find_spec(name)
        finally:
            self._searching = False
        if spec is None or spec.loader is None:
            return spec
        execute = spec.loader.exec_module

        def execute_then_register(module):
            if self in sys.meta_path:
                sys.meta_path.remove(self)
            execute(module)
            _import_registering_modules()

        spec.loader.exec_module = execute_then_register
        return spec
