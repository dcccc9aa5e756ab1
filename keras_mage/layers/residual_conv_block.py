"""Pre-norm residual block of two 1-D convolutions along time."""

import keras
from keras import layers, ops


@keras.saving.register_keras_serializable(package="keras_mage")
class ResidualConvBlock(layers.Layer):
    """`x + conv(gelu(conv(norm(x))))`, keeping shape (batch, time, width).

    Example:

    >>> block = ResidualConvBlock(kernel_size=3)
    >>> keras.ops.shape(block(keras.ops.ones((2, 8, 16))))
    (2, 8, 16)
    """

    def __init__(self, kernel_size=3, **kwargs):
        super().__init__(**kwargs)
        self.kernel_size = kernel_size

    def build(self, input_shape):
        width = input_shape[-1]
        self.norm = layers.LayerNormalization(epsilon=1e-5, dtype=self.dtype_policy, name="norm")
        self.conv_in = layers.Conv1D(
            width, self.kernel_size, padding="same", dtype=self.dtype_policy, name="conv_in"
        )
        self.conv_out = layers.Conv1D(
            width, self.kernel_size, padding="same", dtype=self.dtype_policy, name="conv_out"
        )
        self.norm.build(input_shape)
        self.conv_in.build(input_shape)
        self.conv_out.build(input_shape)

    def call(self, x):
        h = ops.gelu(self.conv_in(self.norm(x)))
        return x + self.conv_out(h)

    def get_config(self):
        return {**super().get_config(), "kernel_size": self.kernel_size}
