"""Exports from backends TensorFlow cannot trace: via a `.keras` file and a TensorFlow-backend child."""

import json
import os
import subprocess
import sys
import tempfile


def run(model, kind, path, options):
    """Saves `model` to a temporary `.keras` and runs `python -m keras_mage.export` with KERAS_BACKEND=tensorflow.

    Example:

    >>> run(model, "saved_model", "/tmp/policy", {"temperature": 0.0})  # doctest: +SKIP
    """
    with tempfile.TemporaryDirectory(prefix="keras-mage-export-") as scratch:
        model_file = os.path.join(scratch, "model.keras")
        model.save(model_file)
        command = [sys.executable, "-m", "keras_mage.export", kind, model_file, path, json.dumps(options)]
        env = {**os.environ, "KERAS_BACKEND": "tensorflow"}
        result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode:
        raise RuntimeError(
            f"Exporting ({kind}) in a TensorFlow-backend subprocess failed (exit {result.returncode}). "
            "Check that TensorFlow is installed and the model reloads with KERAS_BACKEND=tensorflow. "
            f"Its output ended with:\n{result.stderr[-3000:]}"
        )
    return path
