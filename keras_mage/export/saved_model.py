"""`export_saved_model`: the whole acting step as a TensorFlow SavedModel.

The SavedModel has two endpoints, both `(observation, goal, target_return)
-> action (batch, chunk, da)` on raw (unnormalised) float32 values:

- `serve` (also `serving_default`): checks its inputs first (see
  `keras_mage.export.signature.validating`);
- `act`: the bare function with a fixed `(None, size)` signature;

and, for a model with a return head, `estimate_return`: `(observation, goal)
-> target_return (batch, 1)`, the head's estimate in reward units, which is
what `serve` takes under the default `estimated` acting rule
(docs/acting.md).

It loads with `tf.saved_model.load` alone (no keras, no keras_mage).
`keras_mage.json` inside it holds the sizes, the default target return and
the sampling options.
"""

import json
import os

import keras

from keras_mage.export import tensorflow_subprocess
from keras_mage.utils.files import atomic_path
from keras_mage.models.acting import make_raw_action_function, make_raw_return_function, statistics_of

INFO_FILE = "keras_mage.json"


def export_saved_model(model, path, temperature=0.0, top_k=None, guidance_scale=1.0):
    """Writes `model`'s policy as a SavedModel directory at `path` (atomically, replacing it).

    TensorFlow traces the model directly; JAX converts it with jax2tf (the
    batch stays polymorphic); under PyTorch the model is saved to a
    temporary `.keras` file and exported by a TensorFlow-backend subprocess.
    Sampling options are fixed at export (default: greedy). Returns `path`.

    Example:

    >>> export_saved_model(model, "exports/policy")  # doctest: +SKIP
    >>> import tensorflow as tf  # in any TensorFlow process  # doctest: +SKIP
    >>> action = tf.saved_model.load("exports/policy").serve(obs, goal, [[1.0]])  # doctest: +SKIP
    """
    check_built(model)
    options = {"temperature": temperature, "top_k": top_k, "guidance_scale": guidance_scale}
    path = os.path.abspath(os.fspath(path))
    if keras.backend.backend() not in ("tensorflow", "jax"):
        return tensorflow_subprocess.run(model, "saved_model", path, options)
    with atomic_path(path, directory=True) as staging:
        _write(model, staging, options)
    return path


def _write(model, directory, options):
    from keras_mage.export import signature

    archive = keras.export.ExportArchive()
    archive.track(model)
    jax_options = {"jax2tf_kwargs": {"native_serialization_platforms": ("cpu", "cuda")}}
    backend_options = jax_options if keras.backend.backend() == "jax" else {}
    act = archive.add_endpoint(
        "act",
        make_raw_action_function(model, **options),
        input_signature=signature.strict_signature(model),
        **backend_options,
    )
    if model.return_head:
        archive.add_endpoint(
            "estimate_return",
            make_raw_return_function(model),
            input_signature=signature.strict_signature(model)[:2],
            **backend_options,
        )
    serve = signature.validating(act, model)
    serve.get_concrete_function()
    archive.add_endpoint("serve", serve)
    archive.add_endpoint("serving_default", serve)
    archive.write_out(directory, verbose=False)
    with open(os.path.join(directory, INFO_FILE), "w") as f:
        json.dump(export_info(model, options), f, indent=2)


def export_info(model, options):
    """What a serving client needs besides the graph: sizes, default return, options."""
    from keras_mage.export import signature

    return {
        "inputs": dict(zip(signature.INPUT_NAMES, signature.input_sizes(model))),
        "action_shape": [model.action_chunk, model.action_dim],
        "default_target_return": statistics_of(model).return_quantile,
        "estimate_return": bool(model.return_head),
        "dataset_id": statistics_of(model).dataset_id,
        "traced_with_backend": keras.backend.backend(),
        **options,
    }


def check_built(model):
    if not model.built:
        raise ValueError("The model is not built yet: train it with `fit` or load a trained model before exporting.")
