import json
import os

import pytest

from keras_mage.utils.files import atomic_path, write_json


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
