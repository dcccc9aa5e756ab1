"""Acting and evaluation: policies over trained agents, scores, plots, videos.

Example:

>>> from keras_mage.control import MAGEPolicy, evaluate
>>> results = evaluate(model, "keras_mage/pointmaze/umaze-v0", episodes=50)  # doctest: +SKIP
"""

from keras_mage.control.acting_options import ActingOptions
from keras_mage.control.evaluation import evaluate
from keras_mage.control.history_policy import HistoryPolicy
from keras_mage.control.policy import MAGEPolicy

__all__ = ["ActingOptions", "HistoryPolicy", "MAGEPolicy", "evaluate"]
