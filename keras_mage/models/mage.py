"""The MAGE model: tokenizer, next-scale transformer and action head in one keras.Model."""

import keras
import numpy as np
from keras import ops

from keras_mage import distribution, presets
from keras_mage.data.statistics import StatisticsAttribute
from keras_mage.layers.action_head import ActionHead
from keras_mage.layers.condition_embedding import ConditionEmbedding
from keras_mage.layers.condition_guided_decoder import ConditionGuidedDecoder
from keras_mage.layers.multiscale_quantizer import MultiScaleQuantizer
from keras_mage.layers.next_scale_transformer import NextScaleTransformer
from keras_mage.layers.resampling import area_matrix
from keras_mage.layers.return_head import ReturnHead, expectile_loss
from keras_mage.layers.trajectory_encoder import TrajectoryEncoder
from keras_mage.models import sampling
from keras_mage.models import checkpoint
from keras_mage.models.masked_mean import masked_mean
from keras_mage.models.training_data import as_training_data, batch_shapes
from keras_mage.models.training_phase import PhaseSwitch, total_steps
from keras_mage.models.two_phase_adamw import TwoPhaseAdamW
from keras_mage.models.two_phase_schedule import TwoPhaseSchedule
from keras_mage.models.validation import check_batch_shapes, check_config

LOSS_NAMES = ("reconstruction_loss", "vq_loss", "condition_loss", "token_loss", "action_loss")
TOKENIZER_LAYERS = ("encoder", "quantizer", "decoder")
GENERATION_LAYERS = ("condition_embedding", "transformer", "action_head")  # trained from phase 2 on


@keras.saving.register_keras_serializable(package="keras_mage")
class MAGE(keras.Model):
    """Multi-scale autoregressive generation for offline RL (arXiv 2602.23770).

    `fit` trains in two phases. Phase 1, the first `tokenizer_warmup_steps`
    steps: the tokenizer's reconstruction, commitment and condition losses
    (and the return head's expectile loss, with `return_head`). Phase 2: the
    token cross-entropy, and the action loss and condition loss on a plan the
    transformer generates itself (Gumbel-softmax samples at
    `plan_temperature`, from the condition never dropped), training the
    transformer, condition MLP and action head from a clean optimizer state;
    with `freeze_tokenizer` (VAR's way) the tokenizer and codebook stay as
    phase 1 left them. See docs/architecture.md. `fit` takes an
    offline dataset directly (Minari id or object, TFDS name or directory,
    HDF5 path, numpy episodes) or ready batches (see docs/contracts.md).
    Options not passed take `keras_mage.presets.DEFAULTS`; `from_preset` is
    the usual way in.

    Example:

    >>> import keras_mage
    >>> model = keras_mage.MAGE.from_preset("tiny", seed=0)
    >>> history = model.fit(episodes, epochs=1)  # doctest: +SKIP
    >>> actions = model.predict_actions(observation, goal)  # doctest: +SKIP
    """

    data_statistics = StatisticsAttribute()  # `keras_mage.data.DataStatistics` of the training data, or None

    def __init__(
        self,
        state_dim=None,
        action_dim=None,
        goal_dim=0,
        data_statistics=None,
        seed=None,
        **options,
    ):
        model_kwargs = {k: options.pop(k) for k in ("name", "dtype", "trainable") if k in options}
        super().__init__(**model_kwargs)
        if seed is not None:
            keras.utils.set_random_seed(seed)  # initializer seeds are drawn when layers are created
        config = presets.with_defaults(**options)
        check_config(config)
        self.options = config
        for key, value in config.items():
            setattr(self, key, value)
        self.scale_schedule = tuple(config["scale_schedule"])
        self.state_dim = state_dim
        self.action_dim = action_dim
        self.goal_dim = goal_dim
        self.data_statistics = data_statistics
        self.seed = seed
        self.sampling_seed = keras.random.SeedGenerator(_offset(seed, 3), name="sampling_seed")
        policy = self.dtype_policy
        self.training_phase = 1 if self.tokenizer_warmup_steps > 0 else 2  # `fit` sets it from the optimizer's step
        self.encoder = TrajectoryEncoder(
            self.tokenizer_width, self.code_dim, self.tokenizer_blocks, self.downsample, dtype=policy, name="encoder"
        )
        self.quantizer = MultiScaleQuantizer(
            self.scale_schedule,
            self.codebook_size,
            num_phi=self.num_phi,
            phi_ratio=self.phi_ratio,
            commitment_beta=self.commitment_beta,
            codebook_decay=self.codebook_decay,
            dead_code_threshold=self.dead_code_threshold,
            revive_every=self.revive_every,
            seed=_offset(seed, 1),
            dtype=policy,
            name="quantizer",
        )
        self.condition_embedding = ConditionEmbedding(
            self.model_width, self.condition_dropout, self.condition_width, self.condition_layers,
            self.condition_activation, seed=_offset(seed, 2), dtype=policy, name="condition_embedding"
        )
        self.transformer = NextScaleTransformer(
            self.scale_schedule,
            self.codebook_size,
            self.model_width,
            self.num_layers,
            self.num_heads,
            self.mlp_ratio,
            self.dropout,
            dtype=policy,
            name="transformer",
        )
        names = LOSS_NAMES + (("return_loss",) if self.return_head else ()) + ("perplexity", "codebook_usage")
        self.trackers = {name: keras.metrics.Mean(name=name) for name in names}

    @classmethod
    def from_preset(cls, preset, **overrides):
        """A new model from a named preset (`keras_mage.PRESETS`), or a saved agent (directory or `.keras` file)."""
        from keras_mage.models import agent_directory

        if agent_directory.is_saved_agent(preset):
            return agent_directory.load(preset, **overrides)
        model_args = {k: overrides.pop(k) for k in list(overrides) if k not in presets.DEFAULTS}
        return cls(**presets.get_preset(preset, **overrides), **model_args)

    # ------------------------------------------------------------------ build

    @property
    def condition_dim(self):
        return self.state_dim + self.goal_dim + 1

    def build(self, input_shape):
        shapes = dict(input_shape)
        check_batch_shapes(shapes, self.horizon, self.state_dim, self.action_dim, self.goal_dim)
        self.state_dim = int(shapes["observations"][-1])
        self.action_dim = int(shapes["actions"][-1])
        self.goal_dim = int(shapes["goals"][-1]) if shapes.get("goals") is not None else 0
        if self.seed is not None:
            keras.utils.set_random_seed(self.seed)
        policy = self.dtype_policy
        self.decoder = ConditionGuidedDecoder(
            self.tokenizer_width, 1 + self.state_dim, self.tokenizer_blocks, self.downsample, dtype=policy,
            name="decoder",
        )
        self.action_head = ActionHead(
            self.head_width, self.action_dim, self.action_chunk, self.head_activation, dtype=policy, name="action_head"
        )
        if self.return_head:
            self.return_estimator = ReturnHead(self.head_width, self.head_activation, dtype=policy, name="return_head")
        self.gumbel_seed = keras.random.SeedGenerator(_offset(self.seed, 4), name="gumbel_seed")
        window_shape = (None, self.horizon, 1 + self.state_dim)
        feature_shape = (None, self.scale_schedule[-1], self.code_dim)
        condition_shape = (None, self.condition_dim)
        self.encoder.build(window_shape)
        self.quantizer.build(feature_shape)
        self.decoder.build(feature_shape, condition_shape)
        self.condition_embedding.build(condition_shape)
        next_length = self.transformer.num_tokens - self.scale_schedule[0]
        self.transformer.build((None, self.model_width), (None, next_length, self.code_dim))
        self.action_head.build((None, self.state_dim + (self.goal_dim or 0)), feature_shape)
        if self.return_head:
            self.return_estimator.build((None, self.state_dim + (self.goal_dim or 0)))
        self.built = True

    def get_build_config(self):
        shapes = {
            "observations": (None, self.horizon, self.state_dim),
            "returns": (None, self.horizon, 1),
            "actions": (None, self.horizon, self.action_dim),
            "mask": (None, self.horizon),
        }
        if self.goal_dim:
            shapes["goals"] = (None, self.goal_dim)
        return {"input_shape": shapes}

    def build_from_config(self, config):
        self.build(config["input_shape"])

    # ------------------------------------------------------------- training

    def condition_vector(self, first_states, goals, first_returns):
        """Raw condition (batch, ds + dg + 1): s_0, goal, R_0 (all normalised)."""
        return ops.concatenate(
            [self.head_state(first_states, goals), ops.cast(first_returns, self.compute_dtype)], axis=-1
        )

    def head_state(self, first_states, goals):
        """The action head's s_0: the first state, with the goal appended for goal-conditioned data."""
        parts = [first_states] + ([goals] if self.goal_dim else [])
        return ops.concatenate([ops.cast(p, self.compute_dtype) for p in parts], axis=-1)

    @property
    def tokenizer_trains(self):
        """Whether a training step now trains the tokenizer: in phase 1, and in phase 2 unless `freeze_tokenizer`."""
        return self.training_phase == 1 or not self.freeze_tokenizer

    def call(self, inputs, training=False):
        """Every output in inference; in training only those of the current phase (phase 1: the tokenizer's)."""
        check_batch_shapes(
            {k: tuple(v.shape) for k, v in inputs.items()}, self.horizon, self.state_dim, self.action_dim, self.goal_dim
        )
        states = ops.cast(inputs["observations"], self.compute_dtype)
        returns = ops.cast(inputs["returns"], self.compute_dtype)
        window = ops.concatenate([returns, states], axis=-1)
        condition = self.condition_vector(states[:, 0], inputs.get("goals"), returns[:, 0])
        head_state = self.head_state(states[:, 0], inputs.get("goals"))
        trains_tokenizer = training and self.tokenizer_trains

        features = self.encoder(window)
        if not trains_tokenizer:
            features = ops.stop_gradient(features)
        quantized = self.quantizer(features, training=trains_tokenizer)
        reconstruction = self.decoder(quantized["f_hat"], condition)
        outputs = {
            "reconstruction": reconstruction if trains_tokenizer or not training else ops.stop_gradient(reconstruction),
            "indices": quantized["indices"],
            "vq_loss": quantized["vq_loss"],
            "perplexity": quantized["perplexity"],
        }
        if self.return_head:
            outputs["first_return"] = self.return_estimator(head_state)
        if training and self.training_phase == 1:
            return outputs

        embedding = self.condition_embedding.embed(condition)
        next_inputs = quantized["next_inputs"]
        if self.isolate_tokenizer or not trains_tokenizer:
            next_inputs = ops.stop_gradient(next_inputs)
        dropped = self.condition_embedding.drop(embedding, training=training)  # for guidance: the token loss alone
        outputs["logits"] = self.transformer(dropped, next_inputs, training=training)
        plan = self.sampled_plan(embedding, training=training)
        decode_plan = lambda features: self.decoder(features, condition)
        outputs["actions"] = self.action_head(head_state, plan)
        outputs["plan_first_step"] = self.through_tokenizer(decode_plan, plan, training)[:, 0]
        return outputs

    def coarse_to_fine(self, embedding, scale_features, training=False, repeat_inputs=1):
        """f_hat (batch, L, C) generated scale by scale with the key/value cache.

        `scale_features(logits, k)` turns scale k's logits into its features
        (batch, L, C); the partial sum feeds the next scale. `repeat_inputs`
        tiles those inputs when `embedding` stacks several conditionings
        (classifier-free guidance).
        """
        f_hat, scale_input, caches = None, None, None
        for k in range(len(self.scale_schedule)):
            logits, caches = self.transformer.scale_logits(embedding, scale_input, k, caches, training=training)
            h = scale_features(logits, k)
            f_hat = h if f_hat is None else f_hat + h
            if k + 1 < len(self.scale_schedule):
                scale_input = self.quantizer.next_scale_input(f_hat, k)
                if repeat_inputs > 1:
                    scale_input = ops.concatenate([scale_input] * repeat_inputs, axis=0)
        return f_hat

    def sampled_plan(self, embedding, training=False):
        """The model's own plan, generated coarse to fine from Gumbel-softmax samples.

        Each scale's tokens are drawn at `plan_temperature` T, as
        `argmax(logits / T + Gumbel noise)` (greedy for T = 0, the acting
        default), and mix codebook rows with the weights
        `softmax((logits / T + noise) / gumbel_temperature)`: one-hot forward
        with that soft gradient (straight-through) when `gumbel_hard`, else the
        soft mixture itself. The plan the action head and L_cond see in
        training thus comes from the condition alone, as when acting, and their
        losses reach the transformer. Without `training` no noise is added:
        with `gumbel_hard` the plan is then the greedy one `generate` makes.
        """
        codebook = ops.cast(self.quantizer.codebook, self.compute_dtype)

        def scale_features(logits, k):
            logits = ops.cast(logits, "float32")
            if training and self.plan_temperature > 0:  # Gumbel noise in float32: 1 - 1e-6 rounds to 1 in bfloat16
                uniform = keras.random.uniform(ops.shape(logits), 1e-6, 1.0 - 1e-6, seed=self.gumbel_seed)
                logits = logits / self.plan_temperature - ops.log(-ops.log(uniform))
            weights = ops.softmax(logits / self.gumbel_temperature, axis=-1)
            if self.gumbel_hard:
                hard = ops.one_hot(ops.argmax(logits, axis=-1), self.codebook_size, dtype=weights.dtype)
                weights = weights + ops.stop_gradient(hard - weights)
            mixture = ops.matmul(ops.cast(weights, self.compute_dtype), codebook)
            return self.through_tokenizer(lambda codes: self.quantizer.codes_to_features(codes, k), mixture, training)

        return self.coarse_to_fine(embedding, scale_features, training=training)

    def through_tokenizer(self, function, x, training=False):
        """`function(x)` of tokenizer layers; in training with `isolate_tokenizer` its gradient reaches `x` only.

        `f(x) - f(stop_gradient(x)) + stop_gradient(f(x))` has the value and
        input gradient of `f(x)` and no gradient for f's weights, so the
        plan's losses train the transformer without moving the tokenizer.
        """
        y = function(x)
        # Outside training no gradient is taken; a frozen tokenizer's weights are left alone by the optimizer.
        if not (training and self.isolate_tokenizer and self.tokenizer_trains):
            return y
        return y - function(ops.stop_gradient(x)) + ops.stop_gradient(y)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The weighted sum of the current phase's losses; every loss computed is shown in the progress bar.

        The tokenizer's losses count while it trains (phase 1; phase 2 too
        unless `freeze_tokenizer`), the generation losses (tokens, actions,
        L_cond on the plan) once `call` returns them (phase 2, and inference).
        """
        mask = ops.cast(x["mask"], "float32")
        states = ops.cast(x["observations"], "float32")
        returns = ops.cast(x["returns"], "float32")
        window = ops.concatenate([returns, states], axis=-1)
        reconstruction = ops.cast(y_pred["reconstruction"], "float32")

        step_error = ops.mean((reconstruction - window) ** 2, axis=-1)
        losses = {"reconstruction_loss": masked_mean(step_error, mask), "vq_loss": y_pred["vq_loss"]}
        first_step = window[:, 0]
        losses["condition_loss"] = tokenizer_condition = ops.mean((reconstruction[:, 0] - first_step) ** 2)
        total = 0.0
        if not training or self.tokenizer_trains:
            total = (
                self.reconstruction_weight * losses["reconstruction_loss"]
                + self.vq_weight * losses["vq_loss"]
                + self.condition_weight * tokenizer_condition
            )
        if "logits" in y_pred:
            token_error = keras.losses.sparse_categorical_crossentropy(
                y_pred["indices"], ops.cast(y_pred["logits"], "float32"), from_logits=True
            )
            losses["token_loss"] = masked_mean(token_error, self.token_mask(mask))
            chunk = self.action_chunk
            predicted = ops.cast(y_pred["actions"], "float32")
            target = ops.cast(x["actions"][:, :chunk], "float32")
            action_mask = ops.cast(x.get("action_mask", x["mask"]), "float32")  # hand-made batches may have none
            losses["action_loss"] = masked_mean(
                ops.mean((predicted - target) ** 2, axis=-1), action_mask[:, :chunk]
            )
            plan_condition = ops.mean((ops.cast(y_pred["plan_first_step"], "float32") - first_step) ** 2)
            losses["condition_loss"] = tokenizer_condition + plan_condition
            total = total + (
                self.token_weight * losses["token_loss"]
                + self.action_weight * losses["action_loss"]
                + self.condition_weight * plan_condition
            )
        if self.return_head:
            error = returns[:, 0] - ops.cast(y_pred["first_return"], "float32")
            losses["return_loss"] = expectile_loss(error, self.return_expectile)
            total = total + self.return_weight * losses["return_loss"]
        for name, value in losses.items():
            self.trackers[name].update_state(value)
        self.trackers["perplexity"].update_state(y_pred["perplexity"])
        self.trackers["codebook_usage"].update_state(self.quantizer.codebook_usage())
        return total * distribution.replica_loss_scale()

    def token_mask(self, mask):
        """(batch, T) mask of tokens whose time span holds at least one real step."""
        steps = area_matrix(self.horizon, self.scale_schedule[-1])  # the window's steps -> L (downsample)
        pooled = [ops.einsum("ls,bs->bl", ops.convert_to_tensor(m @ steps), mask) for m in self.quantizer.down]
        return ops.cast(ops.concatenate(pooled, axis=1) > 0, "float32")

    def compile(self, optimizer=None, **kwargs):
        """Compiles with `TwoPhaseAdamW` by default (the preset's learning rate schedule and weight decay, clipnorm 1).

        Its phase 2 weights (transformer, condition MLP, action head) start
        their Adam statistics at the switch; a frozen tokenizer stops there.
        """
        if optimizer is None:
            schedule = TwoPhaseSchedule(
                self.learning_rate, self.tokenizer_warmup_steps, self.learning_rate_warmup_steps,
                decay=self.learning_rate_decay, final_ratio=self.final_learning_rate_ratio,
            )
            optimizer = TwoPhaseAdamW(
                schedule, weight_decay=self.weight_decay, global_clipnorm=1.0,
                switch_step=self.tokenizer_warmup_steps, second_phase=GENERATION_LAYERS,
                first_phase=TOKENIZER_LAYERS if self.freeze_tokenizer else (),
            )
        super().compile(optimizer=optimizer, **kwargs)

    def compile_from_config(self, config):
        """Recompiles from a `.keras` file so the saved optimizer state can be restored."""
        self.compile(**keras.saving.deserialize_keras_object(config))
        if self.built:
            self.optimizer.build(self.trainable_variables)

    def fit(
        self, x=None, y=None, batch_size=None, epochs=1, steps_per_epoch=None, checkpoint_dir=None, **kwargs
    ):
        """Trains on an offline dataset or ready batches; compiles with defaults if needed.

        A dict of window arrays is cut into batches of `batch_size`, by
        default the preset's (as a dataset is); other ready batches pass as they are.

        Raw sources are windowed by `keras_mage.data.make_dataset` and their
        normalisation statistics are stored in the model (kept if the model
        already has some, so continued training normalises the same way).
        With `checkpoint_dir`, every epoch ends with an atomic checkpoint and
        an interrupted run resumes exactly (`keras_mage.models.checkpoint`);
        the `History` it returns then holds the earlier epochs' logs too.
        """
        resumed = checkpoint.latest(checkpoint_dir) if checkpoint_dir else None
        initial_epoch = resumed.state["epochs"] if resumed else 0
        batch_size = batch_size or self.options["batch_size"]
        x = as_training_data(self, x, self.horizon, batch_size, steps_per_epoch, start_epoch=initial_epoch,
                             window_stride=self.window_stride)
        if not self.compiled:
            self.compile()
        if checkpoint_dir:
            settings = checkpoint.run_settings(self, epochs, steps_per_epoch, batch_size)
            if resumed:
                checkpoint.check_settings(resumed, settings)
        if not isinstance(x, dict):  # arrays are cut into batches of batch_size; datasets come batched
            batch_size = None
            kwargs.setdefault("shuffle", False)  # datasets arrive shuffled (seeded) already
        shapes = None if self.built else batch_shapes(x)
        if shapes is not None:
            # Build from the batch shapes rather than by Keras' symbolic call
            # (which fails for torch under mixed precision).
            self.build(shapes)
        callbacks = list(kwargs.pop("callbacks", None) or [])
        if checkpoint_dir:
            callbacks.append(checkpoint.EpochCheckpoint(checkpoint_dir, settings, resumed))
            if resumed:
                checkpoint.restore(self, resumed)
                kwargs["initial_epoch"] = initial_epoch
        first_step = int(ops.convert_to_numpy(self.optimizer.iterations))
        if isinstance(self.optimizer, TwoPhaseAdamW):  # the phase 2 decay ends with this fit
            steps = total_steps(x, epochs - initial_epoch, steps_per_epoch, batch_size)
            self.optimizer.set_total_steps(None if steps is None else first_step + steps)
        callbacks.append(PhaseSwitch(self.tokenizer_warmup_steps, first_step))
        history = super().fit(
            x, y, batch_size=batch_size, epochs=epochs, steps_per_epoch=steps_per_epoch, callbacks=callbacks, **kwargs
        )
        return checkpoint.prepend_history(history, resumed.state) if resumed else history

    # ------------------------------------------------------------ generation

    def generate(self, condition, temperature=0.0, top_k=None, guidance_scale=1.0):
        """Coarse-to-fine generation of the K token maps for a raw condition vector.

        All tokens of a scale are sampled in parallel; keys and values of
        earlier scales are cached. `temperature=0` is greedy decoding.
        Returns `(indices (batch, T), f_hat (batch, L, C))`.
        """
        embedding = self.condition_embedding(condition)
        guided = guidance_scale != 1.0
        if guided:
            embedding = ops.concatenate([embedding, self.condition_embedding.null_embedding(ops.shape(embedding)[0])], 0)
        indices = []

        def scale_features(logits, k):
            if guided:
                conditional, unconditional = ops.split(logits, 2, axis=0)
                logits = unconditional + guidance_scale * (conditional - unconditional)
            index = sampling.sample_tokens(logits, temperature, top_k, self.sampling_seed)
            indices.append(index)
            return self.quantizer.embed_tokens(index, k)

        f_hat = self.coarse_to_fine(embedding, scale_features, repeat_inputs=2 if guided else 1)
        return ops.concatenate(indices, axis=1), f_hat

    def act(self, states, goals=None, returns=None, temperature=0.0, top_k=None, guidance_scale=1.0):
        """Actions (batch, chunk, da) from NORMALISED first states, goals and scaled returns."""
        condition = self.condition_vector(states, goals, returns)
        _, f_hat = self.generate(condition, temperature, top_k, guidance_scale)
        return self.action_head(self.head_state(states, goals), f_hat)

    def predict_actions(self, observations, goals=None, target_returns=None, **sampling_options):
        """Raw actions (batch, chunk, da) for raw states, goals and target returns.

        Applies the stored normalisation, generates the plan coarse to fine
        (compiled per backend, see `keras_mage.models.compiled`) and clips to
        the dataset's action bounds. `target_returns` default to the return
        head's estimate (`predict_returns`), or without a return head to the
        data's high return quantile.
        """
        from keras_mage.models import compiled

        return compiled.predict_actions(self, observations, goals, target_returns, **sampling_options)

    def predict_returns(self, observations, goals=None):
        """Raw target returns (batch,) the return head estimates for raw states and goals.

        Clipped to the data's return-to-go range; needs `return_head=True`.
        `MAGEPolicy(return_update="estimated")` conditions every plan on it.
        """
        from keras_mage.models import compiled

        if not self.return_head:
            raise ValueError(
                "This model has no return head (trained with return_head=False, or saved before the option "
                "existed): train one with `return_head=True`, or act with a constant target return "
                "(`return_update=\"discounted\"`)."
            )
        return compiled.predict_returns(self, observations, goals)

    def _seed_states(self):
        return [g.state for layer in self._flatten_layers(include_self=True) for g in layer._seed_generators]

    def save_own_variables(self, store):
        # Keras does not save SeedGenerator states; a resumed run needs them
        # (Gumbel noise, condition dropout, codebook revival) to continue exactly.
        super().save_own_variables(store)
        for i, state in enumerate(self._seed_states()):
            store[f"seed_state_{i}"] = state

    def load_own_variables(self, store):
        own = {key: store[key] for key in store.keys() if not key.startswith("seed_state_")}
        super().load_own_variables(own)
        for i, state in enumerate(self._seed_states()):
            if f"seed_state_{i}" in store.keys():
                state.assign(store[f"seed_state_{i}"])

    def save_to_preset(self, path):
        """Saves the trained agent as a directory that `MAGE.from_preset(path)` reloads."""
        from keras_mage.models import agent_directory

        return agent_directory.save(self, path)

    def get_config(self):
        return {
            **super().get_config(),
            **self.options,
            "scale_schedule": list(self.scale_schedule),
            "state_dim": self.state_dim,
            "action_dim": self.action_dim,
            "goal_dim": self.goal_dim,
            "data_statistics": None if self.data_statistics is None else self.data_statistics.get_config(),
            "seed": self.seed,
        }


def _offset(seed, offset):
    return None if seed is None else seed + offset
