"""Environment observations -> (state, goal), the same for datasets and acting.

Example:

>>> import numpy as np
>>> from keras_mage.data import split_observation
>>> obs = {"achieved_goal": np.array([1.0, 2.0]), "observation": np.array([1.0, 2.0, 0.5, 0.0]),
...        "desired_goal": np.array([3.0, 3.0])}
>>> state, goal = split_observation(obs)
>>> state.tolist(), goal.tolist()
([1.0, 2.0, 1.0, 2.0, 0.5, 0.0], [3.0, 3.0])
>>> split_observation(np.zeros((5, 29)))[0].shape
(5, 29)
"""

from collections.abc import Mapping

import numpy as np

GOAL_KEYS = ("achieved_goal", "observation", "desired_goal")


def split_observation(obs):
    """Returns `(state, goal)` float32 arrays; leading (batch, time) axes are kept.

    Dict observations need the keys achieved_goal, observation and
    desired_goal: state = concat(achieved_goal, observation), goal =
    desired_goal. Array observations give `(obs, None)`.
    """
    if isinstance(obs, Mapping):
        missing = [key for key in GOAL_KEYS if key not in obs]
        if missing:
            raise ValueError(
                f"dict observation lacks {missing} (has {sorted(obs)}); keras_mage reads goal-conditioned "
                f"dict observations with keys {list(GOAL_KEYS)}, or plain array observations."
            )
        achieved = np.asarray(obs["achieved_goal"], np.float32)
        state = np.concatenate([achieved, np.asarray(obs["observation"], np.float32)], axis=-1)
        return state, np.asarray(obs["desired_goal"], np.float32)
    return np.asarray(obs, np.float32), None
