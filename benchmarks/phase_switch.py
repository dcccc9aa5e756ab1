"""How far the phase 2 weights move in their first steps: the update size at MAGE's phase switch.

Trains a preset on a dataset and records, at every step after the switch, how
far the transformer's weights moved, in units of the learning rate of that
step: the mean |change| / lr over the weights that moved (by more than 1% of
lr; adaLN-Zero leaves many without gradient at first). Adam's first step
moves every such weight by exactly lr (ratio 1), later steps by less as
gradient noise averages out. An optimizer whose statistics went stale during
phase 1 moves them several times further: (1 - b1^t) / sqrt(1 - b2^t) times,
t steps after the switch, once phase 1 was long enough for the global bias
correction to vanish (3.2 at t = 1, 6.5 at t = 10 with Adam's betas).

Usage (torch: its weights can be read between steps):
    KERAS_BACKEND=torch python benchmarks/phase_switch.py --preset base --dataset keras_mage/pointmaze/large-200k-v0 \\
        --set batch_size=32 --set tokenizer_warmup_steps=100 --steps 400
"""

import argparse
import os
import sys

import keras
import numpy as np

sys.path.append(os.path.join(os.path.dirname(__file__), "..", "recipes"))  # recipes/ogbench.py: after `ogbench`
import keras_mage  # noqa: E402
from recipe_cli import parse_options  # noqa: E402

REPORTED = (1, 2, 10, 30, 100, 300)


class UpdateSize(keras.callbacks.Callback):
    """Mean |change| of a layer's weights per step, over the learning rate of that step."""

    def __init__(self, layer):
        super().__init__()
        self.layer = layer
        self.ratios, self.sizes = [], []

    def _weights(self):
        return np.concatenate([keras.ops.convert_to_numpy(v).ravel() for v in self.layer.trainable_weights])

    def on_train_batch_begin(self, batch, logs=None):
        self.before = self._weights()
        self.learning_rate = float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate))

    def on_train_batch_end(self, batch, logs=None):
        change = np.abs(self._weights() - self.before)
        moved = change[change > 0.01 * self.learning_rate]
        self.sizes.append(float(change.mean()))
        self.ratios.append(float(moved.mean() / self.learning_rate) if moved.size else 0.0)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", default="base")
    parser.add_argument("--dataset", default="keras_mage/pointmaze/large-200k-v0")
    parser.add_argument("--steps", type=int, default=400)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--set", dest="options", action="append", default=[], metavar="OPTION=VALUE")
    args = parser.parse_args()
    options = parse_options(args.options)
    model = keras_mage.MAGE.from_preset(args.preset, seed=args.seed, **options)
    recorder = UpdateSize(model.transformer)
    model.fit(args.dataset, epochs=1, steps_per_epoch=args.steps, verbose=0, callbacks=[recorder])
    switch = model.tokenizer_warmup_steps
    print(f"preset={args.preset} options={options} switch at step {switch}; "
          f"{type(model.optimizer).__name__}, keras_mage {keras_mage.__version__}")
    print("step after switch | mean |dW| / lr over the weights that moved | mean |dW| over all")
    for after in REPORTED:
        index = switch + after - 1
        if index < len(recorder.ratios):
            print(f"{after:>17} | {recorder.ratios[index]:>40.2f} | {recorder.sizes[index]:.2e}")
    phase_1 = recorder.sizes[:switch]
    print(f"phase 1 (before the switch): largest mean |dW| of the transformer {max(phase_1, default=0.0):.2e}")


if __name__ == "__main__":
    main()
