"""MAGEPolicy: observation splitting, replanning schedule, per-env target returns."""

import dataclasses
import re

import numpy as np
import pytest

from keras_mage.control import MAGEPolicy


def batch_observation(num_envs, value=0.0):
    return {
        "achieved_goal": np.full((num_envs, 2), value),
        "observation": np.full((num_envs, 4), value + 1),
        "desired_goal": np.full((num_envs, 2), value + 2),
    }


def test_single_dict_observation_is_split_into_state_and_goal(make_agent):
    agent = make_agent()
    observation = {"achieved_goal": np.array([1.0, 2.0]), "observation": np.array([1.0, 2.0, 3.0, 4.0]),
                   "desired_goal": np.array([5.0, 6.0])}
    action = MAGEPolicy(agent).act(observation)
    assert action.shape == (2,)
    np.testing.assert_array_equal(agent.calls[0]["states"], [[1, 2, 1, 2, 3, 4]])
    np.testing.assert_array_equal(agent.calls[0]["goals"], [[5, 6]])


def test_array_observations_have_no_goal(make_agent):
    agent = make_agent()
    actions = MAGEPolicy(agent).act(np.zeros((3, 5)))
    assert actions.shape == (3, 2)
    assert agent.calls[0]["goals"] is None


def test_without_temporal_ensemble_each_step_executes_the_newest_plan(make_agent):
    agent = make_agent(chunk=3)
    policy = MAGEPolicy(agent, temporal_ensemble=None)
    actions = [policy.act(batch_observation(2)) for _ in range(3)]
    assert len(agent.calls) == 3
    assert [a[0, 0] for a in actions] == [1, 2, 3]  # a fresh plan each step
    assert all(a[0, 1] == 0 for a in actions)  # always its first action


def test_replan_every_n_executes_the_chunk(make_agent):
    agent = make_agent(chunk=3)
    policy = MAGEPolicy(agent, replan_every=3)
    actions = np.stack([policy.act(batch_observation(2)) for _ in range(7)])
    assert len(agent.calls) == 3  # steps 0, 3 and 6
    np.testing.assert_array_equal(actions[:, 0, 0], [1, 1, 1, 2, 2, 2, 3])
    np.testing.assert_array_equal(actions[:, 0, 1], [0, 1, 2, 0, 1, 2, 0])


def test_by_default_replans_every_step_and_averages_the_plans_covering_each_step(make_agent):
    agent = make_agent(chunk=3)
    policy = MAGEPolicy(agent)  # temporal_ensemble=0.0: a plain mean
    actions = np.stack([policy.act(batch_observation(2)) for _ in range(4)])
    assert len(agent.calls) == 4  # a new plan every step
    # Plan n predicts (n, k) for the step k after it; a plan covers 3 steps.
    np.testing.assert_allclose(actions[:, 0], [[1, 0], [1.5, 0.5], [2, 1], [3, 1]])
    policy.reset([False, True])  # env 1's earlier plans are dropped
    actions = policy.act(batch_observation(2))
    np.testing.assert_allclose(actions, [[4, 1], [5, 0]])


def test_temporal_ensemble_rate_favours_older_plans(make_agent):
    policy = MAGEPolicy(make_agent(chunk=3), replan_every=2, temporal_ensemble=np.log(2.0))
    actions = np.stack([policy.act(batch_observation(1))[0] for _ in range(3)])
    # step 2: plan 2 (age 0, weight 1) and plan 1 (age 2, weight 4); plan 1 alone at step 1.
    np.testing.assert_allclose(actions, [[1, 0], [1, 1], [(2 + 4 * 1) / 5, (0 + 4 * 2) / 5]], rtol=1e-6)


def test_target_return_starts_at_data_quantile_and_decrements_per_env(make_agent):
    agent = make_agent(return_quantile=5.0)
    policy = MAGEPolicy(agent)  # no discount or bounds in these statistics: R - r
    policy.act(batch_observation(2))
    policy.observe([1.0, 0.0])
    np.testing.assert_allclose(policy.target_returns, [4.0, 5.0])
    policy.act(batch_observation(2), rewards=[0.5, 2.0])  # the same as observe, then act
    np.testing.assert_allclose(agent.calls[0]["returns"], [5.0, 5.0])
    np.testing.assert_allclose(agent.calls[1]["returns"], [3.5, 3.0])


def test_a_spent_target_restarts_like_a_new_data_episode(make_agent):
    agent = make_agent(return_quantile=1.5)
    agent.data_statistics = dataclasses.replace(agent.data_statistics, discount=0.5, return_min=0.0, return_max=2.0)
    policy = MAGEPolicy(agent, return_update="decrement")
    policy.act(batch_observation(3))
    policy.observe([0.0, 1.0, 1.0])
    np.testing.assert_allclose(policy.target_returns, [1.5, 0.5, 0.5])  # no discount growth
    policy.observe([1.0, 0.5, 1.0])
    np.testing.assert_allclose(policy.target_returns, [0.5, 0.0, 1.5])  # -0.5 is below every data step


def test_fixed_target_ignores_rewards_until_the_episode_ends(make_agent):
    agent = make_agent(return_quantile=1.5)
    policy = MAGEPolicy(agent, return_update="fixed")
    policy.act(batch_observation(2))
    policy.observe([1.0, 3.0])
    np.testing.assert_allclose(policy.target_returns, [1.5, 1.5])
    with pytest.raises(ValueError, match=r"unknown return_update 'fixd'.*'decrement', 'discounted', 'estimated', 'fixed'"):
        MAGEPolicy(agent, return_update="fixd")


def test_discounted_target_undoes_the_discount_and_stays_within_the_data(make_agent):
    agent = make_agent(return_quantile=0.5)
    agent.data_statistics = dataclasses.replace(agent.data_statistics, discount=0.5, return_max=1.5)
    policy = MAGEPolicy(agent)  # return_update="discounted"
    policy.act(batch_observation(2))
    policy.observe([0.0, 0.25])
    np.testing.assert_allclose(policy.target_returns, [1.0, 0.5])  # (R - r) / discount
    policy.observe([0.0, 0.0])
    np.testing.assert_allclose(policy.target_returns, [1.5, 1.0])  # 2.0 capped at return_max
    for _ in range(20):  # at the goal of a continuing env: a reward every step, past the return left
        policy.observe([1.0, 1.0])
    np.testing.assert_allclose(policy.target_returns, [0.0, 0.0])  # floored at return_min (0), not -2e6


def test_estimated_target_is_the_return_heads_at_each_new_plan(make_agent):
    agent = make_agent(chunk=2, return_head=True)
    policy = MAGEPolicy(agent, replan_every=2)  # a return head makes "estimated" the default
    assert policy.options.return_update == "estimated"
    policy.act(batch_observation(2, value=0.0))  # states [achieved_goal, observation]: first feature = value
    policy.observe([1.0, 0.0])  # rewards leave the estimate alone
    policy.act(batch_observation(2, value=0.5))  # executes the chunk: no new plan, no new estimate
    policy.act(batch_observation(2, value=2.0), rewards=[0.0, 0.0])
    np.testing.assert_allclose([call["returns"] for call in agent.calls], [[0.0, 0.0], [2.0, 2.0]])
    with pytest.raises(ValueError, match="needs a model with a return head"):
        MAGEPolicy(make_agent(), return_update="estimated")
    assert MAGEPolicy(make_agent()).options.return_update == "discounted"


def test_user_target_return_and_reset_of_finished_envs_only(make_agent):
    agent = make_agent(chunk=2)
    policy = MAGEPolicy(agent, target_return=10.0, replan_every=2)
    policy.act(batch_observation(2))
    policy.observe([3.0, 4.0], done=[True, False])
    actions = policy.act(batch_observation(2))
    np.testing.assert_allclose(policy.target_returns, [10.0, 6.0])
    assert len(agent.calls) == 2  # env 0 started a new episode: new plan
    assert actions[0, 1] == 0 and actions[1, 1] == 1  # env 1 goes on with its chunk


def test_reset_without_mask_forgets_the_batch_size(make_agent):
    policy = MAGEPolicy(make_agent())
    policy.act(batch_observation(2))
    with pytest.raises(ValueError, match="one policy per vector env size"):
        policy.act(batch_observation(3))
    policy.reset()
    assert policy.act(batch_observation(3)).shape == (3, 2)


def test_sampling_options_reach_the_agent(make_agent):
    agent = make_agent()
    MAGEPolicy(agent, temperature=0.5, top_k=4, guidance_scale=2.0).act(batch_observation(1))
    assert agent.calls[0]["options"] == {"temperature": 0.5, "top_k": 4, "guidance_scale": 2.0}


def test_invalid_settings_name_the_fix(make_agent):
    with pytest.raises(ValueError, match="action_chunk"):
        MAGEPolicy(make_agent(chunk=1), replan_every=2)
    with pytest.raises(ValueError, match="temporal_ensemble=-1"):
        MAGEPolicy(make_agent(), temporal_ensemble=-1)
    agent = make_agent()
    agent.data_statistics = None
    with pytest.raises(ValueError, match="target_return="):
        MAGEPolicy(agent)
    with pytest.raises(ValueError, match="call `act` before"):
        MAGEPolicy(make_agent()).observe([1.0])


def dict_observation(achieved=(2, 2), state=(2, 4), desired=(2, 2)):
    return {"achieved_goal": np.zeros(achieved), "observation": np.zeros(state), "desired_goal": np.zeros(desired)}


@pytest.mark.parametrize(
    "observation, message",
    [
        (np.zeros((2, 3, 6)), "observations of shape (2, 3, 6) have 3 axes: expected (6,) for one env or (num_envs, 6) "
                              "for a batch of num_envs >= 1."),
        (np.zeros((0, 6)), "observations of shape (0, 6) are an empty batch: expected (6,) for one env"),
        (np.zeros((2, 5)), "observations of shape (2, 5) have 5 features where the model takes 6: expected"),
        (np.zeros((2, 6)), "The model is goal-conditioned (goal_dim=2): pass goals (a dict observation's "
                           "desired_goal), one per observation."),
        (dict_observation((2, 3, 2), (2, 3, 4), (2, 3, 2)),
         "states (achieved_goal and observation joined) of shape (2, 3, 6) have 3 axes: expected (6,)"),
        (dict_observation(desired=(1, 4)),
         "the dict observation's entries disagree on the batch shape: {'achieved_goal': (2, 2), 'observation': (2, 4), "
         "'desired_goal': (1, 4)}"),
        (dict_observation(desired=(2, 4)),
         "goals (desired_goal) of shape (2, 4) do not fit states (achieved_goal and observation joined) of shape "
         "(2, 6): expected (2, 2), one goal of 2 features per observation"),
        ({**dict_observation(), "observation": np.array([[0.0, 0, 0, 0], [0, np.nan, 0, 0]])},
         "states (achieved_goal and observation joined) hold NaN or inf at batch index [1] (of 2)"),
    ],
)
def test_policy_refuses_wrong_observation_shape(make_agent, observation, message):
    agent = make_agent()
    agent.state_dim, agent.goal_dim = 6, 2
    policy = MAGEPolicy(agent)
    with pytest.raises(ValueError, match=re.escape(message)):
        policy.act(observation)
    assert agent.calls == [] and policy.target_returns is None  # refused before anything ran


def test_policy_refuses_rewards_and_masks_of_another_size(make_agent):
    policy = MAGEPolicy(make_agent())
    policy.act(batch_observation(2))
    with pytest.raises(ValueError, match=re.escape("rewards of shape (3,) do not fit the 2 env(s)")):
        policy.observe([1.0, 0.0, 0.0])
    with pytest.raises(ValueError, match=re.escape("reset mask of shape (1,) do not fit the 2 env(s)")):
        policy.reset([True])
    with pytest.raises(ValueError, match="target_return must be a finite number, got nan"):
        MAGEPolicy(make_agent(), target_return=float("nan"))
