import numpy as np
import pytest

from keras_mage.data import split_observation


def maze_observation(*batch):
    return {
        "observation": np.ones((*batch, 4)),
        "achieved_goal": np.full((*batch, 2), 2.0),
        "desired_goal": np.full((*batch, 2), 3.0),
    }


@pytest.mark.parametrize("batch", [(), (5,), (2, 7)])
def test_dict_observation_puts_achieved_goal_first(batch):
    state, goal = split_observation(maze_observation(*batch))
    assert state.shape == (*batch, 6) and goal.shape == (*batch, 2)
    assert state.dtype == np.float32 and goal.dtype == np.float32
    assert state[..., :2].tolist() == np.full((*batch, 2), 2.0).tolist()
    assert state[..., 2:].tolist() == np.ones((*batch, 4)).tolist()
    assert goal.tolist() == np.full((*batch, 2), 3.0).tolist()


@pytest.mark.parametrize("shape", [(29,), (8, 29)])
def test_array_observation_has_no_goal(shape):
    state, goal = split_observation(np.zeros(shape, np.float64))
    assert state.shape == shape and state.dtype == np.float32 and goal is None


def test_dict_without_goal_keys_names_them():
    with pytest.raises(ValueError, match=r"lacks \['achieved_goal', 'desired_goal'\]"):
        split_observation({"observation": np.zeros(3)})
