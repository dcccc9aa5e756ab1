"""Implicit Q-Learning (Kostrikov, Nair & Levine, 2021) on MAGE's data pipeline.

IQL never queries Q on actions outside the data: an expectile value net V(s, g)
fits the upper expectile of the (target) twin Q nets over the data's actions,
Q1, Q2(s, g, a) regress r + discount * (1 - done) * V(s'), and the actor is
the data's action distribution reweighted by exp(temperature * (Q - V))
(advantage-weighted regression, weights clipped at 100).

Transitions. MAGE's batches hold return-to-go, not rewards, and no next state
in a one-step window, so IQL trains on windows of two steps
(`window_horizon = 2`) from the same `make_dataset`:
s = observations[:, 0], a = actions[:, 0], s' = observations[:, 1] (at an
episode's last step the pipeline gives its real final observation),
r = returns[:, 0] - discount * returns[:, 1] (the pipeline's return-to-go is
R_t = r_t + discount * R_{t+1} with R = 0 past the end, so this recovers r_t
exactly, times the pipeline's `reward_scale`, once the statistics'
`return_scale` is undone), done = terminals[:, 0] (the data's termination
flag of the step: a truncated episode, e.g. at a time limit, bootstraps from
V of its final observation, as D4RL's time-outs are not terminal). Hand-made
batches without `terminals` count every episode end as terminal
(done = 1 - mask[:, 1]); they must have at least two steps, stride 1 and
returns discounted with this model's `discount`.

One optimizer. The value, Q and actor losses are summed and trained by one
Adam: each loss reaches only its own network (its targets pass through
`stop_gradient`), and Adam's update of a weight depends only on that weight's
gradient, so this equals three Adam optimizers with the paper's common
learning rate. The paper's cosine decay of the actor's learning rate is not
reproduced. The target Q nets are non-trainable copies updated in
`compute_loss` during training, target <- (1 - tau) * target + tau * online,
with the online weights of the step's start (one step behind the paper's
post-update copy).

Example:

>>> import keras_mage
>>> from keras_mage.baselines import IQL
>>> agent = IQL.from_preset("antmaze", seed=0)
>>> agent.expectile, agent.temperature, agent.reward_shift
(0.9, 10.0, -1.0)
>>> agent.fit("keras_mage/pointmaze/umaze-v0", epochs=1, steps_per_epoch=100)  # doctest: +SKIP
>>> keras_mage.control.evaluate(agent, episodes=10)["success_rate"]  # doctest: +SKIP
0.6
"""

import math

import keras
import numpy as np
from keras import ops

from keras_mage.baselines.base import OfflineBaseline, dense_stack, seeded_glorot
from keras_mage.layers.return_head import expectile_loss
from keras_mage.models.masked_mean import masked_mean

# The paper's per-domain hyperparameters (its appendix); the rest are `IQL`'s defaults: two hidden layers
# of 256 (ReLU), Adam 3e-4, batch 256, discount 0.99, target update tau 0.005. The paper also scales
# locomotion rewards by 1000 / (max - min episode return): pass that as `reward_scale`.
IQL_PRESETS = {
    "locomotion": {"expectile": 0.7, "temperature": 3.0},
    "antmaze": {"expectile": 0.9, "temperature": 10.0, "reward_shift": -1.0},
    "kitchen": {"expectile": 0.7, "temperature": 0.5, "actor_dropout": 0.1},
    "adroit": {"expectile": 0.7, "temperature": 0.5, "actor_dropout": 0.1},
}
MAX_WEIGHT = 100.0  # advantage weights are clipped here
LOG_STD_RANGE = (-5.0, 2.0)  # the actor's (state-independent) log standard deviation
LOSS_NAMES = ("q_loss", "value_loss", "actor_loss")


@keras.saving.register_keras_serializable(package="keras_mage")
class IQL(OfflineBaseline):
    """Implicit Q-Learning: expectile V(s, g), twin Q(s, g, a) with Polyak targets, an AWR Gaussian actor.

    The actor is a Gaussian with a state-independent, learned standard
    deviation (as in the paper's code, without its tanh on the mean: actions
    are raw and clipped to the data's range when acting); `predict_actions`
    returns its mean. Losses `q_loss` (both Q nets' squared errors, summed),
    `value_loss` and `actor_loss` show in the history; `loss` is their sum.

    Args:
        expectile: the value net's expectile (0.5: the mean; IQL_PRESETS).
        temperature: the inverse temperature of the advantage weights.
        tau: the target nets' Polyak rate per training step.
        reward_shift: added to every (scaled) reward (antmaze: -1).
        reward_scale: the pipeline's reward scale (rewards and returns times it).
        actor_dropout: dropout after the actor's hidden layers (kitchen, adroit).
        learning_rate: Adam's, for all three networks (the paper's 3e-4).
        hidden_units, activation, batch_size, discount, seed: as
            `BehaviorCloning`'s, with the paper's defaults ((256, 256), ReLU,
            256, 0.99).
    """

    window_horizon = 2
    supports_hindsight_goals = False  # its rewards come from the data's returns

    def __init__(self, learning_rate=3e-4, expectile=0.7, temperature=3.0, tau=0.005, reward_shift=0.0,
                 reward_scale=1.0, actor_dropout=0.0, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.expectile = float(expectile)
        self.temperature = float(temperature)
        self.tau = float(tau)
        self.reward_shift = float(reward_shift)
        self.reward_scale = float(reward_scale)
        self.actor_dropout = float(actor_dropout)
        self.trackers = {name: keras.metrics.Mean(name=name) for name in LOSS_NAMES}
        self.actor = self.value_net = self.q_nets = self.target_q_nets = self.log_std = None

    @classmethod
    def from_preset(cls, preset, **overrides):
        """A new IQL with `IQL_PRESETS[preset]`'s hyperparameters, then `overrides`."""
        if preset not in IQL_PRESETS:
            raise ValueError(f"unknown IQL preset {preset!r}; use one of {sorted(IQL_PRESETS)}.")
        return cls(**{**IQL_PRESETS[preset], **overrides})

    def _network(self, name, outputs, offset, dropout=0.0):
        layers = []
        for layer in dense_stack(self.hidden_units, self.activation, self.seed, offset, prefix=f"{name}_hidden"):
            layers.append(layer)
            if dropout:
                layers.append(keras.layers.Dropout(dropout, seed=None if self.seed is None else self.seed + offset))
        output = keras.layers.Dense(outputs, kernel_initializer=seeded_glorot(self.seed, offset + len(self.hidden_units)),
                                    name=f"{name}_out")
        return keras.Sequential([*layers, output], name=name)

    def build(self, input_shape):
        width = self.set_dims(input_shape)
        networks = {
            "actor": (self._network("actor", self.action_dim, 0, dropout=self.actor_dropout), width),
            "value_net": (self._network("value", 1, 100), width),
            "q_nets": ([self._network(f"q{k}", 1, 200 + 100 * k) for k in (1, 2)], width + self.action_dim),
            "target_q_nets": ([self._network(f"target_q{k}", 1, 0) for k in (1, 2)],
                              width + self.action_dim),
        }
        for attribute, (value, inputs) in networks.items():
            for network in value if isinstance(value, list) else [value]:
                network.build((None, inputs))
            setattr(self, attribute, value)
        for target, online in zip(self.target_q_nets, self.q_nets):
            target.trainable = False  # moved by `update_targets` only
            for target_weight, weight in zip(target.weights, online.weights):  # assign, not set_weights: torch
                target_weight.assign(weight)  # first builds on meta tensors, which numpy cannot read
        self.log_std = self.add_weight(shape=(self.action_dim,), initializer="zeros", name="log_std")
        self.built = True

    def call(self, inputs, training=False):
        """The actor's mean actions (batch, 1, da) from a batch dict (normalised window starts and goals)."""
        return ops.expand_dims(self.actor(self.state_features(inputs), training=training), 1)

    def predict_q_values(self, observations, goals, actions):
        """min(Q1, Q2) (batch,) of raw states, goals and raw actions (batch, da): the critic, e.g. to rank plans.

        >>> agent.predict_q_values(states, goals, actions).shape  # doctest: +SKIP
        (10,)
        """
        features = self.state_features(self.acting_batch(observations, goals))
        pairs = ops.concatenate([features, ops.convert_to_tensor(np.asarray(actions, "float32"))], axis=-1)
        return ops.convert_to_numpy(ops.minimum(*[net(pairs)[:, 0] for net in self.q_nets]))

    def transitions(self, x):
        """(s, a, r, s', done, mask) of the windows' first steps, as explained in the module docstring."""
        if x["observations"].shape[1] < 2:
            raise ValueError("IQL trains on windows of at least two steps (s and s'); batches of one step were passed.")
        # The pipeline's returns are normalised (`DataStatistics.return_scale`); IQL's rewards stay in reward units.
        return_scale = 1.0 if self.data_statistics is None else self.data_statistics.return_scale
        returns = ops.cast(x["returns"][:, :2, 0], "float32") * return_scale
        rewards = returns[:, 0] - self.discount * returns[:, 1] + self.reward_shift
        mask = ops.cast(x["mask"], "float32")
        actions = ops.cast(x["actions"][:, 0], "float32")
        done = ops.cast(x["terminals"][:, 0], "float32") if "terminals" in x else 1.0 - mask[:, 1]
        return self.state_features(x, 0), actions, rewards, self.state_features(x, 1), done, mask[:, 0]

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        losses = self.iql_losses(x, y_pred)
        for name, value in losses.items():
            self.trackers[name].update_state(value)
        if training:
            self.update_targets()
        return losses["q_loss"] + losses["value_loss"] + losses["actor_loss"]

    def iql_losses(self, x, actor_means):
        """The Q, value and actor losses (a dict of scalars) of a batch and the actor's means (batch, 1, da)."""
        states, actions, rewards, next_states, done, mask = self.transitions(x)
        pairs = ops.concatenate([states, actions], axis=-1)
        target_q = ops.stop_gradient(ops.minimum(*[net(pairs)[:, 0] for net in self.target_q_nets]))
        values = self.value_net(states)[:, 0]
        next_values = ops.stop_gradient(self.value_net(next_states)[:, 0])
        q_target = ops.stop_gradient(rewards + self.discount * (1.0 - done) * next_values)
        q_error = sum((net(pairs)[:, 0] - q_target) ** 2 for net in self.q_nets)
        weights = ops.minimum(ops.exp(self.temperature * ops.stop_gradient(target_q - values)), MAX_WEIGHT)
        return {
            "q_loss": masked_mean(q_error, mask),
            "value_loss": expectile_loss((target_q - values) * mask, self.expectile) * _mask_scale(mask),
            "actor_loss": -masked_mean(weights * self.log_prob(actor_means[:, 0], actions), mask),
        }

    def log_prob(self, means, actions):
        """log N(actions; means, exp(log_std)^2), summed over action dimensions: (batch,)."""
        log_std = ops.clip(self.log_std, *LOG_STD_RANGE)
        z = (actions - ops.cast(means, "float32")) / ops.exp(log_std)
        return ops.sum(-0.5 * z**2 - log_std - 0.5 * math.log(2.0 * math.pi), axis=-1)

    def update_targets(self):
        """target <- (1 - tau) * target + tau * online, for both Q nets."""
        for target, online in zip(self.target_q_nets, self.q_nets):
            for target_weight, weight in zip(target.weights, online.weights):
                target_weight.assign((1.0 - self.tau) * target_weight + self.tau * ops.stop_gradient(weight))

    def get_config(self):
        return {
            **super().get_config(),
            "expectile": self.expectile,
            "temperature": self.temperature,
            "tau": self.tau,
            "reward_shift": self.reward_shift,
            "reward_scale": self.reward_scale,
            "actor_dropout": self.actor_dropout,
        }


def _mask_scale(mask):
    """Turns a mean over the batch of masked (zeroed) entries into a mean over the real ones."""
    return ops.cast(ops.shape(mask)[0], "float32") / ops.maximum(ops.sum(mask), 1.0)
