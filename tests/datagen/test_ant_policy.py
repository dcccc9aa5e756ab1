import os
import pickle

import numpy as np
import pytest

from keras_mage.datagen.ant_policy import (
    ANT_POLICY_SHA256,
    ANT_POLICY_URL,
    load_ant_policy,
    read_legacy_torch_file,
)


class _RunsShell:
    def __init__(self, command):
        self.command = command

    def __reduce__(self):
        return (os.system, (self.command,))


def test_loads_verified_weights_with_readme_shapes(ant_policy_path):
    policy = load_ant_policy(ant_policy_path)
    shapes = {name: (w.shape, b.shape) for name, (w, b) in policy.layers.items()}
    assert shapes == {
        "fc0": ((256, 29), (256,)),
        "fc1": ((256, 256), (256,)),
        "last_fc": ((8, 256), (8,)),
        "last_fc_log_std": ((8, 256), (8,)),
    }
    assert all(w.dtype == np.float32 for w, _ in policy.layers.values())


def test_forward_is_finite_bounded_and_batched(ant_policy_path):
    policy = load_ant_policy(ant_policy_path)
    x = np.random.default_rng(0).normal(size=(16, 29))
    mean_action = policy.act(x, deterministic=True)
    assert mean_action.shape == (16, 8)
    assert np.all(np.isfinite(mean_action)) and np.all(np.abs(mean_action) <= 1.0)
    np.testing.assert_allclose(policy.act(x[3], deterministic=True), mean_action[3], rtol=1e-5, atol=1e-6)
    sampled = policy.act(x, rng=np.random.default_rng(1))
    assert sampled.shape == (16, 8) and np.all(np.abs(sampled) <= 1.0)
    assert not np.allclose(sampled, mean_action)


def test_wrong_checksum_is_refused(ant_policy_path, tmp_path):
    data = bytearray(ant_policy_path.read_bytes())
    data[-1] ^= 0xFF
    tampered = tmp_path / "ant.pkl"
    tampered.write_bytes(bytes(data))
    with pytest.raises(ValueError, match=ANT_POLICY_SHA256):
        load_ant_policy(tampered)


def test_missing_file_says_where_to_get_it(tmp_path):
    with pytest.raises(FileNotFoundError) as error:
        load_ant_policy(tmp_path / "absent.pkl")
    assert ANT_POLICY_URL in str(error.value) and ANT_POLICY_SHA256 in str(error.value)
    assert "KERAS_MAGE_ANT_POLICY" in str(error.value)


def test_restricted_unpickler_refuses_os_system(tmp_path):
    marker = tmp_path / "ran"
    payload = b"".join(pickle.dumps(v, protocol=2) for v in (1, 1001, {}))
    payload += pickle.dumps(_RunsShell(f"touch {marker}"), protocol=2)
    with pytest.raises(pickle.UnpicklingError, match="system"):
        read_legacy_torch_file(payload)
    assert not marker.exists()
