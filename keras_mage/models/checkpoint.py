"""Interruptible training: atomic, verified epoch checkpoints and exact resumption.

`MAGE.fit(..., checkpoint_dir=DIR)` ends every epoch by writing one folder,
`DIR/epoch-000003/`, holding `weights.h5` (weights, optimizer state, EMA
codebook, seed generator states) and `state.json` (epochs done, their logs,
the seconds they took and the run's settings). The folder is built under a
temporary name, fsync'd and renamed into place, so a checkpoint is there
whole or not at all; the two newest are kept. Called again with the same
arguments after an interruption, `fit` resumes from the newest checkpoint
that reads back whole (saying so when it falls back to the previous one),
once its settings match the call's: configuration, data statistics, seed,
batch size, epochs and steps per epoch. It starts the data where the
finished epochs left it (batch orders depend only on the seed and the batch
number), so the final weights equal an uninterrupted run's, and the returned
`History` holds every epoch, the interrupted run's first.

Example:

>>> model.fit(dataset_id, epochs=20, steps_per_epoch=500, checkpoint_dir="runs/ckpt")  # doctest: +SKIP
"""

import dataclasses
import json
import os
import re
import shutil
import time
import warnings

import h5py
import keras

from keras_mage.utils.files import STAGING_PREFIX, atomic_path, jsonable, write_json

WEIGHTS = "model.weights.h5"
STATE = "state.json"
KEEP = 2
LEGACY_WEIGHTS = "checkpoint.weights.h5"  # keras_mage <= 0.9 wrote one weights file and state.json in DIR itself
_EPOCH_FOLDER = re.compile(r"^epoch-(\d+)$")


@dataclasses.dataclass
class Checkpoint:
    """One checkpoint on disk: its folder, weights file and state (without `settings` in the legacy layout)."""

    path: str
    weights: str
    state: dict


def read_state(directory):
    """`{"epochs", "seconds", "history", ...}` of the newest intact checkpoint in `directory`; zero epochs when none."""
    found = latest(directory)
    return found.state if found else {"epochs": 0, "seconds": 0.0, "history": {}}


def latest(directory):
    """The newest checkpoint in `directory` that reads back whole, or None when it holds none.

    A damaged newer checkpoint is named in a warning and skipped; when every
    checkpoint is damaged, or weights lie there without their state, a
    `ValueError` says so rather than letting training start over them.
    """
    if not directory or not os.path.isdir(directory):
        return None
    candidates = _candidates(directory)
    problems = []
    for path, weights in candidates:
        try:
            found = Checkpoint(path, weights, _read_intact(path, weights))
        except ValueError as error:
            problems.append(str(error))
            continue
        for problem in problems:
            warnings.warn(f"{problem} Resuming from the previous checkpoint, {path} (epoch {found.state['epochs']}).")
        return found
    if problems:
        raise ValueError(
            f"No checkpoint in {directory} can be resumed: " + " ".join(problems)
            + f" Delete {directory} (or pass another checkpoint_dir) to train from the start."
        )
    return None


def check_settings(found, settings):
    """Raises a `ValueError` naming every setting in which `found` differs from this call's `settings`."""
    recorded = found.state.get("settings")
    if recorded is None:
        warnings.warn(f"{found.path} was written before checkpoints recorded their settings; they are not checked.")
        return
    current = json.loads(json.dumps(settings, default=jsonable))
    differences = [
        f"{key}: checkpoint {recorded.get(key)!r}, this call {current.get(key)!r}"
        for key in sorted(set(recorded) | set(current))
        if key != "config" and recorded.get(key) != current.get(key)
    ]
    differences += [
        f"config[{key!r}]: checkpoint {recorded['config'].get(key)!r}, this call {current['config'].get(key)!r}"
        for key in sorted(set(recorded["config"]) | set(current["config"]))
        if recorded["config"].get(key) != current["config"].get(key)
    ]
    if found.state["epochs"] > settings["epochs"]:
        differences.append(f"the checkpoint holds {found.state['epochs']} epochs, this call trains {settings['epochs']}")
    if differences:
        raise ValueError(
            f"The checkpoint {found.path} was written by a different run; resuming it would not reproduce either. "
            + "; ".join(differences)
            + ". Call fit with the settings it was written with, or pass a new checkpoint_dir to start a new run."
        )


def run_settings(model, epochs, steps_per_epoch, batch_size):
    """What a checkpoint must agree with to be resumed: the model's configuration and the fit call's budget."""
    config = {key: value for key, value in model.get_config().items() if key not in ("name", "data_statistics")}
    statistics = model.data_statistics.get_config() if model.data_statistics is not None else None
    return {
        "config": config, "data_statistics": statistics, "epochs": epochs, "steps_per_epoch": steps_per_epoch,
        "batch_size": batch_size,
    }


def prepend_history(history, state):
    """Puts the checkpointed epochs' logs before a resumed `fit`'s own in its Keras `History`.

    `history.resumed_state` keeps the checkpoint's state (epochs, seconds) for
    callers that report what the interrupted run had done.
    """
    for name, values in state["history"].items():
        history.history[name] = list(values) + history.history.get(name, [])
    history.epoch = list(range(state["epochs"])) + history.epoch
    history.resumed_state = state
    return history


def restore(model, found):
    """Loads the checkpoint's weights and optimizer state into a built, compiled `model`."""
    if not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)
    model.load_weights(found.weights)


class EpochCheckpoint(keras.callbacks.Callback):
    """Writes the checkpoint described in this module at every epoch end; keeps the newest `KEEP`."""

    def __init__(self, directory, settings, resumed=None):
        super().__init__()
        self.directory = os.fspath(directory)
        self.settings = settings
        self.state = dict(resumed.state) if resumed else {"epochs": 0, "seconds": 0.0, "history": {}}
        self.state["history"] = {name: list(values) for name, values in self.state["history"].items()}

    def on_train_begin(self, logs=None):
        self.started = time.time() - self.state["seconds"]
        if os.path.isdir(self.directory):  # folders a killed run was building
            for name in os.listdir(self.directory):
                if name.startswith(STAGING_PREFIX):
                    shutil.rmtree(os.path.join(self.directory, name), ignore_errors=True)

    def on_epoch_end(self, epoch, logs=None):
        for name, value in (logs or {}).items():
            self.state["history"].setdefault(name, []).append(float(value))
        self.state.update(epochs=epoch + 1, seconds=time.time() - self.started, settings=self.settings)
        with atomic_path(os.path.join(self.directory, f"epoch-{epoch + 1:06d}"), directory=True) as staging:
            self.model.save_weights(os.path.join(staging, WEIGHTS))
            write_json(os.path.join(staging, STATE), self.state)
        for path, _ in _candidates(self.directory)[KEEP:]:
            _remove(path, self.directory)


def _candidates(directory):
    """`(folder, weights file)` of every checkpoint in `directory`, newest first."""
    folders = sorted(
        (int(match.group(1)), name) for name in os.listdir(directory) if (match := _EPOCH_FOLDER.match(name))
    )
    found = [(os.path.join(directory, name), os.path.join(directory, name, WEIGHTS)) for _, name in reversed(folders)]
    if os.path.exists(os.path.join(directory, LEGACY_WEIGHTS)):
        found.append((directory, os.path.join(directory, LEGACY_WEIGHTS)))
    return found


def _read_intact(path, weights):
    """The state of the checkpoint at `path` once its state and every weight read back; `ValueError` if not."""
    state_file = os.path.join(path, STATE)
    try:
        with open(state_file) as f:
            state = json.load(f)
        state["epochs"] = int(state["epochs"])
        state.setdefault("seconds", 0.0)
        state.setdefault("history", {})
        numbered = _EPOCH_FOLDER.match(os.path.basename(path))
        if numbered and int(numbered.group(1)) != state["epochs"]:
            raise ValueError(f"it claims {state['epochs']} epochs in the folder of epoch {int(numbered.group(1))}")
        if any(len(values) != state["epochs"] for values in state["history"].values()):
            raise ValueError(f"its logs do not cover its {state['epochs']} epochs")
    except FileNotFoundError:
        raise ValueError(f"The checkpoint {path} is damaged: {STATE} is missing.") from None
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(f"The checkpoint {path} is damaged: {state_file} does not read back ({error}).") from None
    try:
        with h5py.File(weights, "r") as file:
            file.visititems(lambda name, item: item[()] if isinstance(item, h5py.Dataset) else None)
    except (OSError, RuntimeError, KeyError, ValueError) as error:
        raise ValueError(f"The checkpoint {path} is damaged: {weights} does not read back ({error}).") from None
    return state


def _remove(path, directory):
    if path == directory:  # the legacy layout's files, superseded by the new folders
        for name in (LEGACY_WEIGHTS, STATE):
            if os.path.exists(os.path.join(directory, name)):
                os.remove(os.path.join(directory, name))
    else:
        shutil.rmtree(path)
