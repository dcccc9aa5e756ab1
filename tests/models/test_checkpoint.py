"""Checkpoints are one unit, checked against the run before resuming, and a damaged newest falls back."""

import json
import os
import shutil

import numpy as np
import pytest

import keras_mage
from keras_mage.models import checkpoint
from random_walks import episodes

STEPS = 2


def fit(directory, epochs=2, steps_per_epoch=STEPS, **options):
    """Tiny MAGE on random walks (a source: its batches resume exactly), checkpointed in `directory`."""
    model = keras_mage.MAGE.from_preset("tiny", tokenizer_warmup_steps=1, **{"seed": 0, **options})
    history = model.fit(
        episodes(), batch_size=16, epochs=epochs, steps_per_epoch=steps_per_epoch, checkpoint_dir=str(directory),
        verbose=0,
    )
    return model, history


@pytest.fixture(scope="module")
def two_epochs(tmp_path_factory):
    """A checkpoint folder after two of two epochs."""
    directory = tmp_path_factory.mktemp("checkpoints") / "run"
    fit(directory)
    return directory


@pytest.fixture
def run_dir(two_epochs, tmp_path):
    copy = tmp_path / "run"
    shutil.copytree(two_epochs, copy)
    return copy


def test_each_epoch_is_one_folder_holding_its_settings(two_epochs):
    assert sorted(os.listdir(two_epochs)) == ["epoch-000001", "epoch-000002"]
    for folder in os.listdir(two_epochs):
        assert sorted(os.listdir(two_epochs / folder)) == [checkpoint.WEIGHTS, checkpoint.STATE]
    state = checkpoint.read_state(str(two_epochs))
    assert state["epochs"] == 2 and state["settings"]["steps_per_epoch"] == STEPS
    assert state["settings"]["config"]["seed"] == 0 and len(state["history"]["loss"]) == 2


def test_missing_state_is_named_and_the_previous_checkpoint_is_used(run_dir):
    os.remove(run_dir / "epoch-000002" / checkpoint.STATE)
    with pytest.warns(UserWarning, match=r"epoch-000002 is damaged: state.json is missing.*epoch-000001"):
        found = checkpoint.latest(str(run_dir))
    assert found.state["epochs"] == 1


@pytest.mark.parametrize("damage", ["truncate_weights", "cut_off_state", "remove_weights"])
def test_damaged_newest_checkpoint_is_named_and_skipped(damage, run_dir):
    newest = run_dir / "epoch-000002"
    if damage == "truncate_weights":
        data = (newest / checkpoint.WEIGHTS).read_bytes()
        (newest / checkpoint.WEIGHTS).write_bytes(data[: len(data) // 2])
    elif damage == "cut_off_state":
        (newest / checkpoint.STATE).write_text((newest / checkpoint.STATE).read_text()[:40])
    else:
        os.remove(newest / checkpoint.WEIGHTS)
    with pytest.warns(UserWarning, match="epoch-000002 is damaged.*Resuming from the previous checkpoint"):
        assert checkpoint.latest(str(run_dir)).state["epochs"] == 1


def test_a_run_resumed_past_a_damaged_checkpoint_ends_as_an_uninterrupted_one(run_dir, two_epochs):
    newest = run_dir / "epoch-000002" / checkpoint.WEIGHTS
    newest.write_bytes(newest.read_bytes()[:1000])
    (run_dir / ".tmp-killed").mkdir()  # a folder a killed run was building
    (run_dir / ".tmp-killed" / checkpoint.WEIGHTS).write_bytes(b"half")
    with pytest.warns(UserWarning, match="epoch-000002 is damaged"):
        model, history = fit(run_dir)
    assert history.epoch == [0, 1] and len(history.history["loss"]) == 2
    assert sorted(os.listdir(run_dir)) == ["epoch-000001", "epoch-000002"]
    assert checkpoint.latest(str(run_dir)).state["history"] == checkpoint.latest(str(two_epochs)).state["history"]
def test_every_checkpoint_damaged_stops_rather_than_training_over_them(run_dir):
    for folder in ("epoch-000001", "epoch-000002"):
        os.remove(run_dir / folder / checkpoint.STATE)
    with pytest.raises(ValueError, match=r"No checkpoint in .* can be resumed.*Delete"):
        fit(run_dir)
    assert sorted(os.listdir(run_dir)) == ["epoch-000001", "epoch-000002"]  # left as they were


def test_legacy_weights_without_state_are_not_overwritten(tmp_path):
    directory = tmp_path / "legacy"
    directory.mkdir()
    (directory / checkpoint.LEGACY_WEIGHTS).write_bytes(b"weights of an earlier run")
    with pytest.raises(ValueError, match="state.json is missing"):
        fit(directory)
    assert os.listdir(directory) == [checkpoint.LEGACY_WEIGHTS]


@pytest.mark.parametrize(
    "change, message",
    [
        ({"steps_per_epoch": STEPS + 1}, r"steps_per_epoch: checkpoint 2, this call 3"),
        ({"epochs": 1}, r"holds 2 epochs, this call trains 1"),
        ({"seed": 1}, r"config\['seed'\]: checkpoint 0, this call 1"),
        ({"condition_dropout": 0.5}, r"config\['condition_dropout'\]: checkpoint 0.1, this call 0.5"),
    ],
)
def test_a_checkpoint_of_another_run_is_refused(change, message, run_dir):
    with pytest.raises(ValueError, match=message):
        fit(run_dir, **change)
    assert checkpoint.read_state(str(run_dir))["epochs"] == 2  # untouched


def test_a_state_claiming_more_epochs_than_its_history_is_damaged(run_dir):
    path = run_dir / "epoch-000002" / checkpoint.STATE
    state = json.loads(path.read_text())
    state["epochs"] = 7
    path.write_text(json.dumps(state))
    with pytest.warns(UserWarning, match="epoch-000002 is damaged"):
        assert checkpoint.latest(str(run_dir)).state["epochs"] == 1


def test_a_checkpoint_of_the_earlier_layout_still_resumes(two_epochs, tmp_path):
    directory = tmp_path / "legacy"
    directory.mkdir()
    shutil.copy(two_epochs / "epoch-000002" / checkpoint.WEIGHTS, directory / checkpoint.LEGACY_WEIGHTS)
    state = json.loads((two_epochs / "epoch-000002" / checkpoint.STATE).read_text())
    del state["settings"]
    (directory / checkpoint.STATE).write_text(json.dumps(state))
    assert checkpoint.latest(str(directory)).weights == str(directory / checkpoint.LEGACY_WEIGHTS)
    with pytest.warns(UserWarning, match="written before checkpoints recorded their settings"):
        model, history = fit(directory)  # both epochs done: restores, trains none
    assert history.history["loss"] == state["history"]["loss"]
    reference, _ = fit(two_epochs)
    for a, b in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_array_equal(a, b)
