"""The steps the recipes share: data, training, evaluation, saving, plots, metrics.

`recipes/pointmaze.py`, `recipes/antmaze.py` and `recipes/compare_bc.py` are
thin command lines over these functions.

Example:

>>> dataset_id = pointmaze_dataset("umaze", steps=200_000)  # doctest: +SKIP
>>> model, history = train_agent("mage", dataset_id, preset="small", train_steps=3000, seed=0)  # doctest: +SKIP
>>> report = evaluate_and_save(model, history, dataset_id, "runs/umaze", episodes=50, seed=0)  # doctest: +SKIP
"""

import argparse
import ast
import os
import time

from keras_mage.control.evaluation import NOT_IN_JSON, evaluate
from keras_mage.control.files import save_model, write_json
from keras_mage.control.plotting import plot_learning_curve, plot_trajectories
from keras_mage.control.policy import (
    RETURN_UPDATES, acted_temporal_ensemble, check_replan_every, default_return_update,
)

FULL_DATASET_STEPS = 1_000_000  # Minari's published size: the canonical dataset id
AGENT_KINDS = ("mage", "bc")


def add_common_arguments(parser, *, preset, train_steps, eval_episodes, dataset_steps, output_dir="outputs"):
    """The options every recipe takes, with the recipe's defaults."""
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
        help="how the acting target return follows rewards (keras_mage.control.policy.RETURN_UPDATES; "
        "default: estimated by the model's return head, or discounted without one)",
    )
    parser.add_argument(
        "--replan-every", type=int, default=1,
        help="acting: generate a new plan every n steps (n <= the model's action_chunk, e.g. --set action_chunk=4)",
    )
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
    parser.add_argument(
        "--set", dest="options", action="append", default=[], metavar="OPTION=VALUE",
        help="override a MAGE preset option, e.g. --set gumbel_hard=False --set head_width=128 (repeatable)",
    )
    return parser


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


def parse_options(pairs):
    """`["head_width=128", "gumbel_hard=True"]` -> `{"head_width": 128, "gumbel_hard": True}`.

    Values are Python literals where they parse as one, else strings
    (`--set head_activation=gelu`). Unknown option names are rejected by the preset.
    """
    options = {}
    for pair in pairs:
        name, separator, value = pair.partition("=")
        if not separator or not name:
            raise ValueError(f"--set takes OPTION=VALUE, got {pair!r}.")
        try:
            options[name.strip()] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            options[name.strip()] = value
    return options


def training_options(args):
    """The `train_agent` keyword arguments that the common options set."""
    return {
        "devices": args.devices,
        "dtype": "mixed_bfloat16" if args.mixed_precision else None,
        "checkpoint_dir": args.checkpoint_dir,
        "options": args.options,
        "verbose": 2,
    }


def parse_arguments(parser, argv=None):
    args = parser.parse_args(argv)
    for name in ("train_steps", "eval_episodes", "dataset_steps", "num_envs", "replan_every"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be >= 1, got {getattr(args, name)}.")
    if not args.guidance_scale >= 0.0:  # also refuses nan
        parser.error(f"--guidance-scale must be a number >= 0, got {args.guidance_scale}.")
    if args.temporal_ensemble is not None and not args.temporal_ensemble >= 0.0:
        parser.error(f"--temporal-ensemble must be a number >= 0, got {args.temporal_ensemble}.")
    try:
        args.options = parse_options(args.options)
        if _is_saved_agent(args.preset):
            _check_no_overrides_for_agent(args.preset, args.options, args.mixed_precision)
            fix = "pass an agent trained with a larger action_chunk"
        else:
            fix = f"add --set action_chunk={args.replan_every}"
        check_replan_every(args.replan_every, model_config(args.preset, args.options)["action_chunk"], fix)
    except ValueError as error:
        parser.error(str(error))
    return args


def generated_dataset_id(kind, name, steps):
    """`keras_mage/<kind>/<name>-v0` for Minari's size, else with the step count in the name."""
    size = "" if steps == FULL_DATASET_STEPS else f"-{_short_count(steps)}"
    return f"keras_mage/{kind}/{name}{size}-v0"


def _short_count(steps):
    for unit, divisor in (("m", 1_000_000), ("k", 1000)):
        if steps % divisor == 0:
            return f"{steps // divisor}{unit}"
    return str(steps)


def local_dataset_exists(dataset_id):
    import minari

    return dataset_id in minari.list_local_datasets()


def pointmaze_dataset(maze, steps, ref_episodes=100):
    """The local PointMaze dataset of `steps` steps (Minari's seed 123), generated if missing."""
    dataset_id = generated_dataset_id("pointmaze", maze, steps)
    if not local_dataset_exists(dataset_id):
        from keras_mage.datagen import generate_pointmaze

        print(f"Generating {dataset_id} ({steps} steps) ...", flush=True)
        generate_pointmaze(maze, steps=steps, seed=123, dataset_id=dataset_id, ref_episodes=ref_episodes)
    return dataset_id


def train_agent(
    kind, source, *, preset="small", train_steps=1000, seed=0, epochs=20, verbose=0, devices=None, dtype=None,
    checkpoint_dir=None, options=None,
):
    """Trains a MAGE model (`kind="mage"`) or the behaviour-cloning baseline (`"bc"`).

    Both see the same batches per step (the preset's batch size) for
    `train_steps` steps, split in up to `epochs` epochs for the learning curve.
    `devices` (data parallel, see `keras_mage.distribution`), `dtype` (MAGE's
    dtype policy), `checkpoint_dir` (MAGE: atomic checkpoints, resumes) and
    `options` (MAGE preset overrides, e.g. `{"gumbel_hard": True}`).
    Returns `(model, history)`; `history.history["train_seconds"]` holds the
    time, that of the epochs an interrupted run checkpointed included.
    """
    import keras

    import keras_mage
    from keras_mage.baselines import BehaviorCloning
    from keras_mage.models.checkpoint import read_state

    if kind not in AGENT_KINDS:
        raise ValueError(f"unknown agent kind {kind!r}; use one of {AGENT_KINDS}.")
    keras.utils.set_random_seed(seed)
    epochs = max(1, min(epochs, train_steps))
    fit_options = {"checkpoint_dir": checkpoint_dir} if kind == "mage" and checkpoint_dir else {}
    start = time.time() - (read_state(checkpoint_dir)["seconds"] if fit_options else 0.0)  # an interrupted run's
    with keras_mage.distribution.data_parallel(devices):
        mage = _mage_to_train(preset, seed, options, dtype)
        model = mage if kind == "mage" else BehaviorCloning(batch_size=mage.batch_size, seed=seed)
        history = model.fit(
            source, epochs=epochs, steps_per_epoch=train_steps // epochs, verbose=verbose, **fit_options
        )
    history.history["train_seconds"] = time.time() - start
    history.history["train_steps"] = epochs * (train_steps // epochs)
    return model, history


def _mage_to_train(preset, seed, options, dtype):
    """A new MAGE from a named preset, or a saved agent directory to train further."""
    import keras_mage

    if _is_saved_agent(preset):
        _check_no_overrides_for_agent(preset, options, dtype)
        return keras_mage.MAGE.from_preset(preset)
    return keras_mage.MAGE.from_preset(preset, seed=seed, **(options or {}), **({"dtype": dtype} if dtype else {}))


def model_config(preset, options):
    """The full MAGE configuration a recipe trains: a preset with `--set` overrides, or a saved agent's."""
    from keras_mage.presets import DEFAULTS, get_preset

    if _is_saved_agent(preset):
        from keras_mage.models.agent_directory import read_config

        return {**DEFAULTS, **read_config(preset)}  # saved before an option existed: its default
    return get_preset(preset, **options)


def _is_saved_agent(preset):
    """Whether `preset` is a saved agent directory (Keras is imported only for directories)."""
    if not os.path.isdir(preset):
        return False
    from keras_mage.models.agent_directory import is_agent_directory

    return is_agent_directory(preset)


def _check_no_overrides_for_agent(preset, options, dtype):
    if options or dtype:
        given = [f"--set {name}" for name in options or {}] + (["--mixed-precision"] if dtype else [])
        raise ValueError(
            f"--preset {preset} is a saved agent, trained further as it was saved; it takes no "
            f"{', '.join(given)}. Drop them, or start from a named preset."
        )


def train_and_evaluate(args, dataset_id, output_dir):
    """Trains MAGE on `dataset_id` with a recipe's common options, then evaluates and saves it."""
    print(f"Training {args.preset} on {dataset_id} for {args.train_steps} steps ...", flush=True)
    model, history = train_agent(
        "mage", dataset_id, preset=args.preset, train_steps=args.train_steps, seed=args.seed,
        **training_options(args),
    )
    return evaluate_and_save(
        model, history, dataset_id, output_dir, episodes=args.eval_episodes, seed=args.seed,
        num_envs=args.num_envs, max_episode_steps=args.max_episode_steps, video=args.video,
        policy_options=policy_options(args),
    )


def export_saved_model_if_available(model, path):
    """Exports a SavedModel with `keras_mage.export`; returns what happened, for metrics.json."""
    try:
        from keras_mage.export import export_saved_model
    except ImportError as error:
        return {"exported": False, "reason": f"keras_mage.export is not available: {error}"}
    try:
        export_saved_model(model, path)
    except Exception as error:  # noqa: BLE001  (reported in metrics.json, the run's results stay)
        return {"exported": False, "reason": f"{type(error).__name__}: {error}"}
    return {"exported": True, "path": path}


def policy_options(args, kind="mage"):
    """The `MAGEPolicy` keyword arguments that the common options set (BC predicts one action per step)."""
    if kind != "mage":
        return {"replan_every": 1}
    config = model_config(args.preset, args.options)  # a saved agent's is read from disk: once
    return_update = args.return_update  # else the policy's default for the model
    return {
        "return_update": default_return_update(config["return_head"]) if return_update is None else return_update,
        "replan_every": args.replan_every, "guidance_scale": args.guidance_scale,
        "temporal_ensemble": acted_temporal_ensemble(args.temporal_ensemble, args.replan_every, config["action_chunk"]),
    }


def evaluate_and_save(
    model, history, dataset_id, output_dir, *, episodes, seed, num_envs=10, video=False, save=True,
    max_episode_steps=None, policy_options=None,
):
    """Evaluates, saves the model, writes plots and `evaluation.json`; returns the run's metrics."""
    os.makedirs(output_dir, exist_ok=True)
    start = time.time()
    results = evaluate(
        model, dataset_id, episodes=episodes, num_envs=num_envs, seed=seed,
        output_path=os.path.join(output_dir, "evaluation.json"), max_episode_steps=max_episode_steps,
        policy_options=policy_options,
    )
    report = {k: v for k, v in results.items() if k not in NOT_IN_JSON + ("per_episode",)}
    report["eval_seconds"] = time.time() - start
    report["train_seconds"] = history.history["train_seconds"]
    report["train_steps"] = history.history["train_steps"]
    report["final_losses"] = {k: v[-1] for k, v in history.history.items() if k.endswith("loss")}
    report["trajectory_plot"] = plot_trajectories(results, os.path.join(output_dir, "trajectories.png"))
    report["learning_curve"] = plot_learning_curve(history, os.path.join(output_dir, "learning_curve.png"))
    if save:
        report["keras_file"] = save_model(model, os.path.join(output_dir, "model.keras"))
        if hasattr(model, "save_to_preset"):
            report["agent_dir"] = model.save_to_preset(os.path.join(output_dir, "agent"))
            report["saved_model"] = export_saved_model_if_available(model, os.path.join(output_dir, "saved_model"))
    if video:
        from keras_mage.control.video import record_videos

        report["videos"] = record_videos(results, os.path.join(output_dir, "videos"), episodes=range(min(2, episodes)))
    return report


def run_metadata(args, recipe):
    """What metrics.json records about the run itself."""
    import keras

    from keras_mage.models.agent_directory import package_versions

    return {
        "recipe": recipe,
        "backend": keras.backend.backend(),
        "preset": args.preset,
        "options": args.options,
        **policy_options(args),
        "train_steps": args.train_steps,
        "eval_episodes": args.eval_episodes,
        "seed": args.seed,
        "dataset_steps": args.dataset_steps,
        "max_episode_steps": args.max_episode_steps,
        "versions": package_versions(),
    }


def write_metrics(output_dir, metadata, per_dataset):
    """Writes `metrics.json`: the run's metadata, per-dataset reports and their means; returns it."""
    metrics = dict(metadata)
    metrics["dataset_ids"] = {name: report["dataset_id"] for name, report in per_dataset.items()}
    for key in ("success_rate", "normalized_score", "mean_return"):
        values = [report[key] for report in per_dataset.values()]
        metrics[key] = None if None in values else sum(values) / len(values)
    metrics["per_maze"] = per_dataset
    write_json(os.path.join(output_dir, "metrics.json"), metrics)
    return metrics


class _DefaultsHelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Appends "(default: ...)" to an option's help unless the help already says what its default is."""

    def _get_help_string(self, action):
        return action.help if "default" in (action.help or "") else super()._get_help_string(action)


def new_parser(description):
    return argparse.ArgumentParser(description=description, formatter_class=_DefaultsHelpFormatter)
