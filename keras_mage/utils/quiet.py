"""A quiet start for command-line runs: the start-up lines every CPU machine prints, and nothing else, filtered.

While it imports, TensorFlow (2.20 and later) writes `Could not find cuda
drivers`, `oneDNN custom operations are on` and absl's `All log messages
before absl::InitializeLog()` straight to the process's stderr, whatever
`TF_CPP_MIN_LOG_LEVEL` says; its first op on a machine without a GPU logs
`failed call to cuInit`; gymnasium-robotics prints a notice about the Adroit
hands' rewards. None of them asks anything of a keras_mage user. `quiet_start`
sets `TF_CPP_MIN_LOG_LEVEL=3` unless the environment sets it, and imports
those packages with file descriptor 2 captured, writing back every line that
is not one of these. Standard library only.

Example:

>>> quiet_start()  # first thing in a command-line entry point  # doctest: +SKIP
"""

import contextlib
import importlib
import os
import sys
import tempfile

NOISE = (
    "All log messages before absl::InitializeLog() is called",
    "oneDNN custom operations are on",
    "Could not find cuda drivers on your machine",
    "failed call to cuInit",
    "This TensorFlow binary is optimized to use available CPU instructions",
    "rebuild TensorFlow with the appropriate compiler flags",
    "environment's reward functions were updated in v1.2.1 without an environment version update",
)
NOISY_IMPORTS = ("tensorflow", "gymnasium_robotics")


def quiet_start(imports=NOISY_IMPORTS):
    """Imports `imports` (TensorFlow and gymnasium-robotics: those installed) without their start-up noise."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # TensorFlow's C++ logs, the CPU-only cuInit error among them
    with filtered_stderr():
        for module in imports:
            try:
                importlib.import_module(module)
            except ImportError:
                pass  # training runs without TensorFlow; imported where needed


@contextlib.contextmanager
def filtered_stderr(noise=NOISE):
    """Captures file descriptor 2 inside the block; afterwards writes back the lines that contain none of `noise`."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as capture:
        os.dup2(capture.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            capture.seek(0)
            kept = [line for line in capture.read().decode(errors="replace").splitlines(keepends=True)
                    if not any(text in line for text in noise)]
            sys.stderr.write("".join(kept))
            sys.stderr.flush()
