"""A trained agent as a directory: `model.keras`, readable config, metadata.

Layout::

    agent/
      model.keras     # architecture, weights, data statistics, compile state
      config.json     # the same configuration, for people and tools
      metadata.json   # dataset id, package versions, keras backend

Loading refuses, naming the file and the fix, a damaged or truncated
`.keras` file and a config.json that differs from the configuration inside
model.keras (which the weights were trained with, so it is authoritative).

Example:

>>> model.save_to_preset("runs/umaze_agent")  # doctest: +SKIP
>>> agent = keras_mage.MAGE.from_preset("runs/umaze_agent")  # doctest: +SKIP
"""

import json
import os
import reprlib
import zipfile
import zlib
from importlib import metadata as importlib_metadata

import keras

from keras_mage.presets import MODEL_FILE
from keras_mage.utils.files import atomic_path, write_json

CONFIG_FILE = "config.json"
PACKAGES = ("keras_mage", "keras", "tensorflow", "jax", "torch", "numpy", "minari", "gymnasium", "gymnasium-robotics", "mujoco")


def is_agent_directory(path):
    return isinstance(path, (str, os.PathLike)) and os.path.isfile(os.path.join(path, MODEL_FILE))


def is_saved_agent(path):
    """Whether `path` is an agent directory or a `.keras` file."""
    return is_agent_directory(path) or (
        isinstance(path, (str, os.PathLike)) and os.fspath(path).endswith(".keras") and os.path.isfile(path)
    )


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
        write_json(os.path.join(staging, CONFIG_FILE), model.get_config())
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
    """Loads a saved agent: a directory written by `save` (its config.json checked) or a `.keras` file.

    `overrides` are not allowed (the weights fix the shape).
    """
    if overrides:
        raise ValueError(f"A saved agent cannot take option overrides; got {sorted(overrides)}.")
    read_config(path)
    return keras.saving.load_model(model_file(path))


def load_any(path):
    """Any saved keras_mage agent: a MAGE agent directory (as `load`) or a `.keras` file (MAGE or a baseline)."""
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}: no saved agent there (an agent directory or a .keras file).")
    return load(path) if os.path.isdir(path) else load_model_file(path)


def load_model_file(file):
    """`keras.saving.load_model(file)` once the `.keras` file is known whole (a damaged one is named)."""
    stored_config(file)
    return keras.saving.load_model(file)


def model_file(path):
    """The `.keras` file of a saved agent: `path/model.keras` for an agent directory, else `path`."""
    return os.path.join(path, MODEL_FILE) if os.path.isdir(path) else os.fspath(path)


def stored_config(file):
    """The Keras configuration inside the `.keras` file `file` (`class_name`, `config`, ...), its archive checked.

    Raises a FileNotFoundError for a missing file and a ValueError naming a
    damaged or truncated one (an incomplete zip archive or a bad checksum).
    """
    if not os.path.isfile(file):
        raise FileNotFoundError(f"{file} does not exist.")
    try:
        with zipfile.ZipFile(file) as archive:
            damaged = archive.testzip()
            if damaged is not None:
                raise zipfile.BadZipFile(f"bad checksum in {damaged}")
            return json.loads(archive.read(CONFIG_FILE))
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError) as error:
        raise ValueError(
            f"{file} is damaged or truncated: not a complete `.keras` zip archive ({error}). "
            "Retrain the agent, or restore the file from a copy."
        ) from None


def read_config(path):
    """The MAGE configuration of a saved agent (directory or `.keras` file), read without loading the weights.

    It is the one inside the `.keras` file; an agent directory's config.json
    must hold the same (a ValueError names each key that differs).
    """
    file = model_file(path)
    stored = stored_config(file)
    if stored.get("class_name") != "MAGE":
        raise ValueError(
            f"{file} holds a {stored.get('class_name')} model, not a MAGE agent: load it with "
            "`keras.saving.load_model`."
        )
    if os.path.isdir(path):
        check_config_file(path, stored["config"])
    return stored["config"]


def check_config_file(path, config):
    """Raises a ValueError unless the agent directory's config.json holds `config` (its model.keras')."""
    file = os.path.join(path, CONFIG_FILE)
    rewrite = (
        f"restore {file} from a copy, or rewrite the directory from its model file: "
        f"`keras_mage.MAGE.from_preset({model_file(path)!r}).save_to_preset({os.fspath(path)!r})`."
    )
    if not os.path.isfile(file):
        raise ValueError(f"{path} holds no {CONFIG_FILE}: not a complete agent directory. Fix: {rewrite}")
    try:
        with open(file) as f:
            readable = json.load(f)
    except ValueError as error:
        raise ValueError(f"{file} is not valid JSON ({error}). Fix: {rewrite}") from None
    if not isinstance(readable, dict):
        raise ValueError(f"{file} holds a JSON {type(readable).__name__}, not a configuration. Fix: {rewrite}")
    pairs = {key: (readable.get(key, "(absent)"), config.get(key, "(absent)")) for key in sorted(readable | config)}
    differing = [
        f"{key}: {CONFIG_FILE} has {reprlib.repr(edited)}, {MODEL_FILE} has {reprlib.repr(saved)}"
        for key, (edited, saved) in pairs.items()
        if json.dumps(edited, sort_keys=True) != json.dumps(saved, sort_keys=True)  # NaN equals NaN here
    ]
    if differing:
        raise ValueError(
            f"{file} differs from the configuration inside {MODEL_FILE}, which the weights were trained with and "
            f"which is authoritative: {'; '.join(differing)}. Fix: {rewrite}"
        )
