"""How MAGE's two training phases train: who moves when, how far, and from which plan."""

import os

import keras
import numpy as np
import pytest

import keras_mage
from keras_mage.models.training_phase import PhaseSwitch
from keras_mage.models.two_phase_adamw import TwoPhaseAdamW
from keras_mage.models.two_phase_schedule import TwoPhaseSchedule

DATA = os.path.join(os.path.dirname(__file__), "data")
SWITCH = 3


def new_model(batches, **options):
    options = {
        "tokenizer_warmup_steps": SWITCH, "freeze_tokenizer": True, "condition_dropout": 0.0, "weight_decay": 0.0,
        "learning_rate_warmup_steps": 2, **options,
    }
    model = keras_mage.MAGE.from_preset("tiny", seed=0, **options)
    model.build({key: (None,) + value.shape[1:] for key, value in batches.items()})
    return model


def fit_steps(model, batches, first, steps):
    """Training steps on batches `first` .. `first + steps - 1` (32 windows each), in order."""
    window = {key: value[32 * first : 32 * (first + steps)] for key, value in batches.items()}
    return model.fit(window, batch_size=32, epochs=1, shuffle=False, verbose=0)


def snapshot(model, layers):
    return [keras.ops.convert_to_numpy(v).copy() for layer in layers for v in layer.weights]


def largest_change(before, after):
    return max(float(np.abs(a - b).max()) for a, b in zip(before, after))


def tokenizer_layers(model):
    return [model.encoder, model.quantizer, model.decoder]


def generation_layers(model):
    return [model.condition_embedding, model.transformer, model.action_head]


@pytest.fixture(scope="module")
def phases(batches):
    """A model trained through phase 1 (one fit), then one phase 2 step at a time, with snapshots and logs."""
    model = new_model(batches)
    stages = [{"tokenizer": snapshot(model, tokenizer_layers(model)), "generator": snapshot(model, generation_layers(model))}]
    for first, steps in ((0, SWITCH), (SWITCH, 1), (SWITCH + 1, 1)):
        history = fit_steps(model, batches, first, steps)
        stages.append({
            "tokenizer": snapshot(model, tokenizer_layers(model)), "generator": snapshot(model, generation_layers(model)),
            "transformer": snapshot(model, [model.transformer]), "logs": history.history, "phase": model.training_phase,
        })
    return model, stages


def test_phase_one_trains_the_tokenizer_alone_then_phase_two_the_generator_on_a_frozen_tokenizer(phases):
    _, (initial, phase_1, step_1, step_2) = phases
    assert phase_1["phase"] == 1 and step_1["phase"] == 2
    assert largest_change(initial["tokenizer"], phase_1["tokenizer"]) > 1e-4  # codebook included
    assert largest_change(initial["generator"], phase_1["generator"]) == 0.0
    assert phase_1["logs"].get("token_loss", [0.0]) == [0.0]  # phase 1 computes no tokens
    assert largest_change(phase_1["tokenizer"], step_2["tokenizer"]) == 0.0  # frozen: weights, codebook, EMA
    assert largest_change(phase_1["generator"], step_1["generator"]) > 1e-5
    assert step_1["logs"]["token_loss"][0] > 0 and step_1["logs"]["codebook_usage"][0] > 0


def test_first_phase_two_update_is_no_larger_than_the_learning_rate(phases):
    """Adam's first bias-corrected step moves each weight by about lr; stale statistics moved it ~3x (a review)."""
    model, (_, phase_1, step_1, _) = phases
    learning_rate = float(model.optimizer.learning_rate_schedule(SWITCH))
    step = largest_change(phase_1["transformer"], step_1["transformer"])
    assert 0.5 * learning_rate < step <= 1.001 * learning_rate, (step, learning_rate)


def test_the_switch_inside_one_fit_gives_what_separate_fits_give(phases, batches):
    model, _ = phases
    one_fit = new_model(batches)
    fit_steps(one_fit, batches, 0, SWITCH + 2)
    assert one_fit.optimizer.learning_rate_schedule.total_steps == SWITCH + 2
    for a, b in zip(snapshot(one_fit, [one_fit]), snapshot(model, [model])):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def test_two_phase_adamw_step_counts_start_at_the_switch():
    """Hand computation: a phase 2 weight's first update is lr * sign(g), wherever the global step is."""
    optimizer = TwoPhaseAdamW(0.1, switch_step=5, second_phase=("late",), first_phase=("early",), epsilon=0.0)
    late = keras.Variable(np.ones(3, "float32"), name="kernel")
    early = keras.Variable(np.ones(3, "float32"), name="kernel")
    late._path, early._path = "model/late/kernel", "model/early/kernel"
    gradient = np.array([2.0, -0.5, 1e-3], "float32")
    for _ in range(5):
        optimizer.apply([gradient, gradient], [late, early])
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(late), np.ones(3))  # not yet: untouched
    moved = 1.0 - keras.ops.convert_to_numpy(early).copy()
    np.testing.assert_allclose(moved, 0.5 * np.sign(gradient), rtol=1e-5)  # 5 steps of lr * sign(g)
    optimizer.apply([gradient, gradient], [late, early])
    np.testing.assert_allclose(1.0 - keras.ops.convert_to_numpy(late), 0.1 * np.sign(gradient), rtol=1e-5)
    np.testing.assert_array_equal(1.0 - keras.ops.convert_to_numpy(early), moved)  # phase 1 only: stopped


def test_learning_rate_warms_up_at_each_phase_and_decays_to_each_phase_end():
    schedule = TwoPhaseSchedule(1.0, switch_step=3, warmup_steps=2, total_steps=8, decay="cosine")
    rates = [float(schedule(step)) for step in range(8)]
    np.testing.assert_allclose(rates, [0.5, 1.0, 0.1, 0.5, 1.0, 0.775, 0.325, 0.1], rtol=1e-5)


def test_plan_losses_see_the_condition_never_dropped(phases, batches):
    """All conditions dropped for guidance: the training plan is still the one acting makes from the condition."""
    model, _ = phases
    inputs = {key: value[:8] for key, value in batches.items()}
    acted = model.act(inputs["observations"][:, 0], inputs["goals"], inputs["returns"][:, 0])
    model.condition_embedding.dropout_rate, model.plan_temperature = 1.0, 0.0
    try:
        trained = model(inputs, training=True)["actions"]
    finally:
        model.condition_embedding.dropout_rate, model.plan_temperature = 0.0, 1.0
    np.testing.assert_allclose(keras.ops.convert_to_numpy(trained), keras.ops.convert_to_numpy(acted), atol=1e-5)


def test_plan_temperature_changes_the_training_plan(phases, batches):
    model, _ = phases
    inputs = {key: value[:64] for key, value in batches.items()}
    acted = keras.ops.convert_to_numpy(model.act(inputs["observations"][:, 0], inputs["goals"], inputs["returns"][:, 0]))

    def trained(temperature):
        model.plan_temperature = temperature
        try:
            return keras.ops.convert_to_numpy(model(inputs, training=True)["actions"])
        finally:
            model.plan_temperature = 1.0

    np.testing.assert_allclose(trained(1e-4), acted, atol=1e-5)  # cold samples are the greedy plan
    assert not np.allclose(trained(100.0), acted, atol=1e-3)  # hot ones are not


def test_fit_sets_the_phase_of_a_resumed_model(batches):
    model = new_model(batches)
    switch = PhaseSwitch(SWITCH, first_step=SWITCH + 5)
    switch.set_model(model)
    switch.on_train_begin()
    assert model.training_phase == 2


def test_downsampling_tokenizer_sees_every_step_and_round_trips(make_batches, tmp_path):
    data = make_batches(n=32, horizon=16)
    model = keras_mage.MAGE.from_preset("tiny", seed=0, horizon=16, downsample=2, tokenizer_warmup_steps=0)
    history = model.fit(data, batch_size=32, epochs=1, verbose=0)
    assert np.isfinite(history.history["action_loss"]).all()
    outputs = model({key: value[:4] for key, value in data.items()})
    assert tuple(outputs["reconstruction"].shape) == (4, 16, 5)  # the window's 16 steps, from L = 8
    assert tuple(outputs["logits"].shape) == (4, sum(model.scale_schedule), model.codebook_size)
    window = keras.ops.concatenate([data["returns"][:4], data["observations"][:4]], axis=-1)
    changed = keras.ops.convert_to_numpy(window).copy()
    changed[:, 1] += 5.0  # a step that a window stride of 2 would skip
    assert not np.allclose(keras.ops.convert_to_numpy(model.encoder(window)), keras.ops.convert_to_numpy(model.encoder(changed)))
    path = str(tmp_path / "downsampled.keras")
    model.save(path)
    restored = keras.saving.load_model(path)
    assert restored.encoder.downsample == restored.decoder.upsample == 2
    for a, b in zip(restored.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="horizon / downsample"):
        keras_mage.MAGE.from_preset("tiny", downsample=3)


def test_agents_saved_before_the_phase_change_load_and_act_as_they_did():
    """tests/models/data/legacy_tiny was saved by keras_mage 2026-12-02 (one plain AdamW, no new options)."""
    expected = np.load(os.path.join(DATA, "legacy_tiny_acting.npz"))
    agent = keras_mage.MAGE.from_preset(os.path.join(DATA, "legacy_tiny"))
    assert (agent.plan_temperature, agent.freeze_tokenizer, agent.downsample) == (1.0, False, 1)  # old meaning
    actions = agent.predict_actions(expected["states"], expected["goals"], expected["returns"])
    np.testing.assert_allclose(actions, expected["actions"], atol=1e-5)
    np.testing.assert_allclose(agent.predict_returns(expected["states"], expected["goals"]), expected["estimates"],
                               atol=1e-5)
