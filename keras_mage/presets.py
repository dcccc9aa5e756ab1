"""Named MAGE configurations: every hyperparameter in one readable place.

Example:

>>> import keras_mage
>>> sorted(keras_mage.PRESETS)
['base', 'small', 'tiny']
>>> keras_mage.PRESETS["tiny"]["scale_schedule"]
(1, 2, 4, 8)
"""

import copy
import numbers
import os

MODEL_FILE = "model.keras"  # what makes a directory a saved agent (keras_mage.models.agent_directory)

# Keys are MAGE constructor arguments. Values not set in a preset fall back to
# `DEFAULTS`; a preset lists what differs.
DEFAULTS = {
    # Window and tokenizer (section 2 of the paper, arXiv 2602.23770).
    "horizon": 16,  # H: entries per training window.
    "window_stride": 1,  # env steps between a window's (R, s) entries: the plan spans H * stride steps.
    "downsample": 1,  # the encoder's temporal downsampling: token maps of length L = H / downsample.
    "scale_schedule": (1, 2, 3, 4, 6, 8, 12, 16),  # l_1 < ... < l_K = L.
    "code_dim": 32,  # C: width of a code vector.
    "codebook_size": 512,  # V: one codebook shared by all scales.
    "tokenizer_width": 128,  # channels of the encoder / decoder convolutions.
    "tokenizer_blocks": 2,  # residual conv blocks in encoder and decoder.
    "num_phi": 4,  # phi blend convolutions shared across scales (VAR).
    "phi_ratio": 0.5,  # h + phi_ratio * (conv(h) - h).
    "commitment_beta": 0.25,
    "codebook_decay": 0.99,  # EMA codebook update rate.
    "dead_code_threshold": 0.02,  # revive codes used less than this share of average use.
    "revive_every": 100,  # training steps between dead-code revivals.
    # Transformer (section 3).
    "model_width": 256,
    "num_layers": 4,
    "num_heads": 4,
    "mlp_ratio": 4.0,
    "dropout": 0.1,
    "condition_dropout": 0.1,  # drop the condition for classifier-free guidance.
    "condition_width": 256,  # hidden units of the condition MLP (s_0, goal, R_0) -> start token / adaLN.
    "condition_layers": 2,  # hidden layers of that MLP.
    "condition_activation": "relu",  # smooth ones (silu, gelu) learned maze goals far slower.
    # Action head (section 4).
    "action_chunk": 1,  # predict a_0..a_{m-1}.
    "head_width": 256,
    "head_activation": "relu",  # as condition_activation.
    "gumbel_temperature": 1.0,  # tau of the Gumbel-softmax relaxation: how soft the plan's gradient is.
    "gumbel_hard": True,  # one-hot samples forward, soft gradient (straight-through); False: soft mixtures.
    "plan_temperature": 1.0,  # T of the training plan's tokens, argmax(logits / T + Gumbel noise); 0: greedy, as acting.
    # Return head: R_0 estimated from (s_0, goal), a target return that matches the state when acting.
    "return_head": False,  # the presets turn it on; False keeps models saved before it loadable.
    "return_expectile": 0.5,  # tau of its expectile regression; 0.5 is the mean return-to-go.
    # Training schedule and loss weights.
    "tokenizer_warmup_steps": 2000,  # phase 1: tokenizer only; then the transformer and heads (phase 2).
    "freeze_tokenizer": False,  # True: phase 2 trains the transformer and heads alone on a fixed tokenizer (VAR).
    "isolate_tokenizer": False,  # True: phase 2's generation losses leave the tokenizer's weights alone.
    "reconstruction_weight": 1.0,
    "vq_weight": 1.0,
    "condition_weight": 1.0,
    "token_weight": 1.0,
    "action_weight": 1.0,
    "return_weight": 1.0,
    "learning_rate": 3e-4,  # the peak, after warm-up.
    "learning_rate_warmup_steps": 0,  # linear warm-up at the start of each phase.
    "learning_rate_decay": "constant",  # or "cosine": down to final_learning_rate_ratio x the peak by each phase's end.
    "final_learning_rate_ratio": 0.1,
    "weight_decay": 1e-4,
    "batch_size": 256,
    # Data.
    "discount": 0.99,
    "reward_scale": 1.0,
    # State features that form a goal drawn from the window's own future (hindsight relabelling, for data
    # without goals or task rewards such as OGBench's; keras_mage.data.hindsight_goals); () uses the data's.
    "hindsight_goals": (),
    # How far ahead those goals lie: "uniform" over the rest of the trajectory (OGBench's actors' draw), or
    # "geometric" (P(k steps) ~ discount ** (k - 1), its value functions' draw: mostly nearer goals), or "mixed"
    # (half of each).
    "hindsight_goal_draw": "uniform",
}

# How every preset trains since 2026-12-04 (docs/architecture.md, "Two phases"): VAR's way, the tokenizer
# frozen once the transformer trains, each phase with a warm-up and a cosine decay, a return head.
TRAINING = {"freeze_tokenizer": True, "learning_rate_decay": "cosine", "return_head": True}

PRESETS = {
    # Seconds on a CPU: for tests and smoke runs.
    "tiny": {
        **TRAINING,
        "horizon": 8,
        "scale_schedule": (1, 2, 4, 8),
        "code_dim": 8,
        "codebook_size": 32,
        "tokenizer_width": 32,
        "tokenizer_blocks": 1,
        "num_phi": 2,
        "revive_every": 20,
        "model_width": 32,
        "num_layers": 2,
        "num_heads": 2,
        "mlp_ratio": 2.0,
        "dropout": 0.0,
        "tokenizer_warmup_steps": 1000,  # phase 1 steps are cheap: the frozen tokenizer gets them all
        "learning_rate_warmup_steps": 50,
        "learning_rate": 1e-3,
        "batch_size": 32,
    },
    # Between the two: about 0.5 s a training step on 2 CPU cores (docs/experiments.md); the main job trains `tiny`.
    "small": {
        **TRAINING,
        "horizon": 16,
        "scale_schedule": (1, 2, 4, 8, 16),
        "code_dim": 16,
        "codebook_size": 128,
        "tokenizer_width": 64,
        "num_phi": 2,
        "model_width": 128,
        "num_layers": 3,
        "num_heads": 4,
        "learning_rate_warmup_steps": 100,
        "learning_rate": 5e-4,
        "batch_size": 128,
    },
    # The paper's shape (K = 8 scales): GPU runs. Plans span 64 steps (window_stride 4) and predict 4
    # actions, acted on with temporal ensembling: ahead of BC on both mazes where stride 1 was level on
    # the large one (docs/results.md). The paper's consecutive windows: --set window_stride=1 --set action_chunk=1.
    "base": {**TRAINING, "learning_rate_warmup_steps": 100, "window_stride": 4, "action_chunk": 4},
}


def get_preset(name, **overrides):
    """Returns the full configuration of preset `name` with `overrides` applied.

    Example:

    >>> get_preset("tiny", codebook_size=16)["codebook_size"]
    16
    """
    if name not in PRESETS:
        raise ValueError(not_a_preset(name))
    return with_defaults(**{**copy.deepcopy(PRESETS[name]), **overrides})


def not_a_preset(name):
    """The error message for `name`, neither a built-in preset nor a saved agent: what it is instead, and the fix.

    >>> not_a_preset("huge")[:41]
    "Unknown preset 'huge'. Available presets:"
    """
    fix = (
        f"Available presets: {sorted(PRESETS)}; or pass a directory written by `MAGE.save_to_preset` or a "
        "`.keras` file."
    )
    path = os.fspath(name) if isinstance(name, (str, os.PathLike)) else ""
    if os.path.isdir(path):
        return f"{path} is a directory but not an agent directory: {os.path.join(path, MODEL_FILE)} is missing. {fix}"
    if os.path.exists(path):
        return f"{path} is neither an agent directory nor a `.keras` file. {fix}"
    if isinstance(name, os.PathLike) or os.path.dirname(path) or path.endswith(".keras"):
        return f"{path} does not exist. {fix}"
    return f"Unknown preset {name!r}. {fix}"


def with_defaults(**options):
    """`DEFAULTS` with `options` applied: how a model's saved configuration is completed.

    Options added after a model was saved take their `DEFAULTS` value, which
    is the behaviour the model had before they existed.

    Example:

    >>> with_defaults(codebook_size=16)["isolate_tokenizer"]
    False
    """
    check_options(options)
    return {**copy.deepcopy(DEFAULTS), **options}


def check_options(options):
    """Raises a ValueError naming an unknown option, or one whose value is not of its `DEFAULTS` type.

    Example:

    >>> check_options({"batch_size": "abc"})
    Traceback (most recent call last):
    ...
    ValueError: MAGE option batch_size takes an integer, got 'abc' (str); the default is 256.
    """
    unknown = set(options) - set(DEFAULTS)
    if unknown:
        raise ValueError(
            f"Unknown MAGE option(s) {sorted(unknown)}. Known options: {sorted(DEFAULTS)}."
        )
    for name, value in options.items():
        expected, fits = _TYPES[type(DEFAULTS[name])]
        if not fits(value):
            raise ValueError(
                f"MAGE option {name} takes {expected}, got {value!r} ({type(value).__name__}); "
                f"the default is {DEFAULTS[name]!r}."
            )


def _integer(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


# What each type of `DEFAULTS` value accepts: (description, test).
_TYPES = {
    bool: ("True or False", lambda value: isinstance(value, bool)),
    int: ("an integer", _integer),
    float: ("a number", lambda value: isinstance(value, numbers.Real) and not isinstance(value, bool)),
    str: ("a string", lambda value: isinstance(value, str)),
    tuple: ("a sequence of integers", lambda value: isinstance(value, (tuple, list)) and all(map(_integer, value))),
}
