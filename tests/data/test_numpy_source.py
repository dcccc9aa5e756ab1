import numpy as np
import pytest

from keras_mage.data import Episode, EpisodeDataset, load_episodes
from keras_mage.data.sources.numpy_source import split_flat


def flat_arrays(rows=7):
    return {
        "observations": np.arange(rows, dtype=np.float32)[:, None].repeat(2, 1),
        "actions": np.arange(rows, dtype=np.float32)[:, None],
        "rewards": np.ones((rows, 1)),  # D4RL stores (N, 1) rewards
        "terminals": np.array([0, 1, 0, 0, 0, 0, 0][:rows]),
        "timeouts": np.array([0, 0, 0, 0, 1, 0, 0][:rows]),
        "infos/goal": np.arange(rows, dtype=np.float32)[:, None].repeat(2, 1) + 100,
    }


def test_flat_arrays_split_at_terminals_and_timeouts():
    episodes = split_flat(flat_arrays(), goal_key="goal")
    assert [len(episode) for episode in episodes] == [2, 3, 2]
    first, second, last = episodes
    assert first.terminations.tolist() == [False, True] and first.truncations.tolist() == [False, False]
    assert second.truncations.tolist() == [False, False, True]
    assert last.truncations.tolist() == [False, True]  # the unfinished tail is truncated
    # Without next_observations the final state repeats the last one.
    assert first.observations[:, 0].tolist() == [0, 1, 1]
    assert second.goals[:, 0].tolist() == [102, 103, 104, 104]
    assert second.infos["goal"].shape == (3, 2) and [e.id for e in episodes] == [0, 1, 2]


def test_next_observations_give_the_final_state():
    arrays = flat_arrays()
    arrays["next_observations"] = arrays["observations"] + 0.5
    assert split_flat(arrays)[0].observations[:, 0].tolist() == [0, 1, 1.5]
    assert split_flat(arrays)[0].goals is None


def test_list_of_dicts_with_goal_observations():
    item = {
        "observations": {
            "observation": np.zeros((4, 4)),
            "achieved_goal": np.ones((4, 2)),
            "desired_goal": np.full((4, 2), 5.0),
        },
        "actions": np.zeros((3, 2)),
        "rewards": np.zeros(3),
        "infos": {"success": np.array([0, 0, 1])},
    }
    dataset = load_episodes([item, item], dataset_id="mine")
    assert isinstance(dataset, EpisodeDataset) and dataset.dataset_id == "mine"
    assert (dataset.state_dim, dataset.goal_dim) == (6, 2) and dataset[1].id == 1
    assert dataset[0].terminations.tolist() == [False] * 3


def test_list_of_episodes_and_npz(tmp_path, make_episode):
    assert len(load_episodes([make_episode(2), make_episode(3)])) == 2
    path = tmp_path / "flat.npz"
    np.savez(path, **{key.replace("/", "_"): value for key, value in flat_arrays().items()})
    dataset = load_episodes(path)
    assert len(dataset) == 3 and dataset.dataset_id == str(path)


def test_bad_inputs_are_named():
    with pytest.raises(ValueError, match=r"episode 0: missing \['rewards'\]"):
        load_episodes([{"observations": np.zeros((2, 1)), "actions": np.zeros((1, 1))}])
    arrays = flat_arrays()
    arrays["rewards"] = arrays["rewards"][:-1]
    with pytest.raises(ValueError, match="`rewards` has 6 rows but `observations` has 7"):
        split_flat(arrays)
    with pytest.raises(ValueError, match="terminals and/or timeouts"):
        split_flat({"observations": np.zeros((2, 1)), "actions": np.zeros((2, 1)), "rewards": np.zeros(2)})
    with pytest.raises(ValueError, match="goal_key 'target' is not among the infos"):
        split_flat(flat_arrays(), goal_key="target")
    with pytest.raises(TypeError, match="episode 0: expected an Episode or a dict"):
        load_episodes([3])


def test_nan_reward_names_episode_and_field():
    arrays = flat_arrays()
    arrays["rewards"] = arrays["rewards"].copy()
    arrays["rewards"][3] = np.nan
    with pytest.raises(ValueError, match=r"episode 1: `rewards` holds NaN or inf \(first at index 1\)"):
        load_episodes(arrays)


def test_empty_inputs_are_clear_errors():
    with pytest.raises(ValueError, match="has no episodes"):
        load_episodes([])
    empty = {key: value[:0] for key, value in flat_arrays().items()}
    with pytest.raises(ValueError, match="hold no steps"):
        load_episodes(empty)


def test_loaded_dataset_is_returned_as_is(make_episode):
    dataset = EpisodeDataset([make_episode(2)])
    assert load_episodes(dataset) is dataset
    with pytest.raises(TypeError, match="already loaded"):
        load_episodes(dataset, goal_key="goal")
    assert isinstance(load_episodes([make_episode(2)])[0], Episode)
