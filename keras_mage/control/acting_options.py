"""How a policy acts with a trained model: every acting option in one place, checked once.

`ActingOptions` holds the target-return rule, the replanning interval, the
sampling options and temporal ensembling. It checks its own values when made;
`for_model` then fills in the model's defaults and checks what depends on the
model (a return head for "estimated", no more steps between plans than actions
per plan). `MAGEPolicy` acts with the resolved options and reports them;
recipes, evaluation reports and benchmarks read and write them by these names.

Example:

>>> options = ActingOptions(replan_every=2)
>>> resolved = options.for_model(return_head=True, action_chunk=4)
>>> resolved.return_update, resolved.temporal_ensemble
('estimated', 0.0)
>>> ActingOptions(replan_every=4).for_model(return_head=False, action_chunk=4).temporal_ensemble is None
True
"""

import dataclasses
import math

RETURN_UPDATES = {
    "discounted": "(R - r) / γ, the discounted return-to-go's own recursion, kept within the data's smallest "
    "and largest return-to-go",
    "decrement": "R - r, as in Decision Transformer; a target below the data's smallest return-to-go "
    "(spent: after a goal the data's episode would have ended) restarts at the initial target",
    "fixed": "the target never changes within an episode",
    "estimated": "each new plan is conditioned on the model's return head's estimate for the current state "
    "and goal (`MAGE.predict_returns`; needs a model trained with `return_head`)",
}


@dataclasses.dataclass(frozen=True)
class ActingOptions:
    """The acting options of `MAGEPolicy`.

    Args:
        return_update: how the target return follows the rewards, one of
            `RETURN_UPDATES`; None: "estimated" for a model with a return
            head, else "discounted".
        replan_every: generate a new plan every n steps (1 = every step); at
            most the model's action chunk.
        temperature, top_k, guidance_scale: sampling options of the plan
            (`MAGE.predict_actions`; greedy by default).
        temporal_ensemble: m >= 0 (default 0, a plain mean), or None (off):
            each step's action is the weighted mean, weight exp(m x age), of
            what every plan still covering the step predicted for it (ACT's
            temporal ensembling, Zhao et al. 2023); None acts on the newest
            plan alone. Where plans never overlap (`replan_every` >= the
            chunk) `for_model` sets it to None: averaging one plan changes
            nothing.
    """

    return_update: str | None = None
    replan_every: int = 1
    temperature: float = 0.0
    top_k: int | None = None
    guidance_scale: float = 1.0
    temporal_ensemble: float | None = 0.0

    def __post_init__(self):
        if self.return_update is not None and self.return_update not in RETURN_UPDATES:
            raise ValueError(f"unknown return_update {self.return_update!r}; use one of {sorted(RETURN_UPDATES)}.")
        if isinstance(self.replan_every, bool) or int(self.replan_every) != self.replan_every or self.replan_every < 1:
            raise ValueError(f"replan_every must be an integer >= 1, got {self.replan_every!r}.")
        if not self.temperature >= 0:  # also refuses nan
            raise ValueError(f"temperature must be >= 0 (0: greedy), got {self.temperature}.")
        if self.top_k is not None and (int(self.top_k) != self.top_k or self.top_k < 1):
            raise ValueError(f"top_k must be None or an integer >= 1, got {self.top_k!r}.")
        if not self.guidance_scale >= 0 or math.isinf(self.guidance_scale):
            raise ValueError(f"guidance_scale must be a number >= 0, got {self.guidance_scale}.")
        if self.temporal_ensemble is not None and not self.temporal_ensemble >= 0:
            raise ValueError(f"temporal_ensemble={self.temporal_ensemble}; use None (off) or a weight rate m >= 0.")

    def for_model(self, return_head, action_chunk, fix="train with a larger `action_chunk`"):
        """These options as a model with or without a return head and `action_chunk` actions per plan acts on them.

        Fills in the default return rule and drops temporal ensembling where
        plans never overlap; raises a ValueError naming `fix` when
        `replan_every` exceeds the chunk, and when "estimated" has no return head.
        """
        return_update = self.return_update or ("estimated" if return_head else "discounted")
        if return_update == "estimated" and not return_head:
            raise ValueError(
                "return_update='estimated' needs a model with a return head; this one has none "
                "(train MAGE with `return_head=True`, the presets' default) or choose another rule."
            )
        if self.replan_every > action_chunk:
            raise ValueError(
                f"replan_every={self.replan_every} but the model predicts {action_chunk} action(s) per plan; use "
                f"1 <= replan_every <= {action_chunk}, or {fix}."
            )
        ensemble = self.temporal_ensemble if self.replan_every < action_chunk else None
        return dataclasses.replace(self, return_update=return_update, temporal_ensemble=ensemble)

    @property
    def sampling(self):
        """The keyword arguments of `predict_actions` (and of the exporters)."""
        return {"temperature": self.temperature, "top_k": self.top_k, "guidance_scale": self.guidance_scale}

    def as_dict(self):
        return dataclasses.asdict(self)
