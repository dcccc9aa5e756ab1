"""Acting in environments: observation in, action out, with a target return.

`MAGEPolicy` wraps any agent with `predict_actions(states, goals,
target_returns)` and `data_statistics` (a `MAGE` model or the
behaviour-cloning baseline). It splits env observations with
`keras_mage.data.split_observation`, conditions on the current state, goal and
per-env target return, and replans every `replan_every` steps; each step's
action is the mean of what the plans still covering it predicted for it
(`temporal_ensemble`; one plan, the newest, with one action per plan). The target return
starts at `target_return` (default: the data's 0.9 return quantile stored in the model)
and follows the rewards received, per env (`return_update`), or is the model's
own estimate for the current state ("estimated"); `reset(mask)` restarts the
envs that begin a new episode. The options live in
`keras_mage.control.acting_options.ActingOptions`.

Example:

>>> policy = MAGEPolicy(model, replan_every=1)  # doctest: +SKIP
>>> observation, _ = env.reset(seed=0)  # doctest: +SKIP
>>> action = policy.act(observation)  # doctest: +SKIP
>>> observation, reward, terminated, truncated, info = env.step(action)  # doctest: +SKIP
>>> policy.observe(reward, done=terminated or truncated)  # doctest: +SKIP
"""

import math
from collections.abc import Mapping

import numpy as np

from keras_mage.control.acting_options import ActingOptions


class MAGEPolicy:
    """An env-facing policy over a trained agent (single or batched observations).

    Args:
        model: a trained agent with `predict_actions` (and `action_chunk`).
        target_return: initial target return in raw reward units; default the
            model's `data_statistics.return_quantile`.
        options: an `ActingOptions`; or its fields as keyword arguments
            (`return_update`, `replan_every`, `temperature`, `top_k`,
            `guidance_scale`, `temporal_ensemble`). `policy.options` holds
            them as applied to this model (defaults filled in).
    """

    def __init__(self, model, target_return=None, options=None, **acting_options):
        if options is not None and acting_options:
            raise ValueError(f"pass `options` or acting options as keywords, not both (got {sorted(acting_options)}).")
        options = options if options is not None else ActingOptions(**acting_options)
        chunk = int(getattr(model, "action_chunk", 1))
        self.options = options.for_model(bool(getattr(model, "return_head", False)), chunk)
        statistics = getattr(model, "data_statistics", None)
        if target_return is None:
            if statistics is None:
                raise ValueError(
                    "The model stores no return statistics (train it with `fit` on a dataset); "
                    "pass `target_return=` explicitly."
                )
            target_return = statistics.return_quantile
        self.discount = 1.0 if statistics is None else float(statistics.discount)
        self.return_range = (None, None) if statistics is None else (statistics.return_min, statistics.return_max)
        if not math.isfinite(target_return):
            raise ValueError(f"target_return must be a finite number, got {target_return}.")
        self.model = model
        self.initial_target = float(target_return)
        self.target_returns = None  # (num_envs,) once the batch size is known

    def reset(self, mask=None):
        """Restarts every env (forgetting the batch size), or the envs where `mask` is True."""
        if mask is None or self.target_returns is None:
            self.target_returns = None
            return
        mask = self._per_env(mask, "reset mask").astype(bool)
        self.target_returns[mask] = self.initial_target
        self._forget(mask)

    def _forget(self, mask):
        """Drops what the envs in `mask` remember of their episode."""
        self._ages[mask] = self._plans.shape[2]  # drops the episode's plans: a new one at the next act

    def observe(self, rewards, done=None):
        """Moves the target returns past `rewards` (`return_update`); resets the envs whose episode is `done`."""
        if self.target_returns is None:
            raise ValueError("call `act` before `observe`: the policy has no episode in progress.")
        rewards = self._per_env(rewards, "rewards")
        lowest, highest = self.return_range
        rule = self.options.return_update
        if rule not in ("fixed", "estimated"):
            self.target_returns -= rewards
        if rule == "decrement" and lowest is not None:
            self.target_returns[self.target_returns < lowest] = self.initial_target
        if rule == "discounted":
            if self.discount > 0:
                self.target_returns /= self.discount
            # Without a floor, rewards past the return left (at the goal of a continuing env) drive it to -inf.
            np.clip(self.target_returns, 0.0 if lowest is None else lowest, highest, out=self.target_returns)
        if done is not None:
            self.reset(done)

    def act(self, observation, rewards=None, done=None):
        """Actions for an observation (single: (da,)) or a batch of them ((num_envs, da)).

        `rewards` / `done`, when given, are the previous step's and are applied
        first (same as calling `observe`).
        """
        states, goals, single = self._inputs(observation, rewards, done)
        replan = self._ages[:, 0] >= self.options.replan_every
        if replan.any():
            if self.options.return_update == "estimated":
                self.target_returns[replan] = self.model.predict_returns(states, goals)[replan]
            plans = self.model.predict_actions(states, goals, self.target_returns.copy(), **self.options.sampling)
            self._plans[replan] = np.roll(self._plans[replan], 1, axis=1)
            self._ages[replan] = np.roll(self._ages[replan], 1, axis=1)
            self._plans[replan, 0] = np.asarray(plans)[replan]
            self._ages[replan, 0] = 0
        actions = self._current_actions()
        self._ages += 1
        return actions[0] if single else actions

    def _inputs(self, observation, rewards, done):
        """Observes the previous step (if given); returns the batched (states, goals), checked, and whether single.

        Observations are one env's (an array or a dict of arrays, each
        `(features,)`) or a batch of them (each `(num_envs, features)`); a
        ValueError states the received and the expected shapes.
        """
        from keras_mage.data import split_observation
        from keras_mage.models.acting import check_inputs

        if rewards is not None:
            self.observe(rewards, done)
        names = ("observations", "goals (a dict observation's desired_goal)")
        if isinstance(observation, Mapping):
            shapes = {key: np.shape(value) for key, value in observation.items()}
            if len({shape[:-1] for shape in shapes.values()}) > 1:
                raise ValueError(
                    f"the dict observation's entries disagree on the batch shape: {shapes}; each must be "
                    "(features,) for one env or (num_envs, features) for a batch."
                )
            names = ("states (achieved_goal and observation joined)", "goals (desired_goal)")
        states, goals = split_observation(observation)
        model = self.model
        states, goals, _, single = check_inputs(
            states, goals, state_dim=getattr(model, "state_dim", None), goal_dim=getattr(model, "goal_dim", None),
            names=names,
        )
        self._start(len(states))
        return states, goals, single

    def _per_env(self, values, name):
        """`values` as a (num_envs,) float32 array: one per env the policy acts for."""
        values = np.asarray(values, np.float32)
        if values.size != len(self.target_returns):
            raise ValueError(
                f"{name} of shape {values.shape} do not fit the {len(self.target_returns)} env(s) the policy acts "
                "for: pass one per env."
            )
        return values.reshape(-1)

    def _current_actions(self):
        """Each env's action for this step: its newest plan's, or the plans' weighted mean (`temporal_ensemble`)."""
        chunk = self._plans.shape[2]
        covering = self._ages < chunk
        steps = np.minimum(self._ages, chunk - 1)
        envs, kept = np.indices(self._ages.shape)
        predicted = self._plans[envs, kept, steps]  # (num_envs, plans kept, da)
        weights = np.where(covering, np.exp((self.options.temporal_ensemble or 0.0) * self._ages), 0.0)
        return ((weights[..., None] * predicted).sum(1) / weights.sum(1, keepdims=True)).astype(np.float32)

    def _start(self, num_envs):
        if self.target_returns is not None and len(self.target_returns) == num_envs:
            return
        if self.target_returns is not None:
            raise ValueError(
                f"the policy acts for {len(self.target_returns)} env(s) but got {num_envs} observation(s); "
                "use one policy per vector env size."
            )
        self.target_returns = np.full(num_envs, self.initial_target, np.float32)
        self._begin(num_envs)

    def _begin(self, num_envs):
        """Makes the per-env memory of `num_envs` envs (the plans)."""
        chunk = int(getattr(self.model, "action_chunk", 1))
        action_dim = int(self.model.action_dim)
        kept = 1 if self.options.temporal_ensemble is None else chunk
        self._plans = np.zeros((num_envs, kept, chunk, action_dim), np.float32)
        self._ages = np.full((num_envs, kept), chunk, np.int64)
