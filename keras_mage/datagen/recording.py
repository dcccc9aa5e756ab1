"""The collection loop and episode recording shared by the maze generators.

``collect_episodes`` steps an env with a controller and yields Minari
``EpisodeBuffer`` objects holding numpy arrays; ``end_rule`` decides whether a
step ends the episode and whether the env is then reset (``RESET``) or the next
episode goes on from the same state (``CONTINUE``, Minari's PointMaze split on
success).

Example:
    >>> for episode in collect_episodes(env, controller, steps=1000, seed=123,
    ...                                 record_infos=maze_infos):  # doctest: +SKIP
    ...     print(len(episode.rewards))
"""

import numpy as np
from minari.data_collector.episode_buffer import EpisodeBuffer

CONTINUE = "continue"
RESET = "reset"


def maze_infos(obs, info, qpos_size):
    """Minari's maze infos: success, qpos, qvel and goal from a dict observation.

    ``qpos`` is the first ``qpos_size`` entries of what the env exposes:
    PointMaze ``observation[:2]``; AntMaze ``achieved_goal`` then
    ``observation[:13]``.
    """
    state = obs["observation"]
    if qpos_size == 2:
        qpos, qvel = state[:2], state[2:]
    else:
        qpos = np.concatenate([obs["achieved_goal"], state[: qpos_size - 2]])
        qvel = state[qpos_size - 2 :]
    return {
        "success": bool(info.get("success", False)),
        "qpos": np.array(qpos),
        "qvel": np.array(qvel),
        "goal": np.array(obs["desired_goal"]),
    }


class EpisodeRecorder:
    """Accumulates one episode's steps and stacks them into an EpisodeBuffer."""

    def __init__(self, record_infos):
        self._record_infos = record_infos
        self._steps = None

    def start(self, obs, info, seed=None):
        self._seed = seed
        self._steps = {"obs": [obs], "infos": [self._record_infos(obs, info)],
                       "actions": [], "rewards": [], "terminations": [], "truncations": []}

    def add(self, action, obs, reward, terminated, truncated, info):
        steps = self._steps
        steps["obs"].append(obs)
        steps["infos"].append(self._record_infos(obs, info))
        steps["actions"].append(np.asarray(action, dtype=np.float32))
        steps["rewards"].append(float(reward))
        steps["terminations"].append(bool(terminated))
        steps["truncations"].append(bool(truncated))

    def finish(self):
        steps, self._steps = self._steps, None
        return EpisodeBuffer(  # id None: storage numbers episodes in write order
            seed=self._seed,
            observations=_stack(steps["obs"]),
            actions=np.stack(steps["actions"]),
            rewards=np.asarray(steps["rewards"]),
            terminations=np.asarray(steps["terminations"]),
            truncations=np.asarray(steps["truncations"]),
            infos=_stack(steps["infos"]),
        )


def _stack(items):
    return {key: np.stack([item[key] for item in items]) for key in items[0]}


def collect_episodes(env, controller, steps, seed, record_infos, end_rule=None,
                     reset_every=200_000, progress=None):
    """Step ``env`` with ``controller`` for ``steps`` steps, yielding episodes.

    Episodes end at env termination/truncation (then reset with seed + 1), at
    ``end_rule(obs, info)`` (``CONTINUE`` or ``RESET``), every ``reset_every``
    steps (forced reset, as Minari's scripts did) and at the last step.
    ``controller(obs)`` gives the action; ``controller.reset()`` is called after
    every env reset. ``progress(n)`` is called with step counts.
    """
    recorder = EpisodeRecorder(record_infos)
    obs, info = env.reset(seed=seed)
    controller.reset()
    recorder.start(obs, info, seed=seed)
    for step in range(steps):
        action = controller(obs)
        obs, reward, terminated, truncated, info = env.step(action)
        rule = end_rule(obs, info) if end_rule is not None else None
        forced = (step + 1) % reset_every == 0
        last = step + 1 == steps
        end = terminated or truncated or rule is not None or forced or last
        recorder.add(action, obs, reward, terminated, end and not terminated, info)
        if progress is not None and (step + 1) % 1000 == 0:
            progress(1000)
        if not end:
            continue
        yield recorder.finish()
        if last:
            break
        if rule == CONTINUE and not (terminated or truncated or forced):
            recorder.start(obs, info)
        else:
            seed += 1
            obs, info = env.reset(seed=seed)
            controller.reset()
            recorder.start(obs, info, seed=seed)
    if progress is not None and steps % 1000:
        progress(steps % 1000)
