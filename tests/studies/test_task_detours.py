"""studies/task_detours.py: shortest routes through a maze and how far they lead away from the goal."""

import os
import runpy

import numpy as np
import pytest

STUDY = runpy.run_path(os.path.join(os.path.dirname(__file__), "..", "..", "studies", "task_detours.py"))

# 1 = wall. From (1, 1) to (1, 3) the route must go down around the wall at (1, 2).
U_MAZE = np.array([
    [1, 1, 1, 1, 1],
    [1, 0, 1, 0, 1],
    [1, 0, 0, 0, 1],
    [1, 1, 1, 1, 1],
])


def test_shortest_route_goes_around_walls():
    route = STUDY["shortest_route"](U_MAZE, (1, 1), (1, 3))
    assert route == [(1, 1), (2, 1), (2, 2), (2, 3), (1, 3)]
    with pytest.raises(ValueError, match="no route"):
        STUDY["shortest_route"](np.pad(U_MAZE[:2], ((0, 1), (0, 0)), constant_values=1), (1, 1), (1, 3))


def test_route_detour_counts_only_the_distance_travelled_away():
    length, straight, away = STUDY["route_detour"]([(0, 0), (1, 0), (2, 0)], (2, 0))
    assert (length, straight, away) == (2.0, 2.0, 0.0)
    length, straight, away = STUDY["route_detour"]([(0, 0), (-1, 0), (-1, 1), (1, 1)], (1, 1))
    assert length == 4.0 and straight == pytest.approx(np.sqrt(2))
    assert away == pytest.approx(np.hypot(2, 1) - np.sqrt(2))  # the first step only leads away


def test_ogbench_large_maze_tasks():
    pytest.importorskip("ogbench")
    routes = STUDY["task_routes"]("pointmaze-large-v0")
    assert sorted(routes) == [1, 2, 3, 4, 5]
    assert routes[1][2] == 0.0 and routes[2][2] > 10  # task 1 heads straight on; task 2 first leads away
    assert all(length >= straight for length, straight, _ in routes.values())
