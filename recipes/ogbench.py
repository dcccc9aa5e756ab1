"""Train goal-conditioned MAGE (and GCBC) on OGBench's PointMaze; evaluate on OGBench's five tasks per maze.

By default the data is OGBench's PointMaze datasets regenerated locally by
OGBench's own procedure (`python -m keras_mage.datagen ogbench`, seed 0),
made here when missing and reported as `keras_mage/ogbench/<name>`;
`--data ogbench` reads OGBench's own files instead (`~/.ogbench/data`, where
its server is reachable). Goals are relabelled in hindsight: a window's goal
is the position its trajectory reaches later, its return the discounted
reward of reaching it (docs/datasets.md, "Hindsight goals"). Both agents
draw those goals mostly near (`GOAL_OPTIONS`: geometric, mean 100 steps
ahead), and MAGE's return head learns its 0.95 expectile (`MAGE_OPTIONS`),
so that acting asks for the quick arrivals the data holds rather than its
average detour.

Each (dataset, agent, seed) run goes to `<output-dir>/<dataset>/<agent>_seed<k>`
and is reused when run again with the same settings (an interrupted MAGE run
resumes). The summary, `summary.md` (success in %, mean +- standard error
over seeds, beside the success OGBench's paper published for its six
reference agents) and `ogbench.png`, covers every run in the output folder.

Example:

    python recipes/ogbench.py --dataset pointmaze-medium-navigate-v0 --train-steps 2000
    python recipes/ogbench.py --dataset pointmaze-large-navigate-v0 --agents mage bc --seeds 0 1 2
    python recipes/ogbench.py --dataset pointmaze-giant-stitch-v0 --data ogbench --preset base
    python recipes/ogbench.py --dataset pointmaze-giant-navigate-v0 --waypoints 10 --output-dir outputs/waypoints

`--waypoints STEPS` has the agent act toward a waypoint STEPS steps ahead on
the shortest path through the dataset's own states (a graph search over the
data, `keras_mage.control.waypoints`) instead of toward the far goal itself.
`--trained-in DIR` evaluates the agents that an earlier `--output-dir DIR`
trained with the same settings, instead of training them again (e.g. to
score them with waypoints: `--trained-in outputs/ogbench --waypoints 10
--output-dir outputs/waypoints`).
"""

import os
import sys

# MAGE's options here unless --set says otherwise. With hindsight goals R_0 says how soon the data reached the
# goal; on `navigate` data that is after detours, and acting on the return head's mean estimate reproduced them.
# Its 0.95 expectile (the quick arrivals), seeds 0-2: medium-navigate 0.09 -> 0.51 (held-out 0.08 -> 0.48),
# medium-stitch 0.48 -> 0.47 (level), large-navigate 0.00 -> 0.28 (docs/results.md, "OGBench").
MAGE_OPTIONS = {"return_expectile": 0.95}
# Both agents' hindsight goals unless --set says otherwise: k steps ahead with P(k) ~ 0.99 ** (k - 1), mostly near,
# rather than uniformly from the rest of the trajectory. Per seed (0-2), success without waypoints, uniform ->
# geometric: MAGE medium-navigate 0.66/0.28/0.59 -> 0.76/0.62/0.70, large-navigate 0.34/0.27/0.24 -> 0.38/0.20/0.41;
# GCBC medium-navigate 0.46/0.42/0.48 -> 0.86/0.95/0.65, large-navigate 0.24/0.48/0.42 -> 0.49/0.77/0.73; with waypoints
# MAGE 0.98-1.00 on medium-, large- and giant-navigate (docs/results.md, "OGBench"; held-out: docs/experiments.md).
GOAL_OPTIONS = {"hindsight_goal_draw": "geometric"}

HERE = os.path.dirname(os.path.abspath(__file__))  # last on the path: recipes/ogbench.py must not shadow `ogbench`
sys.path[:] = [entry for entry in sys.path if os.path.abspath(entry or os.curdir) != HERE] + [HERE]
import recipe_cli  # noqa: E402


def main(argv=None):
    parser = recipe_cli.new_parser(__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", nargs="+", default=["pointmaze-medium-navigate-v0"], help="OGBench names")
    parser.add_argument("--data", choices=("regenerated", "ogbench"), default="regenerated",
                        help="keras_mage's regeneration (made if missing) or OGBench's own files")
    parser.add_argument("--agents", nargs="+", choices=("mage", "bc"), default=["mage"],
                        help="mage, and/or bc: behaviour cloning on hindsight goals (GCBC, OGBench's network)")
    parser.add_argument("--preset", default="tiny", help="MAGE preset name")
    parser.add_argument("--train-steps", type=int, default=4000, help="gradient steps")
    parser.add_argument("--batch-size", type=int, default=None,
                        help="GCBC's batch (default: MAGE's preset's; OGBench trains GCBC on 1024)")
    parser.add_argument("--eval-episodes", type=int, default=20,
                        help="evaluation episodes per task (OGBench's protocol: 50)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0], help="training and evaluation seeds")
    parser.add_argument("--goal-dims", type=int, nargs="+", default=[0, 1], help="state features a goal is made of")
    parser.add_argument("--num-envs", type=int, default=10, help="parallel evaluation envs")
    parser.add_argument("--max-episode-steps", type=int, default=None, help="shorter time limit, for quick checks")
    recipe_cli.add_trained_agent_arguments(
        parser, "act toward waypoints STEPS steps ahead on the data's shortest path to the goal "
        "(keras_mage.control.waypoints; 10 was chosen on held-out episodes); default: the goal")
    recipe_cli.add_temperature_argument(parser)
    parser.add_argument("--peer-set", type=recipe_cli.peer_setting(("bc",)), action="append", default=[],
                        metavar="bc.NAME=VALUE", help="a GCBC setting other than OGBench's network, e.g. "
                        "--peer-set 'bc.hidden_units=(256, 256)' --peer-set bc.activation=relu (repeatable)")
    parser.add_argument("--output-dir", default="outputs/ogbench", help="where agents, reports and plots go")
    parser.add_argument("--set", dest="options", action="append", default=[], metavar="OPTION=VALUE",
                        help="override a MAGE preset option (repeatable); the recipe sets return_expectile=0.95 "
                             "and (GCBC too) hindsight_goal_draw=geometric")
    args = parser.parse_args(argv)
    if min(args.train_steps, args.eval_episodes, args.num_envs, args.batch_size or 1) < 1:
        parser.error("--train-steps, --eval-episodes, --num-envs and --batch-size must be >= 1.")
    recipe_cli.check_waypoints(parser, args)
    try:
        options = {**GOAL_OPTIONS, **recipe_cli.parse_options(args.options), "hindsight_goals": tuple(args.goal_dims)}
    except ValueError as error:
        parser.error(str(error))
    from keras_mage.runs import ogbench_runs

    peer_options = recipe_cli.peer_options(args.peer_set)
    for name in args.dataset:
        try:
            dataset_id = ogbench_runs.dataset_for(name, args.data)
        except (ValueError, FileNotFoundError) as error:
            raise SystemExit(f"error: {error}") from None
        for agent in args.agents:
            for seed in args.seeds:
                report = ogbench_runs.train_and_evaluate_tasks(
                    dataset_id, os.path.join(args.output_dir, name, f"{agent}_seed{seed}"), agent=agent,
                    preset=args.preset, train_steps=args.train_steps, seed=seed,
                    options={**MAGE_OPTIONS, **options} if agent == "mage" else options,
                    episodes=args.eval_episodes, batch_size=args.batch_size if agent == "bc" else None,
                    num_envs=args.num_envs, max_episode_steps=args.max_episode_steps, waypoints=args.waypoints,
                    temperature=args.temperature, peer_options=peer_options.get(agent),
                    trained_in=None if args.trained_in is None else os.path.join(args.trained_in, name,
                                                                                 f"{agent}_seed{seed}"),
                )
                print(ogbench_runs.describe(report), flush=True)
    return ogbench_runs.write_summary(args.output_dir)


if __name__ == "__main__":
    main()
