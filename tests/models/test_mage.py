import dataclasses
import re

import keras
import numpy as np
import pytest

import keras_mage
from keras_mage.data import DataStatistics
from keras_mage.models.acting import make_raw_return_function
from keras_mage.models.mage import LOSS_NAMES


def first_conditions(batches, n=4):
    return batches["observations"][:n, 0], batches["goals"][:n], batches["returns"][:n, 0, 0]


def test_fit_lowers_every_loss(trained_tiny):
    """Phase 1 is the first half of epoch 1: the generation losses fall from the first epoch all in phase 2,
    and the frozen tokenizer's losses stay where phase 1 left them."""
    _, history = trained_tiny
    for name in ("condition_loss", "token_loss", "action_loss", "return_loss"):
        values = history.history[name]
        first = 0 if name == "return_loss" else 1
        assert values[-1] < values[first], (name, values)
    for name in ("reconstruction_loss", "vq_loss"):
        values = history.history[name]
        np.testing.assert_allclose(values[2:], values[1], rtol=1e-2, err_msg=name)
    assert np.isfinite(history.history["loss"]).all()


def test_fit_counts_steps_and_switches_phase(trained_tiny):
    model, _ = trained_tiny
    assert int(keras.ops.convert_to_numpy(model.optimizer.iterations)) == 4 * 8  # epochs * batches
    assert int(keras.ops.convert_to_numpy(model.quantizer.step)) == 4  # the codebook froze with phase 2
    assert model.training_phase == 2
    assert float(keras.ops.convert_to_numpy(model.quantizer.codebook_usage())) > 0.0


def test_generate_shapes_and_token_range(trained_tiny, batches):
    model, _ = trained_tiny
    states, goals, returns = first_conditions(batches)
    condition = model.condition_vector(states, goals, returns[:, None])
    indices, f_hat = model.generate(condition, temperature=1.0, top_k=5)
    indices = keras.ops.convert_to_numpy(indices)
    assert indices.shape == (4, sum(model.scale_schedule))
    assert indices.min() >= 0 and indices.max() < model.codebook_size
    assert tuple(f_hat.shape) == (4, model.horizon, model.code_dim)


def test_predict_actions_shapes_bounds_and_guidance(trained_tiny, batches):
    model, _ = trained_tiny
    states, goals, returns = first_conditions(batches)
    actions = model.predict_actions(states, goals, returns)
    assert actions.shape == (4, model.action_chunk, model.action_dim)
    guided = model.predict_actions(states, goals, returns, guidance_scale=2.0)
    assert guided.shape == actions.shape and np.isfinite(guided).all()
    np.testing.assert_allclose(model.predict_actions(states, goals, returns), actions, atol=1e-6)


def test_return_head_estimates_first_returns_and_sets_the_default_target(trained_tiny, batches):
    model, _ = trained_tiny
    states, goals, returns = first_conditions(batches, n=64)
    estimates = model.predict_returns(states, goals)
    assert estimates.shape == (64,)
    # The synthetic R_0 is drawn independently of the state: 32 steps can only learn its level (from ~0).
    assert np.mean((estimates - returns) ** 2) < np.mean(returns**2) / 4
    np.testing.assert_allclose(
        model.predict_actions(states[:4], goals[:4]), model.predict_actions(states[:4], goals[:4], estimates[:4]),
        atol=1e-6,
    )
    eager = make_raw_return_function(model)(states, goals)  # what `predict_returns` compiles
    np.testing.assert_allclose(estimates, keras.ops.convert_to_numpy(eager)[:, 0], rtol=1e-5, atol=1e-5)
    without = keras_mage.MAGE.from_preset("tiny", return_head=False)
    assert "return_head" not in [layer.name for layer in without._flatten_layers()]
    with pytest.raises(ValueError, match="no return head"):
        without.predict_returns(states, goals)


def test_acting_follows_new_data_statistics(trained_tiny, batches):
    model, _ = trained_tiny
    states, goals, returns = first_conditions(batches)
    model.predict_actions(states, goals, returns)  # compiles with the trained statistics
    statistics = model.data_statistics or DataStatistics.identity(model.state_dim, model.goal_dim, model.action_dim)
    bound = np.full(model.action_dim, 1e-3, "float32")
    model.data_statistics = dataclasses.replace(statistics, action_low=-bound, action_high=bound)
    try:
        assert np.abs(model.predict_actions(states, goals, returns)).max() <= 1e-3
    finally:
        model.data_statistics = statistics


def test_saved_and_reloaded_model_generates_identically(trained_tiny, batches, tmp_path):
    model, _ = trained_tiny
    states, goals, returns = first_conditions(batches)
    path = str(tmp_path / "mage.keras")
    model.save(path)
    restored = keras.saving.load_model(path)
    assert isinstance(restored, keras_mage.MAGE)
    condition = model.condition_vector(states, goals, returns[:, None])
    expected = keras.ops.convert_to_numpy(model.generate(condition)[0])
    actual = keras.ops.convert_to_numpy(restored.generate(condition)[0])
    np.testing.assert_array_equal(actual, expected)
    np.testing.assert_allclose(restored.predict_returns(states, goals), model.predict_returns(states, goals), atol=1e-6)
    np.testing.assert_allclose(
        restored.predict_actions(states, goals, returns), model.predict_actions(states, goals, returns), atol=1e-6
    )


def test_training_plan_is_generated_from_the_condition_like_acting(trained_tiny, batches):
    """The head's plan in training comes from the model's own coarse-to-fine samples, not the data's future."""
    model, _ = trained_tiny
    inputs = {key: value[:8] for key, value in batches.items()}
    changed = dict(inputs, observations=inputs["observations"].copy())
    changed["observations"][:, 1:] += 1.0  # same condition (s_0, goal, R_0), other future
    outputs, changed_outputs = model(inputs), model(changed)
    to_numpy = keras.ops.convert_to_numpy
    assert not np.allclose(to_numpy(outputs["reconstruction"]), to_numpy(changed_outputs["reconstruction"]))
    np.testing.assert_allclose(to_numpy(outputs["actions"]), to_numpy(changed_outputs["actions"]), atol=1e-5)
    # Without Gumbel noise hard samples are the greedy tokens: the same actions as acting.
    acted = to_numpy(model.act(inputs["observations"][:, 0], inputs["goals"], inputs["returns"][:, 0]))
    default = model.gumbel_hard
    try:
        model.gumbel_hard = True
        np.testing.assert_allclose(to_numpy(model(inputs)["actions"]), acted, atol=1e-4)
        model.gumbel_hard = False
        assert not np.allclose(to_numpy(model(inputs)["actions"]), acted, atol=1e-4)  # soft mixtures differ
    finally:
        model.gumbel_hard = default


@pytest.mark.parametrize("imports", ["keras, keras_mage", "keras_mage, keras"])
def test_plain_import_lets_keras_load_the_file(trained_tiny, tmp_path, imports):
    """`import keras_mage` in either order, then `keras.saving.load_model` (no attribute access)."""
    import subprocess
    import sys

    path = str(tmp_path / "mage.keras")
    trained_tiny[0].save(path)
    code = f"import {imports}; print(type(keras.saving.load_model({path!r})).__name__)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().endswith("MAGE")


def test_one_seed_makes_the_model_reproducible(batches):
    def weights(seed):
        model = keras_mage.MAGE.from_preset("tiny", seed=seed)
        model.build({k: (None, *v.shape[1:]) for k, v in batches.items()})
        return [np.asarray(w) for w in model.get_weights()]

    same_a, same_b, other = weights(7), weights(7), weights(8)
    assert all(np.array_equal(a, b) for a, b in zip(same_a, same_b))
    assert not all(np.array_equal(a, b) for a, b in zip(same_a, other))


def test_configuration_errors_name_the_problem():
    with pytest.raises(ValueError, match="last scale length must equal the horizon"):
        keras_mage.MAGE.from_preset("tiny", horizon=6)
    with pytest.raises(ValueError, match="strictly increasing"):
        keras_mage.MAGE.from_preset("tiny", scale_schedule=(1, 4, 2, 8))
    with pytest.raises(ValueError, match="Unknown preset"):
        keras_mage.MAGE.from_preset("huge")
    with pytest.raises(ValueError, match="Unknown MAGE option"):
        keras_mage.MAGE.from_preset("tiny", codebook_sise=8)
    with pytest.raises(ValueError, match="window_stride must be an integer >= 1"):
        keras_mage.MAGE.from_preset("tiny", window_stride=0)
    with pytest.raises(ValueError, match="hindsight_goal_draw must be one of"):
        keras_mage.MAGE.from_preset("tiny", hindsight_goal_draw="nearest")


def test_window_stride_and_goal_draw_reach_the_windows_fit_builds(monkeypatch):
    from keras_mage import data

    strides = []
    make_dataset = data.make_dataset

    def recording(*args, **kwargs):
        strides.append((kwargs["window_stride"], kwargs["hindsight_draw"]))
        return make_dataset(*args, **kwargs)

    monkeypatch.setattr(data, "make_dataset", recording)
    rng = np.random.default_rng(0)
    ends = np.arange(40) == 39
    episodes = [
        data.Episode(rng.normal(size=(41, 3)), np.zeros((41, 2)), rng.uniform(-1, 1, (40, 2)), np.zeros(40), ends,
                     np.zeros(40, bool))
        for _ in range(2)
    ]
    model = keras_mage.MAGE.from_preset("tiny", seed=0, window_stride=3, batch_size=16, hindsight_goals=(0, 1),
                                        hindsight_goal_draw="geometric")
    history = model.fit(episodes, epochs=1, steps_per_epoch=2, verbose=0)
    assert strides == [(3, "geometric")]
    assert all(np.isfinite(history.history[name]).all() for name in LOSS_NAMES)
    restored = keras_mage.MAGE.from_config(model.get_config())
    assert restored.window_stride == 3 and restored.hindsight_goal_draw == "geometric"


def test_batch_arrays_train_at_the_presets_batch_size(make_batches):
    model = keras_mage.MAGE.from_preset("tiny", seed=0, batch_size=16, tokenizer_warmup_steps=1)
    model.fit(make_batches(n=48), epochs=1, verbose=0)  # no batch_size: the preset's 16, not Keras's 32
    assert int(keras.ops.convert_to_numpy(model.optimizer.iterations)) == 3


def test_batch_errors_name_the_problem(trained_tiny, batches):
    model, _ = trained_tiny
    short = {k: (v[:, :6] if v.ndim >= 2 and k != "goals" else v) for k, v in batches.items()}
    with pytest.raises(ValueError, match="horizon"):
        model(short)
    wide = dict(batches, observations=np.concatenate([batches["observations"]] * 2, axis=-1))
    with pytest.raises(ValueError, match="features per step"):
        model(wide)
    with pytest.raises(ValueError, match="goals"):
        model({k: v for k, v in batches.items() if k != "goals"})
    nan = dict(batches, returns=batches["returns"].copy())
    nan["returns"][0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        keras_mage.MAGE.from_preset("tiny").fit(nan, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="features"):
        model.predict_actions(np.zeros((2, 3)), batches["goals"][:2])


@pytest.mark.parametrize(
    "observations, goals, target_returns, message",
    [
        ((2, 3, 4), (2, 2), None, "observations of shape (2, 3, 4) have 3 axes: expected (4,) for one env or "
                                  "(num_envs, 4) for a batch of num_envs >= 1."),
        ((0, 4), (0, 2), None, "observations of shape (0, 4) are an empty batch"),
        ((2, 4), (1, 4), None,
         "goals of shape (1, 4) do not fit observations of shape (2, 4): expected (2, 2), one goal of 2 features"),
        ((2, 4), (2, 2), (3,), "target returns of shape (3,) do not fit observations of shape (2, 4): expected a "
                               "scalar, (2,) or (2, 1), one per observation"),
        ((2, 4), (2, 2), "nan", "target returns hold NaN or inf at batch index [0, 1] (of 2): pass finite values"),
    ],
)
def test_predict_actions_refuses_inputs_of_the_wrong_shape(trained_tiny, observations, goals, target_returns, message):
    model, _ = trained_tiny
    returns = np.ones(target_returns) if isinstance(target_returns, tuple) else None
    if target_returns == "nan":
        returns = np.full(2, np.nan)
    with pytest.raises(ValueError, match=re.escape(message)):
        model.predict_actions(np.zeros(observations), np.zeros(goals), returns)
    if target_returns is None:  # the return head reads observations and goals alike
        with pytest.raises(ValueError, match=re.escape(message)):
            model.predict_returns(np.zeros(observations), np.zeros(goals))
    with pytest.raises(TypeError, match="split dict observations with `keras_mage.data.split_observation`"):
        model.predict_actions({"observation": np.zeros(observations)}, np.zeros(goals))


@pytest.mark.parametrize("isolate", [True, False])
def test_isolate_tokenizer_keeps_generation_losses_off_the_tokenizer(batches, isolate):
    """Only the token and action losses train here; isolated, the tokenizer's weights must not move."""
    model = keras_mage.MAGE.from_preset(
        "tiny", seed=0, tokenizer_warmup_steps=0, isolate_tokenizer=isolate, weight_decay=0.0,
        reconstruction_weight=0.0, vq_weight=0.0, condition_weight=0.0, freeze_tokenizer=False,
    )
    model.build({key: (None,) + value.shape[1:] for key, value in batches.items()})
    groups = {"tokenizer": [model.encoder, model.quantizer, model.decoder], "transformer": [model.transformer]}

    def weights(name):
        return [keras.ops.convert_to_numpy(v) for layer in groups[name] for v in layer.trainable_variables]

    before = {name: weights(name) for name in groups}
    model.fit(batches, batch_size=32, epochs=1, verbose=0)
    change = {name: max(np.abs(a - b).max() for a, b in zip(before[name], weights(name))) for name in groups}
    # Isolated, only rounding reaches the tokenizer (the two gradient paths cancel to ~1e-10 on TensorFlow).
    assert (change["tokenizer"] < 1e-5) == isolate, change
    assert change["transformer"] > 1e-4, change


@pytest.mark.slow
def test_base_preset_trains_and_acts(make_batches):
    """`base`'s own shape (K = 8 scales 1..16, widths) trains and acts; only the batch is small here."""
    data = make_batches(n=16, horizon=keras_mage.get_preset("base")["horizon"])
    model = keras_mage.MAGE.from_preset("base", seed=0, batch_size=8, tokenizer_warmup_steps=1)
    # XLA only where eager is unusably slow (JAX); compiling `base` costs a minute or two on 2 CPU cores.
    model.compile(jit_compile=keras.backend.backend() == "jax")
    history = model.fit(data, batch_size=8, epochs=1, verbose=0)
    assert model.scale_schedule == (1, 2, 3, 4, 6, 8, 12, 16)
    assert all(np.isfinite(history.history[name]).all() for name in LOSS_NAMES)
    assert int(keras.ops.convert_to_numpy(model.optimizer.iterations)) == 2  # past the 1 warm-up step: both phases ran
    assert int(keras.ops.convert_to_numpy(model.quantizer.step)) == 1  # the tokenizer trained in phase 1 alone
    actions = model.predict_actions(*first_conditions(data, n=2))
    assert actions.shape == (2, model.action_chunk, 2) and np.isfinite(actions).all()
