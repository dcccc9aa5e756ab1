"""Learning rate of MAGE's two training phases: each warms up, then decays, on its own.

Phase 1 (the tokenizer) runs steps `[0, switch_step)`, phase 2 (transformer
and heads) `[switch_step, total_steps)`. Each phase starts with a linear
warm-up over `warmup_steps` and, with `decay="cosine"`, ends at
`final_ratio` times the peak; with `decay="constant"` it stays at the peak.
VAR trains both of its stages with warm-up and decay; the second phase's
weights start untrained at the switch, so their first steps should be small.

Example:

>>> schedule = TwoPhaseSchedule(1e-3, switch_step=100, warmup_steps=10, total_steps=300, decay="cosine")
>>> [round(float(schedule(step)), 6) for step in (0, 9, 50, 99, 100, 109, 200, 299)]
[0.0001, 0.001, 0.000613, 0.0001, 0.0001, 0.001, 0.00058, 0.0001]
"""

import math

import keras
from keras import ops

DECAYS = ("constant", "cosine")


@keras.saving.register_keras_serializable(package="keras_mage")
class TwoPhaseSchedule(keras.optimizers.schedules.LearningRateSchedule):
    """Warm-up then constant or cosine decay, restarted at `switch_step`.

    Args:
        peak: the learning rate after warm-up.
        switch_step: first step of phase 2 (0: a single phase).
        warmup_steps: steps of the linear warm-up at the start of each phase.
        total_steps: the last step + 1 of phase 2, where its cosine ends; None
            (not known yet) keeps phase 2 at the peak after its warm-up.
            `MAGE.fit` sets it from its epochs and steps.
        decay: "constant" or "cosine".
        final_ratio: the cosine's end, as a share of `peak`.
    """

    def __init__(self, peak, switch_step=0, warmup_steps=0, total_steps=None, decay="constant", final_ratio=0.1):
        if decay not in DECAYS:
            raise ValueError(f"Unknown learning rate decay {decay!r}; use one of {DECAYS}.")
        if warmup_steps < 0 or switch_step < 0:
            raise ValueError(f"warmup_steps and switch_step must be >= 0, got {warmup_steps} and {switch_step}.")
        self.peak = float(peak)
        self.switch_step = int(switch_step)
        self.warmup_steps = int(warmup_steps)
        self.total_steps = None if total_steps is None else int(total_steps)
        self.decay = decay
        self.final_ratio = float(final_ratio)

    def __call__(self, step):
        step = ops.cast(step, "float32")
        second = step >= self.switch_step
        start = ops.where(second, float(self.switch_step), 0.0)
        end = ops.where(second, float(self.total_steps or 0), float(self.switch_step))
        elapsed = step - start
        factor = ops.minimum((elapsed + 1.0) / max(self.warmup_steps, 1), 1.0)
        if self.decay == "cosine":
            span = ops.maximum(end - start - self.warmup_steps, 1.0)
            progress = ops.clip((elapsed + 1.0 - self.warmup_steps) / span, 0.0, 1.0)  # 1 at the last step
            if self.total_steps is None:  # phase 2's end unknown: no decay there
                progress = ops.where(second, 0.0, progress)
            cosine = 0.5 * (1.0 + ops.cos(math.pi * progress))
            factor = factor * (self.final_ratio + (1.0 - self.final_ratio) * cosine)
        return self.peak * factor

    def get_config(self):
        return {
            "peak": self.peak,
            "switch_step": self.switch_step,
            "warmup_steps": self.warmup_steps,
            "total_steps": self.total_steps,
            "decay": self.decay,
            "final_ratio": self.final_ratio,
        }
