"""Data files that exist but cannot be read: one error that names the file, what is wrong and the fix.

h5py and numpy answer a damaged file with `OSError: file signature not
found`, `RuntimeError: Object visitation failed`, a `KeyError` or a
`BadZipFile`, none naming the file; `reading` turns them into a
`DamagedFileError`.

Example:

>>> import os, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "empty.hdf5")
>>> open(path, "w").close()
>>> with reading(path, "Download it again."):
...     raise OSError("Unable to synchronously open file (file signature not found)")
Traceback (most recent call last):
keras_mage.data.sources.damaged.DamagedFileError: ... is empty (0 bytes) (OSError: ...). Download it again.
"""

import contextlib
import os
import zipfile

from keras_mage.data.sources import HDF5_SUFFIXES

READ_ERRORS = (OSError, RuntimeError, KeyError, ValueError, EOFError, zipfile.BadZipFile)


class DamagedFileError(OSError):
    """A data file is there but cannot be read: damaged, truncated, empty or not of its format."""


@contextlib.contextmanager
def reading(path, fix):
    """Re-raises the errors of reading `path` inside the block as a `DamagedFileError` that ends with `fix`."""
    try:
        yield
    except DamagedFileError:
        raise
    except READ_ERRORS as error:
        diagnosis = _diagnosis(os.fspath(path))
        raise DamagedFileError(f"{path} {diagnosis} ({type(error).__name__}: {error}). {fix}") from error


def _diagnosis(path):
    if os.path.isfile(path) and os.path.getsize(path) == 0:
        return "is empty (0 bytes)"
    if path.lower().endswith(HDF5_SUFFIXES) and os.path.isfile(path):
        import h5py

        if not h5py.is_hdf5(path):
            return "is not an HDF5 file (no HDF5 signature: another format, or its header is overwritten)"
    return "is damaged or truncated"
