"""Acting with agents that read the episode so far (Decision Transformer): `HistoryPolicy`.

`HistoryPolicy` is `MAGEPolicy`'s interface (`act`, `observe`, `reset(mask)`,
`target_returns`, `options`) for an agent that declares
`acts_on_history = True` and has `context_length` (K), `state_dim`,
`action_dim`, `data_statistics` and
`predict_history_actions(observations, goals, target_returns, actions, lengths)`
(`keras_mage.baselines.DecisionTransformer`); `keras_mage.control.evaluate`
picks it for such agents. Per env it keeps the episode's last K states, the
target return each step was conditioned on and the actions taken; `reset`
forgets them for the envs that start a new episode. The target return starts
at the data's 0.9 return quantile (or `target_return`) and by default follows
the "decrement" rule, R - r, as Decision Transformer's does.

Example:

>>> policy = HistoryPolicy(decision_transformer)  # doctest: +SKIP
>>> observation, _ = env.reset(seed=0)  # doctest: +SKIP
>>> action = policy.act(observation)  # doctest: +SKIP
>>> observation, reward, terminated, truncated, info = env.step(action)  # doctest: +SKIP
>>> policy.observe(reward, done=terminated or truncated)  # doctest: +SKIP
"""

import dataclasses

import numpy as np

from keras_mage.control.acting_options import ActingOptions
from keras_mage.control.policy import MAGEPolicy


class HistoryPolicy(MAGEPolicy):
    """An env-facing policy over an agent that acts on each env's last K steps.

    Args:
        model: an agent with `acts_on_history` (see the module docstring).
        target_return: initial target return in raw reward units; default the
            model's `data_statistics.return_quantile`.
        options: an `ActingOptions`, or its fields as keywords. The default
            `return_update` here is "decrement"; one action per call, so
            `replan_every` is 1; sampling options do not apply.
    """

    def __init__(self, model, target_return=None, options=None, **acting_options):
        if options is not None and options.return_update is None:
            options = dataclasses.replace(options, return_update="decrement")
        elif options is None and acting_options.get("return_update") is None:
            acting_options["return_update"] = "decrement"
        super().__init__(model, target_return, options, **acting_options)
        self.context_length = int(model.context_length)

    def _begin(self, num_envs):
        """Empty histories of `num_envs` envs: states, target returns and actions of their last K steps."""
        model, steps = self.model, self.context_length
        self.lengths = np.zeros(num_envs, np.int64)
        self.states = np.zeros((num_envs, steps, int(model.state_dim)), np.float32)
        self.returns = np.zeros((num_envs, steps), np.float32)
        self.actions = np.zeros((num_envs, steps, int(model.action_dim)), np.float32)

    def _forget(self, mask):
        self.lengths[mask] = 0

    def act(self, observation, rewards=None, done=None):
        """Actions for an observation (single: (da,)) or a batch of them ((num_envs, da)).

        Appends the step (its state and current target return) to each env's
        history, dropping the oldest step of a full one, and asks the model
        for the action, which the history then records. `rewards` / `done`,
        when given, are the previous step's and are applied first.
        """
        states, goals, single = self._inputs(observation, rewards, done)
        full = self.lengths == self.context_length
        for history in (self.states, self.returns, self.actions):
            history[full] = np.roll(history[full], -1, axis=1)
        self.lengths[full] -= 1
        envs, step = np.arange(len(states)), self.lengths.copy()
        self.states[envs, step] = states
        self.returns[envs, step] = self.target_returns
        self.actions[envs, step] = 0.0
        self.lengths += 1
        actions = np.asarray(
            self.model.predict_history_actions(self.states, goals, self.returns, self.actions, self.lengths),
            np.float32,
        )[:, 0]
        self.actions[envs, step] = actions
        return actions[0] if single else actions


def policy_for(agent, options):
    """The policy `evaluate` acts with for a model: `HistoryPolicy` if it `acts_on_history`, else `MAGEPolicy`.

    `options`: an `ActingOptions`, or a dict of its fields.
    """
    policy = HistoryPolicy if getattr(agent, "acts_on_history", False) is True else MAGEPolicy
    return policy(agent, options=options) if isinstance(options, ActingOptions) else policy(agent, **options)
