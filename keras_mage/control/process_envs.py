"""Envs stepped in worker processes: the vector env `evaluate` uses when cores allow.

`ProcessVectorEnv(make_env, num_envs, workers)` splits `num_envs` envs over
`workers` processes, each stepping its share as a Gymnasium `SyncVectorEnv`
(autoreset disabled), and gathers the results in env order, so observations,
rewards and infos equal a `SyncVectorEnv` of the same envs and seeds. Workers
start with the `spawn` method (JAX, TensorFlow and torch are not fork-safe)
and see no GPU: stepping a simulator needs none, and a worker that touched
the accelerator would hold memory the model needs.

Example:

>>> envs = ProcessVectorEnv(lambda: gymnasium.make("PointMaze_UMaze-v3"), num_envs=8, workers=4)  # doctest: +SKIP
>>> observations, infos = envs.reset(seed=list(range(8)))  # doctest: +SKIP
>>> observations, rewards, terminated, truncated, infos = envs.step(actions)  # doctest: +SKIP
>>> envs.close()  # doctest: +SKIP
"""

import contextlib
import multiprocessing
import os

import numpy as np

# Environment variables a worker starts with: no accelerator, CPU-only JAX.
WORKER_ENVIRONMENT = {"CUDA_VISIBLE_DEVICES": "", "JAX_PLATFORMS": "cpu"}


def usable_cores():
    """CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def default_workers(num_envs, cores=None):
    """Worker processes `evaluate` uses by default: one per core, none (in-process) below 4 cores.

    >>> default_workers(50, cores=16), default_workers(10, cores=2), default_workers(3, cores=16)
    (16, 0, 3)
    """
    cores = usable_cores() if cores is None else cores
    return 0 if cores < 4 or num_envs < 2 else min(num_envs, cores)


class ProcessVectorEnv:
    """`num_envs` copies of `make_env()` stepped in `workers` processes (the `SyncVectorEnv` calls `evaluate` makes).

    `make_env` must be picklable by cloudpickle (a function, a lambda, a
    `functools.partial`); it is called in the workers.
    """

    def __init__(self, make_env, num_envs, workers):
        import cloudpickle

        if not 1 <= workers <= num_envs:
            raise ValueError(f"workers must be between 1 and num_envs ({num_envs}), got {workers}.")
        self.num_envs = num_envs
        shares = np.array_split(np.arange(num_envs), workers)
        self.slices = [slice(int(share[0]), int(share[-1]) + 1) for share in shares]
        payload = cloudpickle.dumps(make_env)
        context = multiprocessing.get_context("spawn")
        self.pipes, self.processes = [], []
        with _environment(WORKER_ENVIRONMENT):
            for share in shares:
                parent, child = context.Pipe()
                process = context.Process(target=_worker, args=(child, payload, len(share)), daemon=True)
                process.start()
                child.close()
                self.pipes.append(parent)
                self.processes.append(process)
        self.spec = self._gather(("spec", None))[0]

    def reset(self, seed=None, options=None):
        """Resets the envs (those of `options["reset_mask"]` only, if given); returns (observations, infos)."""
        options = dict(options or {})
        mask = options.pop("reset_mask", None)
        seeds = [None] * self.num_envs if seed is None else list(seed)
        commands = []
        for part in self.slices:
            part_mask = None if mask is None else np.asarray(mask[part], bool)
            commands.append(("reset", (seeds[part], part_mask, options)))
        results = self._send(commands)
        return _concatenate([r[0] for r in results]), _merge_infos([r[1] for r in results], self.slices)

    def step(self, actions):
        """Steps every env; returns (observations, rewards, terminated, truncated, infos)."""
        actions = np.asarray(actions)
        results = self._send([("step", actions[part]) for part in self.slices])
        columns = list(zip(*results))
        infos = _merge_infos(columns[4], self.slices)
        return (*(_concatenate(column) for column in columns[:4]), infos)

    def close(self):
        for pipe, process in zip(self.pipes, self.processes):
            with contextlib.suppress(BrokenPipeError, EOFError, OSError):
                pipe.send(("close", None))
                pipe.recv()
            process.join(timeout=10)
            if process.is_alive():
                process.terminate()
            pipe.close()
        self.pipes, self.processes = [], []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _gather(self, command):
        return self._send([command] * len(self.pipes))

    def _send(self, commands):
        for pipe, command in zip(self.pipes, commands):
            pipe.send(command)
        results = []
        for pipe, process in zip(self.pipes, self.processes):
            try:
                ok, result = pipe.recv()
            except EOFError:
                raise RuntimeError(
                    f"An env worker process (pid {process.pid}) died (exit code {process.exitcode}); "
                    "evaluate in-process with `workers=0` to see the env's own error."
                ) from None
            if not ok:
                self.close()
                raise RuntimeError(f"An env worker process failed:\n{result}")
            results.append(result)
        return results


def _worker(pipe, payload, count):
    """Runs `count` envs in a `SyncVectorEnv` and answers the parent's commands until "close"."""
    import traceback

    import cloudpickle
    import gymnasium as gym

    from keras_mage.maze_envs import remove_maze_file

    try:
        make_env = cloudpickle.loads(payload)
        envs = gym.vector.SyncVectorEnv(
            [lambda: remove_maze_file(make_env()) for _ in range(count)],
            autoreset_mode=gym.vector.AutoresetMode.DISABLED,
        )
    except Exception:  # reported to the parent at its first command
        envs, failure = None, traceback.format_exc()
    last = None  # the latest observations: what an env left out of a partial reset shows
    while True:
        command, data = pipe.recv()
        if command == "close":
            if envs is not None:
                envs.close()
            pipe.send((True, None))
            return
        if envs is None:
            pipe.send((False, failure))
            continue
        try:
            if command == "spec":
                result = envs.envs[0].spec
            elif command == "reset":
                seeds, mask, options = data
                if mask is not None and not mask.any():  # none of this worker's envs: Gymnasium refuses the call
                    result = (last, {})
                else:
                    options = options if mask is None else {**options, "reset_mask": mask}
                    result = envs.reset(seed=seeds, options=options)
            else:
                result = envs.step(data)
            if command != "spec":
                last = result[0]
            pipe.send((True, result))
        except Exception:
            pipe.send((False, traceback.format_exc()))


def _concatenate(parts):
    if isinstance(parts[0], dict):
        return {key: _concatenate([part[key] for part in parts]) for key in parts[0]}
    return np.concatenate([np.asarray(part) for part in parts], axis=0)


def _merge_infos(infos, slices):
    """One vector-env info dict from the workers' (a key some workers lack is masked out there)."""
    total = slices[-1].stop
    merged = {}
    for info, part in zip(infos, slices):
        for key, value in info.items():
            if isinstance(value, dict):
                continue  # nested infos (final_info of autoreset modes) do not occur with autoreset disabled
            value = np.asarray(value)
            if key not in merged:
                merged[key] = np.zeros((total, *value.shape[1:]), value.dtype)
            merged[key][part] = value
    return merged


@contextlib.contextmanager
def _environment(variables):
    """Sets environment variables for the duration (what spawned processes inherit)."""
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
