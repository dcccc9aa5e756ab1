"""How far each OGBench evaluation task's route leads away from its goal, beside the agents' success on it.

For every maze of the finished OGBench runs under the given output
directories (`recipes/ogbench.py --output-dir`), the shortest route through
the maze's cells from each task's start to its goal, and along it the
distance travelled away from the goal (the sum of the rises in straight-line
distance to the goal; 0 when every step on the route comes nearer). A
policy that heads for the goal's direction fails the tasks whose route first
leads away. Prints one markdown table per maze: route length, straight-line
distance, distance away, and each agent's success per task (mean over seeds).

Example:

    KERAS_BACKEND=jax python studies/task_detours.py runs/ogbench_geometric runs/ogbench_geometric_waypoints
"""

import argparse
import collections
import os

import numpy as np


def shortest_route(maze_map, start, goal):
    """Cells (row, col) of a shortest 4-connected route over free cells (value 0) from `start` to `goal`."""
    previous = {tuple(start): None}
    queue = collections.deque([tuple(start)])
    while queue:
        cell = queue.popleft()
        if cell == tuple(goal):
            break
        for step in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            after = (cell[0] + step[0], cell[1] + step[1])
            if after not in previous and maze_map[after] == 0:
                previous[after] = cell
                queue.append(after)
    if tuple(goal) not in previous:
        raise ValueError(f"no route from {start} to {goal} in the maze")
    route, cell = [], tuple(goal)
    while cell is not None:
        route.append(cell)
        cell = previous[cell]
    return route[::-1]


def route_detour(xy, goal_xy):
    """(route length, straight-line distance, distance travelled away from `goal_xy`) of the route's points `xy`."""
    xy = np.asarray(xy, float)
    to_goal = np.linalg.norm(xy - np.asarray(goal_xy, float), axis=-1)
    length = float(np.linalg.norm(np.diff(xy, axis=0), axis=-1).sum())
    return length, float(to_goal[0]), float(np.clip(np.diff(to_goal), 0, None).sum())


def task_routes(env_id):
    """{task id: (length, straight-line distance, distance away)} of an OGBench maze's evaluation tasks."""
    import gymnasium as gym
    import ogbench  # noqa: F401  (registers the envs)

    maze = gym.make(env_id).unwrapped
    routes = {}
    for task_id, info in enumerate(maze.task_infos, start=1):
        cells = shortest_route(maze.maze_map, info["init_ij"], info["goal_ij"])
        routes[task_id] = route_detour([maze.ij_to_xy(cell) for cell in cells], info["goal_xy"])
    return routes


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("output_dirs", nargs="+", help="`recipes/ogbench.py --output-dir` directories")
    args = parser.parse_args()

    from keras_mage.runs.ogbench_runs import collect_reports

    success = collections.defaultdict(dict)  # dataset -> column -> {task: mean success}
    env_ids = {}
    for output_dir in args.output_dirs:
        for dataset, agents in collect_reports(output_dir).items():
            for agent, reports in agents.items():
                column = f"{agent} ({os.path.basename(os.path.normpath(output_dir))})"
                tasks = reports[0]["tasks"]
                success[dataset][column] = {t: np.mean([r["tasks"][t] for r in reports]) for t in tasks}
                env_ids[dataset] = reports[0]["env_id"]
    for dataset, columns in sorted(success.items()):
        routes = task_routes(env_ids[dataset])
        print(f"\n{dataset} (success: mean over seeds)\n")
        print("| task | route | straight | away | " + " | ".join(columns) + " |")
        print("|---" * (4 + len(columns)) + "|")
        for task_id, (length, straight, away) in routes.items():
            rates = " | ".join(f"{columns[c].get(str(task_id), float('nan')):.2f}" for c in columns)
            print(f"| {task_id} | {length:.0f} | {straight:.0f} | {away:.0f} | {rates} |")


if __name__ == "__main__":
    main()
