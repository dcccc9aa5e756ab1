"""Checks that turn bad configurations and batches into errors that say what to fix."""

from keras_mage.data.hindsight_goals import check_draw
from keras_mage.models.two_phase_schedule import DECAYS


def check_config(config):
    """Raises ValueError for an inconsistent MAGE configuration."""
    check_draw(config["hindsight_goal_draw"])
    schedule = [int(length) for length in config["scale_schedule"]]
    horizon = int(config["horizon"])
    for name in ("window_stride", "downsample"):
        value = config[name]
        if isinstance(value, bool) or int(value) != value or value < 1:
            raise ValueError(f"{name} must be an integer >= 1, got {value!r}.")
    if not schedule or any(length < 1 for length in schedule):
        raise ValueError(f"scale_schedule must be non-empty positive lengths, got {schedule}.")
    if any(a >= b for a, b in zip(schedule, schedule[1:])):
        raise ValueError(f"scale_schedule must be strictly increasing (l_1 < ... < l_K), got {schedule}.")
    length = horizon // config["downsample"]
    if schedule[-1] * config["downsample"] != horizon:
        raise ValueError(
            f"The last scale length must equal the horizon / downsample: scale_schedule={schedule} ends at "
            f"{schedule[-1]} but horizon={horizon} / downsample={config['downsample']} is "
            f"{horizon / config['downsample']:g}. Set horizon={schedule[-1] * config['downsample']} or end the "
            f"schedule at {length}."
        )
    if not config["plan_temperature"] >= 0:
        raise ValueError(f"plan_temperature must be >= 0 (0: greedy plans), got {config['plan_temperature']}.")
    if config["learning_rate_decay"] not in DECAYS:
        raise ValueError(f"learning_rate_decay must be one of {DECAYS}, got {config['learning_rate_decay']!r}.")
    if config["learning_rate_warmup_steps"] < 0:
        raise ValueError(f"learning_rate_warmup_steps must be >= 0, got {config['learning_rate_warmup_steps']}.")
    if not 1 <= config["num_phi"] <= len(schedule):
        raise ValueError(f"num_phi must be between 1 and K={len(schedule)}, got {config['num_phi']}.")
    if config["model_width"] % config["num_heads"]:
        raise ValueError(
            f"model_width={config['model_width']} must be divisible by num_heads={config['num_heads']}."
        )
    if not 1 <= config["action_chunk"] <= horizon:
        raise ValueError(f"action_chunk must be between 1 and horizon={horizon}, got {config['action_chunk']}.")
    if config["codebook_size"] < 2:
        raise ValueError(f"codebook_size must be at least 2, got {config['codebook_size']}.")


def check_batch_shapes(shapes, horizon, state_dim=None, action_dim=None, goal_dim=0):
    """Raises ValueError when a batch's shapes do not fit the model (docs/contracts.md)."""
    missing = {"observations", "returns", "actions", "mask"} - set(shapes)
    if missing:
        raise ValueError(
            f"A training batch needs the keys observations, returns, actions and mask; missing {sorted(missing)}. "
            "Pass an offline dataset to `fit` (it builds the batches) or see docs/contracts.md."
        )
    expected = {
        "observations": (horizon, state_dim),
        "returns": (horizon, 1),
        "actions": (horizon, action_dim),
        "mask": (horizon,),
    }
    if "action_mask" in shapes:  # optional: without it the actions take `mask`
        expected["action_mask"] = (horizon,)
    for key, tail in expected.items():
        shape = tuple(shapes[key])
        if len(shape) != len(tail) + 1:
            raise ValueError(f"`{key}` must have shape (batch, {', '.join(map(str, tail))}), got {shape}.")
        if shape[1] is not None and shape[1] != horizon:
            raise ValueError(
                f"`{key}` windows have {shape[1]} steps but the model's horizon (last scale of its "
                f"scale schedule) is {horizon}. Build windows of {horizon} steps or choose a matching preset."
            )
        if len(tail) == 2 and tail[1] is not None and shape[2] != tail[1]:
            raise ValueError(f"`{key}` has {shape[2]} features per step but the model was built for {tail[1]}.")
    goals = shapes.get("goals")
    if goals is not None and state_dim is not None and goal_dim == 0:
        raise ValueError("The batch has `goals` but the model was built without goals (goal_dim=0).")
    if goals is None and goal_dim:
        raise ValueError(f"The model was built with goals of size {goal_dim}; the batch has no `goals`.")
    if goals is not None and goal_dim and tuple(goals)[-1] != goal_dim:
        raise ValueError(f"`goals` has {tuple(goals)[-1]} features but the model was built for {goal_dim}.")
