"""MAGE against behaviour cloning: same data, same steps and batch size, several seeds.

For each maze and seed, trains both agents on the regenerated PointMaze data
(or `--dataset` ids), evaluates both on the dataset's evaluation env and
writes `comparison.json`: per-seed scores and, per maze and agent, the mean
and standard error over seeds of the success rate and normalised score.

Example:

    python recipes/compare_bc.py --maze medium large --seeds 0 1 2 --train-steps 3000
"""

import os

import numpy as np

from keras_mage.control import workflow
from keras_mage.control.files import write_json

DEFAULTS = dict(preset="tiny", train_steps=10_000, eval_episodes=50, dataset_steps=200_000)
SCORES = ("success_rate", "normalized_score", "mean_return")


def summarise(per_seed):
    """Mean and standard error over seeds of each score in a list of reports."""
    summary = {}
    for key in SCORES:
        values = np.array([report[key] for report in per_seed if report[key] is not None], np.float64)
        if len(values):
            stderr = values.std(ddof=1) / np.sqrt(len(values)) if len(values) > 1 else 0.0
            summary[key] = {"mean": float(values.mean()), "stderr": float(stderr), "seeds": len(values)}
    return summary


def main(argv=None):
    parser = workflow.new_parser(__doc__.split("\n\n")[0])
    workflow.add_common_arguments(parser, **DEFAULTS)
    parser.add_argument("--maze", nargs="+", default=["medium", "large"], choices=["umaze", "medium", "large"])
    parser.add_argument("--dataset", nargs="+", default=None, help="Minari ids instead of generated PointMaze data")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2], help="training seeds")
    args = workflow.parse_arguments(parser, argv)
    output_dir = args.output_dir or os.path.join("outputs", "compare_bc")
    if args.dataset:
        datasets = {dataset_id.replace("/", "_"): dataset_id for dataset_id in args.dataset}
    else:
        datasets = {maze: workflow.pointmaze_dataset(maze, args.dataset_steps, args.ref_episodes) for maze in args.maze}
    comparison = workflow.run_metadata(args, "compare_bc")
    comparison.update(seeds=args.seeds, per_maze={})
    for name, dataset_id in datasets.items():
        runs = {kind: [] for kind in workflow.AGENT_KINDS}
        for seed in args.seeds:
            for kind in workflow.AGENT_KINDS:
                print(f"{name}: training {kind} (seed {seed}) ...", flush=True)
                model, history = workflow.train_agent(
                    kind, dataset_id, preset=args.preset, train_steps=args.train_steps, seed=seed,
                    **dict(workflow.training_options(args), checkpoint_dir=None),  # one dir cannot serve many runs
                )
                run_dir = os.path.join(output_dir, name, f"{kind}_seed{seed}")
                report = workflow.evaluate_and_save(
                    model, history, dataset_id, run_dir,
                    episodes=args.eval_episodes, seed=seed, num_envs=args.num_envs, save=False,
                    max_episode_steps=args.max_episode_steps, policy_options=workflow.policy_options(args),
                )
                if kind == "mage":  # kept so the runs can be evaluated again (other acting options)
                    report["agent_dir"] = model.save_to_preset(os.path.join(run_dir, "agent"))
                runs[kind].append(report)
                print(f"{name} {kind} seed {seed}: success {report['success_rate']:.2f}", flush=True)
        comparison["per_maze"][name] = {
            "dataset_id": dataset_id,
            **{kind: {"summary": summarise(reports), "per_seed": reports} for kind, reports in runs.items()},
        }
        write_json(os.path.join(output_dir, "comparison.json"), comparison)  # after each maze: partial results
    print(f"Wrote {os.path.join(output_dir, 'comparison.json')}")
    return comparison


if __name__ == "__main__":
    main()
