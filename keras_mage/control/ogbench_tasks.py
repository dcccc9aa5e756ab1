"""Evaluation on OGBench's tasks: each maze's five fixed (start, goal) pairs, success as the env reports it.

OGBench's envs (`pointmaze-medium-v0`, ...) give flat observations and put
the goal's observation in the reset `info["goal"]`; an episode ends when the
goal is reached (`info["success"]`) or at the time limit. `OGBenchTask`
fixes one task and hands keras_mage the goal-conditioned dict it reads
(achieved_goal: the position, observation: the rest of the state,
desired_goal: the goal's features the model was trained with), so
`keras_mage.control.evaluate` runs on it unchanged.

Example:

>>> results = evaluate_tasks(model, "keras_mage/ogbench/pointmaze-medium-navigate-v0", episodes=20)  # doctest: +SKIP
>>> results["success_rate"], [task["success_rate"] for task in results["tasks"]]  # doctest: +SKIP

`keras_mage.runs.ogbench_runs.plot_tasks` draws the results over the maze.
"""

import functools

import gymnasium as gym
import numpy as np

from keras_mage.control.evaluation import evaluate, mean_stderr
from keras_mage.datagen.catalogue import ogbench_env_id

TASKS = (1, 2, 3, 4, 5)
POSITION_DIMS = 2  # x, y lead every locomaze observation


class OGBenchTask(gym.Wrapper):
    """One OGBench task with keras_mage's goal-dict observations (see the module docstring)."""

    def __init__(self, env, task_id, goal_dims):
        super().__init__(env)
        self.task_id = int(task_id)
        self.goal_dims = list(goal_dims)
        size = env.observation_space.shape[0]
        low, high = -np.inf, np.inf
        self.observation_space = gym.spaces.Dict({
            "achieved_goal": gym.spaces.Box(low, high, (POSITION_DIMS,), np.float64),
            "observation": gym.spaces.Box(low, high, (size - POSITION_DIMS,), np.float64),
            "desired_goal": gym.spaces.Box(low, high, (len(self.goal_dims),), np.float64),
        })
        self.goal = None

    def reset(self, *, seed=None, options=None):
        options = {**(options or {}), "task_id": self.task_id}
        if seed is None:
            observation, info = self.env.reset(options=options)
        else:  # OGBench draws the start's noise from numpy's global generator: seed it for this reset only
            saved = np.random.get_state()
            np.random.seed(seed)
            try:
                observation, info = self.env.reset(seed=seed, options=options)
            finally:
                np.random.set_state(saved)
        self.goal = np.asarray(info["goal"], np.float64)[self.goal_dims]
        return self._dict(observation), info

    def step(self, action):
        observation, reward, terminated, truncated, info = self.env.step(action)
        return self._dict(observation), reward, terminated, truncated, info

    def _dict(self, observation):
        observation = np.asarray(observation, np.float64)
        return {"achieved_goal": observation[:POSITION_DIMS], "observation": observation[POSITION_DIMS:],
                "desired_goal": self.goal.copy()}


class OraclePolicy:
    """OGBench's data-collecting controller: the unit direction to the next subgoal on the shortest path, plus noise.

    A check of the tasks and of `evaluate_tasks` (it should reach nearly every goal), not an agent: it reads
    the maze. Works on envs whose observations start with x, y and whose goals are x, y. Once in the
    goal's cell it heads for the goal itself (OGBench's oracle stops at the cell's centre, which a noisy
    goal can leave out of reach).
    """

    def __init__(self, env_id, noise=0.0, seed=0):
        import ogbench.locomaze  # noqa: F401

        self.maze = gym.make(env_id).unwrapped
        self.noise = float(noise)
        self.rng = np.random.default_rng(seed)

    def reset(self, mask=None):
        pass

    def act(self, observations):
        actions = []
        for xy, goal in zip(observations["achieved_goal"], observations["desired_goal"]):
            direction = route_direction(self.maze, xy, goal[:POSITION_DIMS])
            actions.append(direction / (np.linalg.norm(direction) + 1e-6))
        actions = np.asarray(actions) + self.rng.normal(0.0, self.noise, (len(actions), POSITION_DIMS))
        return np.clip(actions, -1.0, 1.0).astype(np.float32)

    def observe(self, rewards, done):
        pass


def route_direction(maze, xy, goal):
    """The vector from position `xy` toward the next cell on the maze's shortest route to `goal` (x, y).

    OGBench's oracle subgoal (`maze.get_oracle_subgoal`, `maze` an OGBench
    maze env's `unwrapped`); in the goal's cell, the goal itself (the oracle
    stops at the cell's centre, which a noisy goal can leave out of reach).
    """
    xy, goal = np.asarray(xy), np.asarray(goal)
    if tuple(maze.xy_to_ij(xy)) == tuple(maze.xy_to_ij(goal)):
        return goal - xy
    return maze.get_oracle_subgoal(xy, goal)[0] - xy


def make_task_env(env_id, task_id, goal_dims):
    """`OGBenchTask` of a new OGBench env (picklable through `functools.partial`, for worker processes)."""
    import ogbench.locomaze  # noqa: F401  registers the envs

    return OGBenchTask(gym.make(env_id), task_id, goal_dims)


def evaluate_tasks(agent, dataset_name, episodes=20, tasks=TASKS, seed=0, **options):
    """Evaluates `agent` on each of OGBench's tasks of the dataset's maze; per-task and overall success.

    `agent.hindsight_goals` (the state features its goals are) picks the
    goal's features; `options` go to `evaluate` (num_envs, workers,
    policy_options, max_episode_steps, progress). Returns `{"success_rate",
    "success_rate_stderr" (over tasks), "tasks": [results per task], "env_id"}`.
    """
    env_id = ogbench_env_id(dataset_name)
    model = getattr(agent, "model", agent)
    goal_dims = list(getattr(model, "hindsight_goals", ()) or range(POSITION_DIMS))
    per_task = []
    for task_id in tasks:
        factory = functools.partial(make_task_env, env_id, task_id, goal_dims)
        results = evaluate(agent, factory, episodes=episodes, seed=seed + 1000 * task_id, **options)
        results["task_id"] = task_id
        per_task.append(results)
    success, stderr = mean_stderr([results["success_rate"] for results in per_task])
    return {"env_id": env_id, "success_rate": success, "success_rate_stderr": stderr, "tasks": per_task}

