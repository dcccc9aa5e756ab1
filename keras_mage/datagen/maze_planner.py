"""Breadth-first search over a Gymnasium-Robotics maze's cell grid.

Shared by the PointMaze and AntMaze controllers: the next cell to head for is
the free neighbour with the smallest BFS distance to the goal cell.

Example:
    >>> planner = MazePlanner([[1, 1, 1, 1, 1],
    ...                        [1, 0, 0, 0, 1],
    ...                        [1, 1, 1, 0, 1],
    ...                        [1, 0, 0, 0, 1],
    ...                        [1, 1, 1, 1, 1]])
    >>> planner.next_cell((3, 1), (1, 1))
    (3, 2)
"""

from collections import deque

_MOVES = ((-1, 0), (1, 0), (0, -1), (0, 1))


class MazePlanner:
    """Next-cell planner for a maze map (``1`` = wall, anything else free).

    Distances from each goal cell are computed once and cached.
    """

    def __init__(self, maze_map):
        self.free = {
            (r, c)
            for r, row in enumerate(maze_map)
            for c, cell in enumerate(row)
            if not (isinstance(cell, int) and cell == 1)
        }
        self._distances = {}

    def distances(self, goal_cell):
        """BFS step counts from every reachable free cell to ``goal_cell``."""
        goal_cell = tuple(int(v) for v in goal_cell)
        if goal_cell not in self._distances:
            if goal_cell not in self.free:
                raise ValueError(f"Goal cell {goal_cell} is a wall or outside the maze.")
            self._distances[goal_cell] = breadth_first_distances(self.free, goal_cell)
        return self._distances[goal_cell]

    def next_cell(self, cell, goal_cell):
        """Neighbour of ``cell`` one step closer to ``goal_cell``.

        Returns ``goal_cell`` when already there, and ``None`` when ``cell`` is
        a wall or cannot reach the goal.
        """
        cell = tuple(int(v) for v in cell)
        dist = self.distances(goal_cell)
        if cell not in dist:
            return None
        if dist[cell] == 0:
            return cell
        r, c = cell
        neighbours = [(r + dr, c + dc) for dr, dc in _MOVES]
        return min((n for n in neighbours if n in dist), key=dist.__getitem__)

    @classmethod
    def for_env(cls, env):
        """Planner for a (wrapped) Gymnasium-Robotics maze env."""
        return cls(env.unwrapped.maze.maze_map)


def breadth_first_distances(free, start, moves=_MOVES):
    """Steps from ``start`` to each cell of ``free`` it reaches, in the order visited (``moves`` in turn).

    Example:
        >>> breadth_first_distances({(0, 0), (0, 1), (1, 1)}, (0, 0))
        {(0, 0): 0, (0, 1): 1, (1, 1): 2}
    """
    distances, queue = {start: 0}, deque([start])
    while queue:
        r, c = queue.popleft()
        for dr, dc in moves:
            cell = (r + dr, c + dc)
            if cell in free and cell not in distances:
                distances[cell] = distances[(r, c)] + 1
                queue.append(cell)
    return distances
