"""Whether goal-conditioned agents head along the shortest route to OGBench's far task goals, and where MAGE loses it.

Pairs states of an OGBench PointMaze dataset (drawn, seeded, from its
validation split by default) with each of the maze's five evaluation-task goals and
compares every agent's first action with the route's direction there: toward
the next cell on the shortest route (OGBench's `get_oracle_subgoal`, the
controller that collected the data), or toward the goal itself inside its
cell. Pairs are split by how the route bends: `detour` where it leads away
from the straight line to the goal (cosine < 0), `bent` (0 to 0.7), `direct`
(>= 0.7). Prints, per class, the mean cosine between action and route and
the share of actions within 90 degrees of it.

For MAGE agents it also prints the direction of the generated plan itself
(the decoded positions `--plan-entries` entries ahead, from the plan that
acting generates: greedy, from the return head's R_0), which says whether a
wrong action comes from the plan or from the action head reading it.

Example:

    KERAS_BACKEND=jax python studies/route_following.py keras_mage/ogbench/pointmaze-large-navigate-v0 \\
        runs/ogbench_geometric/pointmaze-large-navigate-v0/mage_seed0/agent \\
        runs/ogbench_geometric/pointmaze-large-navigate-v0/bc_seed0/model.keras
"""

import argparse
import os

import numpy as np

# Route bends, by the cosine between the route's direction and the straight line to the goal:
# detour below the first edge, bent between the edges, direct from the second.
BENDS = ("detour", "bent", "direct")
BEND_EDGES = (0.0, 0.7)
POSITION_DIMS = 2  # PointMaze observations start with x, y; goals are x, y


def cosine(a, b):
    """Row-wise cosine similarity of (n, d) arrays (0 where either row is zero).

    >>> cosine(np.array([[1.0, 0.0], [1.0, 1.0]]), np.array([[2.0, 0.0], [-1.0, -1.0]])).round(3).tolist()
    [1.0, -1.0]
    """
    norms = np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1)
    return np.where(norms > 0, np.sum(a * b, axis=-1) / np.maximum(norms, 1e-12), 0.0)


def route_directions(maze, positions, goal):
    """(n, 2) vectors from each position along the shortest route to `goal` (`ogbench_tasks.route_direction`).

    `maze`: an OGBench maze env (`env.unwrapped`), or anything with its
    `xy_to_ij` and `get_oracle_subgoal`.
    """
    from keras_mage.control.ogbench_tasks import route_direction

    goal = np.asarray(goal, dtype=np.float64)
    return np.asarray([route_direction(maze, xy, goal) for xy in np.asarray(positions, dtype=np.float64)])


def bend_classes(route, straight):
    """{class: boolean mask} over pairs, by the cosine of the route's direction and the straight line (`BENDS`)."""
    index = np.digitize(cosine(route, straight), BEND_EDGES)
    return {name: index == i for i, name in enumerate(BENDS)}


def summarise(cosines, classes):
    """{class: (mean cosine, share > 0, pairs)}; classes without pairs give NaNs.

    >>> summarise(np.array([1.0, -0.5, 0.5]), {"detour": np.array([False, True, True])})["detour"]
    (0.0, 0.5, 2)
    """
    return {name: (float(np.mean(cosines[mask])) if mask.any() else float("nan"),
                   float(np.mean(cosines[mask] > 0)) if mask.any() else float("nan"), int(mask.sum()))
            for name, mask in classes.items()}


def mage_plan_displacements(model, observations, goals, entries):
    """{entry: (n, 2)} raw displacement of the generated plan's position `entry` entries ahead of its first.

    The plan acting generates: greedy, conditioned on the target return
    `predict_actions` uses by default (`compiled.default_target_returns`).
    """
    from keras import ops

    from keras_mage.models.acting import statistics_of
    from keras_mage.models.compiled import default_target_returns

    statistics = statistics_of(model)
    targets = default_target_returns(model, observations, goals)
    returns = statistics.scale_returns(ops.convert_to_tensor(targets, "float32"))
    states = statistics.normalize_states(ops.convert_to_tensor(observations, "float32"))
    goals = statistics.normalize_goals(ops.convert_to_tensor(goals, "float32"))
    condition = model.condition_vector(states, goals, returns)
    _, plan = model.generate(condition)
    decoded = ops.convert_to_numpy(model.decoder(plan, condition))  # (n, H, 1 + ds): R, then the state
    positions = decoded[:, :, 1 : 1 + POSITION_DIMS] * statistics.observation_std[:POSITION_DIMS]
    return {entry: positions[:, entry] - positions[:, 0] for entry in entries if entry < positions.shape[1]}


def dataset_states(dataset, split, count, seed=0):
    """`count` raw states drawn (seeded) from an OGBench dataset's split, as (count, ds)."""
    from keras_mage.data.sources.ogbench_source import load_ogbench

    observations = np.concatenate([episode.observations for episode in load_ogbench(dataset, split=split)])
    rows = np.random.default_rng(seed).choice(len(observations), size=min(count, len(observations)), replace=False)
    return observations[np.sort(rows)]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dataset", help="an OGBench name (keras_mage/ogbench/<name> for the regeneration) or .npz path")
    parser.add_argument("agents", nargs="+", help="MAGE agent directories or .keras files (MAGE or GCBC)")
    parser.add_argument("--split", choices=("train", "val"), default="val")
    parser.add_argument("--states", type=int, default=1024, help="dataset states paired with each task goal")
    parser.add_argument("--plan-entries", type=int, nargs="+", default=[1, 4], help="MAGE plan entries to read")
    parser.add_argument("--seed", type=int, default=0, help="which states are drawn")
    args = parser.parse_args()

    import gymnasium
    import ogbench.locomaze  # noqa: F401  registers the mazes

    import keras_mage
    from keras_mage.models.agent_directory import load_model_file, model_file
    from keras_mage.datagen.catalogue import ogbench_env_id

    maze = gymnasium.make(ogbench_env_id(os.path.basename(args.dataset).removesuffix(".npz"))).unwrapped
    states = dataset_states(args.dataset, args.split, args.states, args.seed)
    positions = states[:, :POSITION_DIMS]
    goals = [np.asarray(task["goal_xy"], dtype=np.float32) for task in maze.task_infos]
    routes = np.concatenate([route_directions(maze, positions, goal) for goal in goals])
    classes = bend_classes(routes, np.concatenate([goal - positions for goal in goals]))
    print(f"{len(routes)} (state, task goal) pairs: "
          + ", ".join(f"{name} {int(mask.sum())}" for name, mask in classes.items()))
    print("| agent | " + " | ".join(f"{name}: cosine (share right way)" for name in classes) + " |")
    print("|---|" + "---|" * len(classes))
    for path in args.agents:
        model = load_model_file(model_file(path) if os.path.isdir(path) else path)
        rows = {"first action": []}
        for goal in goals:
            goal_rows = np.repeat(goal[None], len(states), axis=0)
            rows["first action"].append(model.predict_actions(states, goal_rows)[:, 0])
            if isinstance(model, keras_mage.MAGE):
                for entry, move in mage_plan_displacements(model, states, goal_rows, args.plan_entries).items():
                    rows.setdefault(f"plan, entry {entry}", []).append(move)
        for name, moves in rows.items():
            cells = summarise(cosine(np.concatenate(moves), routes), classes)
            print(f"| {path}: {name} | " + " | ".join(f"{mean:+.2f} ({share:.2f})" for mean, share, _ in cells.values())
                  + " |", flush=True)


if __name__ == "__main__":
    main()
