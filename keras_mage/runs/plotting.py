"""PNG plots: evaluation trajectories over the maze, learning curves, agents compared over seeds.

Matplotlib runs on the Agg backend (no display needed); files are written
atomically.

Example:

>>> results = evaluate(model, "keras_mage/pointmaze/umaze-v0", episodes=10)  # doctest: +SKIP
>>> plot_trajectories(results, "runs/umaze/trajectories.png")  # doctest: +SKIP
>>> plot_learning_curve(history, "runs/umaze/learning_curve.png")  # doctest: +SKIP
>>> plot_comparison(comparison["per_maze"], "runs/comparison.png")  # doctest: +SKIP
"""

import textwrap

import numpy as np

from keras_mage.utils.files import atomic_path


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def maze_of(env=None, env_spec=None):
    """The Gymnasium-Robotics `Maze` of an env, or of an env rebuilt from its spec JSON."""
    if env is None:
        if env_spec is None:
            raise ValueError("pass the env (or results holding `env_spec`) to draw the maze.")
        import gymnasium as gym

        from keras_mage import maze_envs

        env = maze_envs.make(gym.envs.registration.EnvSpec.from_json(env_spec))
    maze = getattr(env.unwrapped, "maze", None)
    if maze is None:
        raise ValueError(f"{env.spec.id if env.spec else env} has no maze (env.unwrapped.maze) to draw.")
    return maze


def draw_maze(axes, maze):
    """Draws the wall cells of a Gymnasium-Robotics `maze` (maze_map value 1) as grey squares."""
    draw_walls(axes, maze.maze_map, lambda row, col: maze.cell_rowcol_to_xy(np.array([row, col])),
               maze.maze_size_scaling)


def draw_walls(axes, maze_map, centre, size):
    """Grey squares of side `size` on the wall cells (value 1) of `maze_map`; `centre(row, col)` gives (x, y)."""
    from matplotlib.patches import Rectangle

    corners = []
    for row, cells in enumerate(maze_map):
        for col, cell in enumerate(cells):
            if cell == 1:
                x, y = centre(row, col)
                axes.add_patch(Rectangle((x - size / 2, y - size / 2), size, size, color="0.35"))
                corners += [(x - size / 2, y - size / 2), (x + size / 2, y + size / 2)]
    if corners:
        (left, bottom), (right, top) = np.min(corners, axis=0), np.max(corners, axis=0)
        axes.set_xlim(left, right)
        axes.set_ylim(bottom, top)
    axes.set_aspect("equal")


def draw_paths(axes, trajectories):
    """Each episode's xy path (green: reached the goal, red: did not), its start and its goal."""
    for trajectory in trajectories:
        xy, colour = trajectory["xy"], "tab:green" if trajectory["success"] else "tab:red"
        axes.plot(xy[:, 0], xy[:, 1], color=colour, alpha=0.6, linewidth=1)
        axes.plot(*xy[0], "o", color="tab:blue", markersize=4)
        if trajectory["goal"] is not None:
            axes.plot(*trajectory["goal"], "*", color="gold", markeredgecolor="black", markersize=14)


def plot_trajectories(results, path, env=None, title=None, max_episodes=50):
    """Draws each episode's xy path (green: reached the goal, red: did not), its start and goal.

    `results` is what `evaluate` returns; `env` (optional) supplies the maze,
    else it is rebuilt from `results["env_spec"]`. Returns `path`.
    """
    trajectories = [t for t in results["trajectories"] if t["xy"] is not None][:max_episodes]
    if not trajectories:
        raise ValueError("the results hold no xy trajectories (the env's observations have no achieved_goal).")
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(6, 6))
    draw_maze(axes, maze_of(env, results.get("env_spec")))
    draw_paths(axes, trajectories)
    reached = sum(t["success"] for t in trajectories)
    axes.set_title(title or f"{results.get('dataset_id') or 'evaluation'}: {reached}/{len(trajectories)} reached")
    _save(figure, path)
    return path


def plot_learning_curve(history, path, title="training losses"):
    """Plots every loss in a Keras `History` (or its `.history` dict) per epoch; returns `path`.

    A loss of exactly 0 is one not computed in that epoch (MAGE's phase 2
    losses during phase 1) and is left out.
    """
    logs = getattr(history, "history", history)
    losses = {
        name: np.where(np.asarray(values, float) == 0.0, np.nan, values)
        for name, values in logs.items() if name.endswith("loss") and len(values)
    }
    if not losses:
        raise ValueError(f"no losses to plot: the history holds {sorted(logs)}.")
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(7, 4.5))
    for name, values in sorted(losses.items()):
        axes.plot(np.arange(1, len(values) + 1), values, marker="o", markersize=3, label=name)
    if all(np.all(values[~np.isnan(values)] > 0) for values in losses.values()):
        axes.set_yscale("log")
    from matplotlib.ticker import MaxNLocator

    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlabel("epoch")
    axes.set_ylabel("loss")
    axes.set_title(title)
    axes.legend(fontsize=8)
    axes.grid(alpha=0.3)
    _save(figure, path)
    return path


def plot_comparison(per_maze, path, agents=("mage", "bc"), score="success_rate", published=None):
    """One panel per maze: each agent's mean `score` over seeds (bar, +- standard error) and every seed's.

    `per_maze` is `comparison.json`'s (`recipes/compare_bc.py`): per maze, per
    agent kind, `per_seed` reports and their `summary`. A grey line joins the
    seeds two agents share, so a paired lead shows as lines that all slope
    one way. An agent keeps its colour (its place in `agents`) in every
    panel, also where another agent is missing. `published`: per maze,
    {method: (mean, std) in %; std None where not reported} drawn after the
    agents as hatched grey bars (success rates others reported). Returns
    `path`.
    """
    panels = {}
    for maze, result in per_maze.items():
        present = {kind: result[kind] for kind in agents if kind in result and score in result[kind]["summary"]}
        if present:
            panels[maze] = present
    if not panels:
        raise ValueError(f"no {score} to plot: the comparison holds no agent with that score.")
    plt = _pyplot()
    bars = max(len(runs) + len((published or {}).get(maze, {})) for maze, runs in panels.items())
    columns = min(len(panels), 3)
    rows = -(-len(panels) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(max(3.2, 0.8 * bars) * columns + 1, 4.2 * rows),
                                squeeze=False, sharey=True, layout="constrained")  # tick labels clear the next row
    for panel in axes.flat[len(panels):]:
        panel.set_visible(False)
    for panel, (maze, runs_by_kind) in zip(axes.flat, panels.items()):
        seeds, labels = {}, []
        for x, (kind, runs) in enumerate(runs_by_kind.items()):
            summary, colour = runs["summary"][score], f"C{agents.index(kind)}"
            panel.bar(x, summary["mean"], yerr=summary["stderr"], width=0.6, alpha=0.35, capsize=6, color=colour)
            count = sum(report[score] is not None for report in runs["per_seed"])
            name = "\n".join(textwrap.wrap(kind, 12, break_long_words=False))  # long names on several lines
            labels.append(f"{name}\n{summary['mean']:.3f}\n{count} seed{'s' * (count != 1)}")
            for report in runs["per_seed"]:
                if report[score] is not None:
                    seeds.setdefault(report["seed"], []).append((x, report[score]))
                    panel.plot(x, report[score], "o", color=colour, markersize=5)
        for points in seeds.values():
            if len(points) > 1:
                panel.plot(*zip(*points), color="0.5", linewidth=0.8, zorder=0)
        for x, (method, (mean, std)) in enumerate((published or {}).get(maze, {}).items(), start=len(labels)):
            panel.bar(x, mean / 100, yerr=None if std is None else std / 100, width=0.6, color="0.8", hatch="//",
                      capsize=4)
            labels.append(f"{method}\n{mean / 100:.2f}\npublished")
        panel.set_xticks(range(len(labels)), labels)
        panel.set_title(maze)
        panel.grid(axis="y", alpha=0.3)
    for row in axes:
        row[0].set_ylabel(score.replace("_", " "))
    _save(figure, path)
    return path


def _save(figure, path):
    plt = _pyplot()
    with atomic_path(path) as temporary:
        figure.savefig(temporary, dpi=110, bbox_inches="tight", format="png")
    plt.close(figure)
