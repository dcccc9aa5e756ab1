"""One experiment run: train an agent, evaluate it, save it, write its metrics and plots.

The recipes are command lines over these functions; every argument is explicit.

Example:

>>> model, history = train_agent("mage", dataset_id, preset="small", train_steps=3000, seed=0)  # doctest: +SKIP
>>> record = training_record(history, "runs/umaze")  # doctest: +SKIP
>>> report = evaluate_and_save(model, record, dataset_id, "runs/umaze", episodes=50, seed=0)  # doctest: +SKIP
"""

import os
import time

from keras_mage.control.acting_options import ActingOptions
from keras_mage.control.evaluation import NOT_IN_JSON, REPORTED_OPTIONS, evaluate
from keras_mage.control.waypoints import waypoint_policy
from keras_mage.runs.agents import AGENT_KINDS, RETURN_UPDATES, make_baseline
from keras_mage.runs.plotting import plot_learning_curve, plot_trajectories
from keras_mage.utils.files import save_model, write_json

HINDSIGHT_OPTIONS = ("hindsight_goals", "hindsight_goal_draw")  # MAGE options a peer takes too
TRAINING_RECORD = ("train_seconds", "train_steps", "final_losses", "learning_curve")  # `training_record`'s keys


def train_agent(
    kind, source, *, preset="small", train_steps=1000, seed=0, epochs=20, verbose=0, devices=None, dtype=None,
    checkpoint_dir=None, options=None, batch_size=None, peer_options=None,
):
    """Trains a MAGE model (`kind="mage"`) or one of its peers (`keras_mage.runs.agents.PEERS`).

    Trains for `train_steps` steps, split in up to `epochs` epochs for the
    learning curve; a peer takes batches of `batch_size` (None: the MAGE
    preset's, so both see the same batches per step). `devices` (data
    parallel, see `keras_mage.distribution`), `dtype` (MAGE's dtype policy),
    `checkpoint_dir` (MAGE: atomic checkpoints, resumes) and `options` (MAGE
    preset overrides, e.g. `{"gumbel_hard": True}`; a peer takes their
    `hindsight_goals`); `peer_options` a peer's own settings (e.g.
    `{"warmup_steps": 300}`).
    Returns `(model, history)`; `history.history["train_seconds"]` holds the
    time, that of the epochs an interrupted run checkpointed included, and
    `history.history["resumed_after_epochs"]` how many epochs it had done.
    """
    import keras

    import keras_mage

    if kind not in AGENT_KINDS:
        raise ValueError(f"unknown agent kind {kind!r}; use one of {AGENT_KINDS}.")
    keras.utils.set_random_seed(seed)
    epochs = max(1, min(epochs, train_steps))
    fit_options = {"checkpoint_dir": checkpoint_dir} if kind == "mage" and checkpoint_dir else {}
    start = time.time()
    with keras_mage.distribution.data_parallel(devices):
        model = _mage_to_train(preset, seed, options, dtype) if kind == "mage" else make_baseline(
            kind, source, batch_size=batch_size or model_config(preset, options or {})["batch_size"], seed=seed,
            **{key: value for key, value in (options or {}).items() if key in HINDSIGHT_OPTIONS}, **(peer_options or {}),
        )
        history = model.fit(
            source, epochs=epochs, steps_per_epoch=train_steps // epochs, verbose=verbose, **fit_options
        )
    resumed = getattr(history, "resumed_state", None)  # what an interrupted run had done, from its checkpoint
    history.history["train_seconds"] = time.time() - start + (resumed["seconds"] if resumed else 0.0)
    history.history["resumed_after_epochs"] = resumed["epochs"] if resumed else 0
    history.history["train_steps"] = epochs * (train_steps // epochs)
    return model, history


def _mage_to_train(preset, seed, options, dtype):
    """A new MAGE from a named preset, or a saved agent (directory or `.keras` file) to train further."""
    import keras_mage

    if is_saved_agent(preset):
        check_no_overrides_for_agent(preset, options, dtype)
        return keras_mage.MAGE.from_preset(preset)
    return keras_mage.MAGE.from_preset(preset, seed=seed, **(options or {}), **({"dtype": dtype} if dtype else {}))


def model_config(preset, options):
    """The full MAGE configuration a run trains: a preset with overrides, or a saved agent's (its `.keras` file's)."""
    from keras_mage.presets import DEFAULTS, get_preset

    if is_saved_agent(preset):
        from keras_mage.models.agent_directory import read_config

        return {**DEFAULTS, **read_config(preset)}  # saved before an option existed: its default
    return get_preset(preset, **options)


def is_saved_agent(preset):
    """Whether `preset` is a saved agent, a directory or a `.keras` file (Keras is imported only for those)."""
    if not (os.path.isdir(preset) or preset.endswith(".keras")):
        return False
    from keras_mage.models.agent_directory import is_saved_agent as saved

    return saved(preset)


def check_no_overrides_for_agent(preset, options, dtype):
    """A saved agent trains on as it was saved: raises a ValueError naming the overrides it was given."""
    if options or dtype:
        given = [f"--set {name}" for name in options or {}] + (["--mixed-precision"] if dtype else [])
        raise ValueError(
            f"--preset {preset} is a saved agent, trained further as it was saved; it takes no "
            f"{', '.join(given)}. Drop them, or start from a named preset."
        )


def acting_options_for(preset, options, acting, kind="mage"):
    """`acting` (`ActingOptions`) as the agent a run trains will apply them (a peer: one action per step).

    Raises a ValueError naming the fix when they do not fit the model.
    """
    if kind != "mage":  # one action per step, the agent's own target-return rule
        return ActingOptions(RETURN_UPDATES.get(kind), replan_every=1).for_model(return_head=False, action_chunk=1)
    fix = "pass an agent trained with a larger action_chunk" if is_saved_agent(preset) else (
        f"add --set action_chunk={acting.replan_every}"
    )
    config = model_config(preset, options)  # a saved agent's is read from disk: once
    return acting.for_model(config["return_head"], config["action_chunk"], fix)


def train_and_evaluate(
    dataset_id, output_dir, *, preset, train_steps, seed, eval_episodes, acting, options=None, devices=None,
    dtype=None, checkpoint_dir=None, num_envs=10, max_episode_steps=None, video=False,
):
    """Trains MAGE on `dataset_id`, then evaluates, saves and exports it into `output_dir`; returns its report."""
    print(f"Training {preset} on {dataset_id} for {train_steps} steps ...", flush=True)
    model, history = train_agent(
        "mage", dataset_id, preset=preset, train_steps=train_steps, seed=seed, devices=devices, dtype=dtype,
        checkpoint_dir=checkpoint_dir, options=options, verbose=2,
    )
    return evaluate_and_save(
        model, training_record(history, output_dir), dataset_id, output_dir, episodes=eval_episodes, seed=seed,
        num_envs=num_envs, max_episode_steps=max_episode_steps, video=video, acting=acting,
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


def training_record(history, output_dir):
    """What a run's report keeps of its training (`TRAINING_RECORD`); plots the learning curve into `output_dir`."""
    return {
        "train_seconds": history.history["train_seconds"],
        "train_steps": history.history["train_steps"],
        "final_losses": {k: v[-1] for k, v in history.history.items() if k.endswith("loss")},
        "learning_curve": plot_learning_curve(history, os.path.join(output_dir, "learning_curve.png")),
    }


def evaluate_and_save(
    model, record, dataset_id, output_dir, *, episodes, seed, num_envs=10, video=False, save=True,
    max_episode_steps=None, acting=None, waypoints=None,
):
    """Evaluates (acting with `acting`, an `ActingOptions`), saves the model, writes plots and `evaluation.json`.

    `record`: its training (`training_record`), copied into the report.
    `waypoints` (steps): a goal-conditioned model acts toward waypoints that
    many steps ahead on the data's shortest path to the goal
    (`keras_mage.control.waypoints`).
    """
    os.makedirs(output_dir, exist_ok=True)
    start = time.time()
    actor = model if waypoints is None else waypoint_policy(model, dataset_id, waypoints, policy_options=acting)
    results = evaluate(
        actor, dataset_id, episodes=episodes, num_envs=num_envs, seed=seed,
        output_path=os.path.join(output_dir, "evaluation.json"), max_episode_steps=max_episode_steps,
        policy_options=acting if waypoints is None else None,
    )
    report = {k: v for k, v in results.items() if k not in NOT_IN_JSON + ("per_episode",)}
    report["eval_seconds"] = time.time() - start
    report["waypoints"] = waypoints
    report.update({key: record[key] for key in TRAINING_RECORD})
    report["trajectory_plot"] = plot_trajectories(results, os.path.join(output_dir, "trajectories.png"))
    if save:
        report["keras_file"] = save_model(model, os.path.join(output_dir, "model.keras"))
        if hasattr(model, "save_to_preset"):
            report["agent_dir"] = model.save_to_preset(os.path.join(output_dir, "agent"))
            report["saved_model"] = export_saved_model_if_available(model, os.path.join(output_dir, "saved_model"))
    if video:
        from keras_mage.runs.video import record_videos

        report["videos"] = record_videos(results, os.path.join(output_dir, "videos"), episodes=range(min(2, episodes)))
    return report


def run_metadata(recipe, *, preset, options, acting, train_steps, eval_episodes, seed, dataset_steps,
                 max_episode_steps):
    """What metrics.json records about the run itself (`acting`: the `ActingOptions` applied)."""
    import keras

    from keras_mage.models.agent_directory import package_versions

    return {
        "recipe": recipe,
        "backend": keras.backend.backend(),
        "preset": preset,
        "options": options,
        **{name: getattr(acting, name) for name in REPORTED_OPTIONS},
        "train_steps": train_steps,
        "eval_episodes": eval_episodes,
        "seed": seed,
        "dataset_steps": dataset_steps,
        "max_episode_steps": max_episode_steps,
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
