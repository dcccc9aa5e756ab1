"""AdamW for a model trained in two phases: each weight's Adam statistics start when it starts training.

MAGE trains its tokenizer first and its transformer, condition MLP and action
head from `switch_step` on. With one plain AdamW over all weights, the weights
that start late arrive at the switch with zero moments but a step count of
`switch_step`, so Adam's bias correction is long gone and their first updates
are several times the learning rate (the moments of a fresh weight are (1 - beta)
times too small for thousands of steps). Here every weight belongs to a phase
by the layer its path names:

- `second_phase` layers train from `switch_step` on; their step count, and so
  their bias correction, starts there;
- `first_phase` layers train before `switch_step` only (a frozen tokenizer);
- every other weight trains throughout.

Outside its phase a weight is left exactly as it is: no momentum, no weight
decay, its moments unchanged; its gradient (None or zero where the phase's
graph does not use it) counts as zero, also for the global norm clipping.

Example:

>>> optimizer = TwoPhaseAdamW(1e-3, switch_step=2000, second_phase=("transformer",))
>>> optimizer.phase_of("mage/transformer/block_0/qkv/kernel"), optimizer.phase_of("mage/encoder/norm/gamma")
(2, 0)
"""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_mage")
class TwoPhaseAdamW(keras.optimizers.Adam):
    """Adam with decoupled weight decay (AdamW) and per-phase weights; see the module docstring.

    Args:
        learning_rate: a float or a schedule (`TwoPhaseSchedule`).
        weight_decay: decoupled weight decay rate, as AdamW's.
        switch_step: the first step of phase 2.
        first_phase: names of layers (path components) trained before `switch_step` only.
        second_phase: names of layers trained from `switch_step` on.
        **kwargs: `keras.optimizers.Adam` arguments (betas, epsilon, clipping, name).
    """

    def __init__(self, learning_rate=0.001, weight_decay=0.0, switch_step=0, first_phase=(), second_phase=(), **kwargs):
        kwargs.pop("amsgrad", None)  # not supported: the update below is plain Adam
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.decoupled_weight_decay = float(weight_decay or 0.0)
        self.switch_step = int(switch_step)
        self.first_phase = tuple(first_phase)
        self.second_phase = tuple(second_phase)

    @property
    def learning_rate_schedule(self):
        """The learning rate schedule, or None for a constant rate."""
        schedule = self._learning_rate
        return schedule if isinstance(schedule, keras.optimizers.schedules.LearningRateSchedule) else None

    def set_total_steps(self, steps):
        """Tells a `TwoPhaseSchedule` learning rate where phase 2 ends (its decay); else does nothing."""
        if hasattr(self.learning_rate_schedule, "total_steps"):
            self.learning_rate_schedule.total_steps = steps

    def phase_of(self, variable):
        """2, 1 or 0 (always) for a variable or its path."""
        layers = set((variable if isinstance(variable, str) else variable.path).split("/")[:-1])
        if layers & set(self.second_phase):
            return 2
        return 1 if layers & set(self.first_phase) else 0

    def _active(self, phase):
        """Whether a weight of `phase` trains at the current step (a boolean tensor), None when always."""
        if phase == 2:
            return self.iterations >= self.switch_step
        if phase == 1:
            return self.iterations < self.switch_step
        return None

    def apply(self, grads, trainable_variables=None):
        variables = self._trainable_variables if trainable_variables is None else list(trainable_variables)
        masked = []
        for gradient, variable in zip(grads, variables):
            active = self._active(self.phase_of(variable))
            if active is not None:
                zeros = ops.zeros(variable.shape, variable.dtype)
                gradient = zeros if gradient is None else ops.where(active, gradient, zeros)
            masked.append(gradient)
        return super().apply(masked, trainable_variables)

    def build(self, var_list):
        super().build(var_list)
        self._phases = [self.phase_of(variable) for variable in var_list]

    def update_step(self, gradient, variable, learning_rate):
        index = self._get_variable_index(variable)
        phase = self._phases[index]
        dtype = variable.dtype
        started = self.switch_step if phase == 2 else 0
        count = ops.cast(ops.maximum(self.iterations - started + 1, 1), dtype)
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        m, v = self._momentums[index], self._velocities[index]
        new_m = m + (gradient - m) * (1.0 - self.beta_1)
        new_v = v + (ops.square(gradient) - v) * (1.0 - self.beta_2)
        step_size = lr * ops.sqrt(1.0 - ops.power(self.beta_2, count)) / (1.0 - ops.power(self.beta_1, count))
        new_variable = variable - step_size * new_m / (ops.sqrt(new_v) + self.epsilon)
        if self.decoupled_weight_decay and self._use_weight_decay(variable):
            new_variable = new_variable - lr * self.decoupled_weight_decay * variable
        active = self._active(phase)
        for target, value in ((m, new_m), (v, new_v), (variable, new_variable)):
            self.assign(target, value if active is None else ops.where(active, value, ops.convert_to_tensor(target)))

    def get_config(self):
        config = super().get_config()
        config.pop("amsgrad", None)
        return {
            **config,
            "weight_decay": self.decoupled_weight_decay,
            "switch_step": self.switch_step,
            "first_phase": list(self.first_phase),
            "second_phase": list(self.second_phase),
        }
