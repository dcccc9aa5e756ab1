"""Interruptible training: atomic epoch checkpoints and exact resumption.

`MAGE.fit(..., checkpoint_dir=DIR)` writes, at the end of every epoch,
`DIR/checkpoint.weights.h5` (weights, optimizer state, EMA codebook and seed
generator states) and `DIR/state.json` (epochs done), each to a temporary
file renamed into place, so a crash never leaves a torn checkpoint. Called
again with the same arguments after an interruption, `fit` restores them,
starts the data where the finished epochs left it (batch orders depend only
on the seed and the batch number) and continues: the final weights equal an
uninterrupted run's.

Example:

>>> model.fit(dataset_id, epochs=20, steps_per_epoch=500, checkpoint_dir="runs/ckpt")  # doctest: +SKIP
"""

import json
import os

import keras

WEIGHTS = "checkpoint.weights.h5"
STATE = "state.json"


def completed_epochs(directory):
    """Epochs already completed according to `directory`, 0 when it holds no checkpoint."""
    path = os.path.join(directory, STATE)
    if not os.path.exists(path):
        return 0
    with open(path) as f:
        return int(json.load(f)["epochs"])


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

    def on_epoch_end(self, epoch, logs=None):
        os.makedirs(self.directory, exist_ok=True)
        weights = os.path.join(self.directory, WEIGHTS)
        staging = os.path.join(self.directory, "staging." + WEIGHTS)
        self.model.save_weights(staging, overwrite=True)
        os.replace(staging, weights)
        state = os.path.join(self.directory, STATE)
        with open(state + ".tmp", "w") as f:
            json.dump({"epochs": epoch + 1}, f)
        os.replace(state + ".tmp", state)
