"""Data files that are there but cannot be read (issue 39, item 4): the error names the file, the damage and the fix."""

import os
import shutil

import numpy as np
import pytest

from keras_mage.data import load_episodes
from keras_mage.data.sources.damaged import DamagedFileError

minari = pytest.importorskip("minari")


def overwrite(path, start=512, end=2048):
    """Garbles the object headers and heaps of a small HDF5 file: h5py then fails with `Object visitation failed`."""
    with open(path, "r+b") as file:
        file.seek(start)
        file.write(b"\xff" * (end - start))


def truncate(path):
    os.truncate(path, os.path.getsize(path) // 2)


def empty(path):
    os.truncate(path, 0)


def not_hdf5(path):
    with open(path, "w") as file:
        file.write("observations,actions\n0,1\n")


DAMAGES = [
    (overwrite, "is damaged or truncated"),
    (truncate, "is damaged or truncated"),
    (empty, r"is empty \(0 bytes\)"),
    (not_hdf5, "is not an HDF5 file"),
]


@pytest.mark.parametrize("damage, diagnosis", DAMAGES, ids=[damage.__name__ for damage, _ in DAMAGES])
def test_corrupted_hdf5_names_the_file(tmp_path, write_d4rl, damage, diagnosis):
    path = write_d4rl(tmp_path / "maze2d-umaze-v1.hdf5")
    damage(path)
    with pytest.raises(DamagedFileError, match=diagnosis) as error:
        load_episodes(path)
    message = str(error.value)
    assert message.startswith(f"{path} ") and "Replace it with an intact copy" in message
    assert isinstance(error.value, OSError)  # where h5py raised OSError, callers catching it still do


@pytest.mark.parametrize("damage, diagnosis", [(truncate, "damaged or truncated"), (empty, "empty")],
                         ids=["truncate", "empty"])
def test_corrupted_npz_names_the_file(tmp_path, damage, diagnosis):
    path = tmp_path / "flat.npz"
    np.savez(path, observations=np.zeros((4, 2)), actions=np.zeros((4, 1)), rewards=np.zeros(4),
             terminals=np.zeros(4))
    damage(path)
    with pytest.raises(DamagedFileError, match=f"{path} is {diagnosis}.*numpy.savez"):
        load_episodes(path)


@pytest.fixture(scope="module")
def tiny_minari_dataset(tmp_path_factory):
    """(root, id) of a 300-step regenerated PointMaze dataset, kept pristine: tests damage copies of it."""
    from keras_mage.datagen import generate_pointmaze

    root = tmp_path_factory.mktemp("pristine")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MINARI_DATASETS_PATH", str(root))
        yield root, generate_pointmaze("umaze", steps=300, ref_episodes=1, progress=False)


@pytest.mark.parametrize("damage, diagnosis", DAMAGES, ids=[damage.__name__ for damage, _ in DAMAGES])
def test_corrupted_minari_dataset_names_the_file(tiny_minari_dataset, tmp_path, monkeypatch, damage, diagnosis):
    pristine, dataset_id = tiny_minari_dataset
    shutil.copytree(pristine / dataset_id, tmp_path / dataset_id)
    monkeypatch.setenv("MINARI_DATASETS_PATH", str(tmp_path))
    data_file = tmp_path / dataset_id / "data" / "main_data.hdf5"
    damage(data_file)
    with pytest.raises(DamagedFileError, match=diagnosis) as error:
        load_episodes(dataset_id)
    message = str(error.value)
    assert message.startswith(f"{data_file} ")
    assert f"minari delete {dataset_id}" in message
    assert "python -m keras_mage.datagen pointmaze --maze umaze --steps 300" in message
    assert "minari download" not in message  # keras_mage's own ids cannot be downloaded


def test_damaged_minari_metadata_names_the_file(tiny_minari_dataset, tmp_path, monkeypatch):
    pristine, dataset_id = tiny_minari_dataset
    shutil.copytree(pristine / dataset_id, tmp_path / dataset_id)
    monkeypatch.setenv("MINARI_DATASETS_PATH", str(tmp_path))
    metadata = tmp_path / dataset_id / "data" / "metadata.json"
    truncate(metadata)
    with pytest.raises(DamagedFileError, match=f"{metadata} is damaged or truncated \\(JSONDecodeError"):
        load_episodes(dataset_id)


def test_intact_copy_still_loads(tiny_minari_dataset, tmp_path, monkeypatch):
    pristine, dataset_id = tiny_minari_dataset
    shutil.copytree(pristine / dataset_id, tmp_path / dataset_id)
    monkeypatch.setenv("MINARI_DATASETS_PATH", str(tmp_path))
    assert load_episodes(dataset_id).total_steps == 300
