"""studies/route_following.py: agents' first actions and MAGE's plans against the maze's shortest route."""

import os
import runpy

import numpy as np
import pytest

STUDY = runpy.run_path(os.path.join(os.path.dirname(__file__), "..", "..", "studies", "route_following.py"))


def test_cosine_is_row_wise_and_zero_for_a_zero_vector():
    a = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    b = np.array([[2.0, 0.0], [-1.0, -1.0], [1.0, 0.0]])
    np.testing.assert_allclose(STUDY["cosine"](a, b), [1.0, -1.0, 0.0], atol=1e-12)


def test_bend_classes_split_pairs_by_the_route_against_the_straight_line():
    straight = np.array([[1.0, 0.0]] * 4)
    route = np.array([[-1.0, 0.1], [0.5, 1.0], [1.0, 0.1], [0.0, 1.0]])  # away, bent, direct, at 90 degrees
    classes = STUDY["bend_classes"](route, straight)
    assert [name for name in classes] == ["detour", "bent", "direct"]
    assert classes["detour"].tolist() == [True, False, False, False]
    assert classes["bent"].tolist() == [False, True, False, True]
    assert classes["direct"].tolist() == [False, False, True, False]


def test_summarise_gives_mean_share_and_count_per_class():
    cosines = np.array([1.0, -0.5, 0.5, 0.2])
    summary = STUDY["summarise"](cosines, {"detour": np.array([False, True, True, False]),
                                           "direct": np.zeros(4, bool)})
    assert summary["detour"] == (0.0, 0.5, 2)
    assert np.isnan(summary["direct"][0]) and summary["direct"][2] == 0


class CorridorMaze:
    """Cells of width 1 along x; the oracle's subgoal is always the centre of the cell left of the position."""

    def xy_to_ij(self, xy):
        return (0, int(np.floor(xy[0])))

    def get_oracle_subgoal(self, start_xy, goal_xy):
        return np.array([np.floor(start_xy[0]) - 0.5, 0.5]), None


def test_route_directions_follow_the_oracle_and_head_for_the_goal_in_its_cell():
    directions = STUDY["route_directions"](CorridorMaze(), [[3.5, 0.5], [0.2, 0.5]], goal=[0.8, 0.5])
    np.testing.assert_allclose(directions[0], [-1.0, 0.0])  # toward the next cell's centre
    np.testing.assert_allclose(directions[1], [0.6, 0.0])  # in the goal's cell: the goal itself


def test_large_maze_task_starts_are_classed_by_their_first_move():
    gymnasium = pytest.importorskip("gymnasium")
    pytest.importorskip("ogbench")
    import ogbench.locomaze  # noqa: F401

    maze = gymnasium.make("pointmaze-large-v0").unwrapped
    classes = {}
    for number in (3, 4):  # task 4's route first leads away from its goal, task 3's heads for it
        task = maze.task_infos[number - 1]
        start, goal = np.asarray([task["init_xy"]]), np.asarray(task["goal_xy"])
        bends = STUDY["bend_classes"](STUDY["route_directions"](maze, start, goal), goal - start)
        classes[number] = [name for name, mask in bends.items() if mask[0]]
    assert classes == {3: ["direct"], 4: ["detour"]}


def test_dataset_states_draws_seeded_rows_of_the_split(tmp_path):
    observations = np.arange(40, dtype=np.float32).reshape(20, 2)
    terminals = np.zeros(20, np.float32)
    terminals[[9, 19]] = 1.0
    np.savez(tmp_path / "toy-v0.npz", observations=observations, actions=np.zeros((20, 2), np.float32),
             terminals=terminals)
    states = STUDY["dataset_states"](str(tmp_path / "toy-v0.npz"), "train", 5, seed=3)
    again = STUDY["dataset_states"](str(tmp_path / "toy-v0.npz"), "train", 5, seed=3)
    assert states.shape == (5, 2) and np.array_equal(states, again)
    assert set(states[:, 0].tolist()) <= set(observations[:, 0].tolist())
    with pytest.raises(FileNotFoundError):
        STUDY["dataset_states"](str(tmp_path / "toy-v0.npz"), "val", 5)


def test_mage_plan_displacements_read_the_greedy_plan_entries_ahead(trained_tiny):
    model, _ = trained_tiny
    rng = np.random.default_rng(0)
    states, goals = rng.normal(size=(6, 4)).astype("float32"), rng.normal(size=(6, 2)).astype("float32")
    moves = STUDY["mage_plan_displacements"](model, states, goals, entries=[1, 4, model.horizon])
    assert sorted(moves) == [1, 4]  # entries beyond the plan are left out
    assert moves[1].shape == (6, 2) and np.all(np.isfinite(moves[4]))
    again = STUDY["mage_plan_displacements"](model, states, goals, entries=[4])
    np.testing.assert_allclose(again[4], moves[4], rtol=1e-5, atol=1e-6)
