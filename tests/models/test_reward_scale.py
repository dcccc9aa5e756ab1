"""Returns are normalised with statistics stored with the model: the reward scale of the data does not matter."""

import dataclasses

import numpy as np
import pytest

import keras_mage
from keras_mage.data import make_dataset
from random_walks import episodes as random_walks


def scaled(episodes, factor):
    return [dataclasses.replace(episode, rewards=episode.rewards * factor) for episode in episodes]


def test_rewards_times_100_give_the_same_batches():
    original, _ = make_dataset(random_walks(), 8, 16, seed=3, backend="numpy")
    hundredfold, statistics = make_dataset(scaled(random_walks(), 100.0), 8, 16, seed=3, backend="numpy")
    assert statistics.return_max > 100.0  # the raw returns are a hundred times larger ...
    for key, value in original[0].items():  # ... and every batch the model sees is the same
        np.testing.assert_allclose(hundredfold[0][key], value, rtol=1e-5, atol=1e-6, err_msg=key)


def test_rewards_times_100_train_to_the_same_actions(tmp_path):
    def trained(factor):
        model = keras_mage.MAGE.from_preset("tiny", seed=0, tokenizer_warmup_steps=2)
        model.fit(scaled(random_walks(), factor), epochs=2, steps_per_epoch=2, verbose=0)
        return model

    original, hundredfold = trained(1.0), trained(100.0)
    restored = keras_mage.MAGE.from_preset(hundredfold.save_to_preset(str(tmp_path / "agent")))
    assert restored.data_statistics.return_scale == hundredfold.data_statistics.return_scale  # stored with it
    assert restored.data_statistics.return_scale == pytest.approx(100.0 * original.data_statistics.return_scale)
    states, goals = np.zeros((3, 4), "float32"), np.ones((3, 2), "float32")
    target = original.data_statistics.return_quantile  # the same target in each dataset's own reward units
    expected = original.predict_actions(states, goals, np.full((3, 1), target))
    for model in (hundredfold, restored):
        np.testing.assert_allclose(model.predict_actions(states, goals, np.full((3, 1), 100.0 * target)), expected,
                                   atol=1e-4)
