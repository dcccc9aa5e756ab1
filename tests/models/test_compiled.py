"""Compiled acting (jax.jit, tf.function with XLA, torch.jit.trace) gives the eager function's actions."""

import contextlib

import keras
import numpy as np

from keras_mage.models.acting import make_raw_action_function


def eager_actions(model, states, goals, returns):
    """The acting function run op by op, without compilation."""
    function = make_raw_action_function(model)
    context = contextlib.nullcontext()
    if keras.backend.backend() == "torch":
        import torch

        context = torch.no_grad()
    with context:
        actions = function(*(keras.ops.convert_to_tensor(a) for a in (states, goals, returns)))
    return keras.ops.convert_to_numpy(actions)


def conditions(rng, batch, state_dim=4, goal_dim=2):
    return (rng.normal(size=(batch, state_dim)).astype("float32"), rng.normal(size=(batch, goal_dim)).astype("float32"),
            rng.uniform(size=(batch, 1)).astype("float32"))


def test_compiled_acting_follows_every_input_batch_size_and_weight(trained_tiny):
    model, _ = trained_tiny
    rng = np.random.default_rng(0)
    inputs = [conditions(rng, batch) for batch in (1, 3, 1)]  # a compiled function per shape, reused with new values
    stacked = [np.concatenate(parts) for parts in zip(*inputs)]  # rows act independently: one eager shape

    def check():
        compiled = [model.predict_actions(*batch) for batch in inputs]
        np.testing.assert_allclose(np.concatenate(compiled), eager_actions(model, *stacked), atol=1e-5)
        return compiled

    before = check()
    assert not np.allclose(before[0], before[2])  # new inputs, new actions
    kernel = model.action_head.trainable_variables[0]
    saved = keras.ops.copy(kernel.value)
    try:
        kernel.assign(kernel + 0.5)  # new weights, the same compiled functions
        after = check()
        assert not np.allclose(before[1], after[1])
    finally:
        kernel.assign(saved)
