"""OGBench's tasks: goal-dict observations, per-task evaluation, reproducible episodes, the task plot."""

import numpy as np
import pytest

from keras_mage.control.ogbench_tasks import OraclePolicy, evaluate_tasks, make_task_env
from keras_mage.datagen.catalogue import ogbench_env_id
from keras_mage.runs.ogbench_runs import plot_tasks


class TowardsTheGoal:
    """A policy that pushes straight at the goal: enough to reach the nearby task goals of OGBench's medium maze."""

    def reset(self, mask=None):
        pass

    def act(self, observations):
        return np.clip(observations["desired_goal"] - observations["achieved_goal"], -1.0, 1.0)

    def observe(self, rewards, done):
        pass


def test_env_of_a_dataset_name():
    assert ogbench_env_id("pointmaze-giant-stitch-v0") == "pointmaze-giant-v0"
    assert ogbench_env_id("keras_mage/ogbench/pointmaze-medium-navigate-v0") == "pointmaze-medium-v0"
    with pytest.raises(ValueError, match="not an OGBench dataset name"):
        ogbench_env_id("pointmaze-v0")


def test_a_task_env_hands_out_the_goal_dict_keras_mage_reads():
    env = make_task_env("pointmaze-medium-v0", task_id=2, goal_dims=[0, 1])
    observation, info = env.reset(seed=0)
    assert sorted(observation) == ["achieved_goal", "desired_goal", "observation"]
    assert observation["achieved_goal"].shape == (2,) and observation["observation"].shape == (0,)
    np.testing.assert_allclose(observation["desired_goal"], info["goal"][:2])
    again, _ = env.reset(seed=0)  # OGBench's start noise follows the reset seed
    np.testing.assert_array_equal(again["achieved_goal"], observation["achieved_goal"])
    np.testing.assert_allclose(again["achieved_goal"], [0.0, 20.0], atol=1.5)  # task 2 starts in cell (6, 1)
    env.close()


def test_tasks_are_scored_one_by_one_and_reproducibly(tmp_path):
    options = dict(episodes=2, tasks=(1, 2), num_envs=2, max_episode_steps=40, progress=False)
    results = evaluate_tasks(TowardsTheGoal(), "pointmaze-medium-navigate-v0", **options)
    again = evaluate_tasks(TowardsTheGoal(), "pointmaze-medium-navigate-v0", **options)
    assert results["env_id"] == "pointmaze-medium-v0" and [t["task_id"] for t in results["tasks"]] == [1, 2]
    assert results["success_rate"] == np.mean([t["success_rate"] for t in results["tasks"]])
    for ours, theirs in zip(results["tasks"], again["tasks"]):
        assert ours["per_episode"] == theirs["per_episode"]
    assert plot_tasks(results, str(tmp_path / "tasks.png")) == str(tmp_path / "tasks.png")
    assert (tmp_path / "tasks.png").stat().st_size > 1000


class RandomActions(TowardsTheGoal):
    def act(self, observations):
        return np.random.default_rng(len(observations["achieved_goal"])).uniform(-1, 1, (len(observations["achieved_goal"]), 2))


def test_the_oracle_solves_the_tasks_and_random_actions_do_not():
    options = dict(episodes=2, num_envs=2, progress=False)
    oracle = evaluate_tasks(OraclePolicy("pointmaze-medium-v0"), "pointmaze-medium-navigate-v0", **options)
    random = evaluate_tasks(RandomActions(), "pointmaze-medium-navigate-v0", max_episode_steps=300, **options)
    assert oracle["success_rate"] == 1.0 and len(oracle["tasks"]) == 5
    assert max(length for task in oracle["tasks"] for length in task["per_episode"]["length"]) < 1000  # ends at the goal
    assert random["success_rate"] <= 0.2
