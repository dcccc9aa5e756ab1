#!/usr/bin/env bash
# Creates .venv (if missing) and installs keras_mage with everything it needs.
# Torch goes first, pinned, so pip takes the CPU build instead of CUDA wheels.
# pip's output goes to .venv/setup.log (shown if it fails); a .venv already set
# up from the same pyproject.toml and this script is left as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/setup-$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -c1-16)
if [ -f "$stamp" ]; then
  exit 0
fi
echo "Setting up .venv (pip's output: .venv/setup.log) ..."
if ! {
  .venv/bin/python -m pip install -q --upgrade pip &&
  .venv/bin/python -m pip install -q "torch==2.13.0" &&
  .venv/bin/python -m pip install -q -e ".[onnx,video]"
} > .venv/setup.log 2>&1; then
  tail -n 30 .venv/setup.log >&2
  echo "Setting up .venv failed; the whole log is .venv/setup.log." >&2
  exit 1
fi
rm -f .venv/setup-*
touch "$stamp"
