"""Atomic writes: build in a temporary sibling, then rename into place."""

import contextlib
import os
import shutil
import tempfile


@contextlib.contextmanager
def staging_path(path, directory=True):
    """Yields a temporary sibling of `path` (a directory, or a file name) that replaces `path` on success.

    Example:

    >>> with staging_path("exports/policy") as staging:  # doctest: +SKIP
    ...     write_everything_into(staging)
    """
    parent = os.path.dirname(os.path.abspath(path))
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=".export-", dir=parent)
    target = staging if directory else os.path.join(staging, os.path.basename(path))
    try:
        yield target
        if os.path.isdir(path) and directory:
            shutil.rmtree(path)
        os.replace(target, path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
