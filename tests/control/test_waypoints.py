"""Waypoints from the data: the graph's shortest paths, trajectories joined where they meet, the wrapped policy."""

import numpy as np
import pytest

from keras_mage.control.ogbench_tasks import OraclePolicy, evaluate_tasks
from keras_mage.control.waypoints import WaypointGraph, WaypointPolicy, waypoint_policy
from keras_mage.data import Episode, EpisodeDataset


def _episode(xy):
    xy = np.asarray(xy, np.float32)
    steps = len(xy) - 1
    return Episode(observations=xy, goals=None, actions=np.zeros((steps, 2)), rewards=np.zeros(steps),
                   terminations=np.zeros(steps), truncations=np.zeros(steps))


def _line(start, end, steps):
    return np.linspace(start, end, steps + 1)


class TowardsTheGoal:
    """Pushes straight at its goal; records the goals it was given."""

    def __init__(self):
        self.goals = []

    def reset(self, mask=None):
        pass

    def act(self, observations):
        self.goals.append(np.array(observations["desired_goal"], copy=True))
        return np.clip(observations["desired_goal"] - observations["achieved_goal"], -1.0, 1.0)

    def observe(self, rewards, done):
        pass


def test_waypoints_follow_the_shortest_path_and_end_at_the_goal():
    # 0 -> 1 -> 2 costs 20 steps; the direct edge 0 -> 2 costs 50: the path goes through node 1.
    graph = WaypointGraph(np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0]]), [0, 1, 0], [1, 2, 2], [10.0, 10.0, 50.0])
    goal = np.array([2.1, 0.0])
    np.testing.assert_array_equal(graph.waypoint(np.array([0.0, 0.1]), goal, lookahead=5.0), [1.0, 0.0])
    np.testing.assert_array_equal(graph.waypoint(np.array([0.0, 0.1]), goal, lookahead=15.0), [2.0, 0.0])
    np.testing.assert_array_equal(graph.waypoint(np.array([1.0, 0.0]), goal, lookahead=10.0), goal)  # near: the goal
    np.testing.assert_array_equal(graph.waypoint(np.array([2.0, 0.0]), np.array([0.0, 0.0]), 5.0), [0.0, 0.0])


def test_parallel_edges_keep_the_lightest():
    graph = WaypointGraph(np.array([[0.0], [1.0], [9.0]]), [0, 0, 1], [1, 1, 2], [30.0, 2.0, 2.0])
    steps, _ = graph._search(2)
    assert steps[0] == 4.0  # 2 + 2, not 30 + 2 nor the sum 32 + 2


def test_trajectories_that_meet_are_joined():
    first = _episode(_line([0.0, 0.0], [10.0, 0.0], 50))  # steps of 0.2
    second = _episode(_line([10.0, 0.1], [10.0, 10.1], 50))  # starts 0.1 from where the first ends
    graph = WaypointGraph.from_episodes(EpisodeDataset([first, second]), goal_dims=(0, 1), node_every=6)
    assert len(graph.points) == 20  # steps 0, 6, ..., 48 and the last, 50, of each trajectory
    steps, _ = graph._search(len(graph.points) - 1)
    assert 100.0 <= steps[0] <= 101.0  # 50 steps along each, joined where they meet
    waypoint = graph.waypoint(np.array([9.5, 0.0]), np.array([10.0, 10.1]), lookahead=20.0)
    assert waypoint[0] == pytest.approx(10.0) and waypoint[1] > 1.0  # already on the second trajectory
    lonely = WaypointGraph.from_episodes([first], goal_dims=(0, 1), node_every=6)
    back = np.array([0.0, 0.0])  # the data never goes back: no path, so the waypoint is the goal itself
    np.testing.assert_array_equal(lonely.waypoint(np.array([10.0, 0.0]), back, 20.0), back)


def test_bad_graphs_and_options_are_refused():
    with pytest.raises(ValueError, match="NaN"):
        WaypointGraph(np.array([[0.0], [np.nan]]), [0], [1], [1.0])
    with pytest.raises(ValueError, match="non-empty"):
        WaypointGraph(np.zeros((0, 2)), [], [], [])
    with pytest.raises(ValueError, match="no episodes"):
        WaypointGraph.from_episodes([], goal_dims=(0, 1))
    with pytest.raises(ValueError, match="node_every"):
        WaypointGraph.from_episodes([_episode(_line([0, 0], [1, 0], 5))], goal_dims=(0, 1), node_every=0)
    graph = WaypointGraph(np.zeros((1, 2)), [], [], [])
    with pytest.raises(ValueError, match="lookahead"):
        WaypointPolicy(TowardsTheGoal(), graph, (0, 1), lookahead=0)
    with pytest.raises(ValueError, match="goal_dims"):
        waypoint_policy(TowardsTheGoal(), EpisodeDataset([_episode(_line([0, 0], [1, 0], 5))]))


def test_the_policy_sees_the_waypoint_as_its_goal():
    data = EpisodeDataset([_episode(_line([0.0, 0.0], [10.0, 0.0], 50))])
    inner = TowardsTheGoal()
    policy = waypoint_policy(inner, data, lookahead=10, goal_dims=(0, 1), node_every=6)  # nodes 1.2 apart
    observations = {"achieved_goal": np.array([[0.0, 0.0], [9.5, 0.0]]), "observation": np.zeros((2, 0)),
                    "desired_goal": np.array([[10.0, 0.0], [10.0, 0.0]])}
    actions = policy.act(observations)
    np.testing.assert_allclose(inner.goals[-1], [[2.4, 0.0], [10.0, 0.0]])  # 12 steps along; near: the goal itself
    np.testing.assert_allclose(actions, [[1.0, 0.0], [0.5, 0.0]])
    single = {key: value[0] for key, value in observations.items()}
    policy.act(single)
    np.testing.assert_allclose(inner.goals[-1], [2.4, 0.0])
    shared = waypoint_policy(TowardsTheGoal(), policy.graph, lookahead=10, goal_dims=(0, 1))  # a graph, reused
    assert shared.graph is policy.graph


def test_waypoints_from_the_oracles_paths_lead_a_straight_pusher_around_the_walls():
    # OGBench's medium maze, task 3: pushing straight at the goal runs into a wall; two noisy oracle paths are data.
    oracle = evaluate_tasks(OraclePolicy("pointmaze-medium-v0", noise=0.5), "pointmaze-medium-navigate-v0",
                            episodes=2, tasks=(3,), num_envs=2, seed=100, progress=False)
    data = EpisodeDataset([_episode(path["xy"]) for path in oracle["tasks"][0]["trajectories"]])
    options = dict(episodes=2, tasks=(3,), num_envs=2, progress=False)
    straight = evaluate_tasks(TowardsTheGoal(), "pointmaze-medium-navigate-v0", **options)
    guided = evaluate_tasks(waypoint_policy(TowardsTheGoal(), data, lookahead=10, goal_dims=(0, 1)),
                            "pointmaze-medium-navigate-v0", **options)
    assert straight["success_rate"] == 0.0 and guided["success_rate"] == 1.0


def test_the_search_cache_keeps_the_newest_goals_only(monkeypatch):
    from keras_mage.control import waypoints

    monkeypatch.setattr(waypoints, "SEARCHES_KEPT", 2)
    graph = WaypointGraph(np.array([[0.0], [1.0], [2.0]]), [0, 1], [1, 2], [1.0, 1.0])
    for goal_node in (0, 1, 2):
        graph._search(goal_node)
    assert sorted(graph._searches) == [1, 2]
