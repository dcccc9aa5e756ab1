"""Turns what a user hands to `MAGE.fit` into batches the model trains on."""

import numpy as np


def as_training_data(model, x, horizon, batch_size, steps_per_epoch=None, start_epoch=0, window_stride=1):
    """Data for `keras.Model.fit` from what a user hands to `model.fit`.

    Ready data (tf.data.Dataset, keras.utils.PyDataset, iterators, dicts of
    batch arrays) passes through; any offline-dataset source goes through
    `keras_mage.data.load_episodes` and `make_dataset`, windowed with the
    model's returns, hindsight goals and seed, starting after the batches of
    `start_epoch` finished epochs (resumed runs). The normalisation
    statistics of a new source are stored in `model.data_statistics` (kept
    if the model already has some, so continued training normalises the same way).
    """
    if x is None:
        raise ValueError("`fit` needs data: an offline dataset (Minari id, path, episodes) or batches.")
    if _is_ready_data(x):
        return x
    if isinstance(x, dict) and "observations" in x:
        _check_finite(x)
        return x
    from keras_mage import data

    episodes = x if isinstance(x, data.EpisodeDataset) else data.load_episodes(x)
    repeat = steps_per_epoch is not None
    dataset, model.data_statistics = data.make_dataset(
        episodes,
        horizon,
        batch_size,
        model.data_statistics,
        window_stride=window_stride,
        discount=model.discount,
        reward_scale=model.reward_scale,
        seed=model.seed or 0,
        repeat=repeat,
        start_epoch=0 if repeat else start_epoch,
        start_batch=start_epoch * steps_per_epoch if repeat else 0,
        hindsight_goals=tuple(model.hindsight_goals),
        hindsight_draw=model.hindsight_goal_draw,
    )
    return dataset


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
