"""Every example in keras_mage's docstrings runs and prints what it shows, on every backend."""

import doctest
import importlib
import pkgutil

import pytest

import keras_mage

MODULES = sorted(
    name
    for _, name, _ in pkgutil.walk_packages(keras_mage.__path__, "keras_mage.")
    if not name.endswith("__main__")
)


def test_every_module_is_found():
    assert {"keras_mage.presets", "keras_mage.layers.transformer_block", "keras_mage.data.windows"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    results = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert results.failed == 0, f"{results.failed} docstring example(s) in {name} failed (doctest report in the captured stdout)"
