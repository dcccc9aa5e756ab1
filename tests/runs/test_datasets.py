"""Dataset ids resolved for training: keras_mage's regenerated mazes made when missing, others passed through."""

import pytest

from keras_mage.runs import datasets


@pytest.fixture
def calls(monkeypatch):
    """No dataset is local; the generators only record what they were asked for."""
    made = []
    monkeypatch.setattr(datasets, "local_dataset_exists", lambda dataset_id: False)
    monkeypatch.setattr(datasets, "pointmaze_dataset", lambda *args: made.append(("pointmaze", *args)) or "p")
    monkeypatch.setattr(datasets, "antmaze_dataset", lambda *args: made.append(("antmaze", *args)) or "a")
    return made


@pytest.mark.parametrize(
    "dataset_id, expected",
    [
        ("keras_mage/pointmaze/medium-200k-v0", ("pointmaze", "medium", 200_000, 7)),
        ("keras_mage/pointmaze/umaze-v0", ("pointmaze", "umaze", 1_000_000, 7)),
        ("keras_mage/antmaze/large-diverse-v0", ("antmaze", "large-diverse", 1_000_000, None, 7)),
        ("keras_mage/antmaze/umaze-diverse-50k-v0", ("antmaze", "umaze-diverse", 50_000, None, 7)),
    ],
)
def test_regenerated_ids_are_made_with_their_size(calls, dataset_id, expected):
    datasets.dataset_by_id(dataset_id, ref_episodes=7)
    assert calls == [expected]


@pytest.mark.parametrize(
    "dataset_id",
    ["D4RL/antmaze/umaze-v1", "keras_mage/antmaze/umaze-1000k-v0", "keras_mage/antmaze/tiny-v0",
     "keras_mage/pointmaze/medium-200k-v1", "keras_mage/ogbench/pointmaze-medium-navigate-v0"],
)
def test_other_ids_pass_through_untouched(calls, dataset_id):
    assert datasets.dataset_by_id(dataset_id) == dataset_id
    assert calls == []


def test_local_regenerated_data_is_not_made_again(monkeypatch):
    monkeypatch.setattr(datasets, "local_dataset_exists", lambda dataset_id: True)
    monkeypatch.setattr(datasets, "antmaze_dataset", lambda *args: pytest.fail("regenerated data that exists"))
    assert datasets.dataset_by_id("keras_mage/antmaze/medium-play-v0") == "keras_mage/antmaze/medium-play-v0"


def test_missing_antmaze_without_the_policy_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("MINARI_DATASETS_PATH", str(tmp_path / "minari"))
    monkeypatch.setenv("KERAS_MAGE_ANT_POLICY", str(tmp_path / "missing.pkl"))
    with pytest.raises(datasets.DataUnavailableError, match="--ant-policy PATH"):
        datasets.dataset_by_id("keras_mage/antmaze/medium-play-v0")
