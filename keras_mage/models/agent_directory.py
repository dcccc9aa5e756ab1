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
import shutil
import tempfile
from importlib import metadata as importlib_metadata

import keras

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
    parent = os.path.dirname(path)
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=".agent-", dir=parent)
    try:
        model.save(os.path.join(staging, MODEL_FILE))
        statistics = model.data_statistics or {}
        _write_json(os.path.join(staging, "config.json"), model.get_config())
        _write_json(
            os.path.join(staging, "metadata.json"),
            {
                "dataset_id": statistics.get("dataset_id"),
                "backend": keras.backend.backend(),
                "versions": package_versions(),
            },
        )
        if os.path.exists(path):
            shutil.rmtree(path)
        os.replace(staging, path)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
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


def _write_json(path, value):
    with open(path, "w") as f:
        json.dump(value, f, indent=2, default=_jsonable)


def _jsonable(value):
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"Not JSON serialisable: {type(value)}")
