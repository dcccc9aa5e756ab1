"""Embedding of the condition (s_0, goal, R_0) with a learned null condition."""

import keras
from keras import layers, ops


@keras.saving.register_keras_serializable(package="keras_mage")
class ConditionEmbedding(layers.Layer):
    """MLP embedding of the raw condition vector, with condition dropout.

    `hidden_layers` layers of `hidden_width` units (default `width`) with
    `activation` (ReLU by default, as in the action head), then a linear
    projection to `width`. The embedding is computed once per
    sample, so a wide MLP here is cheap: it is where the map from (state,
    goal, return) to the coarse plan gets its capacity.

    In training each sample's embedding is replaced by a learned null
    embedding with probability `dropout_rate`, which is what classifier-free
    guidance needs at inference (`null_embedding(batch)`).

    Example:

    >>> embed = ConditionEmbedding(width=16, dropout_rate=0.1, hidden_width=64, hidden_layers=2, seed=0)
    >>> keras.ops.shape(embed(keras.ops.ones((3, 7))))
    (3, 16)
    """

    def __init__(
        self, width, dropout_rate=0.0, hidden_width=None, hidden_layers=1, activation="relu", seed=None, **kwargs
    ):
        super().__init__(**kwargs)
        self.width = width
        self.dropout_rate = dropout_rate
        self.hidden_width = hidden_width or width
        self.hidden_layers = hidden_layers
        self.activation = activation
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed, name="condition_dropout_seed")
        self.hidden = [
            layers.Dense(self.hidden_width, activation=activation, dtype=self.dtype_policy, name=f"hidden_{i}")
            for i in range(hidden_layers)
        ]
        self.output_dense = layers.Dense(width, dtype=self.dtype_policy, name="output")

    def build(self, input_shape):
        for layer in self.hidden:
            layer.build(input_shape)
            input_shape = (*input_shape[:-1], self.hidden_width)
        self.output_dense.build(input_shape)
        self.null = self.add_weight(
            shape=(self.width,),
            initializer=keras.initializers.RandomNormal(stddev=0.02, seed=self.seed),
            name="null",
        )

    def call(self, condition, training=False):
        return self.drop(self.embed(condition), training=training)

    def embed(self, condition):
        """The embedding of `condition`, never dropped (what the model's own plans are generated from)."""
        embedding = condition
        for layer in self.hidden:
            embedding = layer(embedding)
        return self.output_dense(embedding)

    def drop(self, embedding, training=False):
        """`embedding` with each sample replaced by the null embedding with probability `dropout_rate` in training."""
        if not training or self.dropout_rate <= 0:
            return embedding
        batch = ops.shape(embedding)[0]
        keep = keras.random.uniform((batch, 1), seed=self.seed_generator) >= self.dropout_rate
        return ops.where(keep, embedding, self.null_embedding(batch))

    def null_embedding(self, batch):
        """The unconditional embedding, broadcast to (batch, width)."""
        null = ops.cast(self.null, self.compute_dtype)
        return ops.broadcast_to(null[None, :], (batch, self.width))

    def get_config(self):
        return {
            **super().get_config(),
            "width": self.width,
            "dropout_rate": self.dropout_rate,
            "hidden_width": self.hidden_width,
            "hidden_layers": self.hidden_layers,
            "activation": self.activation,
            "seed": self.seed,
        }
