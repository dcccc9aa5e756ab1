import pytest

from keras_mage.datagen.maze_planner import MazePlanner

U_MAZE = [[1, 1, 1, 1, 1],
          [1, "g", 0, 0, 1],
          [1, 1, 1, 0, 1],
          [1, "r", 0, 0, 1],
          [1, 1, 1, 1, 1]]


def test_bfs_distances_follow_the_u():
    dist = MazePlanner(U_MAZE).distances((1, 1))
    assert dist == {(1, 1): 0, (1, 2): 1, (1, 3): 2, (2, 3): 3, (3, 3): 4, (3, 2): 5, (3, 1): 6}


def test_next_cell_walks_the_shortest_path_to_the_goal():
    planner = MazePlanner(U_MAZE)
    path, cell = [(3, 1)], (3, 1)
    while cell != (1, 1):
        cell = planner.next_cell(cell, (1, 1))
        path.append(cell)
    assert path == [(3, 1), (3, 2), (3, 3), (2, 3), (1, 3), (1, 2), (1, 1)]
    assert planner.next_cell((1, 1), (1, 1)) == (1, 1)


def test_walls_have_no_next_cell_and_cannot_be_goals():
    planner = MazePlanner(U_MAZE)
    assert planner.next_cell((2, 1), (1, 1)) is None
    with pytest.raises(ValueError, match="wall"):
        planner.distances((0, 0))
