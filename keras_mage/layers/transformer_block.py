"""Transformer block with adaptive layer norm and a key/value cache."""

import keras
from keras import layers, ops


@keras.saving.register_keras_serializable(package="keras_mage")
class TransformerBlock(layers.Layer):
    """Self-attention + MLP, each modulated by the condition (adaLN-Zero, as VAR/DiT).

    `call` runs a whole sequence under an attention mask (teacher forcing);
    `call_cached` appends the new tokens' keys and values to a cache and
    attends over everything cached so far (generation, one scale at a time).

    Example:

    >>> block = TransformerBlock(num_heads=2)
    >>> x, cond = keras.ops.ones((2, 5, 8)), keras.ops.ones((2, 8))
    >>> keras.ops.shape(block(x, cond))
    (2, 5, 8)
    """

    def __init__(self, num_heads, mlp_ratio=4.0, dropout=0.0, **kwargs):
        super().__init__(**kwargs)
        self.num_heads = num_heads
        self.mlp_ratio = mlp_ratio
        self.dropout = dropout

    def build(self, x_shape, condition_shape):
        width = x_shape[-1]
        if width % self.num_heads:
            raise ValueError(f"Width {width} is not divisible by num_heads={self.num_heads}.")
        self.width = width
        self.head_dim = width // self.num_heads
        policy = self.dtype_policy
        self.modulation = layers.Dense(6 * width, kernel_initializer="zeros", dtype=policy, name="modulation")
        self.norm_1 = layers.LayerNormalization(epsilon=1e-6, center=False, scale=False, dtype=policy, name="norm_1")
        self.norm_2 = layers.LayerNormalization(epsilon=1e-6, center=False, scale=False, dtype=policy, name="norm_2")
        self.qkv = layers.Dense(3 * width, dtype=policy, name="qkv")
        self.attention_out = layers.Dense(width, dtype=policy, name="attention_out")
        self.mlp_in = layers.Dense(int(width * self.mlp_ratio), activation="gelu", dtype=policy, name="mlp_in")
        self.mlp_out = layers.Dense(width, dtype=policy, name="mlp_out")
        self.drop = layers.Dropout(self.dropout, dtype=policy)
        self.modulation.build(condition_shape)
        for layer in (self.norm_1, self.norm_2, self.qkv, self.attention_out, self.mlp_in):
            layer.build(x_shape)
        self.mlp_out.build((*x_shape[:-1], int(width * self.mlp_ratio)))

    def _heads(self, x):
        return ops.reshape(x, (ops.shape(x)[0], x.shape[1], self.num_heads, self.head_dim))

    def _modulated(self, condition):
        return ops.split(self.modulation(ops.silu(condition))[:, None, :], 6, axis=-1)

    def _attend(self, x, condition, mask, cache, training):
        shift_1, scale_1, gate_1, shift_2, scale_2, gate_2 = self._modulated(condition)
        h = self.norm_1(x) * (1.0 + scale_1) + shift_1
        query, key, value = (self._heads(t) for t in ops.split(self.qkv(h), 3, axis=-1))
        if cache is not None:
            key = ops.concatenate([cache[0], key], axis=1)
            value = ops.concatenate([cache[1], value], axis=1)
        attended = ops.dot_product_attention(query, key, value, mask=mask)
        attended = ops.reshape(attended, (ops.shape(x)[0], x.shape[1], self.width))
        x = x + gate_1 * self.drop(self.attention_out(attended), training=training)
        h = self.norm_2(x) * (1.0 + scale_2) + shift_2
        x = x + gate_2 * self.drop(self.mlp_out(self.mlp_in(h)), training=training)
        return x, (key, value)

    def call(self, x, condition, attention_mask=None, training=False):
        """`attention_mask`: boolean (queries, keys), True where attention is allowed."""
        mask = None if attention_mask is None else attention_mask[None, None, :, :]
        return self._attend(x, condition, mask, None, training)[0]

    def call_cached(self, x, condition, cache=None, training=False):
        """Returns (output, cache) with `cache = (keys, values)` covering all tokens so far."""
        return self._attend(x, condition, None, cache, training)

    def get_config(self):
        return {
            **super().get_config(),
            "num_heads": self.num_heads,
            "mlp_ratio": self.mlp_ratio,
            "dropout": self.dropout,
        }
