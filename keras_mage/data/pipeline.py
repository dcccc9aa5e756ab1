"""`make_dataset`: episodes -> shuffled batches of training windows.

Example:

>>> import numpy as np
>>> from keras_mage.data import Episode, make_dataset
>>> episode = Episode(observations=np.zeros((11, 3)), goals=None, actions=np.zeros((10, 2)),
...                   rewards=np.ones(10), terminations=np.zeros(10), truncations=np.zeros(10))
>>> dataset, statistics = make_dataset([episode], horizon=4, batch_size=5, backend="numpy")
>>> len(dataset), dataset[0]["observations"].shape
(2, (5, 4, 3))
"""

import itertools

from keras_mage.data.episodes import Episode, EpisodeDataset
from keras_mage.data.py_dataset import WindowPyDataset
from keras_mage.data.sources import load_episodes
from keras_mage.data.statistics import DataStatistics
from keras_mage.data.hindsight_goals import with_goal_statistics
from keras_mage.data.windows import BatchOrder, WindowIndex

BACKENDS = ("auto", "tf", "numpy")


def make_dataset(
    episodes,
    horizon,
    batch_size,
    statistics=None,
    *,
    window_stride=1,
    discount=0.99,
    reward_scale=1.0,
    shuffle=True,
    seed=0,
    repeat=False,
    drop_remainder=True,
    backend="auto",
    start_epoch=0,
    start_batch=0,
    hindsight_goals=(),
    hindsight_draw="uniform",
):
    """Returns `(dataset, statistics)`: batches of windows and their `DataStatistics`.

    Args:
        episodes: an EpisodeDataset, a list of Episodes, or any
            `load_episodes` source.
        horizon: steps per window (H); batch_size: windows per batch (B).
        statistics: `DataStatistics` (or its config) to reuse, e.g. a trained
            model's; None computes them from `episodes`.
        window_stride: env steps between a window's states / returns (its
            actions stay consecutive; `keras_mage.data.windows`).
        discount, reward_scale: return-to-go settings (must match `statistics`).
        shuffle, seed: seeded shuffling, reshuffled every epoch.
        repeat: endless batches instead of one epoch per iteration.
        drop_remainder: drop the last partial batch of each epoch.
        backend: "tf" (tf.data.Dataset), "numpy" (`WindowPyDataset`), or
            "auto" (tf when TensorFlow imports, else numpy).
        start_epoch: with repeat=False, the number of epochs already done;
            the first iteration yields epoch `start_epoch`'s order.
        start_batch: with repeat=True, the number of batches already
            consumed from the endless stream. Both resume interrupted runs
            exactly, since orders depend only on (seed, epoch).
        hindsight_goals: state features (e.g. (0, 1)) whose values at a
            later step of the same trajectory become each window's goal, with
            returns the discounted reward of reaching it
            (`keras_mage.data.hindsight_goals`); () keeps the data's goals.
        hindsight_draw: how far ahead those goals lie: "uniform" over the
            rest of the trajectory, "geometric" (mostly nearer) or "mixed".

    Batches are dicts of float32: observations (B, H, ds), returns (B, H, 1),
    actions (B, H, da), mask (B, H), action_mask (B, H) and, for goal data,
    goals (B, dg).
    """
    horizon = _positive_int(horizon, "horizon")
    batch_size = _positive_int(batch_size, "batch_size")
    window_stride = _positive_int(window_stride, "window_stride")
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; use one of {BACKENDS}.")
    if isinstance(episodes, (list, tuple)) and episodes and all(isinstance(e, Episode) for e in episodes):
        episodes = EpisodeDataset(episodes)
    elif not isinstance(episodes, EpisodeDataset):
        episodes = load_episodes(episodes)
    statistics = _statistics(statistics, episodes, discount, reward_scale)
    if hindsight_goals:
        statistics = with_goal_statistics(statistics, hindsight_goals)
    index = WindowIndex(episodes, horizon, statistics, window_stride, hindsight_goals=hindsight_goals, seed=seed,
                        hindsight_draw=hindsight_draw)
    order = BatchOrder(index.num_windows, batch_size, shuffle=shuffle, seed=seed, drop_remainder=drop_remainder)
    if order.batches_per_epoch == 0:
        raise ValueError(
            f"the data has {index.num_windows} windows, fewer than one batch of {batch_size} with "
            "drop_remainder=True; lower batch_size or pass drop_remainder=False."
        )
    if start_batch and not repeat:
        raise ValueError("start_batch applies to repeat=True; for one-epoch datasets pass start_epoch.")
    if backend == "auto":
        backend = "tf" if _tensorflow_available() else "numpy"
    if backend == "numpy":
        return WindowPyDataset(index, order, repeat=repeat, start_epoch=start_epoch, start_batch=start_batch), statistics
    return _tf_dataset(index, order, repeat, start_epoch, start_batch), statistics


def _positive_int(value, name):
    if isinstance(value, bool) or int(value) != value or value < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {value!r}.")
    return int(value)


def _statistics(statistics, episodes, discount, reward_scale):
    if statistics is None:
        return DataStatistics.from_episodes(episodes, discount=discount, reward_scale=reward_scale)
    statistics = DataStatistics.from_config(statistics)
    if (statistics.discount, statistics.reward_scale) != (float(discount), float(reward_scale)):
        raise ValueError(
            f"the statistics were made with discount={statistics.discount}, reward_scale="
            f"{statistics.reward_scale} but discount={discount}, reward_scale={reward_scale} were passed; "
            "pass matching values, or statistics=None to recompute them."
        )
    if len(statistics.observation_mean) != episodes.state_dim:
        raise ValueError(
            f"the statistics are for {len(statistics.observation_mean)}-dim states but the data's are "
            f"{episodes.state_dim}-dim; use statistics of this data (or None)."
        )
    return statistics


def _tensorflow_available():
    try:
        import tensorflow  # noqa: F401
    except ImportError:
        return False
    return True


def _tf_dataset(index, order, repeat, start_epoch=0, start_batch=0):
    """A tf.data.Dataset over the same numpy order and gather as `WindowPyDataset`."""
    import numpy as np
    import tensorflow as tf

    if repeat:
        first_epoch, skip = divmod(start_batch, order.batches_per_epoch)
        epochs = tf.data.Dataset.counter(start=first_epoch)
    else:  # one epoch per iteration; each new iteration (Keras epoch) reshuffles
        skip = 0
        counter = itertools.count(start_epoch)
        epochs = tf.data.Dataset.from_tensors(np.int64(0)).map(
            lambda _: tf.numpy_function(lambda: np.int64(next(counter)), [], tf.int64, stateful=True)
        )
    orders = epochs.map(lambda epoch: tf.numpy_function(order.epoch_order, [epoch], tf.int64))
    starts = orders.flat_map(lambda epoch_order: _batch_rows(tf, epoch_order, order)).skip(skip)
    shapes = index.shapes
    keys = list(shapes)
    batch_dim = order.batch_size if order.drop_remainder else None

    def gather(starts):
        batch = index.gather(starts)
        return [batch[key] for key in keys]

    def to_dict(starts):
        values = tf.numpy_function(gather, [starts], [tf.float32] * len(keys), stateful=False)
        for value, key in zip(values, keys):
            value.set_shape((batch_dim, *shapes[key]))
        return dict(zip(keys, values))

    batches = starts.map(to_dict, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    # Known cardinality lets Keras count steps per epoch instead of running into the end.
    cardinality = tf.data.INFINITE_CARDINALITY if repeat else order.batches_per_epoch
    return batches.apply(tf.data.experimental.assert_cardinality(cardinality)).prefetch(tf.data.AUTOTUNE)


def _batch_rows(tf, epoch_order, order):
    """One dataset element per batch: the rows of the epoch's order (cheaper than per-window elements)."""
    full = order.num_windows // order.batch_size
    rows = tf.data.Dataset.from_tensor_slices(tf.reshape(epoch_order[: full * order.batch_size], (full, -1)))
    if order.drop_remainder or full * order.batch_size == order.num_windows:
        return rows
    return rows.concatenate(tf.data.Dataset.from_tensors(epoch_order[full * order.batch_size :]))
