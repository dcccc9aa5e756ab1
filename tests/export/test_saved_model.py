"""SavedModel export: same greedy actions as `predict_actions`, served by TensorFlow alone."""

import json
import os
import site
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf

from keras_mage.export import export_saved_model

# Runs in a fresh interpreter that cannot see keras or keras_mage; prints any keras module it loaded.
SERVE_WITH_TENSORFLOW_ONLY = r"""
import json, sys
import numpy as np
import tensorflow as tf

policy = tf.saved_model.load(sys.argv[1])
x = dict(np.load(sys.argv[2]))
out = {f"serve_{b}": policy.serve(x["observation"][:b], x["goal"][:b], x["target_return"][:b]).numpy() for b in (1, 5)}
out["serving_default"] = policy.signatures["serving_default"](**{k: tf.constant(v) for k, v in x.items()})["output_0"].numpy()
out["estimate_return"] = policy.estimate_return(x["observation"], x["goal"]).numpy()
np.savez(sys.argv[3], **out)
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("keras", "keras_mage"))))
"""


def site_packages_without_keras(directory):
    """Links every installed package except keras, keras_mage and `.pth` hooks into `directory`."""
    os.makedirs(directory)
    for site_dir in site.getsitepackages():
        for name in os.listdir(site_dir):
            hidden = name.startswith(("keras", "__editable__")) or name.endswith(".pth")
            if not hidden and not os.path.exists(os.path.join(directory, name)):
                os.symlink(os.path.join(site_dir, name), os.path.join(directory, name))
    return str(directory)


@pytest.fixture(scope="module")
def exported(policy, tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "policy"
    os.makedirs(path / "stale")  # replaced atomically
    return export_saved_model(policy, path)


@pytest.fixture(scope="module")
def served(exported):
    return tf.saved_model.load(exported)


def test_served_by_tensorflow_alone_matches_predict_actions_and_returns(policy, inputs, exported, expected, tmp_path):
    np.savez(tmp_path / "inputs.npz", **inputs)
    packages = site_packages_without_keras(tmp_path / "site")
    command = [sys.executable, "-S", "-c", SERVE_WITH_TENSORFLOW_ONLY, exported, "inputs.npz", "out.npz"]
    env = {**os.environ, "PYTHONPATH": packages, "TF_CPP_MIN_LOG_LEVEL": "3"}
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
    served = np.load(tmp_path / "out.npz")
    assert expected.shape == (5, policy.action_chunk, policy.action_dim)
    np.testing.assert_allclose(served["serve_5"], expected, atol=1e-4)
    np.testing.assert_allclose(served["serve_1"], expected[:1], atol=1e-4)
    np.testing.assert_allclose(served["serving_default"], expected, atol=1e-4)
    estimates = policy.predict_returns(inputs["observation"], inputs["goal"])
    assert served["estimate_return"].shape == (5, 1)
    np.testing.assert_allclose(served["estimate_return"][:, 0], estimates, atol=1e-5)


def test_export_layout_and_info(policy, exported):
    assert sorted(os.listdir(exported)) == ["assets", "fingerprint.pb", "keras_mage.json", "saved_model.pb", "variables"]
    assert not [name for name in os.listdir(os.path.dirname(exported)) if name.startswith(".export-")]
    with open(os.path.join(exported, "keras_mage.json")) as f:
        info = json.load(f)
    assert info["inputs"] == {"observation": 4, "goal": 2, "target_return": 1}
    assert info["action_shape"] == [policy.action_chunk, 2]
    assert info["default_target_return"] == 3.0 and info["dataset_id"] == "toy/goal-v0"
    assert info["estimate_return"] is True  # `tiny` has a return head


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda x: {**x, "observation": x["observation"][:, :3]}, r"observation must have shape \(batch, 4\)"),
        (lambda x: {**x, "observation": x["observation"][0]}, r"observation must have shape \(batch, 4\)"),
        (lambda x: {**x, "goal": x["goal"][:, :1]}, r"goal must have shape \(batch, 2\)"),
        (lambda x: {**x, "target_return": x["target_return"][:2]}, r"target_return must have shape \(batch, 1\)"),
        (lambda x: {**x, "goal": x["goal"] * np.nan}, "goal must be finite"),
    ],
)
def test_serve_rejects_bad_inputs_with_clear_errors(served, inputs, change, message):
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        served.serve(**change(inputs))


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda x: {**x, "observation": x["observation"][:, None]}, r"observation must have shape \(batch, 4\)"
                                                                     r".*got shape.*\[5 1 4\]"),
        (lambda x: {**x, "goal": x["goal"][:1]}, r"goal must have shape \(batch, 2\), batch as in observation"
                                                 r".*got shape.*\[1 2\]"),
        (lambda x: {**x, "goal": x["goal"].reshape(-1, 5)[:2]}, r"goal must have shape \(batch, 2\).*\[2 5\]"),
    ],
)
def test_serve_error_names_the_received_shape(served, inputs, change, message):
    """No Python wrapper serves the SavedModel: its own check's error holds the expected and the received shape."""
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        served.serve(**change(inputs))


def test_serve_rejects_other_dtypes(served, inputs):
    observation = tf.constant(inputs["observation"], tf.float64)
    with pytest.raises(TypeError, match="dtype=tf.float32, name='observation'"):
        served.serve(observation, inputs["goal"], inputs["target_return"])


def test_unbuilt_model_is_refused(tmp_path):
    import keras_mage

    with pytest.raises(ValueError, match="not built"):
        export_saved_model(keras_mage.MAGE.from_preset("tiny"), tmp_path / "policy")


@pytest.mark.slow
def test_goal_free_model_keeps_an_empty_goal_input(goal_free_policy, goal_free_inputs, reference_actions, tmp_path):
    path = export_saved_model(goal_free_policy, tmp_path / "policy")
    served = tf.saved_model.load(path)
    expected = reference_actions(goal_free_policy, goal_free_inputs)
    np.testing.assert_allclose(served.serve(**goal_free_inputs).numpy(), expected, atol=1e-4)
    with open(os.path.join(path, "keras_mage.json")) as f:
        assert json.load(f)["estimate_return"] is False
    assert not hasattr(served, "estimate_return")  # no return head, no endpoint
