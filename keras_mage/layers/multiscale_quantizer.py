"""VAR-style multi-scale residual quantiser along time, one shared codebook."""

import keras
import numpy as np
from keras import layers, ops

from keras_mage.layers.phi_blend import PhiBlend
from keras_mage.layers.resampling import area_matrix, linear_matrix, resample


@keras.saving.register_keras_serializable(package="keras_mage")
class MultiScaleQuantizer(layers.Layer):
    """Quantises features (batch, L, C) into K token maps of lengths l_1..l_K.

    For each scale k the residual is area-pooled to length l_k, each position
    takes the nearest entry of one codebook shared by all scales, the codes
    are linearly upsampled back to L, blended by `PhiBlend` and added to the
    reconstruction. Gradients pass straight through to the encoder; the
    commitment loss is averaged over scales (VAR).

    The codebook follows an exponential moving average of the residuals
    assigned to it (a non-trainable weight, so the method is the same on every
    backend). Codes whose usage falls under `dead_code_threshold` times the
    average are revived every `revive_every` training steps with residuals
    drawn from the batch; the first training step initialises every code so.
    Distances are computed in float32 whatever the dtype policy.

    Example:

    >>> quantizer = MultiScaleQuantizer((1, 2, 4), codebook_size=16)
    >>> out = quantizer(keras.ops.ones((2, 4, 3)))
    >>> keras.ops.shape(out["f_hat"]), keras.ops.shape(out["indices"])
    ((2, 4, 3), (2, 7))
    """

    def __init__(
        self,
        scale_schedule,
        codebook_size,
        num_phi=1,
        phi_ratio=0.5,
        commitment_beta=0.25,
        codebook_decay=0.99,
        dead_code_threshold=0.02,
        revive_every=100,
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.scale_schedule = tuple(int(length) for length in scale_schedule)
        self.codebook_size = codebook_size
        self.num_phi = num_phi
        self.phi_ratio = phi_ratio
        self.commitment_beta = commitment_beta
        self.codebook_decay = codebook_decay
        self.dead_code_threshold = dead_code_threshold
        self.revive_every = revive_every
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed, name="revival_seed")
        self.length = self.scale_schedule[-1]
        self.down = [area_matrix(self.length, length) for length in self.scale_schedule]
        self.up = [linear_matrix(length, self.length) for length in self.scale_schedule]

    @property
    def num_scales(self):
        return len(self.scale_schedule)

    def build(self, input_shape):
        code_dim = input_shape[-1]
        self.phi = PhiBlend(
            code_dim, self.num_scales, self.num_phi, self.phi_ratio, dtype=self.dtype_policy, name="phi"
        )
        self.phi.build(input_shape)
        self.codebook = self.add_weight(
            shape=(self.codebook_size, code_dim),
            initializer=keras.initializers.RandomNormal(stddev=1.0, seed=self.seed),
            trainable=False,
            dtype="float32",
            autocast=False,  # stays float32 under mixed precision
            aggregation="mean",
            name="codebook",
        )
        self.cluster_size = self.add_weight(
            shape=(self.codebook_size,), initializer="zeros", trainable=False, dtype="float32", autocast=False, aggregation="mean", name="cluster_size"
        )
        self.embed_sum = self.add_weight(
            shape=(self.codebook_size, code_dim), initializer="zeros", trainable=False, dtype="float32", autocast=False, aggregation="mean", name="embed_sum"
        )
        self.step = self.add_weight(
            shape=(), initializer="zeros", trainable=False, dtype="int32", aggregation="only_first_replica", name="step"
        )

    def nearest_codes(self, residual):
        """Indices (batch, l) of the codebook entries nearest to `residual`."""
        residual = ops.cast(residual, "float32")
        distances = (
            ops.sum(residual**2, axis=-1, keepdims=True)
            - 2.0 * ops.einsum("blc,vc->blv", residual, self.codebook)
            + ops.sum(self.codebook**2, axis=-1)
        )
        return ops.cast(ops.argmin(distances, axis=-1), "int32")

    def codes_to_features(self, codes, scale_index):
        """Upsamples codes (batch, l_k, C) of scale k to (batch, L, C) and blends them."""
        codes = ops.cast(codes, self.compute_dtype)
        return self.phi(resample(codes, self.up[scale_index]), scale_index=scale_index)

    def embed_tokens(self, indices, scale_index):
        """Features (batch, L, C) contributed by token indices (batch, l_k) at scale k."""
        return self.codes_to_features(ops.take(self.codebook, indices, axis=0), scale_index)

    def next_scale_input(self, f_hat, scale_index):
        """The partial reconstruction after scales <= k, pooled to length l_{k+1}."""
        return resample(f_hat, self.down[scale_index + 1])

    def call(self, f, training=False, num_scales=None):
        """Quantises `f`; `num_scales` < K stops after the first scales (ablations, tests)."""
        num_scales = self.num_scales if num_scales is None else num_scales
        f32 = ops.cast(f, "float32")
        residual = ops.stop_gradient(f32)
        f_hat = ops.zeros_like(f32)
        vq_loss = 0.0
        indices, residuals, next_inputs = [], [], []
        for k in range(num_scales):
            pooled = resample(residual, self.down[k])
            index = self.nearest_codes(pooled)
            h = ops.cast(self.embed_tokens(index, k), "float32")
            f_hat = f_hat + h
            residual = residual - ops.stop_gradient(h)
            commitment = ops.mean((ops.stop_gradient(f_hat) - f32) ** 2)
            codebook_fit = ops.mean((f_hat - ops.stop_gradient(f32)) ** 2)
            vq_loss = vq_loss + self.commitment_beta * commitment + codebook_fit
            indices.append(index)
            residuals.append(ops.reshape(ops.stop_gradient(pooled), (-1, pooled.shape[-1])))
            if k + 1 < num_scales:
                next_inputs.append(self.next_scale_input(f_hat, k))
        if training:
            flat_indices = [ops.reshape(index, (-1,)) for index in indices]  # row order of `residuals`
            self._update_codebook(ops.concatenate(residuals, axis=0), ops.concatenate(flat_indices, axis=0))
        indices = ops.concatenate(indices, axis=1)
        f_hat_st = f32 + ops.stop_gradient(f_hat - f32)
        return {
            "f_hat": ops.cast(f_hat_st, self.compute_dtype),
            "indices": indices,
            "next_inputs": ops.cast(ops.concatenate(next_inputs, axis=1), self.compute_dtype)
            if next_inputs
            else None,
            "vq_loss": vq_loss / num_scales,
            "perplexity": self._perplexity(indices),
        }

    def _perplexity(self, indices):
        counts = ops.sum(ops.one_hot(ops.reshape(indices, (-1,)), self.codebook_size), axis=0)
        probs = counts / ops.sum(counts)
        return ops.exp(-ops.sum(probs * ops.log(probs + 1e-10)))

    def _update_codebook(self, residuals, indices):
        """EMA codebook step, then dead-code revival on schedule."""
        decay = self.codebook_decay
        one_hot = ops.one_hot(indices, self.codebook_size, dtype="float32")
        cluster_size = decay * self.cluster_size + (1.0 - decay) * ops.sum(one_hot, axis=0)
        embed_sum = decay * self.embed_sum + (1.0 - decay) * ops.matmul(ops.transpose(one_hot), residuals)

        mean_size = ops.maximum(ops.mean(cluster_size), 1e-3)
        due = ops.equal(ops.mod(self.step, self.revive_every), 0)
        dead = ops.logical_and(due, cluster_size < self.dead_code_threshold * mean_size)
        picks = keras.random.randint(
            (self.codebook_size,), 0, ops.shape(residuals)[0], seed=self.seed_generator
        )
        fresh = ops.take(residuals, picks, axis=0)
        dead_column = dead[:, None]
        cluster_size = ops.where(dead, mean_size, cluster_size)
        embed_sum = ops.where(dead_column, fresh * mean_size, embed_sum)
        codebook = embed_sum / ops.maximum(cluster_size, 1e-8)[:, None]

        self.cluster_size.assign(ops.stop_gradient(cluster_size))
        self.embed_sum.assign(ops.stop_gradient(embed_sum))
        self.codebook.assign(ops.stop_gradient(codebook))
        self.step.assign(self.step + 1)

    def codebook_usage(self):
        """Share of codes currently in use (EMA cluster size above the revival threshold)."""
        mean_size = ops.maximum(ops.mean(self.cluster_size), 1e-3)
        alive = ops.cast(self.cluster_size >= self.dead_code_threshold * mean_size, "float32")
        return ops.mean(alive)

    def get_config(self):
        return {
            **super().get_config(),
            "scale_schedule": self.scale_schedule,
            "codebook_size": self.codebook_size,
            "num_phi": self.num_phi,
            "phi_ratio": self.phi_ratio,
            "commitment_beta": self.commitment_beta,
            "codebook_decay": self.codebook_decay,
            "dead_code_threshold": self.dead_code_threshold,
            "revive_every": self.revive_every,
            "seed": self.seed,
        }
