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
import re

from keras_mage.control import workflow

DEFAULTS = dict(preset="tiny", train_steps=10_000, eval_episodes=50, dataset_steps=1_000_000,
                output_dir="outputs/antmaze")
VARIANTS = ("umaze", "umaze-diverse", "medium-play", "medium-diverse", "large-play", "large-diverse")


def variant_of(dataset):
    """The AntMaze variant a variant name or `D4RL/antmaze/<variant>-vN` id names, else None."""
    if dataset in VARIANTS:
        return dataset
    match = re.fullmatch(r"D4RL/antmaze/([a-z-]+)-v\d+", dataset)
    return match.group(1) if match and match.group(1) in VARIANTS else None


def ant_policy_path(path):
    """The ant policy file: `path`, $KERAS_MAGE_ANT_POLICY, or datagen's default place; None if absent."""
    from keras_mage.datagen.ant_policy import default_ant_policy_path

    candidate = path or default_ant_policy_path()
    return os.fspath(candidate) if os.path.isfile(candidate) else None


def antmaze_dataset(dataset, steps, ant_policy=None, ref_episodes=100, workers=1):
    """A local dataset id for `dataset`: the Minari one if it can be had, else regenerated data."""
    variant = variant_of(dataset)
    unavailable = f"{dataset!r} names a variant, not a Minari id"
    if dataset not in VARIANTS:
        from keras_mage.data.sources.minari_source import open_minari

        try:
            open_minari(dataset)
            return dataset
        except (ConnectionError, ValueError) as error:
            unavailable = str(error)
        if variant is None:
            raise SystemExit(f"{unavailable}\nAntMaze variants that can be regenerated: {', '.join(VARIANTS)}.")
    regenerated = workflow.generated_dataset_id("antmaze", variant, steps)
    if workflow.local_dataset_exists(regenerated):
        return regenerated
    policy = ant_policy_path(ant_policy)
    if policy is None:
        raise SystemExit(_how_to_get_data(dataset, variant, unavailable))
    from keras_mage.datagen import generate_antmaze

    print(f"Regenerating {regenerated} ({steps} steps) with {policy} ...", flush=True)
    return generate_antmaze(
        variant, policy_path=policy, steps=steps, seed=123, dataset_id=regenerated,
        ref_episodes=ref_episodes, workers=workers,
    )


def _how_to_get_data(dataset, variant, reason):
    from keras_mage.datagen.ant_policy import ANT_POLICY_SHA256, ANT_POLICY_URL

    return (
        f"No AntMaze data for {dataset!r}: {reason}\n"
        "Do one of:\n"
        f"  1. on a machine with network: `minari download D4RL/antmaze/{variant}-v1`, copy the folder here "
        "and set MINARI_DATASETS_PATH to its root; then pass --dataset D4RL/antmaze/"
        f"{variant}-v1;\n"
        f"  2. regenerate it: download D4RL's ant policy {ANT_POLICY_URL} (sha256 {ANT_POLICY_SHA256}) and run "
        f"`python recipes/antmaze.py --dataset {variant} --ant-policy PATH` (or set KERAS_MAGE_ANT_POLICY=PATH)."
    )


def main(argv=None):
    parser = workflow.new_parser(__doc__.split("\n\n")[0])
    workflow.add_common_arguments(parser, **DEFAULTS)
    parser.add_argument("--dataset", nargs="+", default=["umaze"], help="Minari ids or AntMaze variants")
    parser.add_argument("--ant-policy", default=None, help="D4RL's ant_hierarch_pol.pkl, to regenerate data")
    parser.add_argument("--workers", type=int, default=1, help="processes that regenerate data")
    args = workflow.parse_arguments(parser, argv)
    output_dir = args.output_dir
    reports = {}
    for dataset in args.dataset:
        dataset_id = antmaze_dataset(dataset, args.dataset_steps, args.ant_policy, args.ref_episodes, args.workers)
        name = variant_of(dataset) or dataset.replace("/", "_")
        reports[name] = workflow.train_and_evaluate(args, dataset_id, os.path.join(output_dir, name))
        reports[name]["d4rl_data"] = dataset_id.startswith("D4RL/")
        print(f"{dataset_id}: success {reports[name]['success_rate']:.2f}", flush=True)
    metrics = workflow.write_metrics(output_dir, workflow.run_metadata(args, "antmaze"), reports)
    print(f"Wrote {os.path.join(output_dir, 'metrics.json')}: success rate {metrics['success_rate']:.2f}")
    return metrics


if __name__ == "__main__":
    main()
