"""Baselines trained on the same data pipeline as MAGE, for comparisons.

Example:

>>> from keras_mage.baselines import BehaviorCloning
>>> baseline = BehaviorCloning(seed=0)
>>> baseline.fit("keras_mage/pointmaze/medium-v0", epochs=10, steps_per_epoch=100)  # doctest: +SKIP
"""

from keras_mage.baselines.behavior_cloning import BehaviorCloning

__all__ = ["BehaviorCloning"]
