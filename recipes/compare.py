"""MAGE against its peers (BC, IQL, Decision Transformer): same data and seeds, each agent's own budget.

For each dataset and seed, trains every agent of `--agents` on the regenerated
PointMaze data (or `--dataset` ids: keras_mage's regenerated AntMaze and
PointMaze ids are regenerated when missing, as the other recipes do),
evaluates each on the dataset's evaluation env and writes `comparison.json`:
per-seed scores and training seconds, per dataset and agent the mean and
standard error over seeds, and MAGE minus each peer seed by seed
(`mage_minus_<peer>`), which it prints. `comparison.png` draws the success
rates: per dataset, each agent's mean and every seed's.

Budgets. Every agent trains `--train-steps` steps with MAGE's batch size
unless told otherwise: `--steps iql=30000` and `--batch-size bc=100` give a
peer its own; `--published-budgets` gives each peer the (steps, batch size)
its reference implementation trains with (`keras_mage.runs.agents.
PUBLISHED_BUDGETS`). `--peer-set dt.warmup_steps=300` changes a peer's own
setting (recorded with the run). Each report records the seconds its agent
trained, so runs can be compared at equal steps or at equal time.

Each finished run leaves `<dataset>/<agent>_seed<k>/report.json` and the
trained agent (MAGE: the `agent` directory; a peer: `model.keras`), which
`studies/acting_options.py` evaluates again. A rerun with the same output
directory and settings reuses a finished run instead of training it again, so
an interrupted comparison resumes, and seeds run as separate processes are
summarised by a last run over all of them (`--finished-only` trains nothing:
it summarises what has finished and names what has not). A MAGE run cut off
mid-training resumes from its last epoch checkpoint (`<run>/checkpoint`).
The runs themselves: `keras_mage.runs.comparison`.

Goal-conditioned agents (MAGE and BC trained with `--set 'hindsight_goals=(0,
1)'`; IQL and DT do not take it) can act toward waypoints on the data's shortest
path to the goal instead of toward the goal itself: `--waypoints STEPS`
(`keras_mage.control.waypoints`, a test-time search over the data). With
`--trained-in DIR` the agents an earlier `--output-dir DIR` trained with these
settings are evaluated, not trained again (e.g. with `--waypoints 10`).

Example:

    python recipes/compare.py --maze medium large --seeds 0 1 2 --agents mage bc iql dt --published-budgets
    python recipes/compare.py --dataset keras_mage/antmaze/medium-play-v0 --agents mage bc --published-budgets \
        --set 'hindsight_goals=(0, 1)' --output-dir outputs/gc
    python recipes/compare.py --dataset keras_mage/antmaze/medium-play-v0 --agents mage bc --published-budgets \
        --set 'hindsight_goals=(0, 1)' --trained-in outputs/gc --waypoints 10 --output-dir outputs/gc_waypoints
"""

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))  # last on the path: recipes/ogbench.py must not shadow `ogbench`
sys.path[:] = [entry for entry in sys.path if os.path.abspath(entry or os.curdir) != HERE] + [HERE]
import recipe_cli  # noqa: E402
from keras_mage.datagen.catalogue import POINTMAZE_MAZES  # noqa: E402
from keras_mage.runs import agents, comparison, datasets, training  # noqa: E402
from keras_mage.runs.plotting import plot_comparison  # noqa: E402
from keras_mage.utils.files import write_json  # noqa: E402

DEFAULTS = dict(preset="tiny", train_steps=10_000, eval_episodes=50, dataset_steps=200_000,
                output_dir="outputs/compare")
summarise, paired_difference, describe = comparison.summarise, comparison.paired_difference, comparison.describe


def budget_pairs(kinds):
    """argparse type of `KIND=N` (a positive integer per agent kind in `kinds`)."""

    def parse(text):
        kind, _, value = text.partition("=")
        if kind not in kinds or not value.isdigit() or int(value) < 1:
            raise argparse.ArgumentTypeError(
                f"{text!r}: use KIND=N with KIND one of {', '.join(kinds)} and N a positive integer")
        return kind, int(value)

    return parse


def budgets(args):
    """Per agent kind: (train steps, batch size or None for MAGE's)."""
    steps, batch_sizes = dict(args.steps), dict(args.batch_size)
    chosen = {}
    for kind in args.agents:
        published = agents.PUBLISHED_BUDGETS.get(kind, {}) if args.published_budgets else {}
        chosen[kind] = (steps.get(kind, published.get("steps", args.train_steps)),
                        batch_sizes.get(kind, published.get("batch_size")))
    return chosen


def main(argv=None, recipe="compare", default_agents=("mage", "bc"), output_dir=DEFAULTS["output_dir"]):
    parser = recipe_cli.new_parser(__doc__.split("\n\n")[0])
    recipe_cli.add_common_arguments(parser, **{**DEFAULTS, "output_dir": output_dir})
    parser.add_argument("--maze", nargs="+", default=["medium", "large"], choices=POINTMAZE_MAZES,
                        help="PointMaze mazes, each with its regenerated data")
    parser.add_argument("--dataset", nargs="+", default=None,
                        help="Minari ids instead of --maze (keras_mage/antmaze/<variant>-v0 and "
                        "keras_mage/pointmaze/<maze>-<size>-v0 are regenerated when missing)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2], help="training seeds")
    parser.add_argument("--agents", nargs="+", default=list(default_agents), choices=agents.AGENT_KINDS,
                        help="which agents to train")
    parser.add_argument("--steps", type=budget_pairs(agents.AGENT_KINDS), action="append", default=[],
                        metavar="KIND=N", help="an agent's own training steps, e.g. --steps bc=10000 (repeatable)")
    parser.add_argument("--batch-size", type=budget_pairs(agents.PEERS), action="append", default=[],
                        metavar="KIND=N", help="a peer's own batch size, e.g. --batch-size bc=100 (MAGE: --set "
                        "batch_size=N)")
    parser.add_argument("--published-budgets", action="store_true",
                        help="peers train with their reference implementations' steps and batch size "
                        f"({agents.PUBLISHED_BUDGETS}) unless --steps / --batch-size say otherwise")
    parser.add_argument("--peer-set", type=recipe_cli.peer_setting(agents.PEERS), action="append", default=[],
                        metavar="KIND.NAME=VALUE",
                        help="a peer's own setting, e.g. --peer-set dt.warmup_steps=300 (repeatable)")
    recipe_cli.add_trained_agent_arguments(parser)
    parser.add_argument("--finished-only", action="store_true",
                        help="train nothing: summarise the runs already finished in --output-dir")
    args = recipe_cli.parse_arguments(parser, argv)
    recipe_cli.check_waypoints(parser, args)
    goal_conditioned = args.options.get("hindsight_goals") or training.is_saved_agent(args.preset)
    if args.waypoints is not None and not goal_conditioned:
        parser.error("--waypoints needs goal-conditioned agents: add --set 'hindsight_goals=(0, 1)' (a maze's x, y).")
    if args.dataset:
        try:
            names = {dataset_id.replace("/", "_"): datasets.dataset_by_id(dataset_id, ref_episodes=args.ref_episodes)
                     for dataset_id in args.dataset}
        except datasets.DataUnavailableError as error:
            raise SystemExit(str(error)) from None
    else:
        names = {maze: datasets.pointmaze_dataset(maze, args.dataset_steps, args.ref_episodes) for maze in args.maze}
    per_agent = budgets(args)
    peer_options = recipe_cli.peer_options(args.peer_set)
    result = recipe_cli.run_metadata(args, recipe)
    result.update(seeds=args.seeds, budgets={kind: {"steps": s, "batch_size": b} for kind, (s, b) in per_agent.items()},
                  peer_options=peer_options, waypoints=args.waypoints, mixed_precision=args.mixed_precision)
    result["per_maze"] = comparison.earlier_datasets(os.path.join(args.output_dir, "comparison.json"), result)
    for name, dataset_id in names.items():
        runs = {kind: [] for kind in args.agents}
        for seed in args.seeds:
            for kind in args.agents:
                print(f"{name}: {kind} (seed {seed}) ...", flush=True)
                train_steps, batch_size = per_agent[kind]
                acting = training.acting_options_for(args.preset, args.options, args.acting, kind)
                settings = comparison.run_settings(
                    kind, dataset_id, seed, preset=args.preset, train_steps=train_steps, options=args.options,
                    mixed_precision=args.mixed_precision, eval_episodes=args.eval_episodes,
                    max_episode_steps=args.max_episode_steps, acting=acting, batch_size=batch_size,
                    peer_options=peer_options.get(kind), waypoints=args.waypoints,
                )
                run_dir = os.path.join(args.output_dir, name, f"{kind}_seed{seed}")
                if args.finished_only:
                    report = comparison.finished_report(run_dir, settings)
                    if report is None:
                        print(f"{name} {kind} seed {seed}: not finished, left out", flush=True)
                        continue
                else:
                    trained_in = None if args.trained_in is None else os.path.join(
                        args.trained_in, name, f"{kind}_seed{seed}")
                    report = comparison.run_once(settings, run_dir, acting=acting, num_envs=args.num_envs,
                                                 devices=args.devices, trained_in=trained_in)
                runs[kind].append(report)
                print(f"{name} {kind} seed {seed}: success {report['success_rate']:.2f}", flush=True)
        if not any(runs.values()):
            continue
        maze = result["per_maze"][name] = {"dataset_id": dataset_id, **comparison.compare_per_seed(runs)}
        print(describe(name, maze), flush=True)
        # After each dataset: partial results.
        result["plot"] = plot_comparison(result["per_maze"], os.path.join(args.output_dir, "comparison.png"),
                                         agents=tuple(args.agents))
        write_json(os.path.join(args.output_dir, "comparison.json"), result)
    if not result["per_maze"]:
        raise SystemExit(f"No finished run in {args.output_dir} has these settings: nothing to summarise.")
    print(f"Wrote {os.path.join(args.output_dir, 'comparison.json')} and {result['plot']}")
    return result


if __name__ == "__main__":
    main()
