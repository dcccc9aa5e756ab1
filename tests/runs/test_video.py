"""Videos are rendered by a TensorFlow-free subprocess replaying recorded actions."""

import ctypes.util
import subprocess
import sys

import numpy as np
import pytest

from keras_mage import maze_envs
from keras_mage.runs import video


def recorded_results(steps=6):
    env = maze_envs.make("PointMaze_UMaze-v3")
    actions = np.tile(np.array([[1.0, 0.0]], np.float32), (steps, 1))
    return {"env_spec": env.spec.to_json(), "trajectories": [{"seed": 3, "actions": actions}]}


def test_worker_never_imports_tensorflow_or_keras_mage():
    spec = recorded_results()["env_spec"]
    code = (
        f"import runpy, sys; worker = runpy.run_path({video.WORKER!r}, run_name='not_main');"
        f"worker['_make_env']({spec!r}, 32, 32);"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras', 'keras_mage')))"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"


@pytest.mark.slow
@pytest.mark.skipif(ctypes.util.find_library("EGL") is None, reason="no libEGL for offscreen MuJoCo")
def test_records_a_video_file(tmp_path):
    paths = video.record_videos(recorded_results(), tmp_path / "videos", fps=10, size=(64, 64), every=1,
                                mujoco_gl="egl")
    assert len(paths) == 1 and paths[0].endswith(video.video_format())
    data = open(paths[0], "rb").read()
    assert len(data) > 100
    assert data[:3] == b"GIF" or data[4:8] == b"ftyp"


def test_a_broken_gl_backend_gives_a_clear_error(tmp_path):
    with pytest.raises(RuntimeError, match="MUJOCO_GL=no-such-gl"):
        video.record_videos(recorded_results(steps=1), tmp_path, mujoco_gl="no-such-gl")


def test_bad_episode_index(tmp_path):
    with pytest.raises(ValueError, match="episode indices"):
        video.record_videos(recorded_results(), tmp_path, episodes=[3])
