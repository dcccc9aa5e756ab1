"""Writes a tiny MAGE's outputs for fixed weights and inputs (run once per backend).

Usage: KERAS_BACKEND=jax python cross_backend_outputs.py OUT.npz
"""

import sys

import numpy as np

import keras_mage
from keras import ops

sys.path.insert(0, __file__.rsplit("/", 2)[0])
from conftest import synthetic_batches  # noqa: E402


def main(path):
    batches = synthetic_batches(n=4)
    model = keras_mage.MAGE.from_preset("tiny", seed=0)
    model.build({k: (None, *v.shape[1:]) for k, v in batches.items()})
    rng = np.random.default_rng(0)
    for variable in sorted(model.weights, key=lambda v: v.path):
        if "float" in str(variable.dtype):
            variable.assign(rng.normal(scale=0.3, size=variable.shape).astype("float32"))
    outputs = model(batches, training=False)
    states, goals, returns = batches["observations"][:, 0], batches["goals"], batches["returns"][:, 0]
    indices, f_hat = model.generate(model.condition_vector(states, goals, returns))
    np.savez(
        path,
        reconstruction=ops.convert_to_numpy(outputs["reconstruction"]),
        logits=ops.convert_to_numpy(outputs["logits"]),
        actions=ops.convert_to_numpy(outputs["actions"]),
        indices=ops.convert_to_numpy(indices),
        f_hat=ops.convert_to_numpy(f_hat),
    )


if __name__ == "__main__":
    main(sys.argv[1])
