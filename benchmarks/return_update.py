"""Scores of trained agents under each acting target-return rule.

Evaluates every saved agent directory (`MAGE.save_to_preset`; `compare_bc.py`
keeps one per MAGE run) on its own dataset's evaluation env with each
`keras_mage.control.policy.RETURN_UPDATES` rule, the same episode seeds for
all (by default the agent's training seed, as `compare_bc.py` evaluates),
and prints success rate, normalised score and mean return, then the mean
over agents per rule. This is how the default rule was chosen
(docs/acting.md).

Example:

    KERAS_BACKEND=jax python benchmarks/return_update.py outputs/compare_bc/*/mage_seed*/agent --episodes 50
"""

import argparse


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("agents", nargs="+", help="saved agent directories")
    parser.add_argument("--episodes", type=int, default=50)
    parser.add_argument("--num-envs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=None, help="first episode seed (default: the agent's seed)")
    args = parser.parse_args()

    import numpy as np

    import keras_mage
    from keras_mage.control import evaluate
    from keras_mage.control.policy import RETURN_UPDATES

    scores = {rule: [] for rule in RETURN_UPDATES}
    for path in args.agents:
        model = keras_mage.MAGE.from_preset(path)
        seed = (model.seed or 0) if args.seed is None else args.seed
        for rule in RETURN_UPDATES:
            report = evaluate(model, episodes=args.episodes, num_envs=args.num_envs, seed=seed,
                              policy_options={"return_update": rule}, progress=False)
            row = (report["success_rate"], report["normalized_score"], report["mean_return"])
            scores[rule].append(row)
            print(f"{path} {rule:>10}: success {row[0]:.2f}  normalised {row[1]:.3f}  return {row[2]:.1f}", flush=True)
    print(f"mean over {len(args.agents)} agent(s), {args.episodes} episodes each:")
    for rule, rows in scores.items():
        success, normalised, returns = np.mean(rows, axis=0)
        print(f"{rule:>10}: success {success:.3f}  normalised {normalised:.3f}  return {returns:.1f}")


if __name__ == "__main__":
    main()
