"""Latent inverse dynamics: the action from s_0 and the plan's latent f_hat."""

import keras
from keras import layers, ops


@keras.saving.register_keras_serializable(package="keras_mage")
class ActionHead(layers.Layer):
    """`a_0..a_{chunk-1} = I(s_0, f_hat)`, an MLP over s_0 and the flattened plan.

    Two hidden layers of `width` units with `activation`. ReLU is the
    default: on maze data, where the action turns sharply at corridor
    boundaries, smooth activations (GELU, SiLU) learned far slower
    (docs/architecture.md).

    Example:

    >>> head = ActionHead(width=32, action_dim=2, chunk=3)
    >>> keras.ops.shape(head(keras.ops.ones((4, 5)), keras.ops.ones((4, 8, 6))))
    (4, 3, 2)
    """

    def __init__(self, width, action_dim, chunk=1, activation="relu", **kwargs):
        super().__init__(**kwargs)
        self.width = width
        self.action_dim = action_dim
        self.chunk = chunk
        self.activation = activation
        self.hidden_1 = layers.Dense(width, activation=activation, dtype=self.dtype_policy, name="hidden_1")
        self.hidden_2 = layers.Dense(width, activation=activation, dtype=self.dtype_policy, name="hidden_2")
        self.output_dense = layers.Dense(chunk * action_dim, dtype=self.dtype_policy, name="output")

    def build(self, state_shape, plan_shape):
        self.hidden_1.build((state_shape[0], state_shape[-1] + plan_shape[1] * plan_shape[2]))
        self.hidden_2.build((state_shape[0], self.width))
        self.output_dense.build((state_shape[0], self.width))

    def call(self, state, plan):
        plan = ops.reshape(plan, (ops.shape(plan)[0], plan.shape[1] * plan.shape[2]))
        h = self.hidden_2(self.hidden_1(ops.concatenate([state, plan], axis=-1)))
        actions = self.output_dense(h)
        return ops.reshape(actions, (ops.shape(actions)[0], self.chunk, self.action_dim))

    def get_config(self):
        return {
            **super().get_config(),
            "width": self.width,
            "action_dim": self.action_dim,
            "chunk": self.chunk,
            "activation": self.activation,
        }
