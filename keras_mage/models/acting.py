"""The whole acting step in keras.ops: raw inputs -> normalise -> generate -> action.

One function serves in-process acting (compiled per backend in `compiled.py`)
and export (SavedModel / ONNX), so both give the same actions.
"""

import numpy as np
from keras import ops


def statistics_constants(model):
    """Normalisation constants (numpy) from the model's data statistics, or identity."""
    stats = model.data_statistics or {}

    def vector(key, default, size):
        value = stats.get(key)
        return np.full((size,), default, "float32") if value is None else np.asarray(value, "float32")

    return {
        "state_mean": vector("observation_mean", 0.0, model.state_dim),
        "state_std": vector("observation_std", 1.0, model.state_dim),
        "goal_mean": vector("goal_mean", 0.0, model.goal_dim),
        "goal_std": vector("goal_std", 1.0, model.goal_dim),
        "reward_scale": float(stats.get("reward_scale", 1.0)),
        "default_return": float(stats.get("return_quantile", 0.0)),
        "action_low": vector("action_low", -np.inf, model.action_dim),
        "action_high": vector("action_high", np.inf, model.action_dim),
    }


def make_raw_action_function(model, temperature=0.0, top_k=None, guidance_scale=1.0):
    """`f(observations, goals, target_returns) -> actions (batch, chunk, da)` on raw values.

    observations (batch, ds), goals (batch, dg) (ignored when the model has no
    goals), target_returns (batch, 1) in the environment's reward units.
    """
    c = statistics_constants(model)

    def act(observations, goals, target_returns):
        states, normalised_goals = _normalised(model, c, observations, goals)
        returns = ops.cast(target_returns, "float32") * c["reward_scale"]
        actions = model.act(states, normalised_goals, returns, temperature, top_k, guidance_scale)
        return ops.clip(ops.cast(actions, "float32"), c["action_low"], c["action_high"])

    return act


def make_raw_return_function(model):
    """`f(observations, goals) -> target_returns (batch, 1)`: the return head's R_0 on raw values.

    In the environment's reward units, clipped to the data's return-to-go
    range: what `make_raw_action_function` takes as `target_returns` under
    the `estimated` rule. Needs `model.return_head`.
    """
    c = statistics_constants(model)
    stats = model.data_statistics or {}
    low, high = stats.get("return_min"), stats.get("return_max")

    def estimate(observations, goals):
        states, normalised_goals = _normalised(model, c, observations, goals)
        returns = ops.cast(model.return_estimator(model.head_state(states, normalised_goals)), "float32")
        returns = returns / c["reward_scale"]
        returns = returns if low is None else ops.maximum(returns, low)
        return returns if high is None else ops.minimum(returns, high)

    return estimate


def _normalised(model, c, observations, goals):
    states = (ops.cast(observations, "float32") - c["state_mean"]) / c["state_std"]
    if not model.goal_dim:
        return states, None
    return states, (ops.cast(goals, "float32") - c["goal_mean"]) / c["goal_std"]


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
    normalised = _normalised(model, statistics_constants(model), *raw_inputs(model, observations, goals))
    return tuple(None if x is None else ops.convert_to_numpy(x) for x in normalised)
