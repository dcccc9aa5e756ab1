"""Which of MAGE's two training phases a step belongs to, and the switch between them inside one `fit`.

Phase 1 (steps before `tokenizer_warmup_steps`) trains the tokenizer alone;
phase 2 the transformer and heads. The model builds a different training graph
per phase (phase 1 computes no transformer pass and no plan), so `PhaseSwitch`
sets `model.training_phase` from the optimizer's step count when `fit` starts
(a resumed run continues in its phase) and rebuilds the train function at the
first step of phase 2; `TwoPhaseAdamW` gives each phase's weights their own
optimizer statistics.

Example:

>>> total_steps(None, epochs=3, steps_per_epoch=100)
300
"""

import math

import keras


def phase_at(step, switch_step):
    """1 before `switch_step`, else 2.

    Example:

    >>> phase_at(99, 100), phase_at(100, 100)
    (1, 2)
    """
    return 1 if step < switch_step else 2


def total_steps(data, epochs, steps_per_epoch=None, batch_size=None):
    """Training steps a `fit` of `epochs` will take, or None when the data's length is unknown."""
    if steps_per_epoch is not None:
        return epochs * steps_per_epoch
    if isinstance(data, dict) and batch_size:
        return epochs * math.ceil(len(next(iter(data.values()))) / batch_size)
    if hasattr(data, "cardinality"):  # tf.data
        batches = int(data.cardinality())
        return epochs * batches if batches >= 0 else None
    if hasattr(data, "__len__") and not isinstance(data, dict):
        return epochs * len(data)
    return None


class PhaseSwitch(keras.callbacks.Callback):
    """Sets the model's phase when training starts and switches it to 2 before step `switch_step`.

    Keras calls `on_train_batch_begin` before each step and then looks up the
    model's train function, so the step that starts phase 2 already runs
    phase 2's graph.
    """

    def __init__(self, switch_step, first_step):
        super().__init__()
        self.switch_step = int(switch_step)
        self.step = int(first_step)

    def on_train_begin(self, logs=None):
        phase = phase_at(self.step, self.switch_step)
        if phase != self.model.training_phase:
            self.model.training_phase = phase
            self.model.make_train_function(force=True)

    def on_train_batch_begin(self, batch, logs=None):
        if self.step == self.switch_step and self.model.training_phase == 1:
            self.model.training_phase = 2
            self.model.make_train_function(force=True)
        self.step += 1
