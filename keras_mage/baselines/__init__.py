"""Baselines trained on the same data pipeline as MAGE, for comparisons.

Example:

>>> from keras_mage.baselines import BehaviorCloning
>>> baseline = BehaviorCloning(seed=0)
>>> baseline.fit("keras_mage/pointmaze/medium-v0", epochs=10, steps_per_epoch=100)  # doctest: +SKIP
>>> from keras_mage.baselines import IQL
>>> agent = IQL.from_preset("antmaze", seed=0)
>>> agent.fit("keras_mage/antmaze/medium-v0", epochs=10, steps_per_epoch=100)  # doctest: +SKIP
>>> from keras_mage.baselines import DecisionTransformer
>>> transformer = DecisionTransformer(seed=0)
>>> transformer.fit("keras_mage/pointmaze/medium-v0", epochs=10, steps_per_epoch=100)  # doctest: +SKIP
"""

from keras_mage.baselines.behavior_cloning import BehaviorCloning
from keras_mage.baselines.decision_transformer import DecisionTransformer
from keras_mage.baselines.iql import IQL, IQL_PRESETS

__all__ = ["IQL", "IQL_PRESETS", "BehaviorCloning", "DecisionTransformer"]
