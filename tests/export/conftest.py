"""Small built MAGE policies (no training: greedy actions are deterministic either way)."""

import numpy as np
import pytest

STATE_DIM, ACTION_DIM, GOAL_DIM, HORIZON = 4, 2, 2, 8


def build_policy(goal_dim=GOAL_DIM, **options):
    """A built tiny MAGE with non-trivial data statistics (so normalisation is exercised)."""
    import keras_mage

    model = keras_mage.MAGE.from_preset("tiny", seed=0, **options)
    shapes = {
        "observations": (None, HORIZON, STATE_DIM),
        "returns": (None, HORIZON, 1),
        "actions": (None, HORIZON, ACTION_DIM),
        "mask": (None, HORIZON),
    }
    if goal_dim:
        shapes["goals"] = (None, goal_dim)
    model.build(shapes)
    model.data_statistics = {
        "observation_mean": [0.1, 0.2, 0.3, 0.4],
        "observation_std": [1.0, 2.0, 0.5, 1.0],
        "goal_mean": [0.5, -0.5][:goal_dim] or None,
        "goal_std": [2.0, 1.0][:goal_dim] or None,
        "reward_scale": 0.5,
        "discount": 0.99,
        "return_quantile": 3.0,
        "return_min": 0.0,
        "return_max": 4.0,
        "action_low": [-0.5, -1.0],
        "action_high": [0.5, 1.0],
        "dataset_id": "toy/goal-v0",
    }
    return model


def policy_inputs(batch=5, goal_dim=GOAL_DIM, seed=1):
    rng = np.random.default_rng(seed)
    return {
        "observation": rng.normal(size=(batch, STATE_DIM)).astype("float32"),
        "goal": rng.normal(size=(batch, goal_dim)).astype("float32"),
        "target_return": rng.uniform(0.0, 5.0, size=(batch, 1)).astype("float32"),
    }


def reference_actions(model, inputs):
    goals = inputs["goal"] if model.goal_dim else None
    return model.predict_actions(inputs["observation"], goals, inputs["target_return"])


@pytest.fixture(scope="session")
def policy():
    return build_policy()


@pytest.fixture(scope="session")
def inputs():
    return policy_inputs()


@pytest.fixture(scope="session")
def expected(policy, inputs):
    """`policy.predict_actions` on `inputs` (computed once: each compile costs seconds)."""
    return reference_actions(policy, inputs)


@pytest.fixture
def goal_free_policy():
    """Without goals and without a return head."""
    return build_policy(goal_dim=0, return_head=False)


@pytest.fixture
def goal_free_inputs():
    return policy_inputs(goal_dim=0)


@pytest.fixture(name="reference_actions")
def reference_actions_fixture():
    """`reference_actions(model, inputs)`: `model.predict_actions` on a dict of policy inputs."""
    return reference_actions
