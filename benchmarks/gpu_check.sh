#!/usr/bin/env bash
# GPU runs on a machine that has CUDA builds of JAX and PyTorch but no
# TensorFlow, Keras or simulators (e.g. a lent H100), in two steps:
#   1. where pip reaches PyPI:   bash benchmarks/gpu_check.sh download   (wheels into .whl/, about 50 MB)
#   2. on the GPU machine, with .whl/ carried along, one of:
#      bash benchmarks/gpu_check.sh run       ms per training step (preset base, batch 256) and act
#                                             latency, for JAX and PyTorch
#      bash benchmarks/gpu_check.sh compare   recipes/compare_bc.py for PRESET (default base) on the
#                                             MAZES (medium large), SEEDS (0 1 2) as parallel JAX
#                                             processes, STEPS (6000) steps, EPISODES (50) episodes;
#                                             data regenerated (DATA_STEPS, 200000) into outputs/minari.
#      Arguments after `compare` go to compare_bc.py (e.g. --set action_chunk=4 --replan-every 4).
#      Finished runs are kept in RESULTS (outputs/compare_<preset>) and reused, so a run cut off by a
#      time limit goes on where it stopped when started again; comparison.json and logs go to $OUT.
# PRESET=tiny BATCH=32 PY=3.11 smoke-test it on a CPU machine without TensorFlow.
set -euo pipefail
cd "$(dirname "$0")/.."
PRESET=${PRESET:-base} BATCH=${BATCH:-256} PY=${PY:-3.12}
WHEELS=(keras absl-py rich markdown-it-py mdurl pygments namex optree ml-dtypes h5py packaging tqdm)
# compare: simulators, Minari and the plots. Gymnasium-Robotics ships without the Adroit and Franka
# kitchen meshes (24 MB) to fit the 64 MiB that a device call carries; PointMaze needs none of them.
SIMULATION_WHEELS=(gymnasium==1.4.0 gymnasium-robotics==1.4.2 mujoco==4.0.0 mujoco-core==4.0.0 glfw pyopengl minari==0.5.4 cloudpickle
  farama-notifications typing-extensions jinja2 markupsafe matplotlib contourpy cycler fonttools kiwisolver
  pillow pyparsing python-dateutil six imageio pettingzoo)
UNUSED_ASSETS=(gymnasium_robotics/envs/assets/adroit_hand/ gymnasium_robotics/envs/assets/kitchen_franka/)

install() {  # once per set of wheels: /tmp/site/.installed lists the wheels it holds
  [ "$(ls .whl)" = "$(cat /tmp/site/.installed 2>/dev/null)" ] && return
  rm -rf /tmp/site
  python3 -m pip install -q --no-index --no-deps --no-compile --target /tmp/site .whl/*.whl
  ls .whl > /tmp/site/.installed
}

trim_wheel() {  # drops UNUSED_ASSETS from a wheel, in place
  python3 - "$1" "${UNUSED_ASSETS[@]}" <<'EOF'
import os, sys, zipfile
path, drop = sys.argv[1], tuple(sys.argv[2:])
with zipfile.ZipFile(path) as source, zipfile.ZipFile(path + ".part", "w", zipfile.ZIP_DEFLATED) as target:
    for item in source.infolist():
        if not item.filename.startswith(drop):
            target.writestr(item, source.read(item))
os.replace(path + ".part", path)
EOF
}

mode=${1:-run}
shift $(($# > 0))
case "$mode" in
  download)
    rm -rf .whl
    python3 -m pip download -q --no-deps --only-binary=:all: --python-version "$PY" --implementation cp \
      --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
      -d .whl "${WHEELS[@]}" "${SIMULATION_WHEELS[@]}"
    trim_wheel .whl/gymnasium_robotics-*.whl
    du -sh .whl ;;
  run)
    install
    export PYTHONPATH="$PWD:/tmp/site"
    for backend in jax torch; do
      KERAS_BACKEND=$backend python3 benchmarks/train_step.py --preset "$PRESET" --batch-size "$BATCH" --steps 30
      KERAS_BACKEND=$backend python3 benchmarks/act_latency.py --preset "$PRESET"
    done ;;
  compare)
    install
    MAZES=${MAZES:-medium large} SEEDS=${SEEDS:-0 1 2} STEPS=${STEPS:-6000} EPISODES=${EPISODES:-50}
    DATA_STEPS=${DATA_STEPS:-200000} RESULTS=${RESULTS:-outputs/compare_$PRESET}
    export PYTHONPATH="$PWD:/tmp/site" KERAS_BACKEND=jax MINARI_DATASETS_PATH=$PWD/outputs/minari
    export XLA_PYTHON_CLIENT_PREALLOCATE=false  # the seeds' processes share the GPU
    mkdir -p "$RESULTS"
    for maze in $MAZES; do  # data first, one process per maze (a no-op once generated)
      python3 -c "from keras_mage.control.workflow import pointmaze_dataset as d; d('$maze', $DATA_STEPS)" &
    done
    wait
    options=(--maze $MAZES --preset "$PRESET" --train-steps "$STEPS" --eval-episodes "$EPISODES"
      --dataset-steps "$DATA_STEPS" --output-dir "$RESULTS" "$@")
    for seed in $SEEDS; do
      python3 recipes/compare_bc.py "${options[@]}" --seeds "$seed" > "$RESULTS/seed$seed.log" 2>&1 &
    done
    wait  # a seed that failed shows in its log; the run below then trains what it left
    python3 recipes/compare_bc.py "${options[@]}" --seeds $SEEDS  # finished runs reused: summarises
    if [ -n "${OUT:-}" ]; then
      (cd "$RESULTS" && find . -name '*.log' -o -name '*.json' -o -name trajectories.png | grep -v /agent/ |
        xargs cp --parents -t "$OUT")
    fi ;;
  *) echo "usage: $0 download|run|compare" >&2; exit 2 ;;
esac
