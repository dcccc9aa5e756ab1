"""Interruptible training: atomic epoch checkpoints and exact resumption.

`MAGE.fit(..., checkpoint_dir=DIR)` writes, at the end of every epoch,
`DIR/checkpoint.weights.h5` (weights, optimizer state, EMA codebook and seed
generator states) and `DIR/state.json` (epochs done, their logs and the
seconds they took), each to a temporary file renamed into place, so a crash
never leaves a torn checkpoint. Called again with the same arguments after
an interruption, `fit` restores them, starts the data where the finished
epochs left it (batch orders depend only on the seed and the batch number)
and continues: the final weights equal an uninterrupted run's, and the
returned `History` holds every epoch, the interrupted run's first.

Example:

>>> model.fit(dataset_id, epochs=20, steps_per_epoch=500, checkpoint_dir="runs/ckpt")  # doctest: +SKIP
"""

import json
import os
import time

import keras

from keras_mage.utils.files import atomic_path, write_json

WEIGHTS = "checkpoint.weights.h5"
STATE = "state.json"


def read_state(directory):
    """`{"epochs", "seconds", "history"}` of the epochs `directory` holds; zero epochs when none.

    `history` maps each log (loss, ...) to its value per epoch; `seconds` is
    the training time those epochs took, over every run that trained them.
    Checkpoints written before these were recorded give an empty history.
    """
    path = os.path.join(directory, STATE)
    if not os.path.exists(path):
        return {"epochs": 0, "seconds": 0.0, "history": {}}
    with open(path) as f:
        state = json.load(f)
    return {"epochs": int(state["epochs"]), "seconds": state.get("seconds", 0.0), "history": state.get("history", {})}


def completed_epochs(directory):
    """Epochs already completed according to `directory`, 0 when it holds no checkpoint."""
    return read_state(directory)["epochs"]


def prepend_history(history, state):
    """Puts the checkpointed epochs' logs before a resumed `fit`'s own in its Keras `History`."""
    for name, values in state["history"].items():
        history.history[name] = list(values) + history.history.get(name, [])
    history.epoch = list(range(state["epochs"])) + history.epoch
    return history


def restore(model, directory):
    """Loads the checkpoint's weights and optimizer state into a built, compiled `model`."""
    if not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)
    model.load_weights(os.path.join(directory, WEIGHTS))


class EpochCheckpoint(keras.callbacks.Callback):
    """Writes the atomic checkpoint described in this module at every epoch end."""

    def __init__(self, directory):
        super().__init__()
        self.directory = directory

    def on_train_begin(self, logs=None):
        self.state = read_state(self.directory)
        self.started = time.time() - self.state["seconds"]

    def on_epoch_end(self, epoch, logs=None):
        with atomic_path(os.path.join(self.directory, WEIGHTS)) as staging:
            self.model.save_weights(staging, overwrite=True)
        for name, value in (logs or {}).items():
            self.state["history"].setdefault(name, []).append(float(value))
        self.state.update(epochs=epoch + 1, seconds=time.time() - self.started)
        write_json(os.path.join(self.directory, STATE), self.state)
