"""The command line every recipe shares: its options, their checks, and what they mean for a run.

Recipes (`pointmaze.py`, `antmaze.py`, `compare_bc.py`) parse their flags here
and call `keras_mage.runs` with explicit arguments; nothing below `recipes/`
reads an argparse namespace.
"""

import argparse
import ast

from keras_mage.utils.quiet import quiet_start

quiet_start()  # before anything imports TensorFlow or gymnasium-robotics

from keras_mage.control.acting_options import RETURN_UPDATES, ActingOptions
from keras_mage.presets import check_options
from keras_mage.runs.agents import check_peer_options


def new_parser(description):
    return argparse.ArgumentParser(description=description, formatter_class=_DefaultsHelpFormatter)


def add_common_arguments(
    parser, *, preset, train_steps, eval_episodes, dataset_steps, output_dir="outputs", preset_options=None
):
    """The options every recipe takes, with the recipe's defaults.

    `preset_options` (e.g. `{"batch_size": 128}`) are the recipe's own settings of
    preset options, applied to a named preset under the user's `--set`.
    """
    parser.add_argument("--preset", default=preset, help="MAGE preset name or saved agent directory")
    parser.add_argument("--train-steps", type=int, default=train_steps, help="gradient steps per model")
    parser.add_argument("--eval-episodes", type=int, default=eval_episodes, help="evaluation episodes per model")
    parser.add_argument("--seed", type=int, default=0, help="training and evaluation seed")
    parser.add_argument("--output-dir", default=output_dir, help="where models, metrics and plots go")
    parser.add_argument(
        "--dataset-steps", type=int, default=dataset_steps, help="size of regenerated data (1000000 = Minari's)"
    )
    parser.add_argument("--video", action="store_true", help="also render rollout videos (mp4 or gif)")
    parser.add_argument("--num-envs", type=int, default=10, help="parallel evaluation envs")
    parser.add_argument(
        "--return-update", default=None, choices=sorted(RETURN_UPDATES),
        help="how the acting target return follows rewards (keras_mage.control.acting_options.RETURN_UPDATES; "
        "default: estimated by the model's return head, or discounted without one)",
    )
    parser.add_argument(
        "--replan-every", type=int, default=1,
        help="acting: generate a new plan every n steps (n <= the model's action_chunk, e.g. --set action_chunk=4)",
    )
    add_temperature_argument(parser)
    parser.add_argument(
        "--guidance-scale", type=float, default=1.0,
        help="acting: classifier-free guidance scale of MAGE's plan (1: the conditional plan alone)",
    )
    parser.add_argument(
        "--temporal-ensemble", type=temporal_ensemble_rate, default=0.0, metavar="M",
        help="acting: average the actions that the plans covering a step predicted for it, weight exp(M * age) "
        "(0: plain mean; 'off': the newest plan's actions alone; averages only with action_chunk > 1)",
    )
    parser.add_argument("--ref-episodes", type=int, default=100, help="episodes per reference score of new data")
    parser.add_argument(
        "--max-episode-steps", type=int, default=None,
        help="shorter evaluation time limit for quick checks (default: the env's; scores then not comparable)",
    )
    parser.add_argument(
        "--devices", type=int, default=None, help="train data-parallel on this many local devices (default: all)"
    )
    parser.add_argument("--mixed-precision", action="store_true", help="train MAGE with the mixed_bfloat16 policy")
    parser.add_argument("--checkpoint-dir", default=None, help="atomic epoch checkpoints; rerun to resume")
    recipe_sets = ", ".join(f"{name}={value}" for name, value in (preset_options or {}).items())
    parser.add_argument(
        "--set", dest="options", action="append", default=[], metavar="OPTION=VALUE",
        help="override a MAGE preset option, e.g. --set gumbel_hard=False --set head_width=128 (repeatable)"
        + (f"; this recipe sets {recipe_sets} for a named preset" if recipe_sets else ""),
    )
    parser.set_defaults(preset_options=dict(preset_options or {}))
    return parser


def add_temperature_argument(parser):
    """`--temperature T`: how MAGE draws its plan's tokens when acting (0: greedy)."""
    parser.add_argument(
        "--temperature", type=_non_negative, default=0.0,
        help="acting: sampling temperature of MAGE's plan tokens (0: the most likely, greedy; 1: sampled, which "
        "reached more of OGBench's detour tasks, docs/results.md; BC is unaffected)",
    )


def _non_negative(text):
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value >= 0.0:  # also refuses nan and words
        raise argparse.ArgumentTypeError(f"must be a number >= 0, got {text}")
    return value


def add_trained_agent_arguments(parser, waypoints_help="act toward waypoints STEPS steps ahead on the data's "
                                "shortest path to the goal (keras_mage.control.waypoints); default: the goal"):
    """`--waypoints STEPS` (goal-conditioned agents) and `--trained-in DIR` (score agents trained before)."""
    parser.add_argument("--waypoints", type=float, default=None, metavar="STEPS", help=waypoints_help)
    parser.add_argument("--trained-in", default=None, metavar="DIR",
                        help="evaluate the agents an earlier --output-dir DIR trained with these settings (acting "
                             "settings may differ) instead of training them; default: train")


def check_waypoints(parser, args):
    """Refuses `--waypoints` <= 0 (argparse's usage error)."""
    if args.waypoints is not None and not args.waypoints > 0:
        parser.error("--waypoints must be > 0 steps.")


def temporal_ensemble_rate(text):
    """`--temporal-ensemble` values: a number, or "off" (None: the newest plan's actions alone).

    Example:

    >>> temporal_ensemble_rate("0.5"), temporal_ensemble_rate("off")
    (0.5, None)
    """
    if text.strip().lower() in ("off", "none"):
        return None
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"takes a number >= 0 or 'off', got {text!r}") from None


def literal(text):
    """`text` as the Python literal it spells (`"3"` -> 3, `"(0, 1)"` -> (0, 1)), else the string itself."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def peer_setting(kinds):
    """argparse type of `KIND.NAME=VALUE` for one of `kinds`: a peer's own setting (VALUE a Python literal where it
    parses as one; NAME one of `keras_mage.runs.agents.peer_setting_names`), as `(kind, name, value)`;
    `peer_options` groups them per kind.

    Example:

    >>> peer_setting(("bc", "dt"))("bc.hidden_units=(256, 256)")
    ('bc', 'hidden_units', (256, 256))
    """

    def parse(text):
        target, separator, value = text.partition("=")
        kind, _, name = target.partition(".")
        if not separator or kind not in kinds or not name.isidentifier():
            example = "dt.warmup_steps=300" if "dt" in kinds else f"{kinds[0]}.hidden_units=(256,256)"
            raise argparse.ArgumentTypeError(
                f"{text!r}: use KIND.NAME=VALUE with KIND one of {', '.join(kinds)}, e.g. {example}")
        try:
            check_peer_options(kind, {name: value})
        except ValueError as error:
            raise argparse.ArgumentTypeError(f"{text!r}: {error}") from None
        return kind, name, literal(value)

    return parse


def peer_options(settings):
    """`[(kind, name, value), ...]` from `peer_setting` as `{kind: {name: value}}`."""
    options = {}
    for kind, name, value in settings:
        options.setdefault(kind, {})[name] = value
    return options


def parse_options(pairs):
    """`["head_width=128", "gumbel_hard=True"]` -> `{"head_width": 128, "gumbel_hard": True}`.

    Values are Python literals where they parse as one, else strings
    (`--set head_activation=gelu`). A ValueError names a pair whose option is
    unknown or whose value is not of the option's type (`keras_mage.presets.check_options`).
    """
    options = {}
    for pair in pairs:
        name, separator, value = pair.partition("=")
        if not separator or not name:
            raise ValueError(f"--set takes OPTION=VALUE, got {pair!r}.")
        value = literal(value)
        try:
            check_options({name.strip(): value})
        except ValueError as error:
            raise ValueError(f"--set {pair}: {error}") from None
        options[name.strip()] = value
    return options


def parse_arguments(parser, argv=None):
    """Parses and checks the flags; `args.options` becomes a dict and `args.acting` the `ActingOptions` applied.

    Every error is argparse's usage error, before any work starts.
    """
    from keras_mage.runs import training

    args = parser.parse_args(argv)
    for name in ("train_steps", "eval_episodes", "dataset_steps", "num_envs", "replan_every"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be >= 1, got {getattr(args, name)}.")
    for name in ("guidance_scale", "temporal_ensemble"):
        value = getattr(args, name)
        if value is not None and not value >= 0.0:  # also refuses nan
            parser.error(f"--{name.replace('_', '-')} must be a number >= 0, got {value}.")
    try:
        args.options = parse_options(args.options)
        if training.is_saved_agent(args.preset):
            training.check_no_overrides_for_agent(args.preset, args.options, args.mixed_precision)
        else:
            args.options = {**args.preset_options, **args.options}
        acting = ActingOptions(
            return_update=args.return_update, replan_every=args.replan_every, temperature=args.temperature,
            guidance_scale=args.guidance_scale, temporal_ensemble=args.temporal_ensemble,
        )
        args.acting = training.acting_options_for(args.preset, args.options, acting)
    except ValueError as error:
        parser.error(str(error))
    return args


def train_and_evaluate(args, dataset_id, output_dir):
    """`keras_mage.runs.training.train_and_evaluate` with the common options."""
    from keras_mage.runs import training

    return training.train_and_evaluate(
        dataset_id, output_dir, preset=args.preset, train_steps=args.train_steps, seed=args.seed,
        eval_episodes=args.eval_episodes, acting=args.acting, options=args.options, devices=args.devices,
        dtype="mixed_bfloat16" if args.mixed_precision else None, checkpoint_dir=args.checkpoint_dir,
        num_envs=args.num_envs, max_episode_steps=args.max_episode_steps, video=args.video,
    )


def run_metadata(args, recipe):
    """`keras_mage.runs.training.run_metadata` of the parsed flags."""
    from keras_mage.runs import training

    return training.run_metadata(
        recipe, preset=args.preset, options=args.options, acting=args.acting, train_steps=args.train_steps,
        eval_episodes=args.eval_episodes, seed=args.seed, dataset_steps=args.dataset_steps,
        max_episode_steps=args.max_episode_steps,
    )


class _DefaultsHelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Appends "(default: ...)" to an option's help unless the help already says what its default is."""

    def _get_help_string(self, action):
        return action.help if "default" in (action.help or "") else super()._get_help_string(action)
