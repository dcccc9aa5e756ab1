"""ONNX export (tf2onnx): same greedy actions as `predict_actions` under onnxruntime."""

import numpy as np
import pytest

from keras_mage.export import export_onnx

ort = pytest.importorskip("onnxruntime")
pytest.importorskip("tf2onnx")


@pytest.mark.slow
def test_onnx_matches_predict_actions_and_checks_shapes(policy, inputs, expected, tmp_path):
    path = export_onnx(policy, tmp_path / "policy.onnx")
    session = ort.InferenceSession(path)
    assert [i.name for i in session.get_inputs()] == ["observation", "goal", "target_return"]
    assert [o.name for o in session.get_outputs()] == ["action"]
    (actions,) = session.run(None, inputs)
    np.testing.assert_allclose(actions, expected, atol=1e-4)
    (first,) = session.run(None, {name: value[:1] for name, value in inputs.items()})
    np.testing.assert_allclose(first, expected[:1], atol=1e-4)
    with pytest.raises(Exception, match="observation"):
        session.run(None, {**inputs, "observation": inputs["observation"][:, :3]})


def test_sampling_policies_are_refused(policy, tmp_path):
    with pytest.raises(ValueError, match="greedy"):
        export_onnx(policy, tmp_path / "policy.onnx", temperature=1.0)
