"""The agents a run can train: MAGE and its peers (BC, IQL, Decision Transformer), each with its published budget.

`PUBLISHED_BUDGETS` gives each peer's (steps, batch size) as its reference
implementation trains it, so a comparison can give every agent its own budget
(`recipes/compare.py --published-budgets`) as well as MAGE's.

Example:

>>> PUBLISHED_BUDGETS["iql"]
{'steps': 1000000, 'batch_size': 256}
>>> iql_preset_for("keras_mage/antmaze/umaze-v0"), iql_preset_for("keras_mage/pointmaze/large-200k-v0")
('antmaze', 'locomotion')
"""

AGENT_KINDS = ("mage", "bc", "iql", "dt")
PEERS = tuple(kind for kind in AGENT_KINDS if kind != "mage")

PUBLISHED_BUDGETS = {
    # d3rlpy's BC at its stock settings: on the large PointMaze maze it converges within these steps.
    "bc": {"steps": 10_000, "batch_size": 100},
    # Kostrikov et al. 2021 (IQL), every domain: 1M gradient steps of batch 256.
    "iql": {"steps": 1_000_000, "batch_size": 256},
    # Chen et al. 2021 (Decision Transformer), gym: 100k gradient steps of batch 64.
    "dt": {"steps": 100_000, "batch_size": 64},
}
# OGBench's GCBC (impls/agents/gcbc.py): the network and rate BC takes with hindsight goals; OGBench trains it
# 1M steps of batch 1024.
GCBC_SETTINGS = {"hidden_units": (512, 512, 512), "activation": "gelu", "learning_rate": 3e-4}
# How each agent's target return follows the rewards when it acts (None: the policy's default for the model).
RETURN_UPDATES = {"dt": "decrement"}


def iql_preset_for(dataset_id):
    """The IQL paper's settings for a dataset: "antmaze" (expectile 0.9, rewards - 1) for AntMaze, else "locomotion"."""
    return "antmaze" if "antmaze" in str(dataset_id).lower() else "locomotion"


def make_baseline(kind, dataset_id, *, batch_size, seed, hindsight_goals=(), **options):
    """A new, untrained peer of MAGE (`kind` in `PEERS`) for `dataset_id`.

    `hindsight_goals` (state features, e.g. (0, 1)) relabels goals as MAGE's
    option of that name does: BC with them is GCBC, with OGBench's GCBC
    network (`GCBC_SETTINGS`). `options` override the peer's own settings
    (e.g. `warmup_steps=300` for Decision Transformer).
    """
    from keras_mage.baselines import IQL, BehaviorCloning, DecisionTransformer

    common = {"batch_size": batch_size, "seed": seed, "hindsight_goals": tuple(hindsight_goals), **options}
    if kind == "dt":
        return DecisionTransformer(**common)
    if kind == "bc":
        return BehaviorCloning(**({**GCBC_SETTINGS, **common} if hindsight_goals else common))
    if kind == "iql":
        return IQL.from_preset(iql_preset_for(dataset_id), **common)
    raise ValueError(f"unknown agent kind {kind!r}; use one of {AGENT_KINDS}.")
