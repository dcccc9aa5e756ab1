"""Export a trained MAGE policy for serving without keras_mage.

- `export_saved_model`: a TensorFlow SavedModel (`serve(observation, goal,
  target_return) -> action`), loadable with `tf.saved_model.load` alone.
- `export_onnx`: the same function as an ONNX graph for onnxruntime.

See docs/deployment.md.

Example:

>>> from keras_mage.export import export_saved_model
>>> export_saved_model(model, "exports/umaze_policy")  # doctest: +SKIP
"""

from keras_mage.export.onnx import export_onnx
from keras_mage.export.saved_model import export_saved_model
