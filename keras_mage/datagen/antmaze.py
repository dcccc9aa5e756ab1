"""AntMaze datasets regenerated with D4RL's ant policy in Gymnasium-Robotics.

The policy (see :mod:`keras_mage.datagen.ant_policy`) walks toward BFS
waypoints: the neighbouring cell closest to the goal (its centre plus
U(-0.5, 0.5) per axis, redrawn when that cell changes; once the ant enters
that cell it keeps the waypoint until within 1.0 of it), or the goal itself
inside the goal cell. Actions are ``clip(a / 6, -1, 1)`` of the sampled
policy output. Episodes run to the time limit (700 umaze, 1000 otherwise);
a flipped ant is reset.

Example:
    >>> generate_antmaze("medium-play", workers=2)  # doctest: +SKIP
    'keras_mage/antmaze/medium-play-v0'
"""

import multiprocessing
import time
from dataclasses import replace

import gymnasium as gym
import gymnasium_robotics
import numpy as np

from keras_mage import maze_envs
from keras_mage.datagen.ant_policy import load_ant_policy
from keras_mage.datagen.catalogue import (
    ANTMAZE_ENVS, ANTMAZE_EVAL_CELLS, ANTMAZE_MAX_EPISODE_STEPS, antmaze_size, check_generation_options,
    dataset_id as catalogue_id,
)
from keras_mage.datagen.maze_planner import MazePlanner
from keras_mage.datagen.minari_writer import check_new_dataset_id, write_minari_dataset
from keras_mage.datagen.recording import RESET, collect_episodes, maze_infos
from keras_mage.progress import progress_bar

gym.register_envs(gymnasium_robotics)

# Minari's umaze has one fixed start (r) and goal (g); the other variants draw start and goal from the env's map.
_FIXED_UMAZE = [[1, 1, 1, 1, 1], [1, "g", 0, 0, 1], [1, 1, 1, 0, 1], [1, "r", 0, 0, 1],
                [1, 1, 1, 1, 1]]
_PLAIN_ENVS = {"umaze": "AntMaze_UMaze-v5", "medium": "AntMaze_Medium-v5",
               "large": "AntMaze_Large-v5"}
ACTION_SCALE = 1.0 / 6.0
DIRECTION_LENGTH = 10.0
WAYPOINT_JITTER = 0.5
WAYPOINT_SWITCH_RADIUS = 1.0
_OBS_SIZE = 27  # qpos[2:15] then qvel[0:14]
_QPOS_SIZE = 15


def make_antmaze_env(variant):
    """The data-collection env of ``variant`` (27-dim observation, no contact forces)."""
    kwargs = {"maze_map": _FIXED_UMAZE} if variant == "umaze" else {}
    return maze_envs.make(ANTMAZE_ENVS[variant], continuing_task=True, reset_target=False,
                          include_cfrc_ext_in_observation=False,
                          max_episode_steps=ANTMAZE_MAX_EPISODE_STEPS[antmaze_size(variant)], **kwargs)


def antmaze_eval_spec(variant):
    """Evaluation env: the maze with Minari's fixed start and goal cells."""
    size = antmaze_size(variant)
    spec = gym.spec(_PLAIN_ENVS[size])
    maze_map = [list(row) for row in spec.kwargs["maze_map"]]
    (start_row, start_col), (goal_row, goal_col) = ANTMAZE_EVAL_CELLS[size]
    maze_map[start_row][start_col], maze_map[goal_row][goal_col] = "r", "g"
    kwargs = dict(spec.kwargs, maze_map=maze_map, continuing_task=True, reset_target=False,
                  include_cfrc_ext_in_observation=False)
    return replace(spec, kwargs=kwargs, max_episode_steps=ANTMAZE_MAX_EPISODE_STEPS[size])


def is_flipped(obs):
    """True when the torso's up axis points below the horizon (never recovers)."""
    _, w, x, y, z = obs["observation"][:5]
    return 1.0 - 2.0 * (x * x + y * y) < 0.0


class AntMazeController:
    """BFS waypoints + D4RL's ant policy; ``controller(obs)`` gives the env action.

    Example:
        >>> controller = AntMazeController(env, load_ant_policy(), np.random.default_rng(0))  # doctest: +SKIP
        >>> action = controller(obs)                                                         # doctest: +SKIP
    """

    def __init__(self, env, policy, rng):
        self.maze = env.unwrapped.maze
        self.planner = MazePlanner.for_env(env)
        self.policy, self.rng = policy, rng
        self.reset()

    def reset(self):
        self._target_cell, self._target = None, None

    def waypoint(self, obs):
        """Where the ant is sent now (world xy)."""
        xy = obs["achieved_goal"]
        cell = tuple(self.maze.cell_xy_to_rowcol(xy))
        goal_cell = tuple(self.maze.cell_xy_to_rowcol(obs["desired_goal"]))
        if cell == goal_cell:
            return obs["desired_goal"]
        # Turning as soon as the next cell is entered cuts corners into walls:
        # keep heading for its waypoint until within the switch radius.
        if cell == self._target_cell and np.linalg.norm(self._target - xy) > WAYPOINT_SWITCH_RADIUS:
            return self._target
        next_cell = self.planner.next_cell(cell, goal_cell)
        if next_cell is not None and next_cell != self._target_cell:
            self._target_cell = next_cell
            jitter = self.rng.uniform(-WAYPOINT_JITTER, WAYPOINT_JITTER, size=2)
            self._target = self.maze.cell_rowcol_to_xy(np.array(next_cell)) + jitter
        return obs["desired_goal"] if self._target is None else self._target

    def __call__(self, obs):
        direction = self.waypoint(obs) - obs["achieved_goal"]
        direction = DIRECTION_LENGTH * direction / max(np.linalg.norm(direction), 1e-8)
        x = np.concatenate([obs["observation"][:_OBS_SIZE], direction])
        return np.clip(self.policy.act(x, rng=self.rng) * ACTION_SCALE, -1.0, 1.0)


_progress_counter = None


def _init_worker(counter):
    global _progress_counter
    _progress_counter = counter


def _count_progress(n):
    with _progress_counter.get_lock():
        _progress_counter.value += n


def _collect(variant, policy_path, steps, seed, reset_every, progress):
    """One worker: (episodes, flips) for ``steps`` steps from ``seed``."""
    env = make_antmaze_env(variant)
    controller = AntMazeController(env, load_ant_policy(policy_path), np.random.default_rng(seed))
    flips = []

    def end_rule(obs, info):
        if is_flipped(obs):
            flips.append(1)
            return RESET
        return None

    episodes = list(collect_episodes(
        env, controller, steps, seed,
        record_infos=lambda obs, info: maze_infos(obs, info, qpos_size=_QPOS_SIZE),
        end_rule=end_rule, reset_every=reset_every, progress=progress))
    env.close()
    return episodes, len(flips)


def _collect_in_worker(args):
    return _collect(*args, progress=_count_progress)


def _collect_parallel(variant, policy_path, steps, seed, workers, reset_every, bar):
    shares = [steps // workers + (i < steps % workers) for i in range(workers)]
    jobs = [(variant, policy_path, share, seed + 10_000 * i, reset_every)
            for i, share in enumerate(shares)]
    if workers == 1:
        return [_collect(*jobs[0], progress=bar.update)]
    context = multiprocessing.get_context("fork")
    counter = context.Value("q", 0)
    with context.Pool(workers, initializer=_init_worker, initargs=(counter,)) as pool:
        result = pool.map_async(_collect_in_worker, jobs)
        while not result.ready():
            result.wait(1.0)
            bar.update(counter.value - bar.n)
        return result.get()


def _print_summary(dataset_id, episodes, flips, seconds):
    """What every generation ends with: its episodes, the share that reached the goal, the flips, the time."""
    reached = sum(bool(np.any(ep.infos["success"])) for ep in episodes)
    print(f"{dataset_id}: {len(episodes)} episodes, {reached} reached the goal "
          f"({100.0 * reached / max(len(episodes), 1):.1f}%), {flips} flipped-ant resets; collected in "
          f"{seconds:.0f} s", flush=True)


def _antmaze_description(variant, steps, seed):
    env_id = ANTMAZE_ENVS[variant]
    return (
        f"REGENERATED by keras_mage, NOT D4RL's antmaze-{variant} data: {steps} steps of "
        f"{env_id} (Gymnasium-Robotics ant: gear 150, timestep 0.01, frame_skip 5; D4RL "
        f"used gear 30-equivalent torques at 0.02 x 5) driven by D4RL's "
        f"ant_hierarch_pol.pkl (sampled, action / 6) toward BFS waypoints; seed {seed}."
    )


def generate_antmaze(variant, policy_path=None, steps=1_000_000, seed=123, dataset_id=None,
                     ref_episodes=100, workers=1, reset_every=200_000, progress=True):
    """Generate ``keras_mage/antmaze/<variant>[-<size>]-v0`` (`catalogue.dataset_id`) and return its dataset id.

    Workers each collect ``steps / workers`` steps from their own seed; their
    episodes are written in worker order.

    Example:
        >>> generate_antmaze("umaze", steps=2000, ref_episodes=2)  # doctest: +SKIP
        'keras_mage/antmaze/umaze-2k-v0'
    """
    antmaze_size(variant)
    check_generation_options(steps, seed, ref_episodes, reset_every, workers)
    dataset_id = dataset_id or catalogue_id("antmaze", variant, steps)
    check_new_dataset_id(dataset_id)  # fail before collecting, not after
    policy = load_ant_policy(policy_path)  # fail fast on a missing or wrong file
    start = time.time()
    with progress_bar(total=steps, desc=dataset_id, unit="step", disable=not progress) as bar:
        results = _collect_parallel(variant, policy_path, steps, seed, workers, reset_every, bar)
    episodes = [episode for worker_episodes, _ in results for episode in worker_episodes]
    _print_summary(dataset_id, episodes, sum(flips for _, flips in results), time.time() - start)
    env = make_antmaze_env(variant)
    eval_spec = antmaze_eval_spec(variant)
    expert_env = maze_envs.make(eval_spec)
    expert = AntMazeController(expert_env, policy, np.random.default_rng(seed))
    write_minari_dataset(
        dataset_id, episodes, env.spec, eval_spec, expert,
        algorithm_name="BFS waypoints + D4RL ant_hierarch_pol (SAC), action / 6",
        description=_antmaze_description(variant, steps, seed), ref_episodes=ref_episodes,
        observation_space=env.observation_space, action_space=env.action_space)
    env.close()
    expert_env.close()
    return dataset_id
