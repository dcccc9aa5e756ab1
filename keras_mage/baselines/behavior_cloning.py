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
from keras import ops

from keras_mage.baselines.base import OfflineBaseline, build_stack, dense_stack, seeded_glorot
from keras_mage.models.masked_mean import masked_mean


@keras.saving.register_keras_serializable(package="keras_mage")
class BehaviorCloning(OfflineBaseline):
    """MLP policy a = f(s, g) trained with mean squared error to the data's actions.

    Args:
        hidden_units: widths of the hidden layers.
        activation: their activation (ReLU; see `studies/mlp_activation.py`).
        learning_rate, batch_size, discount: as in MAGE's presets (the
            discount only shapes the stored return statistics).
        seed: initialisation and data-order seed.
    """

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
        super().__init__(hidden_units, activation, learning_rate, batch_size, discount, state_dim, action_dim,
                         goal_dim, data_statistics, seed, **kwargs)
        self.hidden = dense_stack(self.hidden_units, activation, seed)
        self.output_layer = None

    def build(self, input_shape):
        width = build_stack(self.hidden, self.set_dims(input_shape))
        self.output_layer = keras.layers.Dense(self.action_dim, kernel_initializer=seeded_glorot(self.seed),
                                               name="actions")
        self.output_layer.build((None, width))
        self.built = True

    def call(self, inputs, training=False):
        """Actions (batch, 1, da) from a batch dict (normalised window starts and goals)."""
        features = self.state_features(inputs)
        for layer in self.hidden:
            features = layer(features)
        return ops.expand_dims(self.output_layer(features), 1)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        error = ops.mean((ops.cast(y_pred[:, 0], "float32") - ops.cast(x["actions"][:, 0], "float32")) ** 2, -1)
        return masked_mean(error, ops.cast(x["mask"][:, 0], "float32"))
