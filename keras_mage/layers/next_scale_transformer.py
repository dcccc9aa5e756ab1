"""Decoder-only transformer that predicts token maps coarse to fine."""

import keras
import numpy as np
from keras import layers, ops

from keras_mage.layers.transformer_block import TransformerBlock


def block_causal_mask(scale_schedule):
    """Boolean (T, T) mask: a token of scale k sees every token of scales <= k.

    Example:

    >>> block_causal_mask((1, 2)).astype(int).tolist()
    [[1, 0, 0], [1, 1, 1], [1, 1, 1]]
    """
    levels = scale_levels(scale_schedule)
    return levels[None, :] <= levels[:, None]


def scale_levels(scale_schedule):
    """Scale index (0-based) of each of the T = sum(l_k) token positions."""
    return np.repeat(np.arange(len(scale_schedule)), scale_schedule)


@keras.saving.register_keras_serializable(package="keras_mage")
class NextScaleTransformer(layers.Layer):
    """VAR-style next-scale prediction over the token maps m_1..m_K.

    The input for scale 1 is the condition embedding (start token); the
    input for scale k+1 is the partial reconstruction after scales <= k
    pooled to length l_{k+1} (`MultiScaleQuantizer.next_scale_input`),
    projected to the model width. Learned position and level embeddings are
    added; every block is conditioned by adaptive layer norm.

    Example:

    >>> net = NextScaleTransformer((1, 2), codebook_size=8, width=16, num_layers=1, num_heads=2)
    >>> cond, nxt = keras.ops.ones((2, 16)), keras.ops.ones((2, 2, 4))
    >>> keras.ops.shape(net(cond, nxt))
    (2, 3, 8)
    """

    def __init__(
        self,
        scale_schedule,
        codebook_size,
        width,
        num_layers,
        num_heads,
        mlp_ratio=4.0,
        dropout=0.0,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.scale_schedule = tuple(int(length) for length in scale_schedule)
        self.codebook_size = codebook_size
        self.width = width
        self.num_layers = num_layers
        self.num_heads = num_heads
        self.mlp_ratio = mlp_ratio
        self.dropout = dropout
        self.num_tokens = int(sum(self.scale_schedule))
        self.starts = np.concatenate([[0], np.cumsum(self.scale_schedule)]).astype(int)
        self.attention_mask = block_causal_mask(self.scale_schedule)
        self.levels = scale_levels(self.scale_schedule)
        policy = self.dtype_policy
        self.input_projection = layers.Dense(width, dtype=policy, name="input_projection")
        self.blocks = [
            TransformerBlock(num_heads, mlp_ratio, dropout, dtype=policy, name=f"block_{i}")
            for i in range(num_layers)
        ]
        self.head_norm = layers.LayerNormalization(epsilon=1e-6, center=False, scale=False, dtype=policy, name="head_norm")
        self.head_modulation = layers.Dense(2 * width, kernel_initializer="zeros", dtype=policy, name="head_modulation")
        self.head = layers.Dense(codebook_size, dtype=policy, name="head")

    def build(self, condition_shape, next_inputs_shape=None):
        batch = condition_shape[0]
        code_dim = next_inputs_shape[-1] if next_inputs_shape is not None else 1
        self.input_projection.build((batch, None, code_dim))
        init = keras.initializers.TruncatedNormal(stddev=0.02)
        self.position_embedding = self.add_weight(
            shape=(self.num_tokens, self.width), initializer=init, name="position_embedding"
        )
        self.level_embedding = self.add_weight(
            shape=(len(self.scale_schedule), self.width), initializer=init, name="level_embedding"
        )
        token_shape = (batch, self.num_tokens, self.width)
        for block in self.blocks:
            block.build(token_shape, condition_shape)
        self.head_norm.build(token_shape)
        self.head_modulation.build(condition_shape)
        self.head.build(token_shape)

    def _scale_tokens(self, condition, scale_input, scale_index):
        """Embedded input tokens (batch, l_k, width) of scale k."""
        length = self.scale_schedule[scale_index]
        if scale_index == 0:
            x = ops.broadcast_to(condition[:, None, :], (ops.shape(condition)[0], length, self.width))
        else:
            x = self.input_projection(scale_input)
        start = int(self.starts[scale_index])
        positions = ops.cast(self.position_embedding[start : start + length], self.compute_dtype)
        level = ops.cast(self.level_embedding[scale_index], self.compute_dtype)
        return x + positions[None] + level[None, None]

    def _logits(self, x, condition):
        shift, scale = ops.split(self.head_modulation(ops.silu(condition))[:, None, :], 2, axis=-1)
        return self.head(self.head_norm(x) * (1.0 + scale) + shift)

    def call(self, condition, next_inputs=None, training=False):
        """Teacher-forced logits (batch, T, V) for all scales in one pass."""
        tokens = [self._scale_tokens(condition, None, 0)]
        for k in range(1, len(self.scale_schedule)):
            segment = next_inputs[:, self.starts[k] - self.starts[1] : self.starts[k + 1] - self.starts[1]]
            tokens.append(self._scale_tokens(condition, segment, k))
        x = ops.concatenate(tokens, axis=1) if len(tokens) > 1 else tokens[0]
        mask = ops.convert_to_tensor(self.attention_mask)
        for block in self.blocks:
            x = block(x, condition, attention_mask=mask, training=training)
        return self._logits(x, condition)

    def scale_logits(self, condition, scale_input, scale_index, caches, training=False):
        """Logits (batch, l_k, V) of scale k given the caches of scales < k.

        `caches` is a list with one (keys, values) pair per block (or None for
        scale 1); returns `(logits, caches)` extended with scale k.
        """
        x = self._scale_tokens(condition, scale_input, scale_index)
        new_caches = []
        for block, cache in zip(self.blocks, caches or [None] * len(self.blocks)):
            x, cache = block.call_cached(x, condition, cache, training=training)
            new_caches.append(cache)
        return self._logits(x, condition), new_caches

    def get_config(self):
        return {
            **super().get_config(),
            "scale_schedule": self.scale_schedule,
            "codebook_size": self.codebook_size,
            "width": self.width,
            "num_layers": self.num_layers,
            "num_heads": self.num_heads,
            "mlp_ratio": self.mlp_ratio,
            "dropout": self.dropout,
        }
