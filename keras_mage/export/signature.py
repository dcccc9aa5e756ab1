"""Input specs of the exported policy and the checks its `serve` endpoint runs.

Inputs are always `observation (batch, ds)`, `goal (batch, dg)` and
`target_return (batch, 1)`, float32, with a dynamic batch. Models without
goals keep the goal input with dg = 0 (pass `np.zeros((batch, 0))`), so one
serving client fits every exported policy.
"""

import tensorflow as tf

INPUT_NAMES = ("observation", "goal", "target_return")


def input_sizes(model):
    """Feature size of each input, in `INPUT_NAMES` order."""
    return (int(model.state_dim), int(model.goal_dim), 1)


def strict_signature(model):
    """`tf.TensorSpec`s with fixed feature sizes and a dynamic batch (None)."""
    return [tf.TensorSpec((None, size), tf.float32, name=name) for name, size in zip(INPUT_NAMES, input_sizes(model))]


def validating(act, model):
    """A `tf.function` taking inputs of any shape that checks them before calling `act`.

    Wrong shapes, mismatched batches and non-finite values fail with an
    `InvalidArgumentError` naming the input and the expected shape; a tensor
    of another dtype is refused by the float32 signature (numpy arrays are
    converted).
    """
    sizes = input_sizes(model)

    @tf.function(input_signature=[tf.TensorSpec(None, tf.float32, name=name) for name in INPUT_NAMES])
    def serve(observation, goal, target_return):
        batch = _padded_shape(observation)[0]
        checked = []
        for name, tensor, size in zip(INPUT_NAMES, (observation, goal, target_return), sizes):
            shape = tf.shape(tensor)
            padded = _padded_shape(tensor)
            fits = (tf.size(shape) == 2) & (padded[0] == batch) & (padded[1] == size)
            message = f"{name} must have shape (batch, {size}), batch as in observation; got shape"
            with tf.control_dependencies([tf.debugging.Assert(fits, [message, shape])]):
                tensor = tf.debugging.check_numerics(tensor, f"{name} must be finite (found NaN or inf)")
            checked.append(tf.ensure_shape(tensor, (None, size)))
        return act(*checked)

    return serve


def _padded_shape(tensor):
    """The first two dimensions of `tensor`, -1 where it has fewer (never fails)."""
    return tf.concat([tf.shape(tensor), [-1, -1]], axis=0)[:2]
