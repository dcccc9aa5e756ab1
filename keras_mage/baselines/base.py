"""What the baselines share: MAGE's data pipeline for `fit`, raw-input `predict_actions`, dims and config.

A baseline subclasses `OfflineBaseline`, builds its networks from
`state_features` (normalised state, then goal) and returns the normalised
actor's actions (batch, 1, da) from `call`; `predict_actions` clips them to
the data's action range, as `keras_mage.control` expects of any agent.
"""

import keras
import numpy as np
from keras import ops

from keras_mage.data.statistics import StatisticsAttribute
from keras_mage.models.acting import normalized_inputs, statistics_of
from keras_mage.models.training_data import as_training_data


def seeded_glorot(seed, offset=0):
    """Glorot-uniform initialiser seeded with `seed + offset` (unseeded when `seed` is None)."""
    return keras.initializers.GlorotUniform(None if seed is None else seed + offset)


def dense_stack(units, activation, seed, offset=0, prefix="hidden"):
    """Dense layers of widths `units`; layer i is seeded with `seed + offset + i` and named `{prefix}_{i}`."""
    return [
        keras.layers.Dense(width, activation=activation, kernel_initializer=seeded_glorot(seed, offset + i),
                           name=f"{prefix}_{i}")
        for i, width in enumerate(units)
    ]


def build_stack(layers, width):
    """Builds `layers` in sequence on inputs of `width` features; returns the last width."""
    for layer in layers:
        layer.build((None, width))
        width = layer.units
    return width


class OfflineBaseline(keras.Model):
    """Base of the baselines: trains on windows of `window_horizon` steps and acts like MAGE.

    Args:
        hidden_units, activation: widths and activation of the hidden layers.
        learning_rate, batch_size, discount: training settings (the discount
            also shapes the stored return statistics).
        seed: initialisation and data-order seed.
        hindsight_goals: state features that form each window's goal, drawn
            from its own future (`keras_mage.data.hindsight_goals`; data
            without goals such as OGBench's); () uses the data's goals.
            Behaviour cloning with them is GCBC.
        hindsight_goal_draw: how far ahead they lie ("uniform", "geometric" or "mixed",
            as MAGE's option).
    """

    action_chunk = 1
    data_statistics = StatisticsAttribute()
    window_horizon = 1  # steps per training window
    reward_scale = 1.0  # the pipeline's return scale
    supports_hindsight_goals = True  # False: the model's losses need the data's own rewards
    ignored_settings = ()  # constructor settings of a parent class that this model takes and ignores

    def __init__(self, hidden_units=(256, 256), activation="relu", learning_rate=1e-3, batch_size=256, discount=0.99,
                 state_dim=None, action_dim=None, goal_dim=0, data_statistics=None, seed=None, hindsight_goals=(),
                 hindsight_goal_draw="uniform", **kwargs):
        from keras_mage.data.hindsight_goals import check_draw

        super().__init__(**kwargs)
        self.hindsight_goals = tuple(int(dim) for dim in hindsight_goals)
        check_draw(hindsight_goal_draw)
        self.hindsight_goal_draw = hindsight_goal_draw
        if self.hindsight_goals and not self.supports_hindsight_goals:
            raise ValueError(
                f"{type(self).__name__} learns from the data's rewards and cannot train on hindsight goals yet; "
                "use BehaviorCloning (GCBC) or MAGE with `hindsight_goals`."
            )
        self.hidden_units = tuple(int(units) for units in hidden_units)
        self.activation = activation
        self.learning_rate = float(learning_rate)
        self.batch_size = int(batch_size)
        self.discount = float(discount)
        self.state_dim, self.action_dim, self.goal_dim = state_dim, action_dim, goal_dim
        self.data_statistics = data_statistics
        self.seed = seed

    def set_dims(self, input_shape):
        """Reads state, action and goal sizes from a batch's shapes; returns the width of `state_features`."""
        shapes = dict(input_shape)
        self.state_dim = int(shapes["observations"][-1])
        self.action_dim = int(shapes["actions"][-1])
        self.goal_dim = int(shapes["goals"][-1]) if shapes.get("goals") is not None else 0
        return self.state_dim + self.goal_dim

    def get_build_config(self):
        horizon = self.window_horizon
        shapes = {"observations": (None, horizon, self.state_dim), "actions": (None, horizon, self.action_dim)}
        if self.goal_dim:
            shapes["goals"] = (None, self.goal_dim)
        return {"input_shape": shapes}

    def build_from_config(self, config):
        self.build(config["input_shape"])

    def state_features(self, inputs, step=0):
        """(batch, ds + dg): the window's normalised state at `step`, then the goal (goal-conditioned data)."""
        features = ops.cast(inputs["observations"][:, step], "float32")
        if self.goal_dim:
            features = ops.concatenate([features, ops.cast(inputs["goals"], "float32")], axis=-1)
        return features

    def fit(self, x=None, y=None, batch_size=None, epochs=1, steps_per_epoch=None, **kwargs):
        """Trains on an offline dataset (any `keras_mage.data.load_episodes` source) or batches.

        A dict of window arrays is cut into batches of `batch_size`, by default the model's.
        """
        batch_size = batch_size or self.batch_size
        x = as_training_data(
            self, x, self.window_horizon, batch_size, steps_per_epoch, start_epoch=kwargs.get("initial_epoch", 0)
        )
        if not self.compiled:
            self.compile(optimizer=self.make_optimizer())
        if isinstance(x, dict):
            kwargs["batch_size"] = batch_size  # arrays: cut into the model's batches, as a dataset is
        else:
            kwargs.setdefault("shuffle", False)  # datasets arrive shuffled (seeded) already
        return super().fit(x, epochs=epochs, steps_per_epoch=steps_per_epoch, **kwargs)

    def check_built(self):
        """Raises a ValueError unless the model is built (trained, or loaded)."""
        if not self.built:
            raise ValueError("The baseline is not built yet: train it with `fit` first.")

    def make_optimizer(self):
        """The optimizer `fit` compiles with when the model is not compiled yet: Adam at `learning_rate`."""
        return keras.optimizers.Adam(self.learning_rate)

    def acting_batch(self, observations, goals=None):
        """A one-step batch dict of raw states and goals, normalised with the stored statistics (checks it is built)."""
        self.check_built()
        states, goals = normalized_inputs(self, observations, goals)
        return {"observations": states[:, None]} | ({} if goals is None else {"goals": goals})

    def predict_actions(self, observations, goals=None, target_returns=None, **sampling_options):
        """Raw actions (batch, 1, da) for raw states and goals; returns and sampling options are ignored."""
        batch = self.acting_batch(observations, goals)
        statistics = statistics_of(self)
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
            "hindsight_goals": list(self.hindsight_goals),
            "hindsight_goal_draw": self.hindsight_goal_draw,
        }
