"""Rollout videos of evaluated episodes, rendered offscreen in a TensorFlow-free subprocess.

The parent (which may have imported TensorFlow) passes each episode's env
spec, reset seed and recorded actions to `render_worker.py`; the child replays
them in the env and writes mp4 (with imageio-ffmpeg) or gif. Rendering uses
`MUJOCO_GL` (default `egl`; `osmesa` also works where libosmesa6 is installed).

Example:

>>> results = evaluate(model, "keras_mage/pointmaze/umaze-v0", episodes=4)  # doctest: +SKIP
>>> record_videos(results, "runs/umaze/videos", episodes=[0, 1])  # doctest: +SKIP
['runs/umaze/videos/episode_0000.gif', 'runs/umaze/videos/episode_0001.gif']
"""

import json
import os
import subprocess
import sys
import tempfile

import numpy as np

WORKER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "render_worker.py")


def video_format():
    """'mp4' when imageio-ffmpeg is installed, else 'gif'."""
    import importlib.util

    return "mp4" if importlib.util.find_spec("imageio_ffmpeg") else "gif"


def record_videos(results, output_dir, episodes=(0,), fps=30, size=(240, 240), every=2, mujoco_gl=None, timeout=900):
    """Renders the `episodes` (indices into `results["trajectories"]`) to video files.

    Args:
        results: what `keras_mage.control.evaluate` returned.
        output_dir: folder for `episode_NNNN.mp4|gif`.
        fps, size, every: frame rate, (width, height), render every n-th step.
        mujoco_gl: MuJoCo GL backend for the child; default `$MUJOCO_GL` or "egl".
    Returns:
        The written paths.
    """
    if results.get("env_spec") is None:
        raise ValueError("the results hold no env spec to rebuild the env from; the env kwargs are not JSON-able.")
    trajectories = results["trajectories"]
    episodes = [int(e) for e in episodes]
    if any(not 0 <= e < len(trajectories) for e in episodes):
        raise ValueError(f"episode indices must lie in [0, {len(trajectories)}), got {episodes}.")
    os.makedirs(output_dir, exist_ok=True)
    extension = video_format()
    paths = [os.path.abspath(os.path.join(output_dir, f"episode_{e:04d}.{extension}")) for e in episodes]
    with tempfile.TemporaryDirectory() as folder:
        job = os.path.join(folder, "job.npz")
        np.savez(
            job,
            env_spec=np.array(results["env_spec"]),
            paths=np.array(json.dumps(paths)),
            seeds=np.array([trajectories[e]["seed"] for e in episodes], np.int64),
            settings=np.array([size[0], size[1], every, fps], np.int64),
            **{f"actions_{i}": trajectories[e]["actions"] for i, e in enumerate(episodes)},
        )
        _run_worker(job, mujoco_gl or os.environ.get("MUJOCO_GL", "egl"), timeout)
    return paths


def _run_worker(job, mujoco_gl, timeout):
    environment = dict(os.environ, MUJOCO_GL=mujoco_gl, PYOPENGL_PLATFORM=mujoco_gl)
    process = subprocess.run(
        [sys.executable, WORKER, job], env=environment, capture_output=True, text=True, timeout=timeout
    )
    if process.returncode != 0:
        crashed = process.returncode < 0
        raise RuntimeError(
            f"Rendering with MUJOCO_GL={mujoco_gl} failed ({'crashed with signal ' if crashed else 'exit code '}"
            f"{abs(process.returncode)}). Offscreen MuJoCo needs EGL (apt-get install libegl1) or OSMesa "
            "(apt-get install libosmesa6, then MUJOCO_GL=osmesa); pass `mujoco_gl=` or set MUJOCO_GL. "
            f"Worker output:\n{process.stderr[-2000:]}"
        )
