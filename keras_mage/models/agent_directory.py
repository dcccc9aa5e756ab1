"""A trained agent as a directory: `model.keras`, readable config, metadata.

Layout::

    agent/
      model.keras     # architecture, weights, data statistics, compile state
      config.json     # the same configuration, for people and tools
      metadata.json   # dataset id, package versions, keras backend

Example:

>>> model.save_to_preset("runs/umaze_agent")  # doctest: +SKIP
>>> agent = keras_mage.MAGE.from_preset("runs/umaze_agent")  # doctest: +SKIP
"""

import json
import os
from importlib import metadata as importlib_metadata

import keras

from keras_mage.utils.files import atomic_path, write_json

MODEL_FILE = "model.keras"
PACKAGES = ("keras_mage", "keras", "tensorflow", "jax", "torch", "numpy", "minari", "gymnasium", "gymnasium-robotics", "mujoco")


def is_agent_directory(path):
    return isinstance(path, (str, os.PathLike)) and os.path.isfile(os.path.join(path, MODEL_FILE))


def package_versions():
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def save(model, path):
    """Writes the agent directory atomically (a temporary sibling renamed into place)."""
    path = os.path.abspath(os.fspath(path))
    with atomic_path(path, directory=True) as staging:
        model.save(os.path.join(staging, MODEL_FILE))
        write_json(os.path.join(staging, "config.json"), model.get_config())
        write_json(
            os.path.join(staging, "metadata.json"),
            {
                "dataset_id": None if model.data_statistics is None else model.data_statistics.dataset_id,
                "backend": keras.backend.backend(),
                "versions": package_versions(),
            },
        )
    return path


def load(path, **overrides):
    """Loads an agent directory written by `save`. `overrides` are not allowed (the weights fix the shape)."""
    if overrides:
        raise ValueError(f"A saved agent cannot take option overrides; got {sorted(overrides)}.")
    return keras.saving.load_model(os.path.join(path, MODEL_FILE))


def read_config(path):
    """The model configuration in `config.json`, read without loading the weights."""
    file = os.path.join(path, "config.json")
    if not os.path.isfile(file):
        raise ValueError(
            f"{path} holds no config.json; it is not a complete agent directory (`MAGE.save_to_preset` writes one)."
        )
    with open(file) as f:
        return json.load(f)
