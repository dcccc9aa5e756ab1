#!/usr/bin/env bash
# GPU figures on a machine that has CUDA builds of JAX and PyTorch but no
# TensorFlow, Keras or simulators (e.g. a lent H100). Two steps:
#   1. where pip reaches PyPI:   bash benchmarks/gpu_check.sh download   (wheels into .whl/)
#   2. on the GPU machine:       bash benchmarks/gpu_check.sh run        (.whl/ carried along)
# Prints ms per training step (preset base, batch 256) and act latency for JAX and PyTorch.
# PRESET=tiny BATCH=32 PY=3.11 smoke-test it on a CPU machine without TensorFlow.
set -euo pipefail
cd "$(dirname "$0")/.."
PRESET=${PRESET:-base} BATCH=${BATCH:-256} PY=${PY:-3.12}
WHEELS=(keras absl-py rich markdown-it-py mdurl pygments namex optree ml-dtypes h5py packaging tqdm)
case "${1:-run}" in
  download)
    python3 -m pip download -q --no-deps --only-binary=:all: --python-version "$PY" --implementation cp \
      --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
      -d .whl "${WHEELS[@]}"
    ls .whl ;;
  run)
    python3 -m pip install -q --no-index --no-deps --no-compile --target /tmp/site .whl/*.whl
    export PYTHONPATH="$PWD:/tmp/site"
    for backend in jax torch; do
      KERAS_BACKEND=$backend python3 benchmarks/train_step.py --preset "$PRESET" --batch-size "$BATCH" --steps 30
      KERAS_BACKEND=$backend python3 benchmarks/act_latency.py --preset "$PRESET"
    done ;;
  *) echo "usage: $0 download|run" >&2; exit 2 ;;
esac
