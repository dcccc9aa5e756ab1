"""The maze catalogue: one list of mazes and variants, one way to name a regenerated dataset."""

import pytest

from keras_mage.datagen import catalogue


def test_generated_dataset_ids_name_their_size():
    assert catalogue.dataset_id("pointmaze", "umaze", 1_000_000) == "keras_mage/pointmaze/umaze-v0"
    assert catalogue.dataset_id("pointmaze", "large", 200_000) == "keras_mage/pointmaze/large-200k-v0"
    assert catalogue.dataset_id("antmaze", "medium-play", 2_500) == "keras_mage/antmaze/medium-play-2500-v0"


def test_every_variant_has_a_size_with_evaluation_settings():
    for variant in catalogue.ANTMAZE_VARIANTS:
        size = catalogue.antmaze_size(variant)
        assert size in catalogue.ANTMAZE_EVAL_CELLS and size in catalogue.ANTMAZE_MAX_EPISODE_STEPS
    assert set(catalogue.POINTMAZE_MAZES) == set(catalogue.POINTMAZE_EVAL_GOAL_CELLS)
    with pytest.raises(ValueError, match="umaze-diverse"):
        catalogue.antmaze_size("medium")
