"""A run killed at any write of a checkpoint and resumed ends with the weights and History of an uninterrupted run."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

SCRIPT = os.path.join(os.path.dirname(__file__), "resume_run.py")
KEPT = ["epoch-000003", "epoch-000004"]  # the two newest checkpoints


def run(*args):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    return subprocess.run([sys.executable, SCRIPT, *map(str, args)], env=env, timeout=900).returncode


def assert_same_run(resumed_file, full, label):
    resumed = np.load(resumed_file)
    assert len(full.files) == len(resumed.files) > 10
    assert list(resumed["epochs"]) == [0, 1, 2, 3] and len(resumed["history_loss"]) == 4
    for key in full.files:
        if key != "write_points":
            np.testing.assert_allclose(resumed[key], full[key], rtol=1e-5, atol=1e-6, err_msg=f"{label}: {key}")


@pytest.mark.slow
def test_killed_run_resumes_to_the_same_weights_from_every_write_point(tmp_path):
    # The uninterrupted run; before each write of its third checkpoint it copies the checkpoint folder as a
    # kill there would leave it. One real kill (os._exit between the weights and the state) is resumed too.
    assert run(tmp_path / "full.npz", tmp_path / "full_ckpt", "full", tmp_path / "snapshots") == 0
    full = np.load(tmp_path / "full.npz")
    assert sorted(os.listdir(tmp_path / "full_ckpt")) == KEPT
    write_points = int(full["write_points"])
    assert write_points >= 4  # weights, state, the folder into place, the oldest checkpoint removed
    snapshots = [tmp_path / "snapshots" / str(point) for point in range(1, write_points + 1)]
    assert all(sorted(p.name for p in snapshot.glob("epoch-*"))[-1] in ("epoch-000002", "epoch-000003")
               for snapshot in snapshots)
    assert any(any(p.name.startswith(".tmp-") for p in snapshot.iterdir()) for snapshot in snapshots)
    assert run(tmp_path / "killed.npz", tmp_path / "killed", "kill", 2) == 3
    assert sorted(os.listdir(tmp_path / "killed"))[-1] == "epoch-000002"
    assert run(tmp_path / "resumed_killed.npz", tmp_path / "killed", "resume") == 0
    assert run(tmp_path / "resumed_", "-", "resume-each", *snapshots) == 0
    for label, directory, resumed in [("killed", tmp_path / "killed", tmp_path / "resumed_killed.npz")] + [
        (f"write {i + 1}", snapshot, tmp_path / f"resumed_{i}.npz") for i, snapshot in enumerate(snapshots)
    ]:
        assert sorted(os.listdir(directory)) == KEPT, label  # nothing a kill left behind
        state = json.loads((directory / KEPT[-1] / "state.json").read_text())
        assert state["epochs"] == 4 and len(state["history"]["loss"]) == 4, label
        assert_same_run(resumed, full, label)
