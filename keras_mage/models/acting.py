"""The whole acting step in keras.ops: raw inputs -> normalise -> generate -> action.

One function serves in-process acting (compiled per backend in `compiled.py`)
and export (SavedModel / ONNX), so both give the same actions.
"""

from collections.abc import Mapping

import numpy as np
from keras import ops

from keras_mage.data.statistics import DataStatistics


def statistics_of(model):
    """The model's `DataStatistics`, or identity ones for a model trained on ready batches (none stored)."""
    if model.data_statistics is not None:
        return model.data_statistics
    return DataStatistics.identity(model.state_dim, model.goal_dim, model.action_dim)


def make_raw_action_function(model, temperature=0.0, top_k=None, guidance_scale=1.0):
    """`f(observations, goals, target_returns) -> actions (batch, chunk, da)` on raw values.

    observations (batch, ds), goals (batch, dg) (ignored when the model has no
    goals), target_returns (batch, 1) in the environment's reward units.
    """
    statistics = statistics_of(model)

    def act(observations, goals, target_returns):
        states, normalised_goals = _normalised(model, statistics, observations, goals)
        returns = statistics.scale_returns(ops.cast(target_returns, "float32"))
        actions = model.act(states, normalised_goals, returns, temperature, top_k, guidance_scale)
        return ops.clip(ops.cast(actions, "float32"), statistics.action_low, statistics.action_high)

    return act


def make_raw_return_function(model):
    """`f(observations, goals) -> target_returns (batch, 1)`: the return head's R_0 on raw values.

    In the environment's reward units, clipped to the data's return-to-go
    range: what `make_raw_action_function` takes as `target_returns` under
    the `estimated` rule. Needs `model.return_head`.
    """
    statistics = statistics_of(model)
    low, high = statistics.return_min, statistics.return_max

    def estimate(observations, goals):
        states, normalised_goals = _normalised(model, statistics, observations, goals)
        returns = ops.cast(model.return_estimator(model.head_state(states, normalised_goals)), "float32")
        returns = statistics.unscale_returns(returns)
        returns = returns if low is None else ops.maximum(returns, low)
        return returns if high is None else ops.minimum(returns, high)

    return estimate


def _normalised(model, statistics, observations, goals):
    states = statistics.normalize_states(ops.cast(observations, "float32"))
    if not model.goal_dim:
        return states, None
    return states, statistics.normalize_goals(ops.cast(goals, "float32"))


def raw_inputs(model, observations, goals=None):
    """Raw states (batch, ds) and goals (batch, dg) as float32 numpy, checked; goals None without goal_dim."""
    return check_inputs(observations, goals, state_dim=model.state_dim, goal_dim=model.goal_dim)[:2]


def check_inputs(observations, goals=None, target_returns=None, state_dim=None, goal_dim=None,
                 names=("observations", "goals")):
    """Float32 `(states (batch, ds), goals (batch, dg) or None, target returns (batch, 1) or None, single)`.

    Observations are one state `(ds,)` or a batch `(batch >= 1, ds)`; goals
    the same with `dg` features, one per observation (None when `goal_dim` is
    0); target returns a scalar or one per observation. A `state_dim` or
    `goal_dim` of None is not checked. A ValueError states the received and
    the expected shape, or which rows hold NaN or inf; `names` name the
    observations and goals in it.
    """
    observation_name, goal_name = names
    if isinstance(observations, Mapping):
        raise TypeError(
            f"{observation_name} must be an array, got a dict: split dict observations with "
            "`keras_mage.data.split_observation`, or act through `keras_mage.control.MAGEPolicy`."
        )
    states = np.asarray(observations, "float32")
    ds = "state_dim" if state_dim is None else state_dim
    problem = None
    if states.ndim not in (1, 2):
        problem = f"have {states.ndim} axes"
    elif states.ndim == 2 and not len(states):
        problem = "are an empty batch"
    elif state_dim is not None and states.shape[-1] != state_dim:
        problem = f"have {states.shape[-1]} features where the model takes {state_dim}"
    if problem:
        raise ValueError(
            f"{observation_name} of shape {states.shape} {problem}: expected ({ds},) for one env or "
            f"(num_envs, {ds}) for a batch of num_envs >= 1."
        )
    single = states.ndim == 1
    shape, states = states.shape, states.reshape(-1, states.shape[-1])
    batch = len(states)
    if goal_dim == 0:
        goals = None
    elif goals is None and goal_dim:
        raise ValueError(f"The model is goal-conditioned (goal_dim={goal_dim}): pass {goal_name}, one per observation.")
    elif goals is not None:
        goals = np.asarray(goals, "float32")
        dg = goals.shape[-1] if goal_dim is None and goals.ndim else goal_dim
        allowed = [(batch, dg)] + ([(dg,)] if single else [])
        if goals.shape not in allowed:
            raise ValueError(
                f"{goal_name} of shape {goals.shape} do not fit {observation_name} of shape {shape}: expected "
                f"{' or '.join(map(str, allowed))}, one goal of {dg} features per observation."
            )
        goals = goals.reshape(batch, dg)
    if target_returns is not None:
        returns = np.asarray(target_returns, "float32")
        if returns.shape not in ((), (1,), (batch,), (1, 1), (batch, 1)):
            raise ValueError(
                f"target returns of shape {returns.shape} do not fit {observation_name} of shape {shape}: expected "
                f"a scalar, ({batch},) or ({batch}, 1), one per observation."
            )
        target_returns = np.broadcast_to(returns.reshape(-1, 1), (batch, 1))
    for name, values in ((observation_name, states), (goal_name, goals), ("target returns", target_returns)):
        if values is not None and not np.isfinite(values).all():
            rows = np.flatnonzero(~np.isfinite(values).all(axis=1))
            raise ValueError(
                f"{name} hold NaN or inf at batch index {rows[:10].tolist()} (of {batch}): pass finite values."
            )
    return states, goals, target_returns, single


def normalized_inputs(model, observations, goals=None):
    """`raw_inputs` normalised with the model's data statistics, as float32 numpy."""
    normalised = _normalised(model, statistics_of(model), *raw_inputs(model, observations, goals))
    return tuple(None if x is None else ops.convert_to_numpy(x) for x in normalised)
