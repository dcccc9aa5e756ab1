"""A run killed half-way and resumed ends with the weights and the History of an uninterrupted run."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

SCRIPT = os.path.join(os.path.dirname(__file__), "resume_run.py")


def run(*args):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    return subprocess.run([sys.executable, SCRIPT, *map(str, args)], env=env, timeout=900).returncode


@pytest.mark.slow
def test_killed_run_resumes_to_the_same_weights(tmp_path):
    assert run(tmp_path / "full.npz", tmp_path / "full_ckpt", "full") == 0
    assert run(tmp_path / "crash.npz", tmp_path / "ckpt", "crash") == 3  # died at epoch 3 of 4
    assert sorted(os.listdir(tmp_path / "ckpt")) == ["checkpoint.weights.h5", "state.json"]
    crashed = json.loads((tmp_path / "ckpt" / "state.json").read_text())
    assert crashed["epochs"] == len(crashed["history"]["loss"]) == 2 and crashed["seconds"] > 0
    assert run(tmp_path / "resumed.npz", tmp_path / "ckpt", "resume") == 0
    state = json.loads((tmp_path / "ckpt" / "state.json").read_text())
    assert state["epochs"] == 4 and state["seconds"] > crashed["seconds"]
    assert state["history"]["loss"][:2] == crashed["history"]["loss"]
    full, resumed = np.load(tmp_path / "full.npz"), np.load(tmp_path / "resumed.npz")
    assert len(full.files) == len(resumed.files) > 10
    assert list(resumed["epochs"]) == [0, 1, 2, 3] and len(resumed["history_loss"]) == 4
    for key in full.files:
        np.testing.assert_allclose(resumed[key], full[key], rtol=1e-5, atol=1e-6, err_msg=key)
