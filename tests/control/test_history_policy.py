"""HistoryPolicy: per-env histories of the last K steps, decremented targets, and evaluate's choice of policy."""

import dataclasses
import re

import numpy as np
import pytest

from keras_mage.control import ActingOptions, HistoryPolicy, MAGEPolicy, evaluate
from keras_mage.control.history_policy import policy_for
from keras_mage.data import DataStatistics


class HistoryAgent:
    """An agent acting on histories: the action of call n is (n, the env's history length)."""

    acts_on_history = True
    action_chunk = 1

    def __init__(self, context_length=3, return_quantile=5.0):
        self.context_length, self.state_dim, self.action_dim = context_length, 6, 2
        self.data_statistics = dataclasses.replace(
            DataStatistics.identity(state_dim=6, goal_dim=2, action_dim=2), return_quantile=return_quantile,
            return_min=1.0,
        )
        self.calls = []

    def predict_history_actions(self, observations, goals, target_returns, actions, lengths):
        self.calls.append({name: np.array(value, copy=True) for name, value in
                           {"states": observations, "goals": goals, "returns": target_returns,
                            "actions": actions, "lengths": lengths}.items()})
        plan = np.zeros((len(observations), 1, 2), np.float32)
        plan[:, 0, 0] = len(self.calls)
        plan[:, 0, 1] = lengths
        return plan


def observation(num_envs, value):
    return {"achieved_goal": np.full((num_envs, 2), value), "observation": np.full((num_envs, 4), value),
            "desired_goal": np.full((num_envs, 2), -value)}


def real_steps(call, env):
    return slice(0, int(call["lengths"][env]))


def test_the_context_keeps_the_last_k_steps_with_their_actions():
    agent = HistoryAgent(context_length=3)
    policy = HistoryPolicy(agent)
    taken = [policy.act(observation(2, float(t)))[0] for t in range(5)]
    assert [call["lengths"].tolist() for call in agent.calls] == [[1, 1], [2, 2], [3, 3], [3, 3], [3, 3]]
    last = agent.calls[-1]
    np.testing.assert_array_equal(last["states"][0, :, 0], [2, 3, 4])  # steps 2..4, oldest first
    np.testing.assert_array_equal(last["goals"], [[-4, -4], [-4, -4]])  # the current goal
    np.testing.assert_array_equal(last["actions"][0, :2], [taken[2], taken[3]])  # what the agent chose then
    np.testing.assert_array_equal(last["actions"][0, 2], [0, 0])  # the step being predicted
    assert [a[0] for a in taken] == [1, 2, 3, 4, 5] and [a[1] for a in taken] == [1, 2, 3, 3, 3]


def test_target_returns_start_at_the_data_quantile_and_decrement_per_env():
    agent = HistoryAgent()
    policy = HistoryPolicy(agent)
    assert policy.options.return_update == "decrement"
    policy.act(observation(2, 0.0))
    policy.act(observation(2, 1.0), rewards=[1.0, 0.0])
    policy.act(observation(2, 2.0), rewards=[0.5, 2.0])
    np.testing.assert_allclose(agent.calls[-1]["returns"], [[5.0, 4.0, 3.5], [5.0, 5.0, 3.0]])
    policy.observe([3.0, 0.0])  # env 0's target, 0.5, falls below the data's smallest return-to-go: it restarts
    np.testing.assert_allclose(policy.target_returns, [5.0, 3.0])


def test_envs_reset_independently():
    agent = HistoryAgent()
    policy = HistoryPolicy(agent, target_return=2.0)
    policy.act(observation(2, 0.0))
    policy.act(observation(2, 1.0), rewards=[1.0, 1.0], done=[False, True])  # env 1 starts a new episode
    call = agent.calls[-1]
    assert call["lengths"].tolist() == [2, 1]
    np.testing.assert_allclose(call["returns"][0, real_steps(call, 0)], [2.0, 1.0])
    np.testing.assert_allclose(call["returns"][1, real_steps(call, 1)], [2.0])
    np.testing.assert_array_equal(call["states"][1, 0], np.full(6, 1.0))  # its new episode's first state
    policy.reset([True, False])
    policy.act(observation(2, 2.0))
    assert agent.calls[-1]["lengths"].tolist() == [1, 2]
    policy.reset()  # everything: the batch size is forgotten too
    policy.act(observation(3, 0.0))
    assert agent.calls[-1]["lengths"].tolist() == [1, 1, 1]


def test_single_observations_and_options():
    agent = HistoryAgent()
    action = HistoryPolicy(agent).act({key: value[0] for key, value in observation(1, 1.0).items()})
    assert action.shape == (2,)
    assert HistoryPolicy(agent, return_update="fixed").options.return_update == "fixed"
    assert HistoryPolicy(agent, options=ActingOptions()).options.return_update == "decrement"
    with pytest.raises(ValueError, match="replan_every"):
        HistoryPolicy(agent, replan_every=2)
    with pytest.raises(ValueError, match="use one policy per vector env size"):
        policy = HistoryPolicy(agent)
        policy.act(observation(2, 0.0))
        policy.act(observation(3, 0.0))


def test_evaluate_picks_the_policy_from_the_agent(make_agent, blinking_env):
    assert type(policy_for(make_agent(), {})) is MAGEPolicy
    assert type(policy_for(HistoryAgent(), ActingOptions())) is HistoryPolicy
    agent = HistoryAgent(context_length=3)
    results = evaluate(agent, blinking_env(max_steps=4, success_step=1), episodes=3, num_envs=2, progress=False)
    assert results["episodes"] == 3 and results["return_update"] == "decrement"
    lengths = [call["lengths"].tolist() for call in agent.calls]
    assert lengths[:5] == [[1, 1], [2, 2], [3, 3], [3, 3], [1, 1]]  # both envs' episodes end after 4 steps
    returns = agent.calls[3]["returns"]
    np.testing.assert_allclose(returns, [[4.0, 4.0, 4.0]] * 2)  # 5 - the reward of the first step, then nothing


def test_history_policy_refuses_wrong_observation_shape():
    agent = HistoryAgent()
    policy = HistoryPolicy(agent)
    with pytest.raises(ValueError, match=re.escape("of shape (2, 3, 6) have 3 axes: expected (6,)")):
        policy.act({key: value[:, None].repeat(3, 1) for key, value in observation(2, 0.0).items()})
    with pytest.raises(ValueError, match=re.escape("observations of shape (0, 6) are an empty batch")):
        policy.act(np.zeros((0, 6)))
    assert agent.calls == []
