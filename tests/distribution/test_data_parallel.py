"""Data-parallel training on several CPU devices matches single-device training."""

import os
import subprocess
import sys

import keras
import numpy as np
import pytest

import keras_mage

SCRIPT = os.path.join(os.path.dirname(__file__), "data_parallel_run.py")


def run(tmp_path, backend, count, extra_env):
    path = tmp_path / f"{backend}.npz"
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3", **extra_env)
    subprocess.run([sys.executable, SCRIPT, str(path), str(count)], env=env, check=True, timeout=900)
    return np.load(path, allow_pickle=True)


@pytest.mark.slow
@pytest.mark.skipif(keras.backend.backend() != "jax", reason="Keras' DataParallel on 4 host CPU devices (JAX)")
def test_jax_data_parallel_matches_single_device(tmp_path):
    result = run(tmp_path, "jax", 4, {"XLA_FLAGS": "--xla_force_host_platform_device_count=4"})
    assert int(result["devices"]) == 4
    np.testing.assert_allclose(result["parallel_loss"], result["single_loss"], rtol=1e-3)
    for name, single, parallel in zip(result["names"], result["single"], result["parallel"]):
        np.testing.assert_allclose(parallel, single, rtol=1e-3, atol=1e-4, err_msg=name)


@pytest.mark.slow
@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="MirroredStrategy (TensorFlow)")
def test_tensorflow_mirrored_strategy_trains_close_to_single_device(tmp_path):
    result = run(tmp_path, "tensorflow", 2, {})
    assert int(result["devices"]) == 2
    assert np.isfinite(result["parallel_loss"]).all()
    # Per-replica EMA codebook statistics are averaged, so only closeness is expected.
    np.testing.assert_allclose(result["parallel_loss"], result["single_loss"], rtol=0.2)


@pytest.mark.skipif(keras.backend.backend() != "torch", reason="torch has no Keras data parallelism")
def test_torch_refuses_several_devices_with_a_clear_error(monkeypatch):
    monkeypatch.setattr(keras_mage.distribution, "local_devices", lambda: ["cuda:0", "cuda:1"])
    with pytest.raises(ValueError, match="no torch data parallelism"):
        keras_mage.distribution.data_parallel(2)
