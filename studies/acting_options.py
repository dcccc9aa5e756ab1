"""Scores of trained agents under different acting options.

Evaluates every saved agent (a MAGE agent directory, `MAGE.save_to_preset`, or
a `.keras` file of MAGE or the behaviour-cloning baseline; `compare_bc.py`
keeps both) on its own dataset's evaluation env once per set of `MAGEPolicy`
options, the same episode seeds for all (by default the agent's training
seed, as `compare_bc.py` evaluates; `--seed` gives others, e.g. held-out
episodes), and prints success rate, normalised score and mean return, then
the mean over agents per option set. A baseline acts one way (one action per
step) and is evaluated once. Without `--options` it compares the
target-return rules (`keras_mage.control.acting_options.RETURN_UPDATES`; "estimated"
only when every MAGE agent has a return head); this is how the default rule
was chosen (docs/acting.md). `--plots DIR` also draws each evaluation's
trajectories over the maze (`DIR/<agent path>__<options>.png`).

Example:

    KERAS_BACKEND=jax python studies/acting_options.py outputs/compare_bc/*/mage_seed*/agent --episodes 50
    KERAS_BACKEND=jax python studies/acting_options.py outputs/compare_bc/large/mage_seed*/agent \
        outputs/compare_bc/large/bc_seed*/model.keras --seed 1000 \
        --options '{}' '{"temperature": 1.0}' '{"guidance_scale": 2.0}'
"""

import argparse
import json


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("agents", nargs="+", help="MAGE agent directories or .keras files (MAGE or BC)")
    parser.add_argument("--options", nargs="+", type=json.loads, default=None,
                        help="MAGEPolicy options as JSON objects, one evaluation each (default: each return rule)")
    parser.add_argument("--episodes", type=int, default=50)
    parser.add_argument("--num-envs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=None, help="first episode seed (default: the agent's seed)")
    parser.add_argument("--max-episode-steps", type=int, default=None,
                        help="shorter time limit, as the recipes' option (default: the env's)")
    parser.add_argument("--plots", default=None, help="directory for each evaluation's trajectory plot")
    args = parser.parse_args()

    import numpy as np

    import keras_mage
    from keras_mage.control import evaluate
    from keras_mage.control.acting_options import RETURN_UPDATES

    agents = {path: _load(path) for path in args.agents}
    models = {path: model for path, model in agents.items() if isinstance(model, keras_mage.MAGE)}
    baselines = {path: model for path, model in agents.items() if path not in models}
    estimates = all(model.return_head for model in models.values())
    rules = [rule for rule in RETURN_UPDATES if estimates or rule != "estimated"]
    option_sets = args.options or [{"return_update": rule} for rule in rules]
    runs = [("MAGE", models, options) for options in option_sets]
    runs.append(("baseline", baselines, {"replan_every": 1}))  # a baseline predicts one action per step
    for kind, group, options in runs:
        if not group:
            continue
        rows = []
        for path, model in group.items():
            seed = (model.seed or 0) if args.seed is None else args.seed
            report = evaluate(model, episodes=args.episodes, num_envs=args.num_envs, seed=seed,
                              max_episode_steps=args.max_episode_steps, policy_options=options, progress=False)
            rows.append((report["success_rate"], report["normalized_score"], report["mean_return"]))
            print(f"{path} {json.dumps(options)}: success {rows[-1][0]:.2f}  normalised {rows[-1][1]:.3f}  "
                  f"return {rows[-1][2]:.1f}", flush=True)
            if args.plots:
                _plot(report, args.plots, path, options)
        success, normalised, returns = np.mean(rows, axis=0)
        print(f"mean over {len(group)} {kind} agent(s), {args.episodes} episodes each, {json.dumps(options)}: "
              f"success {success:.3f}  normalised {normalised:.3f}  return {returns:.1f}", flush=True)


def _plot(report, directory, path, options):
    import os
    import re

    from keras_mage.runs.plotting import plot_trajectories

    name = "__".join(re.sub(r"[^A-Za-z0-9.]+", "_", text).strip("_") for text in (path, json.dumps(options)))
    title = f"{path}\n{json.dumps(options)}: success {report['success_rate']:.2f}"
    print(f"  trajectories: {plot_trajectories(report, os.path.join(directory, name + '.png'), title=title)}")


def _load(path):
    """A saved agent: MAGE's agent directory, or a `.keras` file (MAGE or a baseline)."""
    import keras_mage
    from keras_mage.models.agent_directory import load_model_file

    if path.endswith(".keras"):
        return load_model_file(path)
    return keras_mage.MAGE.from_preset(path)


if __name__ == "__main__":
    main()
