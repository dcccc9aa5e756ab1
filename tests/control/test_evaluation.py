"""evaluate(): episode accounting, success at any step, scores, seeds, JSON."""

import json
import re

import numpy as np
import pytest

from keras_mage.control import MAGEPolicy, evaluate


def test_success_counts_if_reached_at_any_step(make_agent, blinking_env):
    results = evaluate(make_agent(), blinking_env(max_steps=6, success_step=3), episodes=5, num_envs=2,
                       progress=False)
    assert results["episodes"] == 5
    assert results["success_rate"] == 1.0  # success only at step 3, not at the end
    assert results["per_episode"]["first_success_step"] == [3] * 5
    assert results["per_episode"]["length"] == [6] * 5
    assert results["mean_return"] == 1.0
    assert results["per_episode"]["steps_at_goal"] == [1] * 5
    assert results["steps_to_goal"] == 3.0
    assert results["goal_share"] == pytest.approx(1 / 4)  # at the goal on 1 of steps 3-6


def test_never_reaching_the_goal_scores_zero(make_agent, blinking_env):
    results = evaluate(make_agent(), blinking_env(max_steps=4, success_step=10), episodes=3, num_envs=3,
                       progress=False)
    assert results["success_rate"] == 0.0 and results["success_rate_stderr"] == 0.0
    assert results["per_episode"]["first_success_step"] == [None] * 3
    assert results["steps_to_goal"] is None and results["goal_share"] is None


def test_normalized_score_uses_reference_returns(make_agent, blinking_env):
    results = evaluate(make_agent(), blinking_env(), episodes=2, ref_scores=(0.5, 2.5), progress=False)
    assert results["normalized_score"] == pytest.approx((1.0 - 0.5) / 2.0)
    assert results["ref_min_score"] == 0.5
    no_reference = evaluate(make_agent(), blinking_env(), episodes=2, progress=False)
    assert no_reference["normalized_score"] is None


def test_episode_seeds_do_not_depend_on_num_envs(make_agent, blinking_env):
    one = evaluate(make_agent(), blinking_env(), episodes=5, num_envs=1, seed=7, progress=False)
    three = evaluate(make_agent(), blinking_env(), episodes=5, num_envs=3, seed=7, progress=False)
    assert one["per_episode"]["seed"] == three["per_episode"]["seed"] == [7, 8, 9, 10, 11]
    for a, b in zip(one["trajectories"], three["trajectories"]):
        np.testing.assert_array_equal(a["goal"], b["goal"])
        np.testing.assert_array_equal(a["xy"][0], b["xy"][0])
    other = evaluate(make_agent(), blinking_env(), episodes=5, num_envs=1, seed=8, progress=False)
    assert not np.array_equal(one["trajectories"][0]["goal"], other["trajectories"][0]["goal"])


def test_trajectories_hold_every_step(make_agent, blinking_env):
    results = evaluate(make_agent(), blinking_env(max_steps=6), episodes=2, progress=False)
    trajectory = results["trajectories"][0]
    assert trajectory["xy"].shape == (7, 2) and trajectory["actions"].shape == (6, 2)
    np.testing.assert_allclose(np.diff(trajectory["xy"], axis=0), 0.01 * trajectory["actions"], atol=1e-6)


def test_target_return_is_decremented_and_reset_per_episode(make_agent, blinking_env):
    agent = make_agent(return_quantile=5.0)
    evaluate(agent, blinking_env(max_steps=4, success_step=2), episodes=2, num_envs=1, progress=False)
    returns = [float(call["returns"][0]) for call in agent.calls]
    assert returns == [5.0, 5.0, 4.0, 4.0, 5.0, 5.0, 4.0, 4.0]


def test_accepts_a_policy_and_writes_json_without_arrays(make_agent, blinking_env, tmp_path):
    path = tmp_path / "eval" / "results.json"
    evaluate(MAGEPolicy(make_agent()), blinking_env(), episodes=3, output_path=path, progress=False)
    written = json.loads(path.read_text())
    assert written["episodes"] == 3 and written["success_rate"] == 1.0
    assert "trajectories" not in written and "env_spec" not in written
    assert len(written["per_episode"]["return"]) == 3
    assert [p.name for p in path.parent.iterdir()] == ["results.json"]  # no temporary files left


def test_clear_errors(make_agent, blinking_env):
    with pytest.raises(ValueError, match="episodes and num_envs"):
        evaluate(make_agent(), blinking_env(), episodes=0)
    with pytest.raises(TypeError, match="neither a model"):
        evaluate(object(), blinking_env(), episodes=1)
    with pytest.raises(ValueError, match="pass `env=`"):
        evaluate(make_agent(), episodes=1)
    with pytest.raises(ValueError, match="not on this machine"):
        evaluate(make_agent(), "keras_mage/pointmaze/nowhere-v0", episodes=1)
    with pytest.raises(ValueError, match="max_episode_steps must be >= 1"):
        evaluate(make_agent(), blinking_env(), episodes=1, max_episode_steps=0)


def test_evaluate_refuses_an_env_of_another_observation_layout(make_agent, blinking_env):
    agent = make_agent()
    agent.state_dim, agent.goal_dim = 8, 2  # the blinking env's states have 2 + 4 features
    with pytest.raises(ValueError, match=re.escape(
        "states (achieved_goal and observation joined) of shape (2, 6) have 6 features where the model takes 8"
    )):
        evaluate(agent, blinking_env(), episodes=2, num_envs=2, progress=False)
    assert agent.calls == []


def test_maze_envs_leave_no_model_file_behind(make_agent, tmp_path, monkeypatch):
    import tempfile

    import gymnasium as gym
    import gymnasium_robotics

    gym.register_envs(gymnasium_robotics)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the maze envs write their MJCF files
    results = evaluate(make_agent(), lambda: gym.make("PointMaze_UMaze-v3"), episodes=2, num_envs=2,
                       max_episode_steps=5, progress=False)
    assert results["per_episode"]["length"] == [5, 5]  # the envs still run
    assert list(tmp_path.glob("*.xml")) == []
