"""Train goal-conditioned MAGE on OGBench's PointMaze and evaluate it on OGBench's five tasks per maze.

By default the data is OGBench's PointMaze datasets regenerated locally by
OGBench's own procedure (`python -m keras_mage.datagen ogbench`), made here
when missing and reported as `keras_mage/ogbench/<name>`; `--data ogbench`
reads OGBench's own files instead (`~/.ogbench/data`, where its server is
reachable). Goals are relabelled in hindsight: a window's goal is the
position its trajectory reaches later, its return the discounted reward of
reaching it (docs/datasets.md, "Hindsight goals").

Example:

    python recipes/ogbench.py --dataset pointmaze-medium-navigate-v0 --train-steps 2000
    python recipes/ogbench.py --dataset pointmaze-giant-stitch-v0 --data ogbench --preset base
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))  # last on the path: recipes/ogbench.py must not shadow `ogbench`
sys.path[:] = [entry for entry in sys.path if os.path.abspath(entry or os.curdir) != HERE] + [HERE]
import recipe_cli  # noqa: E402


def main(argv=None):
    parser = recipe_cli.new_parser(__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", nargs="+", default=["pointmaze-medium-navigate-v0"], help="OGBench names")
    parser.add_argument("--data", choices=("regenerated", "ogbench"), default="regenerated",
                        help="keras_mage's regeneration (made if missing) or OGBench's own files")
    parser.add_argument("--preset", default="tiny", help="MAGE preset name")
    parser.add_argument("--train-steps", type=int, default=4000, help="gradient steps")
    parser.add_argument("--eval-episodes", type=int, default=20, help="evaluation episodes per task")
    parser.add_argument("--seed", type=int, default=0, help="training, data and evaluation seed")
    parser.add_argument("--goal-dims", type=int, nargs="+", default=[0, 1], help="state features a goal is made of")
    parser.add_argument("--num-envs", type=int, default=10, help="parallel evaluation envs")
    parser.add_argument("--max-episode-steps", type=int, default=None, help="shorter time limit, for quick checks")
    parser.add_argument("--output-dir", default="outputs/ogbench", help="where agents, reports and plots go")
    parser.add_argument("--set", dest="options", action="append", default=[], metavar="OPTION=VALUE",
                        help="override a MAGE preset option (repeatable)")
    args = parser.parse_args(argv)
    if min(args.train_steps, args.eval_episodes, args.num_envs) < 1:
        parser.error("--train-steps, --eval-episodes and --num-envs must be >= 1.")
    try:
        options = {**recipe_cli.parse_options(args.options), "hindsight_goals": tuple(args.goal_dims)}
    except ValueError as error:
        parser.error(str(error))
    from keras_mage.runs import ogbench_runs

    reports = {}
    for name in args.dataset:
        try:
            dataset_id = ogbench_runs.dataset_for(name, args.data, seed=args.seed)
        except (ValueError, FileNotFoundError) as error:
            raise SystemExit(f"error: {error}") from None
        reports[name] = ogbench_runs.train_and_evaluate_tasks(
            dataset_id, os.path.join(args.output_dir, name), preset=args.preset, train_steps=args.train_steps,
            seed=args.seed, options=options, episodes=args.eval_episodes, num_envs=args.num_envs,
            max_episode_steps=args.max_episode_steps,
        )
    ogbench_runs.print_table(reports)
    return reports


if __name__ == "__main__":
    main()
