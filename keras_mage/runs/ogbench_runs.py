"""Runs on OGBench's PointMaze: the data (regenerated or OGBench's own), training, per-task evaluation, reports.

Example:

>>> dataset_id = dataset_for("pointmaze-medium-navigate-v0", "regenerated")  # doctest: +SKIP
>>> report = train_and_evaluate_tasks(dataset_id, "outputs/ogbench/medium", preset="tiny", train_steps=2000,
...                                   seed=0, options={"hindsight_goals": (0, 1)}, episodes=20)  # doctest: +SKIP
"""

import os
import time

from keras_mage.data.sources.ogbench_source import REGENERATED_PREFIX, dataset_path
from keras_mage.utils.files import write_json


def dataset_for(name, data="regenerated", seed=0):
    """The dataset id to train on: "keras_mage/ogbench/<name>" (generated now if missing) or OGBench's `name`."""
    if data == "ogbench":
        if not os.path.isfile(dataset_path(name)):
            from keras_mage.data.sources.ogbench_source import load_ogbench

            load_ogbench(name)  # raises the missing-file message with its fixes
        return name
    dataset_id = REGENERATED_PREFIX + name
    if not os.path.isfile(dataset_path(dataset_id)):
        from keras_mage.datagen.ogbench_pointmaze import generate_ogbench_pointmaze

        print(f"{dataset_id} is not on this machine: generating it by OGBench's procedure ...", flush=True)
        generate_ogbench_pointmaze(name, seed=seed)
    return dataset_id


def train_and_evaluate_tasks(dataset_id, output_dir, *, preset, train_steps, seed, options, episodes, num_envs=10,
                             max_episode_steps=None):
    """Trains MAGE on `dataset_id`, evaluates it on the maze's five tasks, saves it; returns the report."""
    from keras_mage.control.ogbench_tasks import evaluate_tasks
    from keras_mage.runs.plotting import plot_learning_curve
    from keras_mage.runs.training import train_agent

    print(f"Training {preset} on {dataset_id} for {train_steps} steps ...", flush=True)
    model, history = train_agent("mage", dataset_id, preset=preset, train_steps=train_steps, seed=seed,
                                 options=options, verbose=2)
    start = time.time()
    results = evaluate_tasks(model, dataset_id, episodes=episodes, seed=seed, num_envs=num_envs,
                             max_episode_steps=max_episode_steps)
    os.makedirs(output_dir, exist_ok=True)
    report = {
        "dataset_id": dataset_id, "env_id": results["env_id"], "preset": preset, "options": options,
        "train_steps": history.history["train_steps"], "train_seconds": history.history["train_seconds"],
        "eval_seconds": time.time() - start, "episodes_per_task": episodes, "seed": seed,
        "success_rate": results["success_rate"], "success_rate_stderr": results["success_rate_stderr"],
        "tasks": {task["task_id"]: task["success_rate"] for task in results["tasks"]},
        "max_episode_steps": max_episode_steps,
        "trajectory_plot": plot_tasks(results, os.path.join(output_dir, "tasks.png")),
        "learning_curve": plot_learning_curve(history, os.path.join(output_dir, "learning_curve.png")),
        "agent_dir": model.save_to_preset(os.path.join(output_dir, "agent")),
    }
    write_json(os.path.join(output_dir, "report.json"), report)
    return report


def print_table(reports):
    """Success per task and overall, one row per dataset."""
    for name, report in reports.items():
        tasks = "  ".join(f"task {task} {success:.2f}" for task, success in report["tasks"].items())
        print(f"{report['dataset_id']}: success {report['success_rate']:.2f} +- {report['success_rate_stderr']:.2f} "
              f"({tasks}); trained {report['train_seconds']:.0f} s", flush=True)


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
