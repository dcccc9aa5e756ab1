#!/usr/bin/env bash
# Creates .venv (if missing) and installs keras_mage with everything it needs.
# Torch goes first, pinned, so pip takes the CPU build instead of CUDA wheels.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q "torch==2.13.0"
.venv/bin/python -m pip install -q -e ".[onnx,video]"
