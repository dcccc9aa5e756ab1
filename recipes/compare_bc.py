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
`studies/acting_options.py` evaluates again. A rerun with the same output
directory and settings reuses a finished run instead of training it again, so
an interrupted comparison resumes, and seeds run as separate processes (say
one per GPU job) are summarised by a last run over all of them. A MAGE run cut
off mid-training resumes from its last epoch checkpoint (`<run>/checkpoint`,
20 epochs per run, removed once the run is finished). `--agents bc` trains
only the baseline. The runs themselves: `keras_mage.runs.comparison`.

Example:

    python recipes/compare_bc.py --maze medium large --seeds 0 1 2 --train-steps 3000
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import recipe_cli  # noqa: E402
from keras_mage.datagen.catalogue import POINTMAZE_MAZES  # noqa: E402
from keras_mage.runs import comparison, datasets, training  # noqa: E402
from keras_mage.runs.plotting import plot_comparison  # noqa: E402
from keras_mage.utils.files import write_json  # noqa: E402

DEFAULTS = dict(preset="tiny", train_steps=10_000, eval_episodes=50, dataset_steps=200_000,
                output_dir="outputs/compare_bc")
summarise, paired_difference, describe = comparison.summarise, comparison.paired_difference, comparison.describe


def main(argv=None):
    parser = recipe_cli.new_parser(__doc__.split("\n\n")[0])
    recipe_cli.add_common_arguments(parser, **DEFAULTS)
    parser.add_argument("--maze", nargs="+", default=["medium", "large"], choices=POINTMAZE_MAZES,
                        help="PointMaze mazes, each with its regenerated data")
    parser.add_argument("--dataset", nargs="+", default=None, help="Minari ids instead of generated PointMaze data")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2], help="training seeds")
    parser.add_argument("--agents", nargs="+", default=list(training.AGENT_KINDS), choices=training.AGENT_KINDS,
                        help="which agents to train (default: both)")
    args = recipe_cli.parse_arguments(parser, argv)
    output_dir = args.output_dir
    if args.dataset:
        names = {dataset_id.replace("/", "_"): dataset_id for dataset_id in args.dataset}
    else:
        names = {maze: datasets.pointmaze_dataset(maze, args.dataset_steps, args.ref_episodes) for maze in args.maze}
    result = recipe_cli.run_metadata(args, "compare_bc")
    result.update(seeds=args.seeds, per_maze={})
    for name, dataset_id in names.items():
        runs = {kind: [] for kind in args.agents}
        for seed in args.seeds:
            for kind in args.agents:
                print(f"{name}: {kind} (seed {seed}) ...", flush=True)
                acting = training.acting_options_for(args.preset, args.options, args.acting, kind)
                settings = comparison.run_settings(
                    kind, dataset_id, seed, preset=args.preset, train_steps=args.train_steps, options=args.options,
                    mixed_precision=args.mixed_precision, eval_episodes=args.eval_episodes,
                    max_episode_steps=args.max_episode_steps, acting=acting,
                )
                run_dir = os.path.join(output_dir, name, f"{kind}_seed{seed}")
                report = comparison.run_once(settings, run_dir, acting=acting, num_envs=args.num_envs,
                                             devices=args.devices)
                runs[kind].append(report)
                print(f"{name} {kind} seed {seed}: success {report['success_rate']:.2f}", flush=True)
        maze = result["per_maze"][name] = {
            "dataset_id": dataset_id,
            **{kind: {"summary": summarise(reports), "per_seed": reports} for kind, reports in runs.items()},
        }
        if "mage" in runs and "bc" in runs:
            maze["mage_minus_bc"] = paired_difference(runs["mage"], runs["bc"])
        print(describe(name, maze), flush=True)
        # After each maze: partial results.
        result["plot"] = plot_comparison(result["per_maze"], os.path.join(output_dir, "comparison.png"))
        write_json(os.path.join(output_dir, "comparison.json"), result)
    print(f"Wrote {os.path.join(output_dir, 'comparison.json')} and {result['plot']}")
    return result


if __name__ == "__main__":
    main()
