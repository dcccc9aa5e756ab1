"""Command-line runs start without TensorFlow's and Farama's start-up noise, and keep every other line."""

import os
import subprocess
import sys

from keras_mage.utils.quiet import NOISE, filtered_stderr

SCRIPT = """
import os, sys, warnings
from keras_mage.utils.quiet import quiet_start
quiet_start()
import tensorflow as tf
tf.constant(1.0) + 1  # the first op: cuInit on a machine without a GPU
warnings.warn("a warning the user must see")
"""


def test_a_quiet_start_prints_no_cuda_onednn_absl_or_adroit_lines():
    environment = {key: value for key, value in os.environ.items() if key != "TF_CPP_MIN_LOG_LEVEL"}
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=environment,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert not any(text in result.stderr for text in NOISE + ("cudart_stub", "Adroit")), result.stderr
    assert "a warning the user must see" in result.stderr


def test_filtered_stderr_writes_back_every_other_line(capfd):
    with filtered_stderr(noise=("drop me",)):
        os.write(2, b"keep me\ndrop me please\n")
        print("and me", file=sys.stderr)
    assert sorted(capfd.readouterr().err.splitlines()) == ["and me", "keep me"]
