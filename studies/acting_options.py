"""Scores of trained agents under different acting options.

Evaluates every saved agent (a MAGE agent directory, `MAGE.save_to_preset`, or
a `.keras` file of MAGE or the behaviour-cloning baseline; `compare_bc.py`
keeps both) on its own dataset's evaluation env once per set of `MAGEPolicy`
options, the same episode seeds for all (by default the agent's training
seed, as `compare_bc.py` evaluates; `--seed` gives others, e.g. held-out
episodes), and prints success rate, normalised score and mean return, then
the mean over agents per option set. Agents trained on OGBench data
(`recipes/ogbench.py`) are scored on OGBench's five tasks instead (success
overall and per task; episodes per task). A baseline acts one way (one action per
step) and is evaluated once. Without `--options` it compares the
target-return rules (`keras_mage.control.acting_options.RETURN_UPDATES`; "estimated"
only when every MAGE agent has a return head); this is how the default rule
was chosen (docs/acting.md). `--waypoints STEPS` has goal-conditioned agents
(trained with `hindsight_goals`: OGBench's, or AntMaze's with `--set
'hindsight_goals=(0, 1)'`) act toward waypoints on the data's shortest path
to the goal (`keras_mage.control.waypoints`; one graph per dataset). `--plots DIR` also
draws each evaluation's trajectories over the maze (`DIR/<agent path>__<options>.png`). Each line also
gives how fast the goal is reached and the share of the remaining steps spent
at it (`steps_to_goal`, `goal_share`: docs/acting.md).

`--critics` pairs each MAGE agent (in order) with an IQL agent trained on the
same data: at each new plan MAGE proposes `--candidates` plans (its own, then
samples at `--candidate-temperature`) and the critic keeps the one whose
first action has the highest Q (IDQL's selection, Hansen-Estruch et al. 2023);
a study of what MAGE's plans contain, not an acting option of the library.

Example:

    KERAS_BACKEND=jax python studies/acting_options.py outputs/compare_bc/*/mage_seed*/agent --episodes 50
    KERAS_BACKEND=jax python studies/acting_options.py outputs/compare_bc/large/mage_seed*/agent \
        outputs/compare_bc/large/bc_seed*/model.keras --seed 1000 \
        --options '{}' '{"temperature": 1.0}' '{"guidance_scale": 2.0}'
    KERAS_BACKEND=jax python studies/acting_options.py runs/after/large/mage_seed0/agent --options '{}' \
        --critics runs/peers/large/iql_seed0/model.keras --candidates 8
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
    parser.add_argument("--waypoints", type=float, default=None, metavar="STEPS",
                        help="goal-conditioned agents act toward waypoints STEPS steps ahead on the data's shortest path "
                             "to the goal (keras_mage.control.waypoints)")
    parser.add_argument("--critics", nargs="+", default=None,
                        help="IQL .keras files, one per MAGE agent: its critic picks among MAGE's candidate plans")
    parser.add_argument("--candidates", type=int, default=8, help="plans proposed per replan with --critics")
    parser.add_argument("--candidate-temperature", type=float, default=1.0,
                        help="sampling temperature of the candidates after the first (the agent's own plan)")
    args = parser.parse_args()

    import numpy as np

    import keras_mage
    from keras_mage.control import evaluate
    from keras_mage.control.acting_options import RETURN_UPDATES
    from keras_mage.control.ogbench_tasks import evaluate_tasks
    from keras_mage.control.waypoints import waypoint_policy
    from keras_mage.data.sources.ogbench_source import is_ogbench_name
    from keras_mage.models.agent_directory import load_any

    agents = {path: load_any(path) for path in args.agents}
    if args.waypoints is not None:
        others = [path for path, model in agents.items() if not getattr(model, "hindsight_goals", None)]
        if others:
            parser.error(f"--waypoints applies to goal-conditioned agents (trained with hindsight_goals, as "
                         f"recipes/ogbench.py trains them); not to {others}.")
    graphs = {}  # dataset id -> WaypointGraph, built once for all its agents
    models = {path: model for path, model in agents.items() if isinstance(model, keras_mage.MAGE)}
    baselines = {path: model for path, model in agents.items() if path not in models}
    estimates = all(model.return_head for model in models.values())
    if args.critics:
        if len(args.critics) != len(models):
            parser.error(f"--critics: {len(args.critics)} given for {len(models)} MAGE agent(s); give one per agent.")
        models = {path: _CriticSelection(model, load_any(critic), args.candidates, args.candidate_temperature)
                  for (path, model), critic in zip(models.items(), args.critics)}
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
            dataset_id = getattr(model.data_statistics, "dataset_id", None)
            actor, acting = model, options
            if args.waypoints is not None:
                if dataset_id not in graphs:
                    graphs[dataset_id] = waypoint_policy(model, dataset_id, args.waypoints).graph
                actor = waypoint_policy(model, graphs[dataset_id], args.waypoints, policy_options=options)
                acting = None
            if is_ogbench_name(dataset_id):  # OGBench's five tasks, each on its own episode seeds
                report = evaluate_tasks(actor, dataset_id, episodes=args.episodes, seed=seed, num_envs=args.num_envs,
                                        max_episode_steps=args.max_episode_steps, policy_options=acting,
                                        progress=False)
                rows.append((report["success_rate"], np.nan, np.nan))
                tasks = "  ".join(f"task {task['task_id']} {task['success_rate']:.2f}" for task in report["tasks"])
                print(f"{path} {json.dumps(options)}: success {rows[-1][0]:.2f}  ({tasks})", flush=True)
                if args.plots:
                    _plot(report, args.plots, path, options)
                continue
            report = evaluate(actor, episodes=args.episodes, num_envs=args.num_envs, seed=seed,
                              max_episode_steps=args.max_episode_steps, policy_options=acting, progress=False)
            rows.append((report["success_rate"], report["normalized_score"], report["mean_return"]))
            timing = ("" if report["goal_share"] is None else
                      f"  steps to goal {report['steps_to_goal']:.0f}  share at goal {report['goal_share']:.3f}")
            print(f"{path} {json.dumps(options)}: success {rows[-1][0]:.2f}  normalised {rows[-1][1]:.3f}  "
                  f"return {rows[-1][2]:.1f}{timing}", flush=True)
            if args.plots:
                _plot(report, args.plots, path, options)
        success, normalised, returns = np.mean(rows, axis=0)
        scores = "" if np.isnan(normalised) else f"  normalised {normalised:.3f}  return {returns:.1f}"
        print(f"mean over {len(group)} {kind} agent(s), {args.episodes} episodes each, {json.dumps(options)}: "
              f"success {success:.3f}{scores}", flush=True)


class _CriticSelection:
    """A MAGE agent whose plans are chosen by a critic among `candidates` proposals (see the module docstring)."""

    def __init__(self, model, critic, candidates, temperature):
        if candidates < 1 or not hasattr(critic, "predict_q_values"):
            raise ValueError("--critics takes IQL agents (with `predict_q_values`) and --candidates >= 1.")
        self.model, self.critic, self.candidates, self.temperature = model, critic, candidates, temperature

    def __getattr__(self, name):
        return getattr(self.model, name)

    def predict_actions(self, states, goals, target_returns, **sampling):
        import numpy as np

        own = np.asarray(self.model.predict_actions(states, goals, target_returns, **sampling))
        count, extra = len(states), self.candidates - 1
        if extra == 0:
            return own

        def tile(x, times):
            return None if x is None else np.tile(np.asarray(x), (times,) + (1,) * (np.ndim(x) - 1))

        sampled = self.model.predict_actions(tile(states, extra), tile(goals, extra), tile(target_returns, extra),
                                             temperature=self.temperature)
        plans = np.concatenate([own[None], np.asarray(sampled).reshape(extra, *own.shape)])  # (candidates, batch, ...)
        q = self.critic.predict_q_values(tile(states, self.candidates), tile(goals, self.candidates),
                                         plans[:, :, 0].reshape(self.candidates * count, -1))
        return plans[q.reshape(self.candidates, count).argmax(0), np.arange(count)]


def _plot(report, directory, path, options):
    import os
    import re

    from keras_mage.runs.plotting import plot_trajectories

    name = "__".join(re.sub(r"[^A-Za-z0-9.]+", "_", text).strip("_") for text in (path, json.dumps(options)))
    file = os.path.join(directory, name + ".png")
    if "tasks" in report:  # OGBench: one panel per task
        from keras_mage.runs.ogbench_runs import plot_tasks

        print(f"  trajectories: {plot_tasks(report, file)}")
        return
    title = f"{path}\n{json.dumps(options)}: success {report['success_rate']:.2f}"
    print(f"  trajectories: {plot_trajectories(report, file, title=title)}")


if __name__ == "__main__":
    main()
