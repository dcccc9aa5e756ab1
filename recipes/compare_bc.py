"""MAGE against behaviour cloning: same data, same steps and batch size, several seeds.

For each maze and seed, trains both agents on the regenerated PointMaze data
(or `--dataset` ids), evaluates both on the dataset's evaluation env and
writes `comparison.json`: per-seed scores and, per maze and agent, the mean
and standard error over seeds of the success rate and normalised score; with
both agents, also MAGE minus BC seed by seed (`mage_minus_bc`), which it prints.
`comparison.png` draws the success rates: per maze, each agent's mean and
every seed's, a line joining each seed's two agents.

Each finished run leaves `<maze>/<agent>_seed<k>/report.json` and the trained
agent (MAGE: the `agent` directory; BC: `model.keras`), which
`benchmarks/acting_options.py` evaluates again. A rerun with the same output
directory and settings reuses a finished run instead of training it again, so
an interrupted comparison resumes, and seeds run as separate processes (say
one per GPU job) are summarised by a last run over all of them. A MAGE run cut
off mid-training resumes from its last epoch checkpoint (`<run>/checkpoint`,
20 epochs per run, removed once the run is finished). `--agents bc` trains
only the baseline.

Example:

    python recipes/compare_bc.py --maze medium large --seeds 0 1 2 --train-steps 3000
"""

import json
import os
import shutil

from keras_mage.control import workflow
from keras_mage.control.evaluation import mean_stderr
from keras_mage.control.files import save_model, write_json
from keras_mage.control.plotting import plot_comparison
from keras_mage.presets import DEFAULTS as PRESET_DEFAULTS

DEFAULTS = dict(preset="tiny", train_steps=10_000, eval_episodes=50, dataset_steps=200_000,
                output_dir="outputs/compare_bc")
SCORES = ("success_rate", "normalized_score", "mean_return")
# Settings added after runs were made, with the value those runs had, so they are still reused.
ADDED_SETTINGS = {"guidance_scale": 1.0, "temporal_ensemble": None}
# Settings of how a trained agent is evaluated; `benchmarks/acting_options.py` evaluates a kept agent under others.
POLICY_SETTINGS = ("return_update", "replan_every", "guidance_scale", "temporal_ensemble")
ACTING_SETTINGS = ("eval_episodes", "max_episode_steps") + POLICY_SETTINGS


def summarise(per_seed):
    """Mean and standard error over seeds of each score in a list of reports."""
    summary = {}
    for key in SCORES:
        values = [report[key] for report in per_seed if report[key] is not None]
        if values:
            mean, stderr = mean_stderr(values)
            summary[key] = {"mean": mean, "stderr": stderr, "seeds": len(values)}
    return summary


def paired_difference(mage_reports, bc_reports):
    """MAGE minus BC seed by seed: the differences, their mean and standard error, seeds ahead and behind.

    Example (two seeds; scores of None, e.g. no normalised score, stay None):

        mage = [{"success_rate": 1.0, "normalized_score": None, "mean_return": 9.0}] * 2
        bc = [{"success_rate": s, "normalized_score": None, "mean_return": 5.0} for s in (0.8, 1.0)]
        paired_difference(mage, bc)["summary"]["success_rate"]  # mean 0.1, stderr 0.1, seeds 2
    """
    per_seed = [
        {key: None if mage[key] is None or bc[key] is None else mage[key] - bc[key] for key in SCORES}
        for mage, bc in zip(mage_reports, bc_reports, strict=True)
    ]
    success = [difference["success_rate"] for difference in per_seed]
    return {
        "summary": summarise(per_seed),
        "per_seed": per_seed,
        "seeds_ahead": sum(value > 0 for value in success),
        "seeds_behind": sum(value < 0 for value in success),
    }


def describe(name, result):
    """One line: each agent's mean success rate and, with both, MAGE minus BC per seed."""
    parts = []
    for kind in workflow.AGENT_KINDS:
        if kind in result:
            success = result[kind]["summary"]["success_rate"]
            parts.append(f"{kind} {success['mean']:.3f} +- {success['stderr']:.3f}")
    if "mage_minus_bc" in result:
        paired = result["mage_minus_bc"]
        difference = paired["summary"]["success_rate"]
        parts.append(
            f"mage - bc per seed {difference['mean']:+.3f} +- {difference['stderr']:.3f} "
            f"(ahead on {paired['seeds_ahead']}, behind on {paired['seeds_behind']} of {difference['seeds']})"
        )
    return f"{name}: success rate " + ", ".join(parts)


def run_settings(args, kind, dataset_id, seed):
    """What a finished run's report must match to be reused (JSON values, as stored)."""
    settings = dict(
        kind=kind, dataset_id=dataset_id, seed=seed, preset=args.preset, train_steps=args.train_steps,
        options=args.options, mixed_precision=args.mixed_precision, eval_episodes=args.eval_episodes,
        max_episode_steps=args.max_episode_steps, **workflow.policy_options(args, kind),
        # The resolved configuration, so a run made before a preset's default changed is not reused.
        config=workflow.model_config(args.preset, args.options) if kind == "mage" else None,
    )
    return json.loads(json.dumps(settings))


def finished_report(run_dir, settings):
    """The report a finished run left in `run_dir`, or None; stops if its settings differ."""
    report = _read_json(os.path.join(run_dir, "report.json"))
    if report is not None:
        _check_same_settings(run_dir, "finished run", report.get("settings", {}), settings)
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


def _check_same_settings(run_dir, what, stored, settings):
    stored = {**ADDED_SETTINGS, **stored}
    if stored.get("config"):  # model options added since take their defaults, as loading the agent does
        stored["config"] = {**PRESET_DEFAULTS, **stored["config"]}
    differing = sorted(key for key in settings if stored.get(key) != settings[key])
    if differing:
        changes = ", ".join(f"{key}: {stored.get(key)!r} there, {settings.get(key)!r} now" for key in differing)
        acting_only = what == "finished run" and set(differing) <= set(ACTING_SETTINGS)
        raise SystemExit(
            f"{run_dir} holds a {what} with other settings ({changes}). "
            "Pass another --output-dir, or delete that run to train it again."
            + (_evaluate_again_hint(run_dir, settings) if acting_only else "")
        )


def _evaluate_again_hint(run_dir, settings):
    """How to evaluate a finished run's kept agent under other acting settings, without training it again."""
    mage = settings["kind"] == "mage"
    command = (
        f"python benchmarks/acting_options.py {os.path.join(run_dir, 'agent' if mage else 'model.keras')} "
        f"--episodes {settings['eval_episodes']}"
    )
    if settings["max_episode_steps"] is not None:
        command += f" --max-episode-steps {settings['max_episode_steps']}"
    if mage:
        options = {key: settings[key] for key in POLICY_SETTINGS}
        command += f" --options '{json.dumps(options)}'"
    return f" Only how it acts differs: `{command}` evaluates the trained agent again."


def run_once(args, kind, dataset_id, seed, run_dir):
    """Trains and evaluates one agent, or reuses the report it left in `run_dir`."""
    settings = run_settings(args, kind, dataset_id, seed)
    report = finished_report(run_dir, settings)
    if report is not None:
        print(f"{run_dir}: finished before, reusing its report.json", flush=True)
        return report
    from keras_mage.models.checkpoint import completed_epochs

    checkpoint_dir = checkpoint_for(run_dir, settings) if kind == "mage" else None  # BC trains in seconds
    resumed_after = completed_epochs(checkpoint_dir) if checkpoint_dir else 0
    model, history = workflow.train_agent(
        kind, dataset_id, preset=args.preset, train_steps=args.train_steps, seed=seed,
        **dict(workflow.training_options(args), checkpoint_dir=checkpoint_dir),
    )
    report = workflow.evaluate_and_save(
        model, history, dataset_id, run_dir,
        episodes=args.eval_episodes, seed=seed, num_envs=args.num_envs, save=False,
        max_episode_steps=args.max_episode_steps, policy_options=workflow.policy_options(args, kind),
    )
    if kind == "mage":  # both kept so the runs can be evaluated again (other acting options, other episodes)
        report["agent_dir"] = model.save_to_preset(os.path.join(run_dir, "agent"))
    else:
        report["keras_file"] = save_model(model, os.path.join(run_dir, "model.keras"))
    report["settings"] = settings
    report["resumed_after_epochs"] = resumed_after  # train_seconds includes those epochs' time
    write_json(os.path.join(run_dir, "report.json"), report)
    if checkpoint_dir:
        shutil.rmtree(checkpoint_dir)  # the agent directory holds the trained model
    return report


def main(argv=None):
    parser = workflow.new_parser(__doc__.split("\n\n")[0])
    workflow.add_common_arguments(parser, **DEFAULTS)
    parser.add_argument("--maze", nargs="+", default=["medium", "large"], choices=["umaze", "medium", "large"],
                        help="PointMaze mazes, each with its regenerated data")
    parser.add_argument("--dataset", nargs="+", default=None, help="Minari ids instead of generated PointMaze data")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2], help="training seeds")
    parser.add_argument("--agents", nargs="+", default=list(workflow.AGENT_KINDS), choices=workflow.AGENT_KINDS,
                        help="which agents to train (default: both)")
    args = workflow.parse_arguments(parser, argv)
    output_dir = args.output_dir
    if args.dataset:
        datasets = {dataset_id.replace("/", "_"): dataset_id for dataset_id in args.dataset}
    else:
        datasets = {maze: workflow.pointmaze_dataset(maze, args.dataset_steps, args.ref_episodes) for maze in args.maze}
    comparison = workflow.run_metadata(args, "compare_bc")
    comparison.update(seeds=args.seeds, per_maze={})
    for name, dataset_id in datasets.items():
        runs = {kind: [] for kind in args.agents}
        for seed in args.seeds:
            for kind in args.agents:
                print(f"{name}: {kind} (seed {seed}) ...", flush=True)
                report = run_once(args, kind, dataset_id, seed, os.path.join(output_dir, name, f"{kind}_seed{seed}"))
                runs[kind].append(report)
                print(f"{name} {kind} seed {seed}: success {report['success_rate']:.2f}", flush=True)
        result = comparison["per_maze"][name] = {
            "dataset_id": dataset_id,
            **{kind: {"summary": summarise(reports), "per_seed": reports} for kind, reports in runs.items()},
        }
        if "mage" in runs and "bc" in runs:
            result["mage_minus_bc"] = paired_difference(runs["mage"], runs["bc"])
        print(describe(name, result), flush=True)
        # After each maze: partial results.
        comparison["plot"] = plot_comparison(comparison["per_maze"], os.path.join(output_dir, "comparison.png"))
        write_json(os.path.join(output_dir, "comparison.json"), comparison)
    print(f"Wrote {os.path.join(output_dir, 'comparison.json')} and {comparison['plot']}")
    return comparison


if __name__ == "__main__":
    main()
