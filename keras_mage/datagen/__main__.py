"""Command line: ``python -m keras_mage.datagen {pointmaze,antmaze,ogbench} ...``.

Example:
    python -m keras_mage.datagen pointmaze --maze umaze --steps 1000000 --seed 123
    python -m keras_mage.datagen antmaze --variant medium-play --ant-policy PATH --workers 2
    python -m keras_mage.datagen ogbench --dataset pointmaze-giant-stitch-v0 --seed 0
"""

import argparse
import logging
import time

from keras_mage.datagen.catalogue import ANTMAZE_VARIANTS, POINTMAZE_MAZES, check_count, check_minari_id
from keras_mage.datagen.ogbench_pointmaze import DATASETS as OGBENCH_DATASETS
from keras_mage.utils.quiet import quiet_start


def _checked(check):
    """An argparse type: `check(text)`, whose ValueError becomes the option's error message."""

    def parse(text):
        try:
            return check(text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return parse


def _count(name, minimum=1):
    """An argparse type: a whole number of at least `minimum`, refused with `check_count`'s message."""
    return _checked(lambda text: check_count(name, _whole(text), minimum))


def _whole(text):
    try:
        return int(text)
    except ValueError:
        return text  # check_count refuses it by name


def _parser():
    parser = argparse.ArgumentParser(prog="python -m keras_mage.datagen",
                                     description="Regenerate maze datasets as local Minari datasets "
                                                 "(OGBench's as .npz files in its layout).")
    sub = parser.add_subparsers(dest="command", required=True)
    point = sub.add_parser("pointmaze", help="Minari's PointMaze procedure (no weights needed).")
    point.add_argument("--maze", required=True, choices=POINTMAZE_MAZES)
    ant = sub.add_parser("antmaze", help="AntMaze with D4RL's ant policy file.")
    ant.add_argument("--variant", required=True, choices=ANTMAZE_VARIANTS)
    ant.add_argument("--ant-policy", default=None,
                     help="path to d4rl_ant_hierarch_pol.pkl (default: $KERAS_MAGE_ANT_POLICY "
                          "or ../shared/data/ next to the repository)")
    ant.add_argument("--workers", type=_count("workers"), default=1)
    ogbench = sub.add_parser("ogbench", help="OGBench's PointMaze datasets, by OGBench's procedure (no weights).")
    ogbench.add_argument("--dataset", required=True, choices=sorted(OGBENCH_DATASETS))
    ogbench.add_argument("--seed", type=_count("seed", minimum=0), default=0)
    ogbench.add_argument("--episodes", type=_count("episodes"), default=None,
                         help="training episodes (default OGBench's: 1000 navigate, 500 giant navigate, 5000 stitch)")
    ogbench.add_argument("--max-episode-steps", type=_count("max_episode_steps", minimum=2), default=None,
                         help="rows per episode (default OGBench's: 1001 navigate, 2001 giant navigate, 201 stitch)")
    ogbench.add_argument("--dataset-dir", default=None,
                         help="output folder (default $KERAS_MAGE_OGBENCH_DIR or ~/.keras_mage/ogbench)")
    for p in (point, ant):
        p.add_argument("--steps", type=_count("steps"), default=1_000_000)
        p.add_argument("--seed", type=_count("seed", minimum=0), default=123)
        p.add_argument("--dataset-id", type=_checked(check_minari_id), default=None,
                       help="default keras_mage/<maze kind>/<name>[-<size>]-v0, the size unless --steps is 1000000")
        p.add_argument("--ref-episodes", type=_count("ref_episodes"), default=100,
                       help="episodes per reference score (random policy and expert)")
    return parser


def main(argv=None):
    """Parse ``argv`` and run one generator; prints the new dataset id."""
    args = _parser().parse_args(argv)
    quiet_start(imports=("gymnasium_robotics",))  # no TensorFlow here: MuJoCo and TensorFlow share no process
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    start = time.time()
    if args.command == "ogbench":
        from keras_mage.datagen.ogbench_pointmaze import generate_ogbench_pointmaze

        paths = generate_ogbench_pointmaze(args.dataset, seed=args.seed, episodes=args.episodes,
                                           max_episode_steps=args.max_episode_steps, dataset_dir=args.dataset_dir)
        print(f"wrote {', '.join(paths)} in {time.time() - start:.0f} s")
        return
    common = dict(steps=args.steps, seed=args.seed, dataset_id=args.dataset_id,
                  ref_episodes=args.ref_episodes)
    try:
        if args.command == "pointmaze":
            from keras_mage.datagen.pointmaze import generate_pointmaze

            dataset_id = generate_pointmaze(args.maze, **common)
        else:
            from keras_mage.datagen.antmaze import generate_antmaze

            dataset_id = generate_antmaze(args.variant, policy_path=args.ant_policy,
                                          workers=args.workers, **common)
    except (FileNotFoundError, FileExistsError, ValueError) as error:
        raise SystemExit(f"error: {error}") from error
    import minari

    dataset = minari.load_dataset(dataset_id)
    print(f"{dataset_id}: {dataset.total_episodes} episodes, {dataset.total_steps} steps, "
          f"{time.time() - start:.0f} s")


if __name__ == "__main__":
    main()
