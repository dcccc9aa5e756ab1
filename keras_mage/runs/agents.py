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


# A peer's constructor arguments that the run itself sets (its data, batch, seed and hindsight goals).
SET_BY_THE_RUN = ("batch_size", "seed", "hindsight_goals", "hindsight_goal_draw", "state_dim", "action_dim",
                  "goal_dim", "data_statistics")


def peer_class(kind):
    """The model class of peer `kind` (`PEERS`)."""
    from keras_mage.baselines import IQL, BehaviorCloning, DecisionTransformer

    classes = {"bc": BehaviorCloning, "iql": IQL, "dt": DecisionTransformer}
    if kind not in classes:
        raise ValueError(f"unknown peer kind {kind!r}; use one of {PEERS}.")
    return classes[kind]


def peer_setting_names(kind):
    """The own settings of peer `kind` that `make_baseline` takes: its constructors' arguments, less `SET_BY_THE_RUN`.

    Example:

    >>> "warmup_steps" in peer_setting_names("dt"), "hidden_units" in peer_setting_names("dt")
    (True, False)
    """
    import inspect

    from keras_mage.baselines.base import OfflineBaseline

    model_class = peer_class(kind)
    names = set()
    for klass in model_class.__mro__:
        if issubclass(klass, OfflineBaseline) and "__init__" in vars(klass):
            parameters = inspect.signature(klass.__init__).parameters.values()
            names.update(p.name for p in parameters if p.kind is p.POSITIONAL_OR_KEYWORD and p.name != "self")
    return tuple(sorted(names - set(SET_BY_THE_RUN) - set(model_class.ignored_settings)))


def check_peer_options(kind, options):
    """Raises a ValueError naming any of `options` that peer `kind` has no setting of (`peer_setting_names`)."""
    known = peer_setting_names(kind)
    unknown = sorted(set(options) - set(known))
    if unknown:
        raise ValueError(f"{kind} has no setting {', '.join(unknown)}; its settings: {', '.join(known)}.")


def make_baseline(kind, dataset_id, *, batch_size, seed, hindsight_goals=(), hindsight_goal_draw="uniform",
                  **options):
    """A new, untrained peer of MAGE (`kind` in `PEERS`) for `dataset_id`.

    `hindsight_goals` (state features, e.g. (0, 1)) relabels goals as MAGE's
    option of that name does (`hindsight_goal_draw` too): BC with them is
    GCBC, with OGBench's GCBC network (`GCBC_SETTINGS`). `options` override
    the peer's own settings (e.g. `warmup_steps=300` for Decision
    Transformer); a ValueError names one it does not have.
    """
    check_peer_options(kind, options)
    common = {"batch_size": batch_size, "seed": seed, "hindsight_goals": tuple(hindsight_goals),
              "hindsight_goal_draw": hindsight_goal_draw, **options}
    if kind == "bc":
        return peer_class(kind)(**({**GCBC_SETTINGS, **common} if hindsight_goals else common))
    if kind == "iql":
        return peer_class(kind).from_preset(iql_preset_for(dataset_id), **common)
    return peer_class(kind)(**common)
