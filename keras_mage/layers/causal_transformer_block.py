"""GPT-2's transformer block: pre-norm causal self-attention and MLP, with dropout.

The block of Decision Transformer (`keras_mage.baselines.DecisionTransformer`):
x + attention(LN(x)), then x + MLP(LN(x)); token i attends to tokens 0..i
only. Unlike `TransformerBlock` (adaLN-Zero, a condition vector, any mask) it
takes no condition, and its initialisation (normal, std 0.02) and dropout
(on the attention weights and both residual branches) are GPT-2's, seeded by
`seed`.

Example:

>>> import keras
>>> block = CausalTransformerBlock(num_heads=2, seed=0)
>>> x = keras.random.normal((2, 5, 8), seed=1)
>>> keras.ops.shape(block(x))
(2, 5, 8)
>>> changed = keras.ops.concatenate([x[:, :3], x[:, 3:] + 1.0], axis=1)
>>> bool(keras.ops.all(keras.ops.isclose(block(changed)[:, :3], block(x)[:, :3])))
True
"""

import math

import keras
from keras import layers, ops

INIT_STDDEV = 0.02  # GPT-2's initialisation of every kernel


def gpt_normal(seed, offset=0):
    """GPT-2's kernel initialiser, normal(0, 0.02), seeded with `seed + offset` (unseeded when `seed` is None)."""
    return keras.initializers.RandomNormal(stddev=INIT_STDDEV, seed=None if seed is None else seed + offset)


@keras.saving.register_keras_serializable(package="keras_mage")
class CausalTransformerBlock(layers.Layer):
    """Pre-norm causal self-attention + MLP (GPT-2).

    Args:
        num_heads: attention heads (they split the width).
        mlp_ratio: the MLP's hidden width, as a multiple of the width.
        dropout: the rate on the attention weights and on both residual branches.
        seed: initialisation and dropout seed (None: unseeded).
    """

    def __init__(self, num_heads, mlp_ratio=4.0, dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.num_heads = int(num_heads)
        self.mlp_ratio = float(mlp_ratio)
        self.dropout = float(dropout)
        self.seed = seed

    def build(self, input_shape):
        width = int(input_shape[-1])
        if width % self.num_heads:
            raise ValueError(f"Width {width} is not divisible by num_heads={self.num_heads}.")
        self.width, self.head_dim = width, width // self.num_heads
        hidden = int(width * self.mlp_ratio)
        policy = self.dtype_policy
        self.norm_1 = layers.LayerNormalization(epsilon=1e-5, dtype=policy, name="norm_1")
        self.norm_2 = layers.LayerNormalization(epsilon=1e-5, dtype=policy, name="norm_2")
        self.qkv = layers.Dense(3 * width, kernel_initializer=gpt_normal(self.seed, 0), dtype=policy, name="qkv")
        self.attention_out = layers.Dense(width, kernel_initializer=gpt_normal(self.seed, 1), dtype=policy,
                                          name="attention_out")
        self.mlp_in = layers.Dense(hidden, activation="gelu", kernel_initializer=gpt_normal(self.seed, 2),
                                   dtype=policy, name="mlp_in")
        self.mlp_out = layers.Dense(width, kernel_initializer=gpt_normal(self.seed, 3), dtype=policy, name="mlp_out")
        self.drop = layers.Dropout(self.dropout, seed=self.seed, dtype=policy)  # a new mask at every call
        for layer in (self.norm_1, self.norm_2, self.qkv, self.attention_out, self.mlp_in):
            layer.build(input_shape)
        self.mlp_out.build((*input_shape[:-1], hidden))

    def _heads(self, x):
        """(batch, tokens, width) -> (batch, heads, tokens, head_dim)."""
        return ops.transpose(ops.reshape(x, (-1, x.shape[1], self.num_heads, self.head_dim)), (0, 2, 1, 3))

    def attend(self, x, training=False):
        """Causal multi-head self-attention of (batch, tokens, width) inputs."""
        tokens = x.shape[1]
        query, key, value = (self._heads(part) for part in ops.split(self.qkv(x), 3, axis=-1))
        scores = ops.matmul(query, ops.transpose(key, (0, 1, 3, 2))) / math.sqrt(self.head_dim)
        causal = ops.tril(ops.ones((tokens, tokens), "bool"))
        scores = ops.where(causal[None, None], scores, ops.cast(-1e9, scores.dtype))
        weights = self.drop(ops.softmax(scores, axis=-1), training=training)
        attended = ops.transpose(ops.matmul(weights, value), (0, 2, 1, 3))
        return self.attention_out(ops.reshape(attended, (-1, tokens, self.width)))

    def call(self, x, training=False):
        x = x + self.drop(self.attend(self.norm_1(x), training=training), training=training)
        return x + self.drop(self.mlp_out(self.mlp_in(self.norm_2(x))), training=training)

    def get_config(self):
        return {
            **super().get_config(),
            "num_heads": self.num_heads,
            "mlp_ratio": self.mlp_ratio,
            "dropout": self.dropout,
            "seed": self.seed,
        }
