import keras
import numpy as np
import pytest

from keras_mage.data import DataStatistics, WindowPyDataset, make_dataset


def batches(dataset, backend):
    if backend == "tf":
        return [{key: value.numpy() for key, value in batch.items()} for batch in dataset]
    return [dataset[i] for i in range(len(dataset))]


@pytest.mark.parametrize("backend", ["tf", "numpy"])
def test_epoch_covers_every_window_once(episodes, backend):
    dataset, stats = make_dataset(episodes, 4, 3, discount=0.5, backend=backend, drop_remainder=False)
    epoch = batches(dataset, backend)
    assert [len(batch["mask"]) for batch in epoch] == [3, 3, 2]
    # The first real action of each window is t + 1: every step of both episodes once.
    firsts = sorted(np.concatenate([batch["actions"][:, 0, 0] for batch in epoch]).tolist())
    assert firsts == [1, 1, 2, 2, 3, 3, 4, 5]
    assert isinstance(stats, DataStatistics) and stats.discount == 0.5


def test_backends_give_identical_batches_and_reshuffle(episodes):
    tf_data, _ = make_dataset(episodes, 4, 2, seed=5, backend="tf")
    np_data, _ = make_dataset(episodes, 4, 2, seed=5, backend="numpy")
    first_tf, first_np = batches(tf_data, "tf"), batches(np_data, "numpy")
    np_data.on_epoch_end()  # Keras calls this between epochs
    second_tf, second_np = batches(tf_data, "tf"), batches(np_data, "numpy")
    for tf_batch, np_batch in zip(first_tf + second_tf, first_np + second_np, strict=True):
        assert tf_batch.keys() == np_batch.keys()
        for key in tf_batch:
            np.testing.assert_array_equal(tf_batch[key], np_batch[key])
    order = [batch["actions"][:, 0, 0].tolist() for batch in first_np]
    assert order != [batch["actions"][:, 0, 0].tolist() for batch in second_np]


@pytest.mark.parametrize("backend", ["tf", "numpy"])
def test_seed_determinism(episodes, backend):
    def first_batches(seed):
        dataset, _ = make_dataset(episodes, 4, 2, seed=seed, backend=backend)
        return [batch["observations"].tolist() for batch in batches(dataset, backend)]

    assert first_batches(1) == first_batches(1)
    assert first_batches(1) != first_batches(2)


def test_tf_dataset_has_static_shapes(episodes):
    dataset, _ = make_dataset(episodes, 4, 2, backend="tf")
    shapes = {key: tuple(spec.shape) for key, spec in dataset.element_spec.items()}
    assert shapes == {
        "observations": (2, 4, 3),
        "returns": (2, 4, 1),
        "actions": (2, 4, 2),
        "mask": (2, 4),
        "action_mask": (2, 4),
        "terminals": (2, 4),
        "goals": (2, 2),
    }
    assert int(dataset.cardinality()) == 4  # Keras reads the steps per epoch from it
    assert type(make_dataset(episodes, 4, 2)[0]).__module__.startswith("tensorflow")  # auto -> tf


def test_numpy_backend_is_a_keras_py_dataset(episodes):
    dataset, _ = make_dataset(episodes, 4, 2, backend="numpy", shuffle=False)
    assert isinstance(dataset, WindowPyDataset) and isinstance(dataset, keras.utils.PyDataset)
    assert dataset.num_batches == 4 and dataset[-1]["actions"][:, 0, 0].tolist() == [4, 5]
    assert dataset[0]["observations"].shape == (2, 4, 3)


@pytest.mark.parametrize("backend", ["tf", "numpy"])
def test_repeat_runs_past_one_epoch(episodes, backend):
    dataset, _ = make_dataset(episodes, 4, 3, backend=backend, repeat=True)
    iterator = iter(dataset)
    assert len([next(iterator) for _ in range(7)]) == 7  # 2 batches per epoch
    if backend == "numpy":
        assert dataset.num_batches is None
    else:
        assert int(dataset.cardinality()) == -1  # tf.data.INFINITE_CARDINALITY


def test_statistics_are_reused_and_checked(episodes, make_episode):
    _, stats = make_dataset(episodes, 4, 2, discount=0.9, backend="numpy")
    _, again = make_dataset(episodes, 4, 2, stats.get_config(), discount=0.9, backend="numpy")
    assert again.get_config() == stats.get_config()
    with pytest.raises(ValueError, match="discount=0.9, reward_scale=1.0 but discount=0.99"):
        make_dataset(episodes, 4, 2, stats, backend="numpy")
    with pytest.raises(ValueError, match="3-dim states but the data's are 5-dim"):
        make_dataset([make_episode(4, state_dim=5)], 4, 2, stats, discount=0.9, backend="numpy")


def test_plain_sources_are_loaded(make_episode):
    dataset, _ = make_dataset([make_episode(5)], 2, 2, backend="numpy")
    assert len(dataset) == 2
    flat = {
        "observations": np.zeros((4, 2)),
        "actions": np.zeros((4, 1)),
        "rewards": np.ones(4),
        "timeouts": [0, 1, 0, 1],
    }
    assert len(make_dataset(flat, 2, 2, backend="numpy")[0]) == 2


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"horizon": 0}, "horizon must be an integer >= 1"),
        ({"batch_size": 0}, "batch_size must be an integer >= 1"),
        ({"batch_size": 2.5}, "batch_size must be an integer >= 1"),
        ({"batch_size": 9}, "8 windows, fewer than one batch of 9 .* drop_remainder=False"),
        ({"backend": "jax"}, "unknown backend"),
        ({"window_stride": 0}, "window_stride must be an integer >= 1"),
    ],
)
def test_bad_arguments(episodes, kwargs, message):
    arguments = {"horizon": 4, "batch_size": 2, **kwargs}
    with pytest.raises(ValueError, match=message):
        make_dataset(episodes, arguments.pop("horizon"), arguments.pop("batch_size"), **arguments)


def test_too_few_windows_is_fine_without_drop_remainder(episodes):
    dataset, _ = make_dataset(episodes, 4, 9, drop_remainder=False, backend="numpy")
    assert len(dataset) == 1 and dataset[0]["mask"].shape == (8, 4)
