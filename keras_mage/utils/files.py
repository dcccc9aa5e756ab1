"""Atomic writes, the one way keras_mage writes what a user keeps: build beside, then rename into place.

A file or directory is written under a temporary name in the same folder and
renamed onto its path only once complete, so a crash or an interrupted run
never leaves a torn file, and a path that existed keeps its old content until
the new one is whole. Temporary names hold the host and process id, so a
folder a killed process left is removed by the next write beside it.
Standard library only: the TensorFlow-free render worker loads this file by
path.

Example:

>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "metrics.json")
>>> write_json(path, {"success_rate": 0.5})
>>> open(path).read().strip().splitlines()[1]
'  "success_rate": 0.5'
"""

import contextlib
import json
import logging
import os
import re
import shutil
import socket
import uuid

STAGING_PREFIX = ".tmp-"  # the temporary siblings; a killed process can leave one behind


@contextlib.contextmanager
def atomic_path(path, directory=False):
    """Yields a temporary sibling of `path` (a file name, or with `directory` a new folder) renamed onto it on success.

    A directory replaces any directory at `path`. What was written is
    fsync'd before the rename and the rename itself after it, so the new
    content survives a power cut once the block ends. On an error the
    temporary is removed and `path` is left as it was.
    """
    path = os.path.abspath(os.fspath(path))
    parent = os.path.dirname(path)
    os.makedirs(parent, exist_ok=True)
    remove_stale_staging(parent)
    staging = os.path.join(parent, staging_name())
    os.mkdir(staging)
    target = staging if directory else os.path.join(staging, os.path.basename(path))
    replaced = None
    try:
        yield target
        if directory and os.path.isdir(path):  # moved aside whole, removed once the new folder is in place
            replaced = os.path.join(parent, staging_name())
            os.replace(path, replaced)
        _fsync_tree(target)
        os.replace(target, path)
        _fsync(parent)
    except BaseException:
        if replaced and not os.path.exists(path):
            os.replace(replaced, path)  # the old folder goes back
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if replaced and os.path.exists(replaced):
            shutil.rmtree(replaced, ignore_errors=True)


def _fsync_tree(path):
    """fsyncs a file, or a folder's files and the folder itself."""
    if os.path.isdir(path):
        for name in os.listdir(path):
            _fsync_tree(os.path.join(path, name))
    _fsync(path)


def _fsync(path):
    """fsyncs one file or folder entry."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def staging_name(prefix=STAGING_PREFIX):
    """A new temporary name, `<prefix><host>-<pid>-<hex>`, that `remove_stale_staging` can trace to its process."""
    return f"{prefix}{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex}"


def remove_stale_staging(parent, prefix=STAGING_PREFIX):
    """Removes the `staging_name` folders in `parent` whose process (on this host) is gone; returns their paths."""
    pattern = re.compile(rf"{re.escape(prefix)}(?P<host>.+)-(?P<pid>\d+)-[0-9a-f]{{32}}")
    host, stale = socket.gethostname(), []
    for name in sorted(os.listdir(parent)):
        match = pattern.fullmatch(name)
        if match and match["host"] == host and not _process_alive(int(match["pid"])):
            path = os.path.join(parent, name)
            logging.getLogger(__name__).warning("Removing %s, left by an interrupted run (process %s).", path,
                                                match["pid"])
            shutil.rmtree(path, ignore_errors=True)
            stale.append(path)
    return stale


def _process_alive(pid):
    if os.name == "nt":  # os.kill would end the process there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        pass
    return True


def write_json(path, value):
    """Writes `value` as indented JSON atomically (numpy values become lists / numbers)."""
    with atomic_path(path) as temporary:
        with open(temporary, "w") as file:
            json.dump(value, file, indent=2, default=jsonable)
            file.write("\n")


def save_model(model, path):
    """Saves a Keras model to the `.keras` file `path` atomically; returns `path`."""
    with atomic_path(path) as temporary:
        model.save(temporary)
    return path


def jsonable(value):
    """`value` as JSON can hold it (numpy arrays and scalars as lists and numbers), for `json.dump(default=...)`."""
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable.")
