"""Decoder from quantised features back to the (return, state) window."""

import keras
from keras import layers, ops

from keras_mage.layers.residual_conv_block import ResidualConvBlock


@keras.saving.register_keras_serializable(package="keras_mage")
class ConditionGuidedDecoder(layers.Layer):
    """Decodes f_hat (batch, L, C) to (batch, L x upsample, output_dim), guided by (s_0, goal, R_0).

    The adapter embeds the raw condition and modulates the features before
    every block (feature-wise scale and shift, zero-initialised so training
    starts from the unconditioned decoder). MAGE trains it with L_cond, which
    pulls the decoded first step onto the true (R_0, s_0). With `upsample` > 1
    a transposed convolution (kernel 2 x factor, stride factor) and one more
    block bring the features back to the window's own rate (the encoder's
    `downsample` undone).

    Example:

    >>> decoder = ConditionGuidedDecoder(width=32, output_dim=5, num_blocks=1)
    >>> keras.ops.shape(decoder(keras.ops.ones((2, 8, 4)), keras.ops.ones((2, 6))))
    (2, 8, 5)
    >>> keras.ops.shape(ConditionGuidedDecoder(32, 5, 1, upsample=4)(keras.ops.ones((2, 4, 4)), keras.ops.ones((2, 6))))
    (2, 16, 5)
    """

    def __init__(self, width, output_dim, num_blocks=2, upsample=1, **kwargs):
        super().__init__(**kwargs)
        self.width = width
        self.output_dim = output_dim
        self.num_blocks = num_blocks
        self.upsample = int(upsample)
        self.project_in = layers.Dense(width, dtype=self.dtype_policy, name="project_in")
        self.adapter_hidden = layers.Dense(width, activation="silu", dtype=self.dtype_policy, name="adapter_hidden")
        self.adapter_out = layers.Dense(
            2 * width * (num_blocks + 1), kernel_initializer="zeros", dtype=self.dtype_policy, name="adapter_out"
        )
        self.blocks = [
            ResidualConvBlock(dtype=self.dtype_policy, name=f"block_{i}") for i in range(num_blocks)
        ]
        self.upsampling = []
        if self.upsample > 1:
            self.upsampling = [
                layers.Conv1DTranspose(
                    width, 2 * self.upsample, strides=self.upsample, padding="same", dtype=self.dtype_policy,
                    name="upsample",
                ),
                ResidualConvBlock(dtype=self.dtype_policy, name="upsampled_block"),
            ]
        self.norm = layers.LayerNormalization(epsilon=1e-5, dtype=self.dtype_policy, name="norm")
        self.project_out = layers.Dense(output_dim, dtype=self.dtype_policy, name="project_out")

    def build(self, features_shape, condition_shape):
        self.project_in.build(features_shape)
        self.adapter_hidden.build(condition_shape)
        self.adapter_out.build((*condition_shape[:-1], self.width))
        hidden_shape = (*features_shape[:-1], self.width)
        for block in self.blocks + self.upsampling:
            block.build(hidden_shape)
        self.norm.build(hidden_shape)
        self.project_out.build(hidden_shape)

    def call(self, features, condition):
        modulation = self.adapter_out(self.adapter_hidden(condition))
        modulation = ops.split(modulation[:, None, :], 2 * (self.num_blocks + 1), axis=-1)
        h = self.project_in(features)
        h = h * (1.0 + modulation[0]) + modulation[1]
        for i, block in enumerate(self.blocks):
            h = block(h)
            h = h * (1.0 + modulation[2 * i + 2]) + modulation[2 * i + 3]
        for layer in self.upsampling:
            h = layer(h)
        return self.project_out(self.norm(h))

    def get_config(self):
        return {
            **super().get_config(),
            "width": self.width,
            "output_dim": self.output_dim,
            "num_blocks": self.num_blocks,
            "upsample": self.upsample,
        }
