"""Train and evaluate MAGE on PointMaze data regenerated with Minari's procedure.

Generates `keras_mage/pointmaze/<maze>-<size>-v0` if it is not on this machine
(or uses `--dataset ID`), trains, evaluates on the dataset's evaluation env,
saves the agent (directory, .keras, SavedModel) and writes metrics.json,
trajectory and learning-curve plots into --output-dir.

Example:

    python recipes/pointmaze.py                       # umaze, the CPU defaults
    python recipes/pointmaze.py --maze medium large --preset base --train-steps 50000
    python recipes/pointmaze.py --dataset D4RL/pointmaze/umaze-v2 --video
"""

import os

from keras_mage.control import workflow

DEFAULTS = dict(preset="tiny", train_steps=10_000, eval_episodes=50, dataset_steps=200_000,
                output_dir="outputs/pointmaze")


def main(argv=None):
    parser = workflow.new_parser(__doc__.split("\n\n")[0])
    workflow.add_common_arguments(parser, **DEFAULTS)
    parser.add_argument("--maze", nargs="+", default=["umaze"], choices=["umaze", "medium", "large"],
                        help="PointMaze mazes, each with its regenerated data")
    parser.add_argument("--dataset", default=None, help="use this Minari dataset id instead of generated data")
    args = workflow.parse_arguments(parser, argv)
    output_dir = args.output_dir
    if args.dataset:
        datasets = {args.dataset.replace("/", "_"): args.dataset}
    else:
        datasets = {maze: workflow.pointmaze_dataset(maze, args.dataset_steps, args.ref_episodes) for maze in args.maze}
    reports = {}
    for name, dataset_id in datasets.items():
        reports[name] = workflow.train_and_evaluate(args, dataset_id, os.path.join(output_dir, name))
        print(f"{dataset_id}: success {reports[name]['success_rate']:.2f}, "
              f"normalised score {reports[name]['normalized_score']}", flush=True)
    metrics = workflow.write_metrics(output_dir, workflow.run_metadata(args, "pointmaze"), reports)
    print(f"Wrote {os.path.join(output_dir, 'metrics.json')}: success rate {metrics['success_rate']:.2f}")
    return metrics


if __name__ == "__main__":
    main()
