import json
import os
import subprocess
import sys

import pytest

from keras_mage.utils.files import atomic_path, staging_name, write_json


def test_write_json_replaces_whole_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "deep" / "metrics.json"
    write_json(path, {"a": 1})
    write_json(path, {"a": 2})
    assert json.loads(path.read_text()) == {"a": 2}
    assert os.listdir(path.parent) == ["metrics.json"]


def test_a_failed_write_keeps_the_old_file(tmp_path):
    path = tmp_path / "metrics.json"
    write_json(path, {"kept": True})
    with pytest.raises(TypeError, match="not JSON serialisable"):
        write_json(path, {"bad": object()})
    assert json.loads(path.read_text()) == {"kept": True}
    assert os.listdir(tmp_path) == ["metrics.json"]


def test_a_directory_is_replaced_only_when_complete(tmp_path):
    path = tmp_path / "agent"
    path.mkdir()
    (path / "old.txt").write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_path(path, directory=True) as staging:
            open(os.path.join(staging, "new.txt"), "w").close()
            raise RuntimeError("interrupted")
    assert os.listdir(path) == ["old.txt"]
    with atomic_path(path, directory=True) as staging:
        open(os.path.join(staging, "new.txt"), "w").close()
    assert os.listdir(path) == ["new.txt"] and os.listdir(tmp_path) == ["agent"]


def test_a_killed_writers_temporary_is_removed_by_the_next_write(tmp_path, caplog):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    killed = staging_name().replace(f"-{os.getpid()}-", f"-{int(dead.stdout)}-")  # as a killed process named it
    alive = staging_name()  # a write of this (living) process, still under way
    for name in (killed, alive, ".tmp-by-hand"):
        (tmp_path / name).mkdir()
    caplog.set_level("WARNING")
    write_json(tmp_path / "metrics.json", {"a": 1})
    assert sorted(os.listdir(tmp_path)) == sorted([alive, ".tmp-by-hand", "metrics.json"])
    assert f"Removing {tmp_path / killed}, left by an interrupted run (process {int(dead.stdout)})" in caplog.text


def test_a_directory_written_over_a_directory_is_synced_whole(tmp_path):
    path = tmp_path / "agent"
    for content in ("first", "second"):
        with atomic_path(path, directory=True) as staging:
            os.mkdir(os.path.join(staging, "nested"))
            with open(os.path.join(staging, "nested", "file.txt"), "w") as file:
                file.write(content)
    assert (path / "nested" / "file.txt").read_text() == "second" and os.listdir(tmp_path) == ["agent"]
    assert oct(path.stat().st_mode & 0o777) == oct(0o777 & ~current_umask())  # not mkdtemp's 0700


def current_umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask
