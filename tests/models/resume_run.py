"""Trains tiny MAGE on numpy episodes with checkpoints; can be killed (os._exit) at any write of a checkpoint.

Usage:
    python resume_run.py OUT.npz CHECKPOINT_DIR full [SNAPSHOTS]  # uninterrupted; OUT also holds `write_points`
    python resume_run.py OUT.npz CHECKPOINT_DIR kill N            # exits (code 3) before the N-th write
    python resume_run.py OUT.npz CHECKPOINT_DIR resume            # the same call again
    python resume_run.py OUT_PREFIX - resume-each DIR...          # resumes each DIR in turn: OUT_PREFIX<i>.npz

A write is a file or folder operation of epoch 3's checkpoint: saving the
weights, renaming a finished file or folder into place, removing an old
checkpoint or a temporary. With SNAPSHOTS, the full run copies
CHECKPOINT_DIR to SNAPSHOTS/<N> before its N-th write: what a kill there
leaves on disk. OUT.npz gets the final weights and the returned History.
"""

import os
import shutil
import sys

import keras
import numpy as np

import keras_mage
from keras_mage.models import checkpoint
from random_walks import episodes

KILLED_EPOCH = 2  # the third checkpoint: the first one that also removes an old one


class WritePoints:
    """Counts the writes of the killed epoch's checkpoint; dies before write `kill_at`, or snapshots before each."""

    def __init__(self, checkpoint_dir, kill_at=None, snapshots=None):
        self.checkpoint_dir, self.kill_at, self.snapshots = checkpoint_dir, kill_at, snapshots
        self.count, self.armed = 0, False
        self.copy = shutil.copytree
        write_checkpoint = checkpoint.EpochCheckpoint.on_epoch_end

        def on_epoch_end(callback, epoch, logs=None):
            self.armed = epoch == KILLED_EPOCH
            write_checkpoint(callback, epoch, logs)
            self.armed = False

        checkpoint.EpochCheckpoint.on_epoch_end = on_epoch_end
        for owner, name in ((os, "replace"), (os, "remove"), (shutil, "rmtree"), (keras.Model, "save_weights")):
            setattr(owner, name, self.counted(getattr(owner, name)))

    def counted(self, write):
        def counted_write(*args, **kwargs):
            if self.armed:
                self.count += 1
                if self.count == self.kill_at:
                    os._exit(3)  # a hard kill: no cleanup, no exception handling
                if self.snapshots:
                    self.copy(self.checkpoint_dir, os.path.join(self.snapshots, str(self.count)))
            return write(*args, **kwargs)

        return counted_write


def main(path, checkpoint_dir, mode, *arguments):
    if mode == "resume-each":
        for i, directory in enumerate(arguments):
            train(f"{path}{i}.npz", directory, WritePoints(directory))
    else:
        kill_at = int(arguments[0]) if mode == "kill" else None
        snapshots = arguments[0] if mode == "full" and arguments else None
        train(path, checkpoint_dir, WritePoints(checkpoint_dir, kill_at, snapshots))


def train(path, checkpoint_dir, points):
    model = keras_mage.MAGE.from_preset("tiny", seed=0, tokenizer_warmup_steps=3)
    history = model.fit(
        episodes(), batch_size=16, epochs=4, steps_per_epoch=3, checkpoint_dir=checkpoint_dir, verbose=0
    )
    logs = {f"history_{name}": values for name, values in history.history.items()}
    np.savez(
        path, *[keras.ops.convert_to_numpy(v.value) for v in model.weights], epochs=history.epoch,
        write_points=points.count, **logs,
    )


if __name__ == "__main__":
    main(*sys.argv[1:])
