"""Decision Transformer (Chen et al., 2021) on MAGE's data pipeline.

A causal transformer reads the last K steps of an episode as tokens
R_1, s_1, a_1, R_2, s_2, a_2, ... (return-to-go, state + goal, action; each
embedded by its own Dense layer plus a learned embedding of its step) and
predicts a_t from the output at s_t, which sees R_1..R_t, s_1..s_t and
a_1..a_{t-1} only. The loss is the mean squared error to the data's actions
over the window's real steps (its `mask`).

Data. It trains on windows of K steps (`window_horizon = context_length`)
from the same `make_dataset` as the other baselines: states and goals
normalised with the model's `DataStatistics`, raw actions, and return-to-go
R_t = r_t + discount * R_{t+1} (the paper's: undiscounted, `discount=1.0`,
the default here) as the statistics scale every return: over the data's
largest, so within [-1, 1] (the paper divides by 1000 on gym locomotion;
`DataStatistics.return_scale` does this for any data). A window's goal is its first step's; every
state token carries it. Deviation: the pipeline's windows do not say at which
step of its episode a window starts, so the step embedding is of the position
in the context (0..K-1), not of the episode's absolute timestep as in the paper.
Acting sees the same positions: the last <= K steps, the oldest at position 0.

Acting. The model needs the episode so far: `predict_history_actions` takes
the last <= K raw states, the target returns each step was conditioned on and
the actions taken, and returns the next raw action. `acts_on_history = True`
makes `keras_mage.control.evaluate` wrap the model in
`keras_mage.control.HistoryPolicy`, which keeps each env's history and
decrements the target return by the rewards received (the paper's rule).

Example:

>>> import keras_mage
>>> from keras_mage.baselines import DecisionTransformer
>>> agent = DecisionTransformer(context_length=10, embedding_dim=64, seed=0)
>>> agent.window_horizon, agent.acts_on_history, agent.discount
(10, True, 1.0)
>>> agent.fit("keras_mage/pointmaze/umaze-v0", epochs=1, steps_per_epoch=100)  # doctest: +SKIP
>>> keras_mage.control.evaluate(agent, episodes=10)["success_rate"]  # doctest: +SKIP
0.6
"""

import keras
import numpy as np
from keras import ops

from keras_mage.baselines.base import OfflineBaseline
from keras_mage.layers.causal_transformer_block import CausalTransformerBlock, gpt_normal
from keras_mage.models.acting import check_inputs, statistics_of
from keras_mage.models.masked_mean import masked_mean
from keras_mage.models.two_phase_schedule import TwoPhaseSchedule

# The paper's settings for D4RL gym locomotion (its appendix A and code), `DecisionTransformer`'s defaults.
PAPER_SETTINGS = {
    "context_length": 20,  # K steps of (R, s, a) tokens
    "num_layers": 3,
    "num_heads": 1,
    "embedding_dim": 128,
    "dropout": 0.1,  # on the embeddings, attention weights and residual branches
    "learning_rate": 1e-4,  # AdamW
    "warmup_steps": 10_000,  # linear warm-up of the learning rate, then constant
    "batch_size": 64,
    "weight_decay": 1e-4,
    "grad_clip": 0.25,  # global gradient norm
}


@keras.saving.register_keras_serializable(package="keras_mage")
class DecisionTransformer(OfflineBaseline):
    """Return-conditioned sequence model: a_t from (R, s, a) tokens of the last K steps.

    Args:
        context_length: K, steps per context (training windows and acting).
        num_layers, num_heads, embedding_dim, dropout: the causal transformer
            (GPT-2 blocks, `keras_mage.layers.CausalTransformerBlock`).
        learning_rate, warmup_steps, weight_decay, grad_clip: AdamW with a
            linear warm-up and global gradient-norm clipping (None: none).
        batch_size, seed: as the other baselines' (seed: initialisation,
            dropout and data order).
        discount, reward_scale: the return-to-go's discount and scale
            (`DataStatistics`): the paper's undiscounted returns by default.
        action_tanh: squash the predicted actions with tanh (the paper's, for
            actions in [-1, 1]); actions are clipped to the data's range anyway.
    """

    acts_on_history = True  # keras_mage.control.evaluate acts through HistoryPolicy
    supports_hindsight_goals = False  # not validated with relabelled returns yet
    ignored_settings = ("hidden_units", "activation")  # the MLP baselines' settings (OfflineBaseline's config)

    def __init__(self, context_length=PAPER_SETTINGS["context_length"], num_layers=PAPER_SETTINGS["num_layers"],
                 num_heads=PAPER_SETTINGS["num_heads"], embedding_dim=PAPER_SETTINGS["embedding_dim"],
                 dropout=PAPER_SETTINGS["dropout"], learning_rate=PAPER_SETTINGS["learning_rate"],
                 warmup_steps=PAPER_SETTINGS["warmup_steps"], batch_size=PAPER_SETTINGS["batch_size"],
                 weight_decay=PAPER_SETTINGS["weight_decay"], grad_clip=PAPER_SETTINGS["grad_clip"], discount=1.0,
                 reward_scale=1.0, action_tanh=True, **kwargs):
        for unused in self.ignored_settings:
            kwargs.pop(unused, None)
        super().__init__(learning_rate=learning_rate, batch_size=batch_size, discount=discount, **kwargs)
        if int(context_length) < 1:
            raise ValueError(f"context_length must be >= 1, got {context_length}.")
        self.context_length = self.window_horizon = int(context_length)
        self.num_layers, self.num_heads = int(num_layers), int(num_heads)
        self.embedding_dim = int(embedding_dim)
        self.dropout = float(dropout)
        self.warmup_steps = int(warmup_steps)
        self.weight_decay = float(weight_decay)
        self.grad_clip = None if grad_clip is None else float(grad_clip)
        self.reward_scale = float(reward_scale)
        self.action_tanh = bool(action_tanh)
        self.blocks = []

    def _seed(self, offset):
        return None if self.seed is None else self.seed + offset

    def build(self, input_shape):
        width = self.set_dims(input_shape)
        d = self.embedding_dim
        self.embed_return = keras.layers.Dense(d, kernel_initializer=gpt_normal(self.seed, 0), name="embed_return")
        self.embed_state = keras.layers.Dense(d, kernel_initializer=gpt_normal(self.seed, 1), name="embed_state")
        self.embed_action = keras.layers.Dense(d, kernel_initializer=gpt_normal(self.seed, 2), name="embed_action")
        self.embed_step = keras.layers.Embedding(self.context_length, d, name="embed_step",
                                                 embeddings_initializer=gpt_normal(self.seed, 3))
        self.embed_norm = keras.layers.LayerNormalization(epsilon=1e-5, name="embed_norm")
        self.embed_drop = keras.layers.Dropout(self.dropout, seed=self._seed(4))
        self.blocks = [CausalTransformerBlock(self.num_heads, dropout=self.dropout, seed=self._seed(100 * (i + 1)),
                                              name=f"block_{i}") for i in range(self.num_layers)]
        self.final_norm = keras.layers.LayerNormalization(epsilon=1e-5, name="final_norm")
        self.action_head = keras.layers.Dense(self.action_dim, activation="tanh" if self.action_tanh else None,
                                              kernel_initializer=gpt_normal(self.seed, 5), name="action_head")
        for layer, inputs in ((self.embed_return, 1), (self.embed_state, width), (self.embed_action, self.action_dim),
                              (self.embed_norm, d), (self.final_norm, d), (self.action_head, d)):
            layer.build((None, inputs))
        self.embed_step.build((None,))
        for block in self.blocks:
            block.build((None, 3 * self.context_length, d))
        self.built = True

    def step_features(self, inputs):
        """(batch, T, ds + dg): the window's normalised states, each followed by the window's goal."""
        states = ops.cast(inputs["observations"], "float32")
        if not self.goal_dim:
            return states
        goals = ops.repeat(ops.expand_dims(ops.cast(inputs["goals"], "float32"), 1), states.shape[1], axis=1)
        return ops.concatenate([states, goals], axis=-1)

    def call(self, inputs, training=False):
        """Predicted actions (batch, T, da) at every step of a batch dict (observations, returns, actions, goals).

        The prediction at step t depends on returns and states 0..t and on actions 0..t-1 only.
        """
        states = self.step_features(inputs)
        steps = states.shape[1]
        if steps > self.context_length:
            raise ValueError(f"the model's context holds {self.context_length} steps; {steps} were passed.")
        positions = ops.expand_dims(self.embed_step(ops.arange(steps)), 0)
        tokens = ops.stack([
            self.embed_return(ops.cast(inputs["returns"], "float32")) + positions,
            self.embed_state(states) + positions,
            self.embed_action(ops.cast(inputs["actions"], "float32")) + positions,
        ], axis=2)  # (batch, T, 3, d): R_t, s_t, a_t
        x = self.embed_drop(self.embed_norm(ops.reshape(tokens, (-1, 3 * steps, self.embedding_dim))),
                            training=training)
        for block in self.blocks:
            x = block(x, training=training)
        state_outputs = ops.reshape(self.final_norm(x), (-1, steps, 3, self.embedding_dim))[:, :, 1]
        return self.action_head(state_outputs)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """Mean squared error to the data's actions over the windows' real steps."""
        error = ops.mean((ops.cast(y_pred, "float32") - ops.cast(x["actions"], "float32")) ** 2, axis=-1)
        mask = ops.cast(x["mask"], "float32")
        if "action_mask" in x:
            mask = mask * ops.cast(x["action_mask"], "float32")
        return masked_mean(error, mask)

    def make_optimizer(self):
        """AdamW with the linear warm-up (then constant rate) and gradient clipping of the paper."""
        schedule = TwoPhaseSchedule(self.learning_rate, warmup_steps=self.warmup_steps)
        return keras.optimizers.AdamW(schedule, weight_decay=self.weight_decay, global_clipnorm=self.grad_clip)

    def predict_history_actions(self, observations, goals, target_returns, actions, lengths=None):
        """Raw next actions (batch, 1, da), clipped to the data's range, from each env's last <= K steps.

        Args:
            observations: (batch, T, ds) raw states, T <= K, oldest first.
            goals: (batch, dg) raw current goals (None without goals).
            target_returns: (batch, T) the target return (raw reward units)
                each step was conditioned on.
            actions: (batch, T, da) raw actions taken at those steps; the
                last real step's (the one to predict) is ignored.
            lengths: (batch,) real steps per env, 1..T (default T): env i's
                steps are 0..lengths[i] - 1, the rest is ignored padding.
        """
        self.check_built()
        statistics = statistics_of(self)
        states = np.asarray(observations, "float32")
        if states.ndim != 3 or states.shape[-1] != self.state_dim:
            raise ValueError(f"observations must be (batch, steps, {self.state_dim}); got shape {states.shape}.")
        batch, steps = states.shape[:2]
        if not 1 <= steps <= self.context_length:
            raise ValueError(f"pass 1 to {self.context_length} steps (the context length); got {steps}.")
        # Goals: one per env, checked against the batch as `predict_actions` checks them.
        _, goals, _, _ = check_inputs(states[:, -1], goals, state_dim=self.state_dim, goal_dim=self.goal_dim)
        lengths = np.full(batch, steps) if lengths is None else np.asarray(lengths, np.int64).reshape(-1)
        if lengths.min() < 1 or lengths.max() > steps:
            raise ValueError(f"lengths must lie in [1, {steps}], got {lengths.tolist()}.")
        pad = ((0, 0), (0, self.context_length - steps))  # after the real steps: causality makes it irrelevant
        inputs = {
            "observations": np.pad(statistics.normalize_states(states), (*pad, (0, 0))),
            "returns": np.pad(statistics.scale_returns(np.asarray(target_returns, "float32").reshape(batch, steps)),
                              pad)[..., None],
            "actions": np.pad(np.asarray(actions, "float32").reshape(batch, steps, self.action_dim), (*pad, (0, 0))),
        }
        if goals is not None:
            inputs["goals"] = statistics.normalize_goals(goals)
        predicted = ops.convert_to_numpy(self(inputs, training=False))[np.arange(batch), lengths - 1]
        return np.clip(predicted, statistics.action_low, statistics.action_high)[:, None]

    def predict_actions(self, observations, goals=None, target_returns=None, **sampling_options):
        """Raw actions (batch, 1, da) at an episode's first step: a context of the current step alone.

        `target_returns` (batch, 1), raw; default the data's `return_quantile`.
        Later steps need the history: `predict_history_actions` (or
        `keras_mage.control.HistoryPolicy`). Sampling options are ignored.
        """
        self.check_built()
        states, goals, target_returns, _ = check_inputs(
            observations, goals, target_returns, state_dim=self.state_dim, goal_dim=self.goal_dim
        )
        if target_returns is None:
            target_returns = np.full((len(states), 1), statistics_of(self).return_quantile)
        zeros = np.zeros((len(states), 1, self.action_dim), "float32")
        return self.predict_history_actions(states[:, None], goals, target_returns, zeros)

    def get_config(self):
        config = super().get_config()
        for unused in ("hidden_units", "activation"):
            config.pop(unused)
        return {
            **config,
            "context_length": self.context_length,
            "num_layers": self.num_layers,
            "num_heads": self.num_heads,
            "embedding_dim": self.embedding_dim,
            "dropout": self.dropout,
            "warmup_steps": self.warmup_steps,
            "weight_decay": self.weight_decay,
            "grad_clip": self.grad_clip,
            "reward_scale": self.reward_scale,
            "action_tanh": self.action_tanh,
        }
