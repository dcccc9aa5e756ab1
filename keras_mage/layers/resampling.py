"""Fixed linear maps that resample a sequence along time.

The scale schedule is static, so area pooling (VAR's `interpolate(mode="area")`)
and linear interpolation (`align_corners=False`) are constant matrices applied
with one einsum: identical on every backend, XLA-friendly and exportable.

Example:

>>> area_matrix(4, 2).tolist()
[[0.5, 0.5, 0.0, 0.0], [0.0, 0.0, 0.5, 0.5]]
"""

import math

import numpy as np
from keras import ops


def area_matrix(source_length, target_length):
    """(target, source) matrix averaging each target cell's source span."""
    matrix = np.zeros((target_length, source_length), dtype="float32")
    for i in range(target_length):
        start = (i * source_length) // target_length
        end = math.ceil((i + 1) * source_length / target_length)
        matrix[i, start:end] = 1.0 / (end - start)
    return matrix


def linear_matrix(source_length, target_length):
    """(target, source) matrix of linear interpolation, half-pixel centres."""
    matrix = np.zeros((target_length, source_length), dtype="float32")
    ratio = source_length / target_length
    for j in range(target_length):
        position = max((j + 0.5) * ratio - 0.5, 0.0)
        low = min(int(math.floor(position)), source_length - 1)
        high = min(low + 1, source_length - 1)
        weight = position - low
        matrix[j, low] += 1.0 - weight
        matrix[j, high] += weight
    return matrix


def resample(x, matrix):
    """Applies a (target, source) `matrix` to `x` of shape (batch, source, channels)."""
    matrix = ops.convert_to_tensor(matrix, dtype=x.dtype)
    return ops.einsum("ts,bsc->btc", matrix, x)
