#!/usr/bin/env bash
# Sets up .venv, then runs the whole test suite once per Keras backend.
# Usage: bash scripts/test.sh [pytest args...]   (KERAS_BACKENDS="jax torch" to pick)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export TF_CPP_MIN_LOG_LEVEL=3 MUJOCO_GL=${MUJOCO_GL:-egl}
# JAX keeps the programs it compiles (over 0.1 s) in the venv: the many tests, and their subprocesses,
# that train the same tiny model compile it once. Halved the resume test (278 s -> 137 s from empty).
export JAX_COMPILATION_CACHE_DIR=${JAX_COMPILATION_CACHE_DIR:-$PWD/.venv/jax_cache}
export JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS=${JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS:-0.1}
status=0
for backend in ${KERAS_BACKENDS:-tensorflow jax torch}; do
  echo "=== KERAS_BACKEND=$backend ==="
  KERAS_BACKEND=$backend .venv/bin/python -m pytest -q -p no:cacheprovider --durations=10 "$@" || status=1
done
exit $status
