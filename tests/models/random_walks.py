"""Random-walk episodes: a small dataset source whose batches resume exactly (tests and their subprocesses)."""

import numpy as np

from keras_mage.data import Episode


def episodes(count=12, length=30, seed=0):
    rng = np.random.default_rng(seed)
    result = []
    for _ in range(count):
        observations = np.cumsum(rng.normal(size=(length + 1, 4)), axis=0).astype("float32")
        result.append(
            Episode(
                observations=observations,
                goals=np.repeat(rng.normal(size=(1, 2)), length + 1, axis=0).astype("float32"),
                actions=np.tanh(rng.normal(size=(length, 2))).astype("float32"),
                rewards=rng.uniform(size=length).astype("float32"),
                terminations=np.zeros(length, bool),
                truncations=np.eye(1, length, length - 1, dtype=bool)[0],
            )
        )
    return result
