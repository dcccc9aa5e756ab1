"""Milliseconds per MAGE training step and parameter count on the current backend.

Usage:
    KERAS_BACKEND=jax python benchmarks/train_step.py --preset base --batch-size 256
    KERAS_BACKEND=jax python benchmarks/train_step.py --preset base --batch-size 32 --phase 1 --set downsample=4 ...
Prints one line per XLA setting (on/off where the backend has a choice). `--phase 2` (the default) times the
phase that trains the transformer and heads, `--phase 1` the tokenizer's; `--set` overrides preset options.
"""

import argparse
import os
import sys
import time

import keras
import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
sys.path.append(os.path.join(os.path.dirname(__file__), "..", "recipes"))  # recipes/ogbench.py: after `ogbench`
import keras_mage  # noqa: E402
from recipe_cli import parse_options  # noqa: E402
from synthetic import window_batches  # noqa: E402


class StepTimer(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.times = []

    def on_train_batch_begin(self, batch, logs=None):
        self.start = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        self.times.append(time.perf_counter() - self.start)


def measure(preset, batch_size, steps, jit_compile, phase=2, options=None):
    warmup = 0 if phase == 2 else 10**9  # every step in the phase asked for
    model = keras_mage.MAGE.from_preset(preset, seed=0, **{**(options or {}), "tokenizer_warmup_steps": warmup})
    batches = window_batches(batch_size * steps, model.horizon)
    model.compile(jit_compile=jit_compile)
    timer = StepTimer()
    # Epoch 1 compiles; epoch 2 is timed. The callback forces a sync per step,
    # so the figure includes host-device round trips, as a real fit does.
    model.fit(batches, batch_size=batch_size, epochs=2, verbose=0, callbacks=[timer])
    timed = np.asarray(timer.times[steps:])
    return model.count_params(), 1000 * np.median(timed), 1000 * np.percentile(timed, 90)


def device():
    try:
        return keras.distribution.list_devices()[0]
    except (AttributeError, NotImplementedError):  # torch: no keras.distribution
        import torch

        return "cuda:0" if torch.cuda.is_available() else "cpu"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", default="tiny")
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--phase", type=int, choices=[1, 2], default=2)
    parser.add_argument("--xla", choices=["both", "on", "off"], default="both")
    parser.add_argument("--set", dest="options", action="append", default=[], metavar="OPTION=VALUE")
    args = parser.parse_args()
    options = parse_options(args.options)
    backend = keras.backend.backend()
    batch_size = args.batch_size or keras_mage.get_preset(args.preset)["batch_size"]
    settings = [True, False] if backend in ("tensorflow", "jax") else ["auto"]
    if args.xla != "both" and backend in ("tensorflow", "jax"):
        settings = [args.xla == "on"]
    for jit in settings:
        params, median, p90 = measure(args.preset, batch_size, args.steps, jit, args.phase, options)
        xla = {True: "on", False: "off", "auto": "n/a"}[jit]
        print(
            f"backend={backend} preset={args.preset} options={options} phase={args.phase} batch={batch_size} "
            f"xla={xla} params={params:,} ms/step median={median:.1f} p90={p90:.1f} device={device()}"
        )


if __name__ == "__main__":
    main()
