#!/usr/bin/env bash
# Sets up .venv, then runs the main job: generate the built-in PointMaze data
# (no network), train MAGE, evaluate it, save and export it to outputs/pointmaze.
# Extra arguments go to recipes/pointmaze.py (see --help).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export TF_CPP_MIN_LOG_LEVEL=3
KERAS_BACKEND=${KERAS_BACKEND:-jax} .venv/bin/python recipes/pointmaze.py "$@"
