"""Synthetic training batches shaped like an AntMaze window (ds=29, da=8, dg=2)."""

import numpy as np


def window_batches(n, horizon, state_dim=29, action_dim=8, goal_dim=2, seed=0):
    rng = np.random.default_rng(seed)
    return {
        "observations": np.cumsum(rng.normal(size=(n, horizon, state_dim)), axis=1).astype("float32") / horizon,
        "returns": rng.uniform(size=(n, horizon, 1)).astype("float32"),
        "actions": rng.uniform(-1, 1, size=(n, horizon, action_dim)).astype("float32"),
        "mask": np.ones((n, horizon), "float32"),
        "goals": rng.normal(size=(n, goal_dim)).astype("float32"),
    }
