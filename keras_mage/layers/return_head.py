"""A state-dependent target return: R_0 estimated from (s_0, goal)."""

import keras
from keras import layers, ops


@keras.saving.register_keras_serializable(package="keras_mage")
class ReturnHead(layers.Layer):
    """`R_0 ≈ V(s_0, goal)`, an MLP trained by expectile regression on the data's returns-to-go.

    MAGE's plan is conditioned on R_0, which in training is each window's own
    return-to-go. Acting from one constant target for every state gives the
    transformer a condition unlike any it trained on (on sparse-reward mazes
    R_0 = γ^(steps to the goal) says how far along the way a window is);
    this head supplies a target that matches the current state instead
    (`MAGEPolicy(return_update="estimated")`, docs/acting.md). It reads the
    data, not the tokenizer, so its loss moves no other weights.

    Example:

    >>> head = ReturnHead(width=32)
    >>> keras.ops.shape(head(keras.ops.ones((4, 5))))
    (4, 1)
    """

    def __init__(self, width, activation="relu", **kwargs):
        super().__init__(**kwargs)
        self.width = width
        self.activation = activation
        self.hidden_1 = layers.Dense(width, activation=activation, dtype=self.dtype_policy, name="hidden_1")
        self.hidden_2 = layers.Dense(width, activation=activation, dtype=self.dtype_policy, name="hidden_2")
        self.output_dense = layers.Dense(1, dtype=self.dtype_policy, name="output")

    def build(self, state_shape):
        self.hidden_1.build(state_shape)
        self.hidden_2.build((state_shape[0], self.width))
        self.output_dense.build((state_shape[0], self.width))

    def call(self, state):
        return self.output_dense(self.hidden_2(self.hidden_1(state)))

    def get_config(self):
        return {**super().get_config(), "width": self.width, "activation": self.activation}


def expectile_loss(error, expectile):
    """Mean of |τ - 1(error < 0)| * error² with error = target - prediction (τ = 0.5: half the MSE).

    τ above 0.5 weighs under-estimates more, so the prediction moves toward
    the upper returns seen from a state (IQL's value loss).

    Example:

    >>> float(expectile_loss(keras.ops.convert_to_tensor([1.0, -1.0]), 0.9))
    0.5
    """
    weight = ops.where(error < 0, 1.0 - expectile, expectile)
    return ops.mean(weight * ops.square(error))
