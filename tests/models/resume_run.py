"""Trains tiny MAGE on numpy episodes with checkpoints; can die half-way (os._exit).

Saves the final weights and the returned History (epochs, logs) to OUT.npz.

Usage: python resume_run.py OUT.npz CHECKPOINT_DIR {full,crash,resume}
"""

import os
import sys

import keras
import numpy as np

import keras_mage
from keras_mage.data import Episode


def episodes(count=12, length=30, seed=0):
    rng = np.random.default_rng(seed)
    result = []
    for _ in range(count):
        observations = np.cumsum(rng.normal(size=(length + 1, 4)), axis=0).astype("float32")
        result.append(
            Episode(
                observations=observations,
                goals=np.repeat(rng.normal(size=(1, 2)), length + 1, axis=0).astype("float32"),
                actions=np.tanh(rng.normal(size=(length, 2))).astype("float32"),
                rewards=rng.uniform(size=length).astype("float32"),
                terminations=np.zeros(length, bool),
                truncations=np.eye(1, length, length - 1, dtype=bool)[0],
            )
        )
    return result


class DieAtEpoch(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        if epoch == 2:
            os._exit(3)  # a hard kill: no cleanup, no exception handling


def main(path, checkpoint_dir, mode):
    model = keras_mage.MAGE.from_preset("tiny", seed=0, tokenizer_warmup_steps=3)
    callbacks = [DieAtEpoch()] if mode == "crash" else []
    history = model.fit(
        episodes(), batch_size=16, epochs=4, steps_per_epoch=3, checkpoint_dir=checkpoint_dir,
        callbacks=callbacks, verbose=0,
    )
    logs = {f"history_{name}": values for name, values in history.history.items()}
    np.savez(path, *[keras.ops.convert_to_numpy(v.value) for v in model.weights], epochs=history.epoch, **logs)


if __name__ == "__main__":
    main(*sys.argv[1:])
