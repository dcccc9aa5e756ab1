"""Hindsight goals: a window's goal is a state its own trajectory reaches later.

Goal-conditioned data without task rewards (OGBench's) trains MAGE by
relabelling: the window starting at step t takes as its goal the chosen
features (`goal_dims`) of the state at a step g drawn uniformly from
t + 1 .. T (T: the trajectory's last state), as OGBench's reference agents
draw their actors' goals, or ("geometric") g = t + k with P(k) proportional
to discount ** (k - 1), capped at T, as they draw their value functions'
goals: mostly nearer ones (mean 1 / (1 - discount) steps), or ("mixed") half
the windows one way and half the other. Its returns are
the discounted reward of reaching that goal, with reward 1 on the step that
arrives there: the window entry at step s has R_s = discount ** (g - 1 - s)
up to s = g - 1 and 0 after it, so R_0 = discount ** (steps to the goal - 1)
lies in (0, 1] on any dataset.
The draws come from the run's seed: one goal per window start, the same on
every backend and after a resume.

Example:

>>> import numpy as np
>>> goal_steps(np.array([0, 3]), np.array([4, 4]), np.array([0.0, 0.99]))
array([1, 4])
>>> goal_steps(np.array([0, 0]), np.array([500, 500]), np.array([0.0, 0.5]), draw="geometric", discount=0.99)
array([ 1, 69])
>>> goal_steps(np.array([0, 0]), np.array([500, 500]), np.array([0.25, 0.75]), draw="mixed", discount=0.99)
array([ 69, 251])
>>> hindsight_returns(np.array([[0, 1, 2, 3]]), np.array([3]), discount=0.5).tolist()
[[0.25, 0.5, 1.0, 0.0]]
"""

import dataclasses

import numpy as np


DRAWS = ("uniform", "geometric", "mixed")


def goal_steps(starts, ends, uniforms, draw="uniform", discount=0.99):
    """Goal steps g in starts + 1 .. ends (the step of each trajectory's last state), one per uniform in [0, 1).

    `draw`: "uniform" over that range, "geometric" (offsets k >= 1 with P(k) ~ discount ** (k - 1), capped), or
    "mixed": geometric where the uniform is below 0.5, uniform above (each from the uniform rescaled to [0, 1)).
    """
    if draw == "mixed":
        near = uniforms < 0.5
        nearer = goal_steps(starts, ends, np.where(near, 2 * uniforms, 0.0), "geometric", discount)
        farther = goal_steps(starts, ends, np.where(near, 0.0, 2 * uniforms - 1), "uniform")
        return np.where(near, nearer, farther)
    span = ends - starts  # >= 1: every window starts before its trajectory's last state
    if draw == "geometric":
        offsets = np.floor(np.log1p(-uniforms) / np.log(float(discount))).astype(np.int64)
        return starts + 1 + np.minimum(offsets, span - 1)
    check_draw(draw)
    return starts + 1 + np.minimum((uniforms * span).astype(np.int64), span - 1)


def check_draw(draw):
    """Raises a ValueError unless `draw` is one of `DRAWS`."""
    if draw not in DRAWS:
        raise ValueError(f"hindsight_goal_draw must be one of {DRAWS}, got {draw!r}.")


def hindsight_returns(steps, goals, discount):
    """(batch, entries) returns-to-go of entries at `steps` when the goal is reached at step `goals`."""
    remaining = goals[:, None] - 1 - steps
    return np.where(remaining >= 0, np.power(float(discount), np.maximum(remaining, 0)), 0.0)


def with_goal_statistics(statistics, goal_dims):
    """`statistics` for relabelled goals: goals normalised as the states they are, returns in (0, 1]."""
    dims = list(goal_dims)
    check_goal_dims(dims, len(statistics.observation_mean))
    return dataclasses.replace(
        statistics,
        goal_mean=np.asarray(statistics.observation_mean)[dims],
        goal_std=np.asarray(statistics.observation_std)[dims],
        return_max=1.0,
        return_min=0.0,
        return_quantile=1.0,
        return_scale=float(statistics.reward_scale) or 1.0,  # the returns are already in the model's units
    )


def check_goal_dims(goal_dims, state_dim):
    """Raises a ValueError unless `goal_dims` are distinct state features."""
    dims = list(goal_dims)
    if not dims or len(set(dims)) != len(dims) or min(dims) < 0 or max(dims) >= state_dim:
        raise ValueError(
            f"hindsight_goals must name distinct state features in [0, {state_dim}) (e.g. (0, 1) for a maze's "
            f"x, y), got {tuple(goal_dims)}."
        )
