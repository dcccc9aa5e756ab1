"""Agent directories and `.keras` files: an exact round trip; damaged files, edited configs and bad paths named."""

import json
import os
import re
import shutil
import zipfile

import keras
import numpy as np
import pytest

import keras_mage
from keras_mage.models.agent_directory import load_any, load_model_file, read_config


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


@pytest.fixture(scope="module")
def saved_agent(policy, tmp_path_factory):
    """A saved agent directory, never modified (tests edit copies of it)."""
    return policy.save_to_preset(tmp_path_factory.mktemp("saved") / "agent")


@pytest.fixture
def agent_copy(saved_agent, tmp_path):
    return shutil.copytree(saved_agent, tmp_path / "agent")


def truncate(file):
    data = open(file, "rb").read()
    with open(file, "wb") as f:
        f.write(data[: len(data) // 2])


def flip_a_byte(file):
    """Corrupts one byte in the middle of `file` (inside the weights), its length unchanged."""
    data = bytearray(open(file, "rb").read())
    data[len(data) // 2] ^= 0xFF
    with open(file, "wb") as f:
        f.write(bytes(data))


@pytest.mark.parametrize("damage, message", [(truncate, "not a zip file"), (flip_a_byte, "bad checksum")])
@pytest.mark.parametrize("passed", ["directory", "file"])
def test_truncated_model_keras_names_the_file(agent_copy, damage, message, passed):
    file = os.path.join(agent_copy, "model.keras")
    damage(file)
    expected = rf"{re.escape(file)} is damaged or truncated: not a complete `\.keras` zip archive \(.*{message}.*\)\. "
    with pytest.raises(ValueError, match=expected + r"Retrain the agent, or restore the file from a copy\."):
        keras_mage.MAGE.from_preset(agent_copy if passed == "directory" else file)
    with pytest.raises(ValueError, match=expected):
        load_model_file(file)


def test_missing_model_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match=re.escape(f"{tmp_path / 'model.keras'} does not exist")):
        load_model_file(tmp_path / "model.keras")


def test_edited_config_json_is_refused(agent_copy, policy, inputs, expected, reference_actions):
    config_file = os.path.join(agent_copy, "config.json")
    config = json.load(open(config_file))
    config.update(horizon=4, codebook_size=64)
    with open(config_file, "w") as f:
        json.dump(config, f)
    message = (
        rf"{re.escape(config_file)} differs from the configuration inside model\.keras, which the weights were "
        r"trained with and which is authoritative: codebook_size: config\.json has 64, model\.keras has 32; "
        r"horizon: config\.json has 4, model\.keras has 8\. Fix: restore"
    )
    for read in (keras_mage.MAGE.from_preset, read_config):
        with pytest.raises(ValueError, match=message):
            read(agent_copy)
    # The fix the message gives rewrites the directory from model.keras.
    keras_mage.MAGE.from_preset(os.path.join(agent_copy, "model.keras")).save_to_preset(agent_copy)
    assert read_config(agent_copy)["horizon"] == 8
    np.testing.assert_array_equal(reference_actions(keras_mage.MAGE.from_preset(agent_copy), inputs), expected)


@pytest.mark.parametrize(
    "content, message",
    [
        ('{"horizon": 8,', "is not valid JSON"),
        ("[1, 2]", "holds a JSON list, not a configuration"),
        (None, "holds no config.json"),
    ],
)
def test_invalid_config_json_is_refused(agent_copy, content, message):
    config_file = os.path.join(agent_copy, "config.json")
    os.remove(config_file)
    if content is not None:
        with open(config_file, "w") as f:
            f.write(content)
    with pytest.raises(ValueError, match=rf"{re.escape(message)}.*Fix: restore {re.escape(config_file)} from a copy"):
        keras_mage.MAGE.from_preset(agent_copy)


def test_keras_file_loads_with_from_preset(saved_agent, inputs, expected, reference_actions):
    agent = keras_mage.MAGE.from_preset(os.path.join(saved_agent, "model.keras"))
    np.testing.assert_array_equal(reference_actions(agent, inputs), expected)
    with pytest.raises(ValueError, match="overrides"):
        keras_mage.MAGE.from_preset(os.path.join(saved_agent, "model.keras"), horizon=4)


def test_keras_file_of_another_model_is_refused_by_from_preset(tmp_path):
    file = tmp_path / "bc.keras"
    with zipfile.ZipFile(file, "w") as archive:
        archive.writestr("config.json", json.dumps({"class_name": "BehaviorCloning", "config": {}}))
    with pytest.raises(ValueError, match="holds a BehaviorCloning model, not a MAGE agent: load it with"):
        keras_mage.MAGE.from_preset(file)


def test_load_any_takes_an_agent_directory_or_a_keras_file(saved_agent, inputs, expected, reference_actions,
                                                            tmp_path):
    for path in (saved_agent, os.path.join(saved_agent, "model.keras")):
        np.testing.assert_array_equal(reference_actions(load_any(path), inputs), expected)
    with pytest.raises(FileNotFoundError, match="nowhere: no saved agent there"):
        load_any(str(tmp_path / "nowhere"))


@pytest.mark.parametrize(
    "preset, message",
    [
        ("{tmp_path}/nowhere", "{tmp_path}/nowhere does not exist. Available presets: ['base', 'small', 'tiny']"),
        ("nowhere.keras", "nowhere.keras does not exist. Available presets"),
        ("{tmp_path}", "{tmp_path} is a directory but not an agent directory: {tmp_path}/model.keras is missing."),
        ("{tmp_path}/notes.txt", "{tmp_path}/notes.txt is neither an agent directory nor a `.keras` file."),
        ("huge", "Unknown preset 'huge'. Available presets: ['base', 'small', 'tiny']; or pass a directory"),
    ],
)
def test_from_preset_path_errors_say_what_the_path_is(tmp_path, preset, message):
    (tmp_path / "notes.txt").write_text("not an agent")
    with pytest.raises(ValueError, match=re.escape(message.format(tmp_path=tmp_path))):
        keras_mage.MAGE.from_preset(preset.format(tmp_path=tmp_path))
