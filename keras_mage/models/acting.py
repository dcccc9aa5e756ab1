"""The whole acting step in keras.ops: raw inputs -> normalise -> generate -> action.

One function serves in-process acting (compiled per backend in `compiled.py`)
and export (SavedModel / ONNX), so both give the same actions.
"""

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
    states = np.asarray(observations, "float32").reshape(-1, model.state_dim)
    if not model.goal_dim:
        return states, None
    if goals is None:
        raise ValueError(f"This model is goal-conditioned: pass goals of size {model.goal_dim}.")
    return states, np.asarray(goals, "float32").reshape(len(states), -1)


def normalized_inputs(model, observations, goals=None):
    """`raw_inputs` normalised with the model's data statistics, as float32 numpy."""
    normalised = _normalised(model, statistics_of(model), *raw_inputs(model, observations, goals))
    return tuple(None if x is None else ops.convert_to_numpy(x) for x in normalised)
