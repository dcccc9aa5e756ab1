"""Generators refuse bad input before any work; a failed or killed generation leaves nothing (issue 39, items 3, 7)."""

import os
import re
import socket
import subprocess
import sys

import minari
import pytest

from keras_mage import maze_envs
from keras_mage.datagen import minari_writer
from keras_mage.datagen.__main__ import main
from keras_mage.datagen.antmaze import generate_antmaze
from keras_mage.datagen.minari_writer import check_new_dataset_id, remove_stale_staging, write_minari_dataset
from keras_mage.datagen.pointmaze import generate_pointmaze


def left_in(root):
    """Everything under the Minari root, hidden staging folders included."""
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*")) if root.exists() else []


@pytest.mark.parametrize("steps", ["0", "-5", "abc"])
def test_datagen_refuses_zero_steps(minari_root, capsys, steps):
    with pytest.raises(SystemExit) as refused:
        main(["pointmaze", "--maze", "umaze", "--steps", steps, "--ref-episodes", "1"])
    assert refused.value.code == 2
    assert re.search(rf"argument --steps: steps must be a whole number of at least 1, got '?{steps}'?\.",
                     capsys.readouterr().err)
    assert left_in(minari_root) == []


@pytest.mark.parametrize("option, value, message", [
    ("--ref-episodes", "0", "ref_episodes must be a whole number of at least 1, got 0"),
    ("--seed", "-1", "seed must be a whole number of at least 0, got -1"),
    ("--dataset-id", "keras_mage/pointmaze/large-200k",
     "Minari dataset id keras_mage/pointmaze/large-200k has no version: add it, as in namespace/name-vN"),
], ids=["zero-ref-episodes", "negative-seed", "id-without-version"])
def test_datagen_refuses_bad_options(minari_root, capsys, option, value, message):
    with pytest.raises(SystemExit) as refused:
        main(["pointmaze", "--maze", "umaze", "--steps", "100", option, value])
    assert refused.value.code == 2 and f"argument {option}: {message}" in capsys.readouterr().err.replace("'", "")
    assert left_in(minari_root) == []


def test_datagen_refuses_zero_ref_episodes_and_zero_workers_for_antmaze(minari_root, capsys):
    for option in ("--ref-episodes", "--workers"):
        with pytest.raises(SystemExit):
            main(["antmaze", "--variant", "umaze", option, "0"])
        assert f"argument {option}: " in capsys.readouterr().err
    with pytest.raises(SystemExit, match=r"workers \(3\) must not exceed steps \(2\)"):
        main(["antmaze", "--variant", "umaze", "--steps", "2", "--workers", "3"])  # before the policy file is read


@pytest.mark.parametrize("options, message", [
    ({"steps": 0}, "steps must be a whole number of at least 1, got 0"),
    ({"steps": -5}, "steps must be a whole number of at least 1, got -5"),
    ({"steps": 2.5}, "steps must be a whole number of at least 1, got 2.5"),
    ({"ref_episodes": 0}, "ref_episodes must be a whole number of at least 1, got 0"),
    ({"seed": -1}, "seed must be a whole number of at least 0, got -1"),
    ({"reset_every": 0}, "reset_every must be a whole number of at least 1, got 0"),
    ({"dataset_id": "keras_mage/pointmaze/large-200k"}, "has no version"),
], ids=["zero-steps", "negative-steps", "fractional-steps", "zero-ref-episodes", "negative-seed", "zero-reset-every",
        "id-without-version"])
def test_generators_refuse_bad_options_before_work(minari_root, options, message):
    for generate in (generate_pointmaze, generate_antmaze):
        with pytest.raises(ValueError, match=message):
            generate("umaze", **{"steps": 100, "ref_episodes": 1, "progress": False, **options})
    assert left_in(minari_root) == []


def test_minari_id_without_version_is_refused_for_new_datasets(minari_root):
    with pytest.raises(ValueError, match=r"'D4RL/pointmaze/umaze' has no version.*namespace/name-vN"):
        check_new_dataset_id("D4RL/pointmaze/umaze")  # Minari's own parser fails with a TypeError here


@pytest.mark.parametrize("ref_episodes, message", [
    (1, "No episodes to write for keras_mage/pointmaze/empty-v0"),
    (0, "ref_episodes must be a whole number of at least 1, got 0"),
], ids=["no-episodes", "zero-ref-episodes"])
def test_writer_refuses_no_episodes_and_no_reference_episodes(minari_root, ref_episodes, message):
    env = maze_envs.make("PointMaze_UMaze-v3")
    with pytest.raises(ValueError, match=message):
        write_minari_dataset("keras_mage/pointmaze/empty-v0", [], env.spec, env.spec, None,
                             algorithm_name="none", description="none", ref_episodes=ref_episodes,
                             observation_space=env.observation_space, action_space=env.action_space)
    env.close()
    assert "keras_mage/pointmaze/empty-v0" not in minari.list_local_datasets()
    assert [path for path in left_in(minari_root) if ".keras_mage_staging" in path] == []


HANG_AFTER_STAGING = """
import time
import keras_mage.datagen.minari_writer as writer
from keras_mage.datagen.pointmaze import generate_pointmaze

def hang(*args, **kwargs):  # the episodes are written to the staging folder: wait here to be killed
    print("staged", flush=True)
    time.sleep(120)

writer.reference_scores = hang
generate_pointmaze("umaze", steps=300, ref_episodes=1, progress=False)
"""


def test_killed_generation_leaves_no_staging_folder(minari_root, caplog):
    env = dict(os.environ, MINARI_DATASETS_PATH=str(minari_root))
    process = subprocess.Popen([sys.executable, "-c", HANG_AFTER_STAGING], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, env=env, text=True)
    try:
        assert process.stdout.readline().strip() == "staged"
        (staging,) = minari_root.glob(".keras_mage_staging-*")
        assert (staging / "data" / "main_data.hdf5").is_file()
    finally:
        process.kill()  # SIGKILL: no cleanup code of the generator runs
        process.wait()
        process.stdout.close()
    assert staging.is_dir() and minari.list_local_datasets() == {}  # never a partial dataset under the id
    caplog.set_level("WARNING")
    dataset_id = generate_pointmaze("umaze", steps=300, ref_episodes=1, progress=False)  # the next run
    assert not staging.exists() and f"Removing {staging}, left by an interrupted run" in caplog.text
    assert list(minari_root.glob(".keras_mage_staging-*")) == []
    assert minari.load_dataset(dataset_id).total_steps == 300


def test_only_staging_folders_of_dead_processes_on_this_host_are_removed(minari_root):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    host, hex_id = socket.gethostname(), "0" * 32
    names = {
        "dead": f".keras_mage_staging-{host}-{int(dead.stdout)}-{hex_id}",
        "alive": f".keras_mage_staging-{host}-{os.getpid()}-{hex_id}",
        "other host": f".keras_mage_staging-another-{host}-{int(dead.stdout)}-{hex_id}",
        "not ours": ".keras_mage_staging-by-hand",
    }
    for name in names.values():
        (minari_root / name / "data").mkdir(parents=True)
    assert remove_stale_staging() == [minari_root / names["dead"]]
    kept = [name for key, name in names.items() if key != "dead"]
    assert left_in(minari_root) == sorted(f"{name}{data}" for name in kept for data in ("", "/data"))


def test_staging_folder_names_the_host_and_process(minari_root, monkeypatch):
    seen = []

    def reference_scores(*args):
        seen.extend(minari_root.glob(".keras_*"))
        return 0.0, 1.0

    monkeypatch.setattr(minari_writer, "reference_scores", reference_scores)
    generate_pointmaze("umaze", steps=100, ref_episodes=1, progress=False)
    expected = f".keras_mage_staging-{socket.gethostname()}-{os.getpid()}"
    assert [path.name.rsplit("-", 1)[0] for path in seen] == [expected]
