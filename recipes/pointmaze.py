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
import sys

HERE = os.path.dirname(os.path.abspath(__file__))  # last on the path: recipes/ogbench.py must not shadow `ogbench`
sys.path[:] = [entry for entry in sys.path if os.path.abspath(entry or os.curdir) != HERE] + [HERE]
import recipe_cli  # noqa: E402
from keras_mage.datagen.catalogue import POINTMAZE_MAZES  # noqa: E402
from keras_mage.runs import datasets, training  # noqa: E402

DEFAULTS = dict(preset="tiny", train_steps=10_000, eval_episodes=50, dataset_steps=200_000,
                output_dir="outputs/pointmaze")


def main(argv=None):
    parser = recipe_cli.new_parser(__doc__.split("\n\n")[0])
    recipe_cli.add_common_arguments(parser, **DEFAULTS)
    parser.add_argument("--maze", nargs="+", default=["umaze"], choices=POINTMAZE_MAZES,
                        help="PointMaze mazes, each with its regenerated data")
    parser.add_argument("--dataset", default=None, help="use this Minari dataset id instead of generated data")
    args = recipe_cli.parse_arguments(parser, argv)
    if args.dataset:
        names = {args.dataset.replace("/", "_"): args.dataset}
    else:
        names = {maze: datasets.pointmaze_dataset(maze, args.dataset_steps, args.ref_episodes) for maze in args.maze}
    reports = {}
    for name, dataset_id in names.items():
        reports[name] = recipe_cli.train_and_evaluate(args, dataset_id, os.path.join(args.output_dir, name))
        score = reports[name]["normalized_score"]  # None without reference scores
        print(f"{dataset_id}: success {reports[name]['success_rate']:.2f}, "
              f"normalised score {'n/a' if score is None else f'{score:.3f}'}", flush=True)
    metrics = training.write_metrics(args.output_dir, recipe_cli.run_metadata(args, "pointmaze"), reports)
    print(f"Wrote {os.path.join(args.output_dir, 'metrics.json')}: success rate {metrics['success_rate']:.2f}")
    return metrics


if __name__ == "__main__":
    main()
