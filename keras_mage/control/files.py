"""Atomic file writes: write to a temporary sibling, then rename into place.

Example:

>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "metrics.json")
>>> write_json(path, {"success_rate": 0.5})
>>> open(path).read().strip().splitlines()[1]
'  "success_rate": 0.5'
"""

import contextlib
import json
import os
import tempfile


@contextlib.contextmanager
def atomic_path(path):
    """Yields a temporary path next to `path`; renames it onto `path` if the block succeeds."""
    path = os.path.abspath(os.fspath(path))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    suffix = os.path.splitext(path)[1]
    handle, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=suffix, dir=os.path.dirname(path))
    os.close(handle)
    try:
        yield temporary
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes 0600 files
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_json(path, value):
    """Writes `value` as indented JSON atomically (numpy values become lists / numbers)."""
    with atomic_path(path) as temporary:
        with open(temporary, "w") as file:
            json.dump(value, file, indent=2, default=_jsonable)
            file.write("\n")


def save_model(model, path):
    """Saves a Keras model to the `.keras` file `path` atomically; returns `path`."""
    with atomic_path(path) as temporary:
        model.save(temporary)
    return path


def _jsonable(value):
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable.")
