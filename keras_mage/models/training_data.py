"""Turns what a user hands to `MAGE.fit` into batches the model trains on."""

import numpy as np


def as_training_data(
    x, horizon, batch_size, statistics, discount, reward_scale, seed, repeat, start_epoch=0, steps_per_epoch=None,
    window_stride=1, hindsight_goals=(), hindsight_draw="uniform",
):
    """Returns `(data, DataStatistics or None)` for `keras.Model.fit`.

    Ready data (tf.data.Dataset, keras.utils.PyDataset, iterators, dicts of
    batch arrays) passes through; any offline-dataset source goes through
    `keras_mage.data.load_episodes` and `make_dataset`, starting after the
    batches of `start_epoch` finished epochs (resumed runs).
    """
    if x is None:
        raise ValueError("`fit` needs data: an offline dataset (Minari id, path, episodes) or batches.")
    if _is_ready_data(x):
        return x, None
    if isinstance(x, dict) and "observations" in x:
        _check_finite(x)
        return x, None
    from keras_mage import data

    episodes = x if isinstance(x, data.EpisodeDataset) else data.load_episodes(x)
    dataset, statistics = data.make_dataset(
        episodes,
        horizon,
        batch_size,
        statistics,
        window_stride=window_stride,
        discount=discount,
        reward_scale=reward_scale,
        seed=seed,
        repeat=repeat,
        start_epoch=0 if repeat else start_epoch,
        start_batch=start_epoch * steps_per_epoch if repeat else 0,
        hindsight_goals=hindsight_goals,
        hindsight_draw=hindsight_draw,
    )
    return dataset, statistics


def model_windows(model, source, batch_size, **options):
    """`make_dataset` of `source` windowed as `model` was trained: its horizon, stride, statistics and returns.

    `options` go to `make_dataset` (e.g. `backend="numpy", seed=7`).

    Example:

    >>> batches, _ = model_windows(model, "keras_mage/pointmaze/umaze-200k-v0", 64, backend="numpy")  # doctest: +SKIP
    """
    from keras_mage import data

    return data.make_dataset(
        source, model.horizon, batch_size, model.data_statistics, window_stride=model.window_stride,
        discount=model.discount, reward_scale=model.reward_scale,
        hindsight_goals=tuple(getattr(model, "hindsight_goals", ())),
        hindsight_draw=getattr(model, "hindsight_goal_draw", "uniform"), **options,
    )


def batch_shapes(data):
    """Shapes (batch axis None) of one batch of `data` when its batches are dicts, else None."""
    if hasattr(data, "element_spec"):
        batch = data.element_spec
    elif isinstance(data, dict):
        batch = data
    elif hasattr(data, "__getitem__"):
        batch = data[0]
    else:
        return None
    if not isinstance(batch, dict):
        return None
    return {key: (None, *tuple(value.shape)[1:]) for key, value in batch.items()}


def _is_ready_data(x):
    import keras

    if isinstance(x, keras.utils.PyDataset):
        return True
    module = type(x).__module__
    return module.startswith(("tensorflow", "torch.utils.data")) or hasattr(x, "__next__")


def _check_finite(batches):
    for key, value in batches.items():
        value = np.asarray(value)
        if value.dtype.kind == "f" and not np.isfinite(value).all():
            raise ValueError(f"`{key}` holds NaN or inf values; clean the data before training.")
