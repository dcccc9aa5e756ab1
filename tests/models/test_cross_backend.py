"""Identical weights give the same outputs on TensorFlow, JAX and PyTorch."""

import os
import subprocess
import sys

import keras
import numpy as np
import pytest

SCRIPT = os.path.join(os.path.dirname(__file__), "cross_backend_outputs.py")


@pytest.mark.slow
@pytest.mark.skipif(
    keras.backend.backend() != "tensorflow",
    reason="compares all three backends in subprocesses; run once, in the TensorFlow suite",
)
def test_identical_weights_give_identical_outputs_on_every_backend(tmp_path):
    results = {}
    for backend in ("tensorflow", "jax", "torch"):
        path = tmp_path / f"{backend}.npz"
        env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
        subprocess.run([sys.executable, SCRIPT, str(path)], env=env, check=True, timeout=600)
        results[backend] = np.load(path)
    reference = results["tensorflow"]
    for backend in ("jax", "torch"):
        for key in reference.files:
            if key == "indices":
                np.testing.assert_array_equal(results[backend][key], reference[key], err_msg=f"{backend} {key}")
            else:
                np.testing.assert_allclose(results[backend][key], reference[key], rtol=1e-4, atol=1e-4, err_msg=f"{backend} {key}")
