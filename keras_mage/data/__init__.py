"""Offline data: load episodes from any source, window them into training batches.

Example:

>>> from keras_mage import data
>>> episodes = data.load_episodes("keras_mage/pointmaze/umaze-v0")  # doctest: +SKIP
>>> dataset, statistics = data.make_dataset(episodes, horizon=16, batch_size=256)  # doctest: +SKIP
>>> batch = next(iter(dataset))  # observations, returns, actions, mask, goals  # doctest: +SKIP
"""

from keras_mage.data.episodes import Episode, EpisodeDataset
from keras_mage.data.observations import split_observation
from keras_mage.data.pipeline import make_dataset
from keras_mage.data.py_dataset import WindowPyDataset
from keras_mage.data.sources import load_episodes
from keras_mage.data.statistics import DataStatistics

__all__ = [
    "DataStatistics",
    "Episode",
    "EpisodeDataset",
    "WindowPyDataset",
    "load_episodes",
    "make_dataset",
    "split_observation",
]
