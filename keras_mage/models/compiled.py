"""Backend-specific compilation of the acting step (the only backend switch in model code).

- TensorFlow: `tf.function(jit_compile=True)` (XLA).
- JAX: `jax.jit` of a stateless function of the model's variables; the
  sampling seed's new state is written back after each call.
- PyTorch: `torch.jit.trace` of a stateless function of the model's
  variables, one trace per input shape (greedy generation only: a trace
  would fix the random draws of sampling, which runs eagerly), under
  `torch.no_grad()` with one intra-op thread on CPU. `torch.compile` breaks
  its graph at every Keras layer call and was slower than eager here.
"""

import warnings
import weakref

import keras
import numpy as np

from keras_mage.models.acting import (
    check_inputs, make_raw_action_function, make_raw_return_function, raw_inputs, statistics_of,
)

# Compiled acting functions per model, keyed by what they bake in (sampling
# options, data statistics). Kept off the model: TensorFlow would track a dict
# of tf.functions on it and refuse to export it.
_ACT_FUNCTIONS = weakref.WeakKeyDictionary()


def compile_function(model, function, deterministic=True):
    """Wraps `function(*tensors)` that reads `model`'s variables into a compiled callable.

    `deterministic=False` says `function` draws random numbers (torch then runs it eagerly).
    """
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        return tf.function(function, jit_compile=True, reduce_retracing=True)
    if backend == "jax":
        return _jax_compile(model, function)
    if backend == "torch":
        return _torch_compile(model, function, deterministic)
    return function


def _jax_compile(model, function):
    import jax

    variables = model.variables
    seed_state = model.sampling_seed.state

    def stateless(values, *args):
        with keras.StatelessScope(state_mapping=list(zip(variables, values))) as scope:
            outputs = function(*args)
            new_seed = scope.get_current_value(seed_state)
        return outputs, new_seed

    jitted = jax.jit(stateless)

    def call(*args):
        outputs, new_seed = jitted([v.value for v in variables], *args)
        if new_seed is not None:
            seed_state.assign(new_seed)
        return outputs

    return call


def _torch_compile(model, function, deterministic):
    import torch

    variables = model.variables
    traces = {}

    def stateless(values, *args):
        with keras.StatelessScope(state_mapping=list(zip(variables, values))):
            return function(*args)

    def traced(*args):
        args = tuple(keras.ops.convert_to_tensor(arg) for arg in args)
        key = tuple((tuple(arg.shape), arg.dtype) for arg in args)
        values = [v.value for v in variables]
        if key not in traces:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # TracerWarnings about Python values that are constant here
                traces[key] = torch.jit.trace(stateless, (values, *args), check_trace=False)
        return traces[key](values, *args)

    run = traced if deterministic else function

    def no_grad(*args):
        # Acting is a chain of small ops: on CPU, intra-op threads only add
        # synchronisation (measured 794 ms vs 42 ms per tiny act on 2 busy cores).
        threads = torch.get_num_threads()
        on_cpu = not torch.cuda.is_available()
        if on_cpu:
            torch.set_num_threads(1)
        try:
            with torch.no_grad():
                return run(*args)
        finally:
            if on_cpu:
                torch.set_num_threads(threads)

    return no_grad


def predict_actions(model, observations, goals=None, target_returns=None, temperature=0.0, top_k=None, guidance_scale=1.0):
    """Raw actions (batch, chunk, da) as numpy; see `MAGE.predict_actions`."""
    if not model.built:
        raise ValueError("The model is not built yet: train it with `fit` or load a trained model first.")
    observations, goals, target_returns, _ = check_inputs(
        observations, goals, target_returns, state_dim=model.state_dim, goal_dim=model.goal_dim
    )
    batch = len(observations)
    if target_returns is None:
        target_returns = default_target_returns(model, observations, goals)
    goals = np.zeros((batch, 0), "float32") if goals is None else goals
    act = _cached(model, ("actions", temperature, top_k, guidance_scale),
                  lambda: make_raw_action_function(model, temperature, top_k, guidance_scale),
                  deterministic=temperature == 0)
    actions = act(observations, goals, np.ascontiguousarray(target_returns))
    return keras.ops.convert_to_numpy(actions)


def default_target_returns(model, observations, goals=None):
    """Raw target returns (batch, 1) that `predict_actions` conditions on when given none.

    The return head's estimate (`MAGE.predict_returns`), or without a return
    head the data's high return quantile for every state.
    """
    if model.return_head:
        return model.predict_returns(observations, goals)[:, None]
    return np.full((len(observations), 1), statistics_of(model).return_quantile, "float32")


def predict_returns(model, observations, goals=None):
    """Raw target returns (batch,) from the return head, compiled; see `MAGE.predict_returns`."""
    states, goals = raw_inputs(model, observations, goals)
    estimate = _cached(model, ("returns",), lambda: make_raw_return_function(model))
    return keras.ops.convert_to_numpy(estimate(states, goals))[:, 0].astype("float32")


def _cached(model, options, make_function, deterministic=True):
    """`model`'s compiled `make_function()` for `options` and its current data statistics."""
    key = (options, _statistics_key(model.data_statistics))
    functions = _ACT_FUNCTIONS.setdefault(model, {})
    if key not in functions:
        functions[key] = compile_function(model, make_function(), deterministic)
    return functions[key]


def _statistics_key(statistics):
    """A hashable copy of the statistics, cheap on the acting path (numpy arrays by their bytes, not repr)."""
    if statistics is None:
        return None
    return tuple(
        (name, (value.dtype.str, value.shape, value.tobytes()) if isinstance(value, np.ndarray) else repr(value))
        for name, value in sorted(vars(statistics).items())
    )
