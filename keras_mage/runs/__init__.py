"""Experiment runs: find or regenerate a maze dataset, train an agent, evaluate, save, plot, compare.

Plain functions with explicit arguments; the command lines that call them live in `recipes/`.

Example:

>>> from keras_mage.control import ActingOptions
>>> from keras_mage.runs.datasets import pointmaze_dataset
>>> from keras_mage.runs.training import train_and_evaluate
>>> dataset = pointmaze_dataset("umaze", steps=200_000)  # doctest: +SKIP
>>> report = train_and_evaluate(  # doctest: +SKIP
...     dataset, "outputs/umaze", preset="tiny", train_steps=10_000, seed=0, eval_episodes=50,
...     acting=ActingOptions())
"""
