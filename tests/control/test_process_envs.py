"""ProcessVectorEnv: envs stepped in worker processes give the episodes of in-process stepping."""

import gymnasium as gym
import numpy as np
import pytest

from keras_mage.control import evaluate
from keras_mage.control.process_envs import ProcessVectorEnv, default_workers


def point_maze():
    import gymnasium as gym
    import gymnasium_robotics

    gym.register_envs(gymnasium_robotics)
    return gym.make("PointMaze_UMaze-v3", continuing_task=False)


class UnevenEnv(gym.Env):
    """Goal-dict env whose episodes end after 2 + (reset seed mod 5) steps: envs reset at different times."""

    def __init__(self):
        box = gym.spaces.Box(-10, 10, (2,), np.float64)
        self.observation_space = gym.spaces.Dict(
            {"achieved_goal": box, "desired_goal": box, "observation": gym.spaces.Box(-10, 10, (4,), np.float64)}
        )
        self.action_space = gym.spaces.Box(-100, 100, (2,), np.float32)

    def _observation(self):
        return {"achieved_goal": self.xy.copy(), "desired_goal": self.goal.copy(),
                "observation": np.concatenate([self.xy, [self.t, 0.0]])}

    def reset(self, seed=None, options=None):
        super().reset(seed=seed)
        self.length = 2 + (seed or 0) % 5
        self.xy, self.goal, self.t = self.np_random.uniform(-1, 1, 2), self.np_random.uniform(-1, 1, 2), 0
        return self._observation(), {}

    def step(self, action):
        self.t += 1
        self.xy = self.xy + 0.01 * np.asarray(action, np.float64) + self.np_random.normal(0, 0.1, 2)
        success = bool(np.linalg.norm(self.xy - self.goal) < 0.5)
        return self._observation(), float(success), self.t >= self.length, False, {"success": success}


def test_uneven_episodes_reset_a_few_envs_at_a_time(make_agent):
    options = dict(episodes=9, num_envs=4, seed=3, progress=False)
    serial = evaluate(make_agent(), UnevenEnv, workers=0, **options)
    parallel = evaluate(make_agent(), UnevenEnv, workers=3, **options)  # shares of 2, 1 and 1 envs
    assert sorted(set(serial["per_episode"]["length"])) == [2, 3, 4, 5, 6]
    assert parallel["per_episode"] == serial["per_episode"]
    for ours, theirs in zip(parallel["trajectories"], serial["trajectories"]):
        np.testing.assert_array_equal(ours["xy"], theirs["xy"])


def test_worker_processes_play_the_same_episodes_as_one_process(make_agent):
    # 5 episodes on 3 envs split over 2 workers: resets of some envs only, an idle env at the end.
    options = dict(episodes=5, num_envs=3, seed=11, max_episode_steps=15, progress=False)
    serial = evaluate(make_agent(), point_maze, workers=0, **options)
    parallel = evaluate(make_agent(), point_maze, workers=2, **options)
    assert (serial["workers"], parallel["workers"]) == (0, 2)
    assert parallel["per_episode"] == serial["per_episode"]
    for ours, theirs in zip(parallel["trajectories"], serial["trajectories"]):
        np.testing.assert_array_equal(ours["xy"], theirs["xy"])
        np.testing.assert_array_equal(ours["actions"], theirs["actions"])
        np.testing.assert_array_equal(ours["goal"], theirs["goal"])
    assert parallel["env_spec"] == serial["env_spec"]


def test_a_failing_env_is_reported_with_its_error():
    def broken():
        raise OSError("no such maze file")

    with pytest.raises(RuntimeError, match="no such maze file"):
        ProcessVectorEnv(broken, num_envs=2, workers=1)


def test_worker_counts():
    assert default_workers(50, cores=16) == 16 and default_workers(10, cores=2) == 0
    with pytest.raises(ValueError, match="workers must be between 1 and num_envs"):
        ProcessVectorEnv(point_maze, num_envs=2, workers=3)
    with pytest.raises(ValueError, match="workers must be >= 0"):
        evaluate(object(), point_maze, episodes=1, workers=-1)
