"""Train and evaluate MAGE on AntMaze: D4RL's Minari data, or data regenerated locally.

`--dataset` takes Minari ids (`D4RL/antmaze/umaze-v1`, downloaded where the
network allows) or variants (`umaze`, `umaze-diverse`, `medium-play`,
`medium-diverse`, `large-play`, `large-diverse`). Data that is missing is
regenerated with D4RL's ant policy file (`--ant-policy PATH` or
$KERAS_MAGE_ANT_POLICY) as `keras_mage/antmaze/<variant>[-<size>]-v0`:
NOT D4RL data (other simulator), so its scores are reported under that id.

Example:

    python recipes/antmaze.py --dataset D4RL/antmaze/umaze-v1
    python recipes/antmaze.py --dataset umaze medium-play --ant-policy d4rl_ant_hierarch_pol.pkl
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))  # last on the path: recipes/ogbench.py must not shadow `ogbench`
sys.path[:] = [entry for entry in sys.path if os.path.abspath(entry or os.curdir) != HERE] + [HERE]
import recipe_cli  # noqa: E402
from keras_mage.runs import datasets, training  # noqa: E402

# `tiny` at batch 128 with plans spanning 32 steps (window_stride 4): on regenerated umaze 0.82, 0.80, 0.78
# (seeds 0-2; normalised 0.647) where batch 128 alone gave 0.760 (0.336) and the preset's batch 32 0.48
# (docs/experiments.md, "AntMaze umaze, the recipe's defaults and BC").
DEFAULTS = dict(preset="tiny", train_steps=10_000, eval_episodes=50, dataset_steps=1_000_000,
                output_dir="outputs/antmaze", preset_options={"batch_size": 128, "window_stride": 4})


def main(argv=None):
    parser = recipe_cli.new_parser(__doc__.split("\n\n")[0])
    recipe_cli.add_common_arguments(parser, **DEFAULTS)
    parser.add_argument("--dataset", nargs="+", default=["umaze"], help="Minari ids or AntMaze variants")
    parser.add_argument("--ant-policy", default=None, help="D4RL's ant_hierarch_pol.pkl, to regenerate data")
    parser.add_argument("--workers", type=int, default=1, help="processes that regenerate data")
    args = recipe_cli.parse_arguments(parser, argv)
    reports = {}
    for dataset in args.dataset:
        try:
            dataset_id = datasets.antmaze_dataset(
                dataset, args.dataset_steps, args.ant_policy, args.ref_episodes, args.workers
            )
        except datasets.DataUnavailableError as error:
            raise SystemExit(str(error)) from None
        name = datasets.antmaze_variant(dataset) or dataset.replace("/", "_")
        reports[name] = recipe_cli.train_and_evaluate(args, dataset_id, os.path.join(args.output_dir, name))
        reports[name]["d4rl_data"] = dataset_id.startswith("D4RL/")
        print(f"{dataset_id}: success {reports[name]['success_rate']:.2f}", flush=True)
    metrics = training.write_metrics(args.output_dir, recipe_cli.run_metadata(args, "antmaze"), reports)
    print(f"Wrote {os.path.join(args.output_dir, 'metrics.json')}: success rate {metrics['success_rate']:.2f}")
    return metrics


if __name__ == "__main__":
    main()
