"""OGBench's PointMaze procedure regenerated: layout, sizes, goals, reproducibility and labels."""

import json

import numpy as np
import pytest

from keras_mage.data import load_episodes
from keras_mage.datagen.ogbench_pointmaze import DATASETS, MazeCells, generate_ogbench_pointmaze

STITCH = "pointmaze-medium-stitch-v0"


@pytest.fixture(scope="module")
def stitch_files(tmp_path_factory):
    directory = tmp_path_factory.mktemp("ogbench")
    paths = generate_ogbench_pointmaze(STITCH, seed=3, episodes=10, max_episode_steps=40, dataset_dir=directory,
                                       progress=False)
    return directory, paths


def test_files_have_ogbench_layout_and_our_label(stitch_files):
    directory, (train, validation) = stitch_files
    with np.load(train) as arrays:
        assert {"observations", "actions", "terminals", "qpos", "qvel"} <= set(arrays.files)
        assert arrays["observations"].shape == (400, 2) and arrays["terminals"].dtype == bool
        np.testing.assert_array_equal(np.flatnonzero(arrays["terminals"]), np.arange(39, 400, 40))
        assert np.abs(arrays["actions"]).max() <= 1.0
        provenance = json.loads(str(arrays["keras_mage_generator"]))
    assert provenance["dataset"] == STITCH and "not OGBench's own" in provenance["note"]
    train_set = load_episodes(f"keras_mage/ogbench/{STITCH}", dataset_dir=directory)
    validation_set = load_episodes(f"keras_mage/ogbench/{STITCH}", dataset_dir=directory, split="val")
    assert train_set.dataset_id == f"keras_mage/ogbench/{STITCH}"  # never OGBench's own name
    assert load_episodes(str(train)).dataset_id == train_set.dataset_id  # the label travels with the file
    assert [len(e) for e in train_set] == [39] * 10 and len(validation_set) == 1


def test_ogbench_reads_them_with_its_own_loader(stitch_files):
    from ogbench.utils import load_dataset

    _, (train, validation) = stitch_files
    dataset = load_dataset(train)
    assert dataset["observations"].shape == (390, 2) and dataset["next_observations"].shape == (390, 2)
    assert dataset["terminals"].sum() == 10  # one per trajectory
    assert load_dataset(validation)["observations"].shape == (39, 2)


def test_the_point_follows_the_oracle_to_its_goal(stitch_files):
    _, (train, _) = stitch_files
    episodes = load_episodes(str(train))
    travelled = [np.linalg.norm(e.observations[-1] - e.observations[0]) for e in episodes]
    assert np.median(travelled) > 2.0  # a stitch goal is 4 cells (4 units each) away, most of it covered in 39 steps


def test_one_seed_one_dataset(tmp_path, stitch_files):
    _, (train, _) = stitch_files
    again, _ = generate_ogbench_pointmaze(STITCH, seed=3, episodes=10, max_episode_steps=40, dataset_dir=tmp_path,
                                          progress=False)
    other, _ = generate_ogbench_pointmaze(STITCH, seed=4, episodes=10, max_episode_steps=40,
                                          dataset_dir=tmp_path / "other", progress=False)
    with np.load(train) as first, np.load(again) as second, np.load(other) as third:
        np.testing.assert_array_equal(first["observations"], second["observations"])
        assert not np.array_equal(first["observations"], third["observations"])


def test_cells_and_sizes_follow_ogbench():
    cells = MazeCells(np.array([[1, 1, 1, 1, 1, 1],
                                [1, 0, 0, 0, 0, 1],
                                [1, 0, 1, 1, 0, 1],
                                [1, 0, 0, 0, 0, 1],
                                [1, 1, 1, 1, 1, 1]]))
    assert (2, 1) not in cells.vertices and (1, 1) in cells.vertices  # hallway cells are not goals
    assert sorted(cells.at_distance((1, 1), 4)) == [(2, 4), (3, 3)]  # 4 moves around the ring either way
    assert DATASETS["pointmaze-giant-navigate-v0"] == (500, 2001)
    assert DATASETS["pointmaze-large-navigate-v0"] == (1000, 1001) and DATASETS["pointmaze-giant-stitch-v0"] == (5000, 201)
    with pytest.raises(ValueError, match="unknown OGBench PointMaze dataset"):
        generate_ogbench_pointmaze("pointmaze-umaze-navigate-v0")
