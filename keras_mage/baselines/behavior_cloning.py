"""Behaviour cloning: an MLP from (state, goal) to action, on MAGE's data pipeline.

It reads the same batches as MAGE (windows of one step, normalised with the
same `DataStatistics`) and exposes the same `predict_actions`, so
`keras_mage.control.evaluate` and `MAGEPolicy` run it unchanged.

Example:

>>> import keras_mage
>>> from keras_mage.baselines import BehaviorCloning
>>> baseline = BehaviorCloning(hidden_units=(64, 64), seed=0)
>>> baseline.fit("keras_mage/pointmaze/umaze-v0", epochs=1, steps_per_epoch=100)  # doctest: +SKIP
>>> keras_mage.control.evaluate(baseline, episodes=10)["success_rate"]  # doctest: +SKIP
0.6
"""

import keras
import numpy as np
from keras import ops

from keras_mage.data.statistics import StatisticsAttribute
from keras_mage.models.acting import normalized_inputs, statistics_of
from keras_mage.models.training_data import as_training_data


@keras.saving.register_keras_serializable(package="keras_mage")
class BehaviorCloning(keras.Model):
    """MLP policy a = f(s, g) trained with mean squared error to the data's actions.

    Args:
        hidden_units: widths of the hidden layers.
        activation: their activation (ReLU; see `studies/mlp_activation.py`).
        learning_rate, batch_size, discount: as in MAGE's presets (the
            discount only shapes the stored return statistics).
        seed: initialisation and data-order seed.
    """

    action_chunk = 1
    data_statistics = StatisticsAttribute()

    def __init__(
        self,
        hidden_units=(256, 256),
        activation="relu",
        learning_rate=1e-3,
        batch_size=256,
        discount=0.99,
        state_dim=None,
        action_dim=None,
        goal_dim=0,
        data_statistics=None,
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.hidden_units = tuple(int(units) for units in hidden_units)
        self.activation = activation
        self.learning_rate = float(learning_rate)
        self.batch_size = int(batch_size)
        self.discount = float(discount)
        self.state_dim, self.action_dim, self.goal_dim = state_dim, action_dim, goal_dim
        self.data_statistics = data_statistics
        self.seed = seed
        initializer = lambda offset: keras.initializers.GlorotUniform(None if seed is None else seed + offset)
        self.hidden = [
            keras.layers.Dense(units, activation=activation, kernel_initializer=initializer(i), name=f"hidden_{i}")
            for i, units in enumerate(self.hidden_units)
        ]
        self.output_layer = None

    def build(self, input_shape):
        shapes = dict(input_shape)
        self.state_dim = int(shapes["observations"][-1])
        self.action_dim = int(shapes["actions"][-1])
        self.goal_dim = int(shapes["goals"][-1]) if shapes.get("goals") is not None else 0
        width = self.state_dim + self.goal_dim
        for layer in self.hidden:
            layer.build((None, width))
            width = layer.units
        self.output_layer = keras.layers.Dense(
            self.action_dim, kernel_initializer=keras.initializers.GlorotUniform(self.seed), name="actions"
        )
        self.output_layer.build((None, width))
        self.built = True

    def get_build_config(self):
        shapes = {"observations": (None, 1, self.state_dim), "actions": (None, 1, self.action_dim)}
        if self.goal_dim:
            shapes["goals"] = (None, self.goal_dim)
        return {"input_shape": shapes}

    def build_from_config(self, config):
        self.build(config["input_shape"])

    def call(self, inputs, training=False):
        """Actions (batch, 1, da) from a batch dict (normalised window starts and goals)."""
        features = ops.cast(inputs["observations"][:, 0], "float32")
        if self.goal_dim:
            features = ops.concatenate([features, ops.cast(inputs["goals"], "float32")], axis=-1)
        for layer in self.hidden:
            features = layer(features)
        return ops.expand_dims(self.output_layer(features), 1)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        error = ops.mean((ops.cast(y_pred[:, 0], "float32") - ops.cast(x["actions"][:, 0], "float32")) ** 2, -1)
        mask = ops.cast(x["mask"][:, 0], "float32")
        return ops.sum(error * mask) / ops.maximum(ops.sum(mask), 1.0)

    def fit(self, x=None, y=None, batch_size=None, epochs=1, steps_per_epoch=None, **kwargs):
        """Trains on an offline dataset (any `keras_mage.data.load_episodes` source) or batches."""
        x, statistics = as_training_data(
            x,
            horizon=1,
            batch_size=batch_size or self.batch_size,
            statistics=self.data_statistics,
            discount=self.discount,
            reward_scale=1.0,
            seed=self.seed or 0,
            repeat=steps_per_epoch is not None,
            start_epoch=kwargs.get("initial_epoch", 0),
            steps_per_epoch=steps_per_epoch,
        )
        if statistics is not None:
            self.data_statistics = statistics
        if not self.compiled:
            self.compile(optimizer=keras.optimizers.Adam(self.learning_rate))
        return super().fit(x, epochs=epochs, steps_per_epoch=steps_per_epoch, **kwargs)

    def predict_actions(self, observations, goals=None, target_returns=None, **sampling_options):
        """Raw actions (batch, 1, da) for raw states and goals; returns and sampling options are ignored."""
        if not self.built:
            raise ValueError("The baseline is not built yet: train it with `fit` first.")
        statistics = statistics_of(self)
        states, goals = normalized_inputs(self, observations, goals)
        batch = {"observations": states[:, None]} | ({} if goals is None else {"goals": goals})
        actions = ops.convert_to_numpy(self(batch, training=False))
        return np.clip(actions, statistics.action_low, statistics.action_high)

    def get_config(self):
        return {
            **super().get_config(),
            "hidden_units": list(self.hidden_units),
            "activation": self.activation,
            "learning_rate": self.learning_rate,
            "batch_size": self.batch_size,
            "discount": self.discount,
            "state_dim": self.state_dim,
            "action_dim": self.action_dim,
            "goal_dim": self.goal_dim,
            "data_statistics": None if self.data_statistics is None else self.data_statistics.get_config(),
            "seed": self.seed,
        }
