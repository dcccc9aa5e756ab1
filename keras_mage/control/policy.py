"""Acting in environments: observation in, action out, with a target return.

`MAGEPolicy` wraps any agent with `predict_actions(states, goals,
target_returns)` and `data_statistics` (a `MAGE` model or the
behaviour-cloning baseline). It splits env observations with
`keras_mage.data.split_observation`, conditions on the current state, goal and
per-env target return, and replans every `replan_every` steps; each step's
action is the mean of what the plans still covering it predicted for it
(`temporal_ensemble`; one plan, the newest, with one action per plan). The target return
starts at `target_return` (default: the data's 0.9 return quantile stored in the model)
and follows the rewards received, per env (`return_update`, see
`RETURN_UPDATES`), or is the model's own estimate for the current state
("estimated"); `reset(mask)` restarts the envs that begin a new episode.

Example:

>>> policy = MAGEPolicy(model, replan_every=1)  # doctest: +SKIP
>>> observation, _ = env.reset(seed=0)  # doctest: +SKIP
>>> action = policy.act(observation)  # doctest: +SKIP
>>> observation, reward, terminated, truncated, info = env.step(action)  # doctest: +SKIP
>>> policy.observe(reward, done=terminated or truncated)  # doctest: +SKIP
"""

import numpy as np

RETURN_UPDATES = {
    "discounted": "(R - r) / γ, the discounted return-to-go's own recursion, kept within the data's smallest "
    "and largest return-to-go",
    "decrement": "R - r, as in Decision Transformer; a target below the data's smallest return-to-go "
    "(spent: after a goal the data's episode would have ended) restarts at the initial target",
    "fixed": "the target never changes within an episode",
    "estimated": "each new plan is conditioned on the model's return head's estimate for the current state "
    "and goal (`MAGE.predict_returns`; needs a model trained with `return_head`)",
}


def default_return_update(return_head):
    """The rule a policy follows unless told: "estimated" for a model with a return head, else "discounted".

    Example:

    >>> default_return_update(return_head=False)
    'discounted'
    """
    return "estimated" if return_head else "discounted"


def check_replan_every(replan_every, action_chunk, fix="train with a larger `action_chunk`"):
    """Raises a ValueError naming `fix` unless 1 <= replan_every <= action_chunk (actions per plan).

    Example:

    >>> check_replan_every(2, action_chunk=4)
    >>> check_replan_every(4, action_chunk=1, fix="add --set action_chunk=4")
    Traceback (most recent call last):
    ...
    ValueError: replan_every=4 but the model predicts 1 action(s) per plan; use 1 <= replan_every <= 1, or add --set action_chunk=4.
    """
    if not 1 <= replan_every <= action_chunk:
        raise ValueError(
            f"replan_every={replan_every} but the model predicts {action_chunk} action(s) per plan; use "
            f"1 <= replan_every <= {action_chunk}, or {fix}."
        )


def acted_temporal_ensemble(temporal_ensemble, replan_every, action_chunk):
    """`temporal_ensemble` as acting applies it: None where plans never overlap (`replan_every` >= chunk).

    Then each step has one plan, and averaging changes nothing.

    Example:

    >>> acted_temporal_ensemble(0.0, replan_every=1, action_chunk=4)
    0.0
    >>> print(acted_temporal_ensemble(0.0, replan_every=4, action_chunk=4))
    None
    """
    return temporal_ensemble if replan_every < action_chunk else None


class MAGEPolicy:
    """An env-facing policy over a trained agent (single or batched observations).

    Args:
        model: a trained agent with `predict_actions` (and `action_chunk`).
        target_return: initial target return in raw reward units; default the
            model's `data_statistics["return_quantile"]`.
        return_update: how the target follows the rewards, one of
            `RETURN_UPDATES`; default "estimated" for a model with a return
            head, else "discounted" ((R - r) / γ, capped).
        replan_every: generate a new plan every n steps (1 = every step); at
            most the model's action chunk.
        temperature, top_k, guidance_scale: sampling options passed to
            `predict_actions` (greedy by default).
        temporal_ensemble: m >= 0 (default 0, a plain mean), or None (off):
            each step's action is the weighted mean of what every plan of
            this episode that still covers the step (at most the action
            chunk's length of them) predicted for it, weight exp(m * the
            plan's age); m > 0 favours older plans (ACT's temporal
            ensembling, Zhao et al. 2023). With one action per plan, or
            plans that do not overlap (`replan_every` = the chunk), each step
            has one plan and this changes nothing; None executes the newest
            plan's actions alone.
    """

    def __init__(
        self, model, target_return=None, return_update=None, replan_every=1, temperature=0.0, top_k=None,
        guidance_scale=1.0, temporal_ensemble=0.0,
    ):
        has_estimate = bool(getattr(model, "return_head", False))
        if return_update is None:
            return_update = default_return_update(has_estimate)
        if return_update not in RETURN_UPDATES:
            raise ValueError(f"unknown return_update {return_update!r}; use one of {sorted(RETURN_UPDATES)}.")
        if return_update == "estimated" and not has_estimate:
            raise ValueError(
                f"return_update='estimated' needs a model with a return head; {type(model).__name__} has none "
                "(train MAGE with `return_head=True`, the presets' default) or choose another rule."
            )
        chunk = int(getattr(model, "action_chunk", 1))
        check_replan_every(replan_every, chunk)
        if temporal_ensemble is not None and not temporal_ensemble >= 0:
            raise ValueError(f"temporal_ensemble={temporal_ensemble}; use None (off) or a weight rate m >= 0.")
        statistics = getattr(model, "data_statistics", None) or {}
        if target_return is None:
            if "return_quantile" not in statistics:
                raise ValueError(
                    "The model stores no return statistics (train it with `fit` on a dataset); "
                    "pass `target_return=` explicitly."
                )
            target_return = statistics["return_quantile"]
        self.return_update = return_update
        self.discount = float(statistics.get("discount", 1.0))
        self.return_range = (statistics.get("return_min"), statistics.get("return_max"))
        self.model = model
        self.initial_target = float(target_return)
        self.replan_every = int(replan_every)
        self.sampling = {"temperature": temperature, "top_k": top_k, "guidance_scale": guidance_scale}
        self.temporal_ensemble = acted_temporal_ensemble(temporal_ensemble, self.replan_every, chunk)
        self.target_returns = None  # (num_envs,) once the batch size is known
        self._plans = None  # (num_envs, plans kept, chunk, da), newest first
        self._ages = None  # (num_envs, plans kept): steps since each was made; >= chunk: none

    def reset(self, mask=None):
        """Restarts every env (forgetting the batch size), or the envs where `mask` is True."""
        if mask is None or self.target_returns is None:
            self.target_returns = None
            return
        mask = np.asarray(mask, bool).reshape(-1)
        self.target_returns[mask] = self.initial_target
        self._ages[mask] = self._plans.shape[2]  # drops the episode's plans: a new one at the next act

    def observe(self, rewards, done=None):
        """Moves the target returns past `rewards` (`return_update`); resets the envs whose episode is `done`."""
        if self.target_returns is None:
            raise ValueError("call `act` before `observe`: the policy has no episode in progress.")
        lowest, highest = self.return_range
        if self.return_update not in ("fixed", "estimated"):
            self.target_returns -= np.asarray(rewards, np.float32).reshape(-1)
        if self.return_update == "decrement" and lowest is not None:
            self.target_returns[self.target_returns < lowest] = self.initial_target
        if self.return_update == "discounted":
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
        from keras_mage.data import split_observation

        if rewards is not None:
            self.observe(rewards, done)
        states, goals = split_observation(observation)
        single = states.ndim == 1
        states = states.reshape(-1, states.shape[-1])
        if goals is not None:
            goals = goals.reshape(len(states), -1)
        self._start(len(states))
        replan = self._ages[:, 0] >= self.replan_every
        if replan.any():
            if self.return_update == "estimated":
                self.target_returns[replan] = self.model.predict_returns(states, goals)[replan]
            plans = self.model.predict_actions(states, goals, self.target_returns.copy(), **self.sampling)
            self._plans[replan] = np.roll(self._plans[replan], 1, axis=1)
            self._ages[replan] = np.roll(self._ages[replan], 1, axis=1)
            self._plans[replan, 0] = np.asarray(plans)[replan]
            self._ages[replan, 0] = 0
        actions = self._current_actions()
        self._ages += 1
        return actions[0] if single else actions

    def _current_actions(self):
        """Each env's action for this step: its newest plan's, or the plans' weighted mean (`temporal_ensemble`)."""
        chunk = self._plans.shape[2]
        covering = self._ages < chunk
        steps = np.minimum(self._ages, chunk - 1)
        envs, kept = np.indices(self._ages.shape)
        predicted = self._plans[envs, kept, steps]  # (num_envs, plans kept, da)
        weights = np.where(covering, np.exp((self.temporal_ensemble or 0.0) * self._ages), 0.0)
        return ((weights[..., None] * predicted).sum(1) / weights.sum(1, keepdims=True)).astype(np.float32)

    def _start(self, num_envs):
        if self.target_returns is not None and len(self.target_returns) == num_envs:
            return
        if self.target_returns is not None:
            raise ValueError(
                f"the policy acts for {len(self.target_returns)} env(s) but got {num_envs} observation(s); "
                "use one policy per vector env size."
            )
        chunk = int(getattr(self.model, "action_chunk", 1))
        action_dim = int(self.model.action_dim)
        self.target_returns = np.full(num_envs, self.initial_target, np.float32)
        kept = 1 if self.temporal_ensemble is None else chunk
        self._plans = np.zeros((num_envs, kept, chunk, action_dim), np.float32)
        self._ages = np.full((num_envs, kept), chunk, np.int64)
