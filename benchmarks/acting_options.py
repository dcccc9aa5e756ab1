"""Scores of trained agents under different acting options.

Evaluates every saved agent directory (`MAGE.save_to_preset`; `compare_bc.py`
keeps one per MAGE run) on its own dataset's evaluation env once per set of
`MAGEPolicy` options, the same episode seeds for all (by default the agent's
training seed, as `compare_bc.py` evaluates), and prints success rate,
normalised score and mean return, then the mean over agents per option set.
Without `--options` it compares the target-return rules
(`keras_mage.control.policy.RETURN_UPDATES`; "estimated" only when every
agent has a return head); this is how the default rule was chosen
(docs/acting.md).

Example:

    KERAS_BACKEND=jax python benchmarks/acting_options.py outputs/compare_bc/*/mage_seed*/agent --episodes 50
    KERAS_BACKEND=jax python benchmarks/acting_options.py outputs/compare_bc/large/mage_seed*/agent \
        --options '{}' '{"temperature": 1.0}' '{"guidance_scale": 0.0}'
"""

import argparse
import json


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("agents", nargs="+", help="saved agent directories")
    parser.add_argument("--options", nargs="+", type=json.loads, default=None,
                        help="MAGEPolicy options as JSON objects, one evaluation each (default: each return rule)")
    parser.add_argument("--episodes", type=int, default=50)
    parser.add_argument("--num-envs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=None, help="first episode seed (default: the agent's seed)")
    args = parser.parse_args()

    import numpy as np

    import keras_mage
    from keras_mage.control import evaluate
    from keras_mage.control.policy import RETURN_UPDATES

    models = {path: keras_mage.MAGE.from_preset(path) for path in args.agents}
    estimates = all(model.return_head for model in models.values())
    rules = [rule for rule in RETURN_UPDATES if estimates or rule != "estimated"]
    option_sets = args.options or [{"return_update": rule} for rule in rules]
    scores = [[] for _ in option_sets]
    for path, model in models.items():
        seed = (model.seed or 0) if args.seed is None else args.seed
        for options, rows in zip(option_sets, scores):
            report = evaluate(model, episodes=args.episodes, num_envs=args.num_envs, seed=seed,
                              policy_options=options, progress=False)
            rows.append((report["success_rate"], report["normalized_score"], report["mean_return"]))
            print(f"{path} {json.dumps(options)}: success {rows[-1][0]:.2f}  normalised {rows[-1][1]:.3f}  "
                  f"return {rows[-1][2]:.1f}", flush=True)
    print(f"mean over {len(args.agents)} agent(s), {args.episodes} episodes each:")
    for options, rows in zip(option_sets, scores):
        success, normalised, returns = np.mean(rows, axis=0)
        print(f"{json.dumps(options)}: success {success:.3f}  normalised {normalised:.3f}  return {returns:.1f}")


if __name__ == "__main__":
    main()
