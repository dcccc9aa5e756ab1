"""Renders recorded episodes to video files; run as a script, in its own process.

MuJoCo's offscreen rendering crashes in a process that imported TensorFlow,
so `keras_mage.runs.video` runs this file by path
(`python render_worker.py JOB.npz`): it imports numpy, gymnasium,
gymnasium-robotics and imageio only, never the `keras_mage` package (its
`maze_envs.py`, which imports neither, is loaded by path). For each
episode it rebuilds the env from its spec JSON, resets it with the episode's
seed, replays the recorded actions and writes the frames (mp4 when
imageio-ffmpeg is installed, else gif), each file atomically.

Example (what `record_videos` runs):

    MUJOCO_GL=egl python keras_mage/runs/render_worker.py /tmp/job.npz
"""

import importlib.util
import json
import os
import sys

import numpy as np


def _make_env(spec_json, width, height):
    import gymnasium as gym

    spec = gym.envs.registration.EnvSpec.from_json(spec_json)
    return _package_module("maze_envs.py").make(spec, render_mode="rgb_array", width=width, height=height)


def _package_module(relative_path):
    """A file of the keras_mage package as a module of its own: importing the package would import Keras."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    spec = importlib.util.spec_from_file_location(os.path.basename(relative_path)[:-3], os.path.join(package, relative_path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _frames(env, seed, actions, every):
    env.reset(seed=int(seed))
    frames = [env.render()]
    for step, action in enumerate(actions, start=1):
        env.step(action)
        if step % every == 0 or step == len(actions):
            frames.append(env.render())
    return frames


def _write(frames, path, fps):
    import imageio.v2 as imageio

    with _package_module(os.path.join("utils", "files.py")).atomic_path(path) as temporary:
        if path.endswith(".mp4"):
            imageio.mimwrite(temporary, frames, fps=fps, macro_block_size=1)
        else:
            imageio.mimwrite(temporary, frames, duration=1000.0 / fps, loop=0)


def main(job_path):
    job = np.load(job_path, allow_pickle=False)
    spec_json = str(job["env_spec"])
    paths = json.loads(str(job["paths"]))
    width, height, every, fps = (int(v) for v in job["settings"])
    env = _make_env(spec_json, width, height)
    for index, path in enumerate(paths):
        frames = _frames(env, job["seeds"][index], job[f"actions_{index}"], every)
        _write(frames, path, fps)
        print(path, len(frames), flush=True)
    env.close()
    if "tensorflow" in sys.modules:
        raise RuntimeError("render_worker imported TensorFlow; it must stay TensorFlow-free.")


if __name__ == "__main__":
    main(sys.argv[1])
