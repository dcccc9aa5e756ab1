"""Agent directory round trip: the reloaded agent acts exactly as the saved one."""

import json
import os

import keras
import numpy as np
import pytest

import keras_mage
from keras_mage.models.agent_directory import read_config


def test_round_trip_is_exact(policy, inputs, expected, reference_actions, tmp_path):
    path = policy.save_to_preset(tmp_path / "agent")
    assert sorted(os.listdir(path)) == ["config.json", "metadata.json", "model.keras"]
    assert not [name for name in os.listdir(tmp_path) if name.startswith(".agent-")]
    agent = keras_mage.MAGE.from_preset(path)
    np.testing.assert_array_equal(reference_actions(agent, inputs), expected)
    for before, after in zip(policy.weights, agent.weights):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(before), keras.ops.convert_to_numpy(after))
    assert agent.data_statistics == policy.data_statistics
    with open(os.path.join(path, "metadata.json")) as f:
        metadata = json.load(f)
    assert metadata["dataset_id"] == "toy/goal-v0"
    assert metadata["backend"] == keras.backend.backend()
    assert metadata["versions"]["keras"] == keras.__version__
    assert metadata["versions"]["keras_mage"] == keras_mage.__version__
    assert read_config(path)["state_dim"] == 4


def test_saved_agent_refuses_overrides(policy, tmp_path):
    path = policy.save_to_preset(tmp_path / "agent")
    with pytest.raises(ValueError, match="overrides"):
        keras_mage.MAGE.from_preset(path, horizon=4)
