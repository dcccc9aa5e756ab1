#!/usr/bin/env bash
# Sets up .venv, then runs the whole test suite once per Keras backend.
# Usage: bash scripts/test.sh [pytest args...]   (KERAS_BACKENDS="jax torch" to pick)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export TF_CPP_MIN_LOG_LEVEL=3 MUJOCO_GL=${MUJOCO_GL:-egl}
status=0
for backend in ${KERAS_BACKENDS:-tensorflow jax torch}; do
  echo "=== KERAS_BACKEND=$backend ==="
  KERAS_BACKEND=$backend .venv/bin/python -m pytest -q -p no:cacheprovider --durations=10 "$@" || status=1
done
exit $status
