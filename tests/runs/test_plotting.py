"""Plots are written as PNG files, atomically, over the maze."""

import gymnasium as gym
import numpy as np
import pytest

from keras_mage import maze_envs
from keras_mage.runs import plotting
from keras_mage.runs.plotting import maze_of, plot_comparison, plot_learning_curve, plot_trajectories

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def umaze_results():
    env = maze_envs.make("PointMaze_UMaze-v3")
    xy = np.stack([np.linspace(-1, 1, 20), np.full(20, 1.0)], axis=1).astype("float32")
    trajectories = [
        {"xy": xy, "goal": np.array([1.0, 1.0]), "success": True, "seed": 0},
        {"xy": xy[::-1], "goal": np.array([1.0, 1.0]), "success": False, "seed": 1},
    ]
    return {"dataset_id": "toy", "trajectories": trajectories, "env_spec": env.spec.to_json()}, env


def test_trajectory_plot_from_the_env_spec(tmp_path):
    results, _ = umaze_results()
    path = plot_trajectories(results, tmp_path / "plots" / "trajectories.png")
    assert path.read_bytes()[:8] == PNG_MAGIC
    assert sorted(p.name for p in path.parent.iterdir()) == ["trajectories.png"]


def test_maze_walls_come_from_the_maze_map():
    results, env = umaze_results()
    maze = maze_of(env_spec=results["env_spec"])
    assert maze.maze_map == env.unwrapped.maze.maze_map
    with pytest.raises(ValueError, match="has no maze"):
        maze_of(gym.make("Pendulum-v1"))


def test_trajectory_plot_needs_xy(tmp_path):
    results, env = umaze_results()
    results["trajectories"] = [dict(t, xy=None) for t in results["trajectories"]]
    with pytest.raises(ValueError, match="no xy trajectories"):
        plot_trajectories(results, tmp_path / "t.png", env=env)


def test_learning_curve_from_history_dict(tmp_path):
    path = plot_learning_curve({"loss": [3.0, 2.0, 1.0], "action_loss": [1.0, 0.5, 0.2], "perplexity": [5, 6, 7]},
                               tmp_path / "curve.png")
    assert path.read_bytes()[:8] == PNG_MAGIC
    with pytest.raises(ValueError, match="no losses"):
        plot_learning_curve({"perplexity": [1.0]}, tmp_path / "none.png")


def test_learning_curve_leaves_out_losses_not_yet_computed(tmp_path, monkeypatch):
    figures = []
    monkeypatch.setattr(plotting, "_save", lambda figure, path: figures.append(figure))
    plot_learning_curve({"loss": [3.0, 2.0, 1.0], "token_loss": [0.0, 2.0, 1.5]}, tmp_path / "curve.png")
    axes = figures[0].axes[0]
    token_line = next(line for line in axes.get_lines() if line.get_label() == "token_loss")
    assert np.isnan(token_line.get_ydata()[0]) and axes.get_yscale() == "log"  # phase 1's 0 is a gap, not a value


def test_comparison_plot_of_paired_seeds(tmp_path):
    def runs(scores):
        per_seed = [{"seed": seed, "success_rate": s, "normalized_score": None} for seed, s in enumerate(scores)]
        return {"summary": {"success_rate": {"mean": float(np.mean(scores)), "stderr": 0.1, "seeds": 3}},
                "per_seed": per_seed}

    per_maze = {"large": {"dataset_id": "toy", "mage": runs([0.8, 0.8, 0.6]), "bc": runs([0.8, 0.3, 0.0]),
                          "mage_minus_bc": {"per_seed": []}}}
    path = plot_comparison(per_maze, tmp_path / "comparison.png")
    assert path.read_bytes()[:8] == PNG_MAGIC
    with pytest.raises(ValueError, match="no normalized_score to plot"):
        plot_comparison(per_maze, tmp_path / "none.png", score="normalized_score")


def test_comparison_plot_rows_do_not_overlap(tmp_path, monkeypatch):
    """Six mazes in two rows: the first row's tick labels end above the second row's titles."""
    figures = []
    monkeypatch.setattr(plotting, "_save", lambda figure, path: figures.append(figure))
    runs = {"summary": {"success_rate": {"mean": 0.5, "stderr": 0.1, "seeds": 1}},
            "per_seed": [{"seed": 0, "success_rate": 0.5}]}
    per_maze = {f"maze {k}": {"mage": runs, "bc": runs} for k in range(6)}
    plot_comparison(per_maze, tmp_path / "six.png", published={"maze 0": {"IQL": (77, None)}})
    figure = figures[0]
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    first, below = figure.axes[0], figure.axes[3]
    lowest_label = min(label.get_window_extent(renderer).y0 for label in first.get_xticklabels())
    assert lowest_label > below.title.get_window_extent(renderer).y1
    assert len(first.get_xticklabels()) == 3  # the published bar without a spread is drawn too


def test_comparison_plot_keeps_each_agents_colour_where_another_is_missing(tmp_path, monkeypatch):
    import matplotlib.colors

    figures = []
    monkeypatch.setattr(plotting, "_save", lambda figure, path: figures.append(figure))
    runs = {"summary": {"success_rate": {"mean": 0.5, "stderr": 0.1, "seeds": 1}},
            "per_seed": [{"seed": 0, "success_rate": 0.5}]}
    per_maze = {"all three": {"a": runs, "b": runs, "c": runs}, "no b": {"a": runs, "c": runs}}
    plot_comparison(per_maze, tmp_path / "colours.png", agents=("a", "b", "c"))
    both, partial = figures[0].axes[:2]
    colours = [[matplotlib.colors.to_hex(bar.get_facecolor(), keep_alpha=False) for bar in panel.patches]
               for panel in (both, partial)]
    assert colours[1] == [colours[0][0], colours[0][2]] and colours[0][1] != colours[0][2]
