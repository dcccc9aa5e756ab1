"""Runs on OGBench's PointMaze: the data (regenerated or OGBench's own), training, per-task evaluation, reports.

Example:

>>> dataset_id = dataset_for("pointmaze-medium-navigate-v0", "regenerated")  # doctest: +SKIP
>>> report = train_and_evaluate_tasks(dataset_id, "outputs/ogbench/medium/mage_seed0", preset="tiny",
...                                   train_steps=2000, seed=0, options={"hindsight_goals": (0, 1)},
...                                   episodes=20)  # doctest: +SKIP
>>> print(summary_table({"pointmaze-medium-navigate-v0": {"mage": [report]}}))  # doctest: +SKIP
"""

import json
import os
import time

from keras_mage.data.sources.ogbench_source import dataset_path
from keras_mage.datagen.catalogue import OGBENCH_REGENERATED_PREFIX
from keras_mage.utils.files import atomic_path, save_model, write_json

# Success rates (%, mean and standard deviation over 8 seeds, 1M training steps) of OGBench's reference agents:
# Park et al., "OGBench: Benchmarking Offline Goal-Conditioned RL", ICLR 2025 (arXiv 2410.20092), as reprinted
# from it in Zhou & Kao, "Flattening Hierarchies with Policy Bootstrapping" (2025), Tables 1 and 3.
PUBLISHED_METHODS = ("GCBC", "GCIVL", "GCIQL", "QRL", "CRL", "HIQL")
PUBLISHED_SUCCESS = {
    name: dict(zip(PUBLISHED_METHODS, scores)) for name, scores in {
        "pointmaze-medium-navigate-v0": ((9, 6), (63, 6), (53, 8), (82, 5), (29, 7), (79, 5)),
        "pointmaze-large-navigate-v0": ((29, 6), (45, 5), (34, 3), (86, 9), (39, 7), (58, 5)),
        "pointmaze-giant-navigate-v0": ((1, 2), (0, 0), (0, 0), (68, 7), (27, 10), (46, 9)),
        "pointmaze-medium-stitch-v0": ((23, 18), (70, 14), (21, 9), (80, 12), (0, 1), (74, 6)),
        "pointmaze-large-stitch-v0": ((7, 5), (12, 6), (31, 2), (84, 15), (0, 0), (13, 6)),
        "pointmaze-giant-stitch-v0": ((0, 0), (0, 0), (0, 0), (50, 8), (0, 0), (0, 0)),
    }.items()
}
AGENT_LABELS = {"mage": "MAGE", "bc": "GCBC"}  # the agents an OGBench run trains (BC with hindsight goals: GCBC)


def dataset_for(name, data="regenerated", seed=0):
    """The dataset id to train on: "keras_mage/ogbench/<name>" (generated now if missing) or OGBench's `name`."""
    if data == "ogbench":
        if not os.path.isfile(dataset_path(name)):
            from keras_mage.data.sources.ogbench_source import load_ogbench

            load_ogbench(name)  # raises the missing-file message with its fixes
        return name
    dataset_id = OGBENCH_REGENERATED_PREFIX + name
    if not os.path.isfile(dataset_path(dataset_id)):
        from keras_mage.datagen.ogbench_pointmaze import generate_ogbench_pointmaze

        print(f"{dataset_id} is not on this machine: generating it by OGBench's procedure ...", flush=True)
        generate_ogbench_pointmaze(name, seed=seed)
    return dataset_id


def run_settings(agent, dataset_id, seed, *, preset, train_steps, options, episodes, batch_size=None,
                 max_episode_steps=None, waypoints=None, temperature=None, peer_options=None):
    """What a finished run's report must match to be reused (JSON values, as stored).

    `temperature` (MAGE's plan sampling when acting) is recorded for MAGE only; GCBC acts one way.
    `peer_options`: GCBC's own settings (e.g. `{"hidden_units": (256, 256)}`; None: OGBench's network).
    """
    from keras_mage.runs.comparison import peer_settings
    from keras_mage.runs.training import model_config

    settings = dict(
        kind=agent, dataset_id=dataset_id, seed=seed, preset=preset, train_steps=train_steps, options=options,
        batch_size=batch_size, episodes_per_task=episodes, max_episode_steps=max_episode_steps, waypoints=waypoints,
        config=model_config(preset, options) if agent == "mage" else None,
        peer_options=None if agent == "mage" else peer_options or None,
    )
    if agent == "mage":
        settings["temperature"] = temperature or 0.0
    return peer_settings(json.loads(json.dumps(settings, default=list)))


def train_and_evaluate_tasks(dataset_id, output_dir, *, preset, train_steps, seed, options, episodes, agent="mage",
                             batch_size=None, num_envs=10, max_episode_steps=None, waypoints=None, trained_in=None,
                             temperature=None, peer_options=None):
    """Trains `agent` ("mage", or "bc": GCBC) on `dataset_id`, evaluates it on the maze's five tasks; the report.

    `options` are MAGE's preset options; `hindsight_goals` among them relabels
    every agent's goals. `waypoints` (steps): the agent acts toward waypoints
    that many steps ahead on the data's shortest path to the goal
    (`keras_mage.control.waypoints`). `temperature`: MAGE samples its plan's
    tokens at it (None or 0: greedy; GCBC ignores it). `peer_options`: GCBC's own
    settings (`keras_mage.runs.agents.make_baseline`; None: OGBench's network).
    A run whose `report.json` is in `output_dir` with the same settings is
    reused; an interrupted MAGE run resumes from its last epoch.
    `trained_in`: the folder of a finished run that trained the same way (its
    acting settings may differ), whose agent is evaluated instead of training one.
    """
    from keras_mage.control.ogbench_tasks import evaluate_tasks
    from keras_mage.control.waypoints import waypoint_policy
    from keras_mage.runs.comparison import checkpoint_for, finished_report, saved_agent_path, trained_agent
    from keras_mage.runs.training import train_agent, training_record

    settings = run_settings(agent, dataset_id, seed, preset=preset, train_steps=train_steps, options=options,
                            episodes=episodes, batch_size=batch_size, max_episode_steps=max_episode_steps,
                            waypoints=waypoints, temperature=temperature, peer_options=peer_options)
    report = finished_report(output_dir, settings)
    if report is not None:
        return report
    if trained_in is None:
        checkpoint = checkpoint_for(output_dir, settings) if agent == "mage" else None
        print(f"Training {agent if agent != 'mage' else preset} on {dataset_id} for {train_steps} steps, "
              f"seed {seed} ...", flush=True)
        model, history = train_agent(agent, dataset_id, preset=preset, train_steps=train_steps, seed=seed,
                                     options=options, batch_size=batch_size, checkpoint_dir=checkpoint, verbose=2,
                                     peer_options=peer_options)
        saved = saved_agent_path(output_dir, agent)
        training = {
            **training_record(history, output_dir),
            "saved": model.save_to_preset(saved) if agent == "mage" else save_model(model, saved),
        }
    else:
        model, trained, saved = trained_agent(trained_in, settings)
        training = {key: trained[key] for key in ("train_steps", "train_seconds", "learning_curve")}
        training.update(saved=saved, trained_in=trained_in)
    start = time.time()
    acting = {"temperature": settings["temperature"]} if settings.get("temperature") else None  # MAGE only
    actor = model if waypoints is None else waypoint_policy(model, dataset_id, lookahead=waypoints,
                                                            policy_options=acting)
    results = evaluate_tasks(actor, dataset_id, episodes=episodes, seed=seed, num_envs=num_envs,
                             max_episode_steps=max_episode_steps, policy_options=None if waypoints else acting)
    os.makedirs(output_dir, exist_ok=True)
    report = {
        "settings": settings, "agent": agent, "dataset_id": dataset_id, "env_id": results["env_id"],
        "preset": settings["preset"], "options": options, "seed": seed, **training,
        "eval_seconds": time.time() - start, "episodes_per_task": episodes,
        "success_rate": results["success_rate"], "success_rate_stderr": results["success_rate_stderr"],
        "tasks": {task["task_id"]: task["success_rate"] for task in results["tasks"]},
        "max_episode_steps": max_episode_steps, "waypoints": waypoints, "temperature": settings.get("temperature"),
        "trajectory_plot": plot_tasks(results, os.path.join(output_dir, "tasks.png")),
    }
    write_json(os.path.join(output_dir, "report.json"), report)
    return report


def summary_table(reports):
    """Markdown: per dataset, each agent's success (%: mean +- s.e. over seeds, then per seed) beside OGBench's six.

    `reports`: {dataset name: {agent: [report per seed]}}.
    """
    from keras_mage.control.evaluation import mean_stderr

    agents = [agent for agent in AGENT_LABELS if any(agent in runs for runs in reports.values())]
    header = [f"{agent_label(agent, next(runs[agent] for runs in reports.values() if agent in runs))} (here)"
              for agent in agents]
    header += [f"{name} (published)" for name in PUBLISHED_METHODS]
    lines = ["| dataset | " + " | ".join(header) + " |", "|---" * (len(header) + 1) + "|"]
    for name, runs in reports.items():
        cells = []
        for agent in agents:
            scores = [100 * report["success_rate"] for report in runs.get(agent, [])]
            mean, stderr = mean_stderr(scores) if scores else (None, None)
            per_seed = ", ".join(f"{score:.0f}" for score in scores)
            cells.append("" if mean is None else f"{mean:.0f} +- {stderr:.0f} ({per_seed})")
        published = PUBLISHED_SUCCESS.get(name, {})
        cells += [f"{published[m][0]} +- {published[m][1]}" if m in published else "" for m in PUBLISHED_METHODS]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def agent_label(agent, runs):
    """"MAGE", "GCBC", with " + waypoints" where `runs` (reports) acted toward the data's waypoints.

    MAGE's plans sampled at a temperature add " (plans at temperature T)",
    GCBC's own settings " (hidden_units=[256, 256], ...)".
    """
    waypoints = runs[0].get("waypoints") if runs else None
    temperature = runs[0].get("temperature") if runs else None
    peer_options = runs[0].get("settings", {}).get("peer_options") if runs else None
    return (AGENT_LABELS[agent] + ("" if waypoints is None else f" + waypoints ({waypoints:g} steps)")
            + (f" (plans at temperature {temperature:g})" if temperature else "")
            + (" (" + ", ".join(f"{name}={value}" for name, value in peer_options.items()) + ")"
               if peer_options else ""))


def collect_reports(output_dir):
    """{dataset name: {agent: [report per seed]}} of the finished runs under `output_dir` (`<name>/<agent>_seed<k>`).

    Raises a ValueError where one agent's seeds on one dataset ran with other
    settings (budget, preset, episodes), which a mean over them would hide.
    """
    import glob

    reports, waypoints = {}, {}
    for path in sorted(glob.glob(os.path.join(output_dir, "*", "*_seed*", "report.json"))):
        with open(path) as file:
            report = json.load(file)
        name = os.path.basename(os.path.dirname(os.path.dirname(path)))
        runs = reports.setdefault(name, {}).setdefault(report.get("agent", "mage"), [])
        if runs and _without_seed(runs[0]) != _without_seed(report):
            raise ValueError(f"{path} ran with other settings than {name}'s other {report.get('agent')} seeds; "
                             "put runs with other settings in another --output-dir.")
        acting = waypoints.setdefault(report.get("agent", "mage"), report.get("waypoints"))
        if acting != report.get("waypoints"):
            raise ValueError(f"{path} acted with waypoints {report.get('waypoints')}, other {report.get('agent')} runs "
                             f"in {output_dir} with {acting}; put runs with other waypoints in another --output-dir.")
        runs.append(report)
    return reports


def _without_seed(report):
    from keras_mage.runs.comparison import ADDED_SETTINGS

    settings = {**ADDED_SETTINGS, **report.get("settings", {})}  # runs made before a setting existed had its value
    return {key: value for key, value in settings.items() if key != "seed"}


def write_summary(output_dir):
    """Writes `summary.md` (`summary_table` of every run under `output_dir`) and `ogbench.png`; returns the reports."""
    reports = collect_reports(output_dir)
    if not reports:
        raise ValueError(f"no finished OGBench run under {output_dir}.")
    table = summary_table(reports)
    with atomic_path(os.path.join(output_dir, "summary.md")) as temporary, open(temporary, "w") as file:
        file.write(table + "\n")
    print(table, flush=True)
    plot_summary([reports], os.path.join(output_dir, "ogbench.png"))
    return reports


def plot_summary(collected, path):
    """Success per dataset and agent (each seed a dot) beside OGBench's published agents; returns `path`.

    `collected`: `collect_reports` of one or more folders, e.g. agents and the
    same agents scored with waypoints (`recipes/ogbench.py --trained-in`).

    Example:

    >>> plot_summary([collect_reports("runs/og"), collect_reports("runs/og_waypoints")], "og.png")  # doctest: +SKIP
    """
    from keras_mage.runs.comparison import summarise
    from keras_mage.runs.plotting import plot_comparison

    per_dataset, labels = {}, set()  # labels: (agent's place in AGENT_LABELS, waypoints or 0, label)
    for reports in collected:
        for name, by_agent in reports.items():
            for place, agent in enumerate(AGENT_LABELS):
                if agent in by_agent:
                    runs = by_agent[agent]
                    labels.add((place, runs[0].get("waypoints") or 0, agent_label(agent, runs)))
                    per_dataset.setdefault(name, {})[agent_label(agent, runs)] = {"summary": summarise(runs),
                                                                                   "per_seed": runs}
    order = [label for *_, label in sorted(labels)]
    titles = {name: name.removeprefix("pointmaze-").removesuffix("-v0") for name in per_dataset}
    plot_comparison({titles[name]: runs for name, runs in per_dataset.items()}, path, agents=tuple(order),
                    published={titles[name]: PUBLISHED_SUCCESS.get(name, {}) for name in per_dataset})
    return path


def describe(report):
    """One line: a run's success per task and overall, and its training time."""
    tasks = "  ".join(f"task {task} {success:.2f}" for task, success in report["tasks"].items())
    return (f"{report['dataset_id']} {report.get('agent', 'mage')} seed {report['seed']}: success "
            f"{report['success_rate']:.2f} +- {report['success_rate_stderr']:.2f} ({tasks}); trained "
            f"{report['train_seconds']:.0f} s")


def plot_tasks(results, path, max_episodes=20):
    """One panel per task: the maze's walls and each episode's path (what `evaluate_tasks` returned); returns `path`."""
    import gymnasium as gym
    import ogbench.locomaze  # noqa: F401

    from keras_mage.runs.plotting import _pyplot, _save, draw_paths, draw_walls

    maze = gym.make(results["env_id"]).unwrapped
    tasks = results["tasks"]
    plt = _pyplot()
    figure, axes = plt.subplots(1, len(tasks), figsize=(4 * len(tasks), 4.4), squeeze=False)
    for panel, task in zip(axes[0], tasks):
        draw_walls(panel, maze.maze_map, lambda row, col: maze.ij_to_xy((row, col)), maze._maze_unit)
        draw_paths(panel, task["trajectories"][:max_episodes])
        panel.set_title(f"task {task['task_id']}: success {task['success_rate']:.2f}")
    figure.suptitle(f"{results['env_id']}: success {results['success_rate']:.2f} over {len(tasks)} tasks")
    maze.close()
    _save(figure, path)
    return path
