"""The mean over a window's real steps, shared by MAGE's and the baselines' losses.

Its own module so that the baselines can use it without importing
`keras_mage.models.mage` (which Keras' class registration imports them from).

Example:

>>> from keras import ops
>>> float(masked_mean(ops.array([1.0, 3.0, 100.0]), ops.array([1, 1, 0])))
2.0
"""

from keras import ops


def masked_mean(values, mask):
    """The mean of `values` where `mask` is 1 (0 when the mask is all zeros); the mask takes `values`' dtype."""
    mask = ops.cast(mask, values.dtype)
    return ops.sum(values * mask) / ops.maximum(ops.sum(mask), 1.0)
