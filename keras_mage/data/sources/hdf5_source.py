"""D4RL-format HDF5 files -> EpisodeDataset.

The file holds flat per-step datasets: observations, actions, rewards,
terminals, timeouts, optional next_observations and infos/<name> (e.g.
infos/goal); episodes end at terminals | timeouts (see `split_flat`). A file
that cannot be read raises a `DamagedFileError` naming it.

Example:

>>> from keras_mage.data import load_episodes
>>> dataset = load_episodes("maze2d-umaze-v1.hdf5", goal_key="goal")  # doctest: +SKIP
"""

import os

from keras_mage.data.episodes import EpisodeDataset
from keras_mage.data.sources.damaged import reading
from keras_mage.data.sources.hints import regeneration_hint
from keras_mage.data.sources.numpy_source import split_flat


def load_hdf5(path, *, goal_key=None, dataset_id=None, **metadata):
    """Reads a D4RL-style HDF5 file; `goal_key` names the infos entry with goals."""
    import h5py

    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(
            f"no HDF5 file at {path!r}; check the path (D4RL files live in ~/.d4rl/datasets by default)."
        )
    arrays = {}

    def read(name, item):
        if isinstance(item, h5py.Dataset) and item.shape and not name.startswith("metadata"):
            arrays[name] = item[()]

    fix = f"Replace it with an intact copy (download or copy it again), or regenerate data: `{regeneration_hint(path)}`."
    with reading(path, fix), h5py.File(path, "r") as file:
        file.visititems(read)
    episodes = split_flat(arrays, goal_key=goal_key)
    dataset_id = dataset_id or os.path.splitext(os.path.basename(path))[0]
    return EpisodeDataset(episodes, dataset_id=dataset_id, **metadata)
