"""VAR's residual-blend convolutions phi_k, a few shared across scales."""

import keras
from keras import layers


@keras.saving.register_keras_serializable(package="keras_mage")
class PhiBlend(layers.Layer):
    """`phi_k(h) = (1 - ratio) * h + ratio * conv_j(h)` with j chosen by scale.

    Scale k of K uses convolution `j = round(k * (num_phi - 1) / (K - 1))`, so
    neighbouring scales share a phi as in VAR's partially shared variant.

    Example:

    >>> phi = PhiBlend(channels=6, num_scales=4, num_phi=2)
    >>> keras.ops.shape(phi(keras.ops.ones((1, 8, 6)), scale_index=3))
    (1, 8, 6)
    """

    def __init__(self, channels, num_scales, num_phi=4, ratio=0.5, kernel_size=3, **kwargs):
        super().__init__(**kwargs)
        if not 1 <= num_phi <= num_scales:
            raise ValueError(
                f"num_phi must be between 1 and the number of scales ({num_scales}); "
                f"got num_phi={num_phi}."
            )
        self.channels = channels
        self.num_scales = num_scales
        self.num_phi = num_phi
        self.ratio = ratio
        self.kernel_size = kernel_size
        self.convs = [
            layers.Conv1D(channels, kernel_size, padding="same", dtype=self.dtype_policy, name=f"phi_{j}")
            for j in range(num_phi)
        ]

    def phi_index(self, scale_index):
        """Which shared convolution scale `scale_index` (0-based) uses."""
        if self.num_scales == 1:
            return 0
        return int(round(scale_index * (self.num_phi - 1) / (self.num_scales - 1)))

    def build(self, input_shape):
        for conv in self.convs:
            conv.build(input_shape)

    def call(self, h, scale_index):
        conv = self.convs[self.phi_index(scale_index)]
        return (1.0 - self.ratio) * h + self.ratio * conv(h)

    def get_config(self):
        return {
            **super().get_config(),
            "channels": self.channels,
            "num_scales": self.num_scales,
            "num_phi": self.num_phi,
            "ratio": self.ratio,
            "kernel_size": self.kernel_size,
        }
