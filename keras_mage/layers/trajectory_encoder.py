"""Encoder from a (return, state) window to a feature sequence."""

import keras
from keras import layers

from keras_mage.layers.residual_conv_block import ResidualConvBlock


@keras.saving.register_keras_serializable(package="keras_mage")
class TrajectoryEncoder(layers.Layer):
    """Maps (batch, H, d) windows to features f of shape (batch, H / downsample, code_dim).

    Residual convolution blocks at the window's own rate, then, with
    `downsample` > 1, a strided convolution (kernel 2 x factor, stride factor)
    and one more block at the reduced rate L = H / downsample, so every step
    of the window reaches the features (the paper's temporal downsampling).

    Example:

    >>> encoder = TrajectoryEncoder(width=32, code_dim=8, num_blocks=1)
    >>> keras.ops.shape(encoder(keras.ops.ones((2, 8, 5))))
    (2, 8, 8)
    >>> keras.ops.shape(TrajectoryEncoder(32, 8, 1, downsample=4)(keras.ops.ones((2, 16, 5))))
    (2, 4, 8)
    """

    def __init__(self, width, code_dim, num_blocks=2, downsample=1, **kwargs):
        super().__init__(**kwargs)
        self.width = width
        self.code_dim = code_dim
        self.num_blocks = num_blocks
        self.downsample = int(downsample)
        self.project_in = layers.Dense(width, dtype=self.dtype_policy, name="project_in")
        self.blocks = [
            ResidualConvBlock(dtype=self.dtype_policy, name=f"block_{i}") for i in range(num_blocks)
        ]
        if self.downsample > 1:
            self.blocks += [
                layers.Conv1D(
                    width, 2 * self.downsample, strides=self.downsample, padding="same", dtype=self.dtype_policy,
                    name="downsample",
                ),
                ResidualConvBlock(dtype=self.dtype_policy, name="downsampled_block"),
            ]
        self.norm = layers.LayerNormalization(epsilon=1e-5, dtype=self.dtype_policy, name="norm")
        self.project_out = layers.Dense(code_dim, dtype=self.dtype_policy, name="project_out")

    def build(self, input_shape):
        self.project_in.build(input_shape)
        hidden_shape = (*input_shape[:-1], self.width)
        for block in self.blocks:
            block.build(hidden_shape)
        self.norm.build(hidden_shape)
        self.project_out.build(hidden_shape)

    def call(self, x):
        h = self.project_in(x)
        for block in self.blocks:
            h = block(h)
        return self.project_out(self.norm(h))

    def get_config(self):
        return {
            **super().get_config(),
            "width": self.width,
            "code_dim": self.code_dim,
            "num_blocks": self.num_blocks,
            "downsample": self.downsample,
        }
