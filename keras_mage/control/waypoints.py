"""Waypoints from the data: a graph over the dataset's states leads a goal-conditioned agent to far goals.

A goal-conditioned agent trained on hindsight goals reaches goals a few
hundred steps away but not a thousand (OGBench's giant maze). `WaypointGraph`
searches the replay buffer instead (as SoRB, Eysenbach et al. 2019, does with
a learned distance): its nodes are the states every `node_every` steps along
each trajectory, in the goal's features; an edge joins consecutive nodes of a
trajectory (weight: the steps between them) and each node to its nearest
nodes within `radius` (weight: their distance over the data's median step length), so
pieces of different trajectories join. `WaypointPolicy` gives the wrapped
policy, at every step, the node `lookahead` steps along the shortest path to
the goal as its goal, and the goal itself once it is that near.

The graph reads only the data: no maze, no learned value. Proximity edges
assume that nearby goal features are reachable from each other (true of
positions in a maze for a `radius` under a wall's thickness).

Example:

>>> policy = waypoint_policy(model, "keras_mage/ogbench/pointmaze-giant-navigate-v0", lookahead=10)  # doctest: +SKIP
>>> evaluate_tasks(policy, "keras_mage/ogbench/pointmaze-giant-navigate-v0", episodes=50)  # doctest: +SKIP
"""

import numpy as np

SEARCHES_KEPT = 64  # shortest-path trees cached (one per goal node, 16 bytes a node each)


class WaypointGraph:
    """Directed graph over goal-feature points; `waypoint` follows its shortest paths to a goal (module docstring).

    Args:
        points: (nodes, goal features) node positions.
        sources, targets, weights: the edges (node indices and steps).

    Example:

    >>> line = WaypointGraph(np.array([[0.0], [1.0], [2.0]]), [0, 1], [1, 2], [10.0, 10.0])
    >>> line.waypoint(np.array([0.1]), np.array([2.0]), lookahead=5.0).tolist()
    [1.0]
    """

    def __init__(self, points, sources, targets, weights):
        from scipy.spatial import cKDTree

        self.points = np.asarray(points, np.float64)
        if self.points.ndim != 2 or not len(self.points):
            raise ValueError(f"points must be a non-empty (nodes, features) array, got shape {self.points.shape}.")
        if not np.isfinite(self.points).all():
            raise ValueError("points hold NaN or infinite values: clean the dataset's observations first.")
        self.sources = np.asarray(sources, np.int64)
        self.targets = np.asarray(targets, np.int64)
        self.weights = np.asarray(weights, np.float64)
        self.tree = cKDTree(self.points)
        self._reverse = _reverse_matrix(len(self.points), self.sources, self.targets, self.weights)
        self._searches = {}  # goal node -> (steps to it, next node) per node

    @classmethod
    def from_episodes(cls, episodes, goal_dims, node_every=10, radius=None, neighbours=8):
        """The graph of a dataset's episodes (`EpisodeDataset` or a list of `Episode`), in `goal_dims` features.

        Each node is joined to its `neighbours` nearest nodes within `radius`
        (default: the median distance the data covers in 5 steps).
        """
        goal_dims = list(goal_dims)
        if node_every < 1:
            raise ValueError(f"node_every must be >= 1, got {node_every}.")
        points, sources, targets, weights, step_lengths = [], [], [], [], []
        first = 0
        for episode in episodes:
            trajectory = np.asarray(episode.observations, np.float64)[:, goal_dims]
            indices = np.unique(np.append(np.arange(0, len(trajectory), node_every), len(trajectory) - 1))
            points.append(trajectory[indices])
            nodes = first + np.arange(len(indices))
            sources.append(nodes[:-1])
            targets.append(nodes[1:])
            weights.append(np.diff(indices).astype(np.float64))
            step_lengths.append(np.linalg.norm(np.diff(trajectory, axis=0), axis=1))
            first += len(indices)
        if not points:
            raise ValueError("no episodes to build waypoints from.")
        points = np.concatenate(points)
        step_length = float(np.median(np.concatenate(step_lengths))) or 1.0
        radius = 5 * step_length if radius is None else float(radius)
        from scipy.spatial import cKDTree

        distances, near = cKDTree(points).query(points, k=neighbours + 1, distance_upper_bound=radius)
        found = np.isfinite(distances) & (near != np.arange(len(points))[:, None])
        here, there, steps = np.nonzero(found)[0], near[found], distances[found] / step_length
        return cls(points, np.concatenate(sources + [here, there]), np.concatenate(targets + [there, here]),
                   np.concatenate(weights + [steps, steps]))

    def _search(self, goal_node):
        """(steps from every node to `goal_node`, the next node on that path), cached per goal node."""
        if goal_node not in self._searches:
            from scipy.sparse.csgraph import dijkstra

            if len(self._searches) >= SEARCHES_KEPT:
                del self._searches[next(iter(self._searches))]  # the oldest

            steps, predecessors = dijkstra(self._reverse, indices=goal_node, return_predecessors=True)
            self._searches[goal_node] = (steps, predecessors)  # reversed graph: a node's predecessor is its next hop
        return self._searches[goal_node]

    def waypoint(self, position, goal, lookahead):
        """The point `lookahead` steps along the shortest path from `position` to `goal`, or `goal` if nearer.

        Unreachable goals (no path in the data) return `goal`.
        """
        goal_node = int(self.tree.query(goal)[1])
        steps, next_node = self._search(goal_node)
        node = int(self.tree.query(position)[1])
        if not np.isfinite(steps[node]) or steps[node] <= lookahead:
            return np.asarray(goal, np.float64)
        travelled = 0.0
        while travelled < lookahead and node != goal_node:
            following = int(next_node[node])
            travelled += steps[node] - steps[following]
            node = following
        return self.points[node]


def _reverse_matrix(size, sources, targets, weights):
    """Sparse (size, size) matrix of the reversed edges, the lightest of parallel edges kept."""
    from scipy.sparse import csr_matrix

    order = np.lexsort((weights, sources, targets))
    pairs = np.stack([targets[order], sources[order]], axis=1)
    first = np.ones(len(order), bool)
    first[1:] = (pairs[1:] != pairs[:-1]).any(axis=1)
    keep = order[first]
    return csr_matrix((weights[keep], (targets[keep], sources[keep])), shape=(size, size))


class WaypointPolicy:
    """Wraps a goal-conditioned policy: each step's goal becomes the graph's waypoint toward the episode's goal.

    Args:
        policy: a policy with `act(observations)`, `reset(mask)`, `observe(rewards, done)` acting on dict
            observations (achieved_goal, observation, desired_goal), e.g. `MAGEPolicy(model)`.
        graph: a `WaypointGraph` in the goals' features.
        goal_dims: which state features (achieved_goal then observation) the goals are.
        lookahead: how many steps ahead, along the data's shortest path, each waypoint lies.
    """

    def __init__(self, policy, graph, goal_dims, lookahead=10):
        if lookahead <= 0:
            raise ValueError(f"lookahead must be > 0 steps, got {lookahead}.")
        self.policy = policy
        self.graph = graph
        self.goal_dims = list(goal_dims)
        self.lookahead = float(lookahead)
        self.model = getattr(policy, "model", None)
        self.options = getattr(policy, "options", None)

    def reset(self, mask=None):
        self.policy.reset(mask)

    def observe(self, rewards, done=None):
        self.policy.observe(rewards, done)

    def act(self, observations):
        from keras_mage.data import split_observation

        states, goals = split_observation(observations)
        single = states.ndim == 1
        states, goals = np.atleast_2d(states), np.atleast_2d(goals)
        waypoints = [self.graph.waypoint(state[self.goal_dims], goal, self.lookahead)
                     for state, goal in zip(states, goals)]
        waypoints = np.asarray(waypoints, np.float32)
        observations = {**observations, "desired_goal": waypoints[0] if single else waypoints}
        return self.policy.act(observations)


def waypoint_policy(agent, dataset, lookahead=10, goal_dims=None, policy_options=None, **graph_options):
    """`WaypointPolicy` over `agent` with the graph of `dataset`'s episodes.

    Args:
        agent: a goal-conditioned model (acting through `policy_for(agent, policy_options)`) or a policy.
        dataset: a dataset id, path or `EpisodeDataset` (`keras_mage.data.sources.load_episodes` reads it),
            or a `WaypointGraph` already built from one (agents of one dataset can share it).
        lookahead: steps ahead along the data's shortest path that each waypoint lies.
        goal_dims: the state features goals are (default: the model's `hindsight_goals`).
        graph_options: `WaypointGraph.from_episodes` options (node_every, radius, neighbours).
    """
    from keras_mage.control.history_policy import policy_for
    from keras_mage.data import EpisodeDataset
    from keras_mage.data.sources import load_episodes

    model = getattr(agent, "model", agent)
    goal_dims = goal_dims if goal_dims is not None else getattr(model, "hindsight_goals", None)
    if not goal_dims:
        raise ValueError("waypoints need the state features goals are: pass goal_dims= (e.g. (0, 1) for a maze's "
                         "x, y) or an agent trained with hindsight_goals.")
    is_model = hasattr(agent, "predict_actions") or getattr(agent, "acts_on_history", False) is True
    policy = policy_for(agent, policy_options or {}) if is_model else agent
    graph = dataset
    if not isinstance(dataset, WaypointGraph):
        episodes = dataset if isinstance(dataset, EpisodeDataset) else load_episodes(dataset)
        graph = WaypointGraph.from_episodes(episodes, goal_dims, **graph_options)
    return WaypointPolicy(policy, graph, goal_dims, lookahead=lookahead)
