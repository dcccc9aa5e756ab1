"""`export_onnx`: the acting step as an ONNX graph (tf2onnx), for onnxruntime.

Inputs `observation (batch, ds)`, `goal (batch, dg)`, `target_return
(batch, 1)` (float32, dynamic batch; dg = 0 without goals); output `action
(batch, chunk, da)`. onnxruntime itself rejects wrong shapes and dtypes,
naming the input.
"""

import importlib.util
import os

import keras

from keras_mage.export import tensorflow_subprocess
from keras_mage.utils.files import atomic_path
from keras_mage.export.saved_model import check_built
from keras_mage.models.acting import make_raw_action_function

OPSET = 17


def export_onnx(model, path, temperature=0.0, top_k=None, guidance_scale=1.0):
    """Writes `model`'s greedy policy as an ONNX file at `path` (atomically). Returns `path`.

    Needs `tf2onnx` (`pip install keras_mage[onnx]`). The graph is traced
    with the TensorFlow backend: under JAX and PyTorch the model goes
    through a temporary `.keras` file and a TensorFlow-backend subprocess.

    Example:

    >>> export_onnx(model, "exports/policy.onnx")  # doctest: +SKIP
    >>> import onnxruntime  # doctest: +SKIP
    >>> session = onnxruntime.InferenceSession("exports/policy.onnx")  # doctest: +SKIP
    >>> (action,) = session.run(None, {"observation": obs, "goal": goal, "target_return": ret})  # doctest: +SKIP
    """
    check_built(model)
    if temperature != 0:
        raise ValueError(
            f"ONNX export supports greedy decoding only (temperature=0), got temperature={temperature}; "
            "use export_saved_model for sampling policies."
        )
    if importlib.util.find_spec("tf2onnx") is None:
        raise ImportError("export_onnx needs tf2onnx: `pip install tf2onnx` (or keras_mage[onnx]).")
    options = {"temperature": temperature, "top_k": top_k, "guidance_scale": guidance_scale}
    path = os.path.abspath(os.fspath(path))
    if keras.backend.backend() != "tensorflow":
        return tensorflow_subprocess.run(model, "onnx", path, options)
    import tensorflow as tf
    import tf2onnx

    from keras_mage.export import signature
    from keras_mage.export.onnx_rewrites import REWRITERS

    specs = signature.strict_signature(model)
    act = tf.function(make_raw_action_function(model, **options), input_signature=specs)
    proto, _ = tf2onnx.convert.from_function(act, input_signature=specs, opset=OPSET, custom_rewriter=REWRITERS)
    _rename_output(proto, "action")
    with atomic_path(path) as staging:
        with open(staging, "wb") as f:
            f.write(proto.SerializeToString())
    return path


def _rename_output(proto, name):
    old = proto.graph.output[0].name
    for node in proto.graph.node:
        node.output[:] = [name if output == old else output for output in node.output]
    proto.graph.output[0].name = name
