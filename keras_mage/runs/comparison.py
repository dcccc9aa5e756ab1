"""Agents compared over seeds: one resumable run per agent and seed, summaries and paired differences.

`run_once` trains and evaluates one agent into its own folder and leaves a
`report.json` with the settings it ran with and the seconds it trained;
called again with the same settings it reuses that report, and a MAGE run cut
off mid-training resumes from its epoch checkpoint. `summarise` and
`paired_difference` turn the reports into means and standard errors over
seeds and MAGE minus each peer per seed (`compare_agents` does it all).

Example:

>>> settings = run_settings("mage", dataset_id, 0, preset="base", train_steps=2400, options={},
...                         mixed_precision=False, eval_episodes=50, max_episode_steps=None, acting=acting)  # doctest: +SKIP
>>> report = run_once(settings, "runs/large/mage_seed0", acting=acting)  # doctest: +SKIP
"""

import json
import os
import shutil

from keras_mage.control.evaluation import REPORTED_OPTIONS, mean_stderr
from keras_mage.presets import DEFAULTS as PRESET_DEFAULTS
from keras_mage.runs import training
from keras_mage.runs.agents import AGENT_KINDS
from keras_mage.utils.files import jsonable, save_model, write_json

SCORES = ("success_rate", "normalized_score", "mean_return")
# Summarised too, not differenced: how fast the goal is reached and how long the agent stays (`evaluate`).
GOAL_TIMING = ("steps_to_goal", "goal_share")
# Settings added after runs were made, with the value those runs had, so they are still reused.
ADDED_SETTINGS = {"guidance_scale": 1.0, "temperature": 0.0, "temporal_ensemble": None, "batch_size": None,
                  "peer_options": None, "waypoints": None}
# Settings of how a trained agent is evaluated (OGBench runs: episodes per task and waypoints too);
# `studies/acting_options.py` evaluates a kept agent under others.
ACTING_SETTINGS = ("eval_episodes", "episodes_per_task", "max_episode_steps", "waypoints") + REPORTED_OPTIONS

COMPARISON_RESULTS = ("per_maze", "plot")  # `comparison.json`'s results; the rest are the settings they ran with


def summarise(per_seed):
    """Mean and standard error over seeds of each score (goal timing and training seconds too) in a list of reports."""
    summary = {}
    for key in SCORES + GOAL_TIMING + ("train_seconds",):
        values = [report[key] for report in per_seed if report.get(key) is not None]
        if values:
            mean, stderr = mean_stderr(values)
            summary[key] = {"mean": mean, "stderr": stderr, "seeds": len(values)}
    return summary


def paired_difference(mage_reports, peer_reports):
    """MAGE minus a peer seed by seed: the differences, their mean and standard error, seeds ahead and behind.

    Example (two seeds; scores of None, e.g. no normalised score, stay None):

        mage = [{"success_rate": 1.0, "normalized_score": None, "mean_return": 9.0}] * 2
        bc = [{"success_rate": s, "normalized_score": None, "mean_return": 5.0} for s in (0.8, 1.0)]
        paired_difference(mage, bc)["summary"]["success_rate"]  # mean 0.1, stderr 0.1, seeds 2
    """
    per_seed = [
        {key: None if mage[key] is None or bc[key] is None else mage[key] - bc[key] for key in SCORES}
        for mage, bc in zip(mage_reports, peer_reports, strict=True)
    ]
    success = [difference["success_rate"] for difference in per_seed]
    return {
        "summary": summarise(per_seed),
        "per_seed": per_seed,
        "seeds_ahead": sum(value > 0 for value in success),
        "seeds_behind": sum(value < 0 for value in success),
    }


def describe(name, result):
    """One line: each agent's mean success rate and training time, then MAGE minus each peer per seed."""
    parts = []
    for kind in AGENT_KINDS:
        if kind in result:
            summary = result[kind]["summary"]
            success, seconds = summary["success_rate"], summary.get("train_seconds")
            time = f" ({seconds['mean']:.0f} s)" if seconds else ""
            parts.append(f"{kind} {success['mean']:.3f} +- {success['stderr']:.3f}{time}")
    for kind in AGENT_KINDS:
        paired = result.get(f"mage_minus_{kind}")
        if paired:
            difference = paired["summary"]["success_rate"]
            parts.append(
                f"mage - {kind} per seed {difference['mean']:+.3f} +- {difference['stderr']:.3f} "
                f"(ahead on {paired['seeds_ahead']}, behind on {paired['seeds_behind']} of {difference['seeds']})"
            )
    return f"{name}: success rate " + ", ".join(parts)


def compare_per_seed(runs):
    """`runs` (agent kind -> per-seed reports) as `comparison.json` holds them: summaries and MAGE minus each peer.

    Agents without reports are left out; MAGE minus a peer pairs the seeds both have.
    """
    runs = {kind: reports for kind, reports in runs.items() if reports}
    result = {kind: {"summary": summarise(reports), "per_seed": reports} for kind, reports in runs.items()}
    mage = {report["seed"]: report for report in runs.get("mage", [])}
    for kind, reports in runs.items():
        shared = [report for report in reports if report["seed"] in mage]  # the seeds both agents finished
        if kind != "mage" and shared:
            result[f"mage_minus_{kind}"] = paired_difference([mage[report["seed"]] for report in shared], shared)
    return result


def earlier_datasets(path, result):
    """The datasets (`per_maze`) that the comparison file `path` holds, where it was written with `result`'s settings.

    A `recipes/compare.py` call on other datasets into the same folder keeps
    them beside its own, so the folder's `comparison.json` holds every dataset
    compared with these settings. A file with other settings, or one that does
    not parse, gives none: this call's file replaces it.

    Example:

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "comparison.json")
    >>> write_json(path, {"seeds": [0, 1], "per_maze": {"medium": {}}})
    >>> earlier_datasets(path, {"seeds": [0, 1]}), earlier_datasets(path, {"seeds": [0]})
    ({'medium': {}}, {})
    """
    try:
        earlier = _read_json(path)
    except ValueError:  # a damaged file: replaced
        return {}
    if not isinstance(earlier, dict):
        return {}
    settings = {key: value for key, value in result.items() if key not in COMPARISON_RESULTS}
    same = {key: value for key, value in earlier.items() if key not in COMPARISON_RESULTS} == json.loads(
        json.dumps(settings, default=jsonable))
    return dict(earlier.get("per_maze") or {}) if same else {}


def run_settings(kind, dataset_id, seed, *, preset, train_steps, options, mixed_precision, eval_episodes,
                 max_episode_steps, acting, batch_size=None, peer_options=None, waypoints=None):
    """What a finished run's report must match to be reused (JSON values, as stored).

    `acting` is the `ActingOptions` as the agent applies them; a baseline
    records only its one action per step (`replan_every`). `waypoints`:
    steps ahead of the waypoints a goal-conditioned agent acts toward
    (None: the goal itself). `batch_size`: a
    peer's own (None: MAGE's); `peer_options`: its own settings (None: its
    defaults). A peer's settings keep only what it takes of MAGE's
    (`peer_settings`).
    """
    acted = {name: getattr(acting, name) for name in REPORTED_OPTIONS} if kind == "mage" else {"replan_every": 1}
    settings = dict(
        kind=kind, dataset_id=dataset_id, seed=seed, preset=preset, train_steps=train_steps,
        options=options, mixed_precision=mixed_precision, eval_episodes=eval_episodes,
        max_episode_steps=max_episode_steps, waypoints=waypoints, batch_size=None if kind == "mage" else batch_size,
        **acted,
        peer_options=None if kind == "mage" else peer_options or None,
        # The resolved configuration, so a run made before a preset's default changed is not reused.
        config=training.model_config(preset, options) if kind == "mage" else None,
    )
    return peer_settings(json.loads(json.dumps(settings)))


def peer_settings(settings):
    """A peer's run `settings` with MAGE's reduced to what the peer takes of them; MAGE's pass unchanged.

    A peer trains at its own batch size or else at the MAGE preset's (resolved
    here), takes only the hindsight goals (`hindsight_goals` and a draw other
    than the default "uniform") of MAGE's options and no dtype policy:
    changing another MAGE option keeps its finished runs. Settings stored before
    this rule pass through it too, so those runs are still reused.

    Example:

        peer_settings({"kind": "bc", "preset": "tiny", "options": {"codebook_size": 8}, "batch_size": None})
        # {"kind": "bc", "preset": None, "options": {}, "batch_size": 32}
    """
    if settings.get("kind", "mage") == "mage":
        return settings
    options = settings.get("options") or {}
    batch_size = settings.get("batch_size")
    if batch_size is None and settings.get("preset") is not None:
        batch_size = training.model_config(settings["preset"], options)["batch_size"]
    goals = {}  # the draw only where it is not the default, so uniform runs stored before it was kept still match
    if options.get("hindsight_goals"):
        goals["hindsight_goals"] = options["hindsight_goals"]
        if options.get("hindsight_goal_draw", "uniform") != "uniform":
            goals["hindsight_goal_draw"] = options["hindsight_goal_draw"]
    reduced = {**settings, "preset": None, "batch_size": batch_size, "options": goals}
    if "mixed_precision" in reduced:
        reduced["mixed_precision"] = None
    return reduced


def finished_report(run_dir, settings):
    """The report a finished run left in `run_dir`, or None; stops if its settings differ.

    Where only acting settings differ, the message says how
    `studies/acting_options.py` scores the kept agent again.
    """
    report = _read_json(os.path.join(run_dir, "report.json"))
    if report is not None:
        _check_same_settings(run_dir, "finished run", report.get("settings", {}), settings, acting_hint=True)
    return report


def saved_agent_path(run_dir, kind):
    """Where a finished run in `run_dir` keeps its agent: MAGE's agent directory, a peer's `model.keras`."""
    return os.path.join(run_dir, "agent" if kind == "mage" else "model.keras")


def trained_agent(run_dir, settings):
    """The agent of the finished run in `run_dir` that trained as `settings` say: (model, its report, its path).

    Stops, naming the fix, where there is none or it trained otherwise (`trained_report`).
    """
    from keras_mage.models.agent_directory import load_any

    report = trained_report(run_dir, settings)
    saved = saved_agent_path(run_dir, settings["kind"])
    return load_any(saved), report, saved


def trained_report(run_dir, settings):
    """The report of the finished run in `run_dir` that trained as `settings` say; its acting settings may differ.

    Stops, naming the fix, where there is none or it trained otherwise.
    """
    report = _read_json(os.path.join(run_dir, "report.json"))
    if report is None:
        raise SystemExit(f"{run_dir} holds no finished run (no report.json): train it there first, or leave out "
                         "the folder of trained agents.")
    acting = {key: settings[key] for key in ACTING_SETTINGS if key in settings}
    _check_same_settings(run_dir, "run trained", {**report.get("settings", {}), **acting}, settings,
                         fix="Pass the settings it trained with, or train here without the folder of trained agents.")
    return report


def checkpoint_for(run_dir, settings):
    """`run_dir/checkpoint`, where an interrupted MAGE run resumes; stops if it was started with other settings."""
    directory = os.path.join(run_dir, "checkpoint")
    started = _read_json(os.path.join(directory, "settings.json"))
    if started is None:
        write_json(os.path.join(directory, "settings.json"), settings)
    else:
        _check_same_settings(run_dir, "run interrupted in training", started, settings)
    return directory


def _read_json(path):
    if not os.path.exists(path):
        return None
    with open(path) as file:
        return json.load(file)


def _check_same_settings(run_dir, what, stored, settings, acting_hint=False,
                         fix="Pass another --output-dir, or delete that run to train it again."):
    stored = peer_settings({**ADDED_SETTINGS, **stored})
    if stored.get("config"):  # model options added since take their defaults, as loading the agent does
        stored["config"] = {**PRESET_DEFAULTS, **stored["config"]}
    differing = sorted(key for key in settings if stored.get(key) != settings[key])
    if differing:
        changes = ", ".join(f"{key}: {stored.get(key)!r} there, {settings.get(key)!r} now" for key in differing)
        acting_only = acting_hint and set(differing) <= set(ACTING_SETTINGS)
        raise SystemExit(
            f"{run_dir} holds a {what} with other settings ({changes}). {fix}"
            + (_evaluate_again_hint(run_dir, settings) if acting_only else "")
        )


def _evaluate_again_hint(run_dir, settings):
    """How to evaluate a finished run's kept agent under other acting settings, without training it again."""
    mage = settings["kind"] == "mage"
    episodes = settings.get("eval_episodes", settings.get("episodes_per_task"))  # OGBench: per task
    command = (
        f"python studies/acting_options.py {saved_agent_path(run_dir, settings['kind'])} "
        f"--episodes {episodes}"
    )
    for option in ("max_episode_steps", "waypoints"):
        if settings.get(option) is not None:
            command += f" --{option.replace('_', '-')} {settings[option]:g}"
    if mage:
        options = {key: settings[key] for key in REPORTED_OPTIONS if key in settings}  # OGBench runs: temperature
        command += f" --options '{json.dumps(options)}'"
    folder = os.path.dirname(os.path.dirname(os.path.normpath(run_dir)))  # the recipe's <output>/<dataset>/<run>
    return (f" Only how it acts differs: `{command}` evaluates the trained agent again, as does this command "
            f"with `--trained-in {folder}` and another `--output-dir`.")


def run_once(settings, run_dir, *, acting, num_envs=10, devices=None, trained_in=None):
    """Trains and evaluates the agent `settings` describe (acting with `acting`), or reuses the report it left.

    `trained_in`: the folder of a finished run that trained the same way (its
    acting settings may differ), whose agent is evaluated instead of training one.
    """
    report = finished_report(run_dir, settings)
    if report is not None:
        print(f"{run_dir}: finished before, reusing its report.json", flush=True)
        return report
    kind = settings["kind"]
    if trained_in is not None:
        model, trained, saved = trained_agent(trained_in, settings)
        report = training.evaluate_and_save(
            model, trained, settings["dataset_id"], run_dir, episodes=settings["eval_episodes"],
            seed=settings["seed"], num_envs=num_envs, save=False, max_episode_steps=settings["max_episode_steps"],
            acting=acting, waypoints=settings["waypoints"],
        )
        report.update(settings=settings, trained_in=trained_in, saved=saved)
        write_json(os.path.join(run_dir, "report.json"), report)
        return report
    checkpoint_dir = checkpoint_for(run_dir, settings) if kind == "mage" else None  # peers: one fit
    model, history = training.train_agent(
        kind, settings["dataset_id"], preset=settings["preset"], train_steps=settings["train_steps"],
        seed=settings["seed"], devices=devices, dtype="mixed_bfloat16" if settings["mixed_precision"] else None,
        checkpoint_dir=checkpoint_dir, options=settings["options"], verbose=2, batch_size=settings["batch_size"],
        peer_options=settings.get("peer_options"),
    )
    report = training.evaluate_and_save(
        model, training.training_record(history, run_dir), settings["dataset_id"], run_dir,
        episodes=settings["eval_episodes"], seed=settings["seed"], num_envs=num_envs, save=False,
        max_episode_steps=settings["max_episode_steps"], acting=acting, waypoints=settings["waypoints"],
    )
    if kind == "mage":  # both kept so the runs can be evaluated again (other acting options, other episodes)
        report["agent_dir"] = model.save_to_preset(os.path.join(run_dir, "agent"))
    else:
        report["keras_file"] = save_model(model, os.path.join(run_dir, "model.keras"))
    report["settings"] = settings
    report["resumed_after_epochs"] = history.history["resumed_after_epochs"]  # train_seconds includes their time
    write_json(os.path.join(run_dir, "report.json"), report)
    if checkpoint_dir:
        shutil.rmtree(checkpoint_dir)  # the agent directory holds the trained model
    return report
