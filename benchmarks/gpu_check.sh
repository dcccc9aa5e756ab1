#!/usr/bin/env bash
# GPU runs on a machine that has CUDA builds of JAX and PyTorch but no
# TensorFlow, Keras or simulators (e.g. a lent H100), in two steps:
#   1. where pip reaches PyPI:   bash benchmarks/gpu_check.sh download   (wheels into .whl/, about 50 MB)
#   2. on the GPU machine, with .whl/ carried along, one of:
#      bash benchmarks/gpu_check.sh run       ms per training step (preset base, batch 256), its
#                                             profile by part and act latency, for JAX and PyTorch;
#                                             env steps/s of evaluation with 0, 4 and 16 workers
#      bash benchmarks/gpu_check.sh compare   recipes/compare_bc.py for PRESET (default base) on each
#                                             of MAZES (medium large) and SEEDS (0 1 2), one JAX process
#                                             after another (six side by side stalled an H100), STEPS
#                                             (2400) steps, EPISODES (50) episodes; data regenerated
#                                             (DATA_STEPS, 200000) into outputs/minari.
#                                             HELDOUT: MAGEPolicy option sets (JSON, no spaces) to score
#                                             each run's MAGE and BC on held-out episodes (seed 1000);
#                                             LIMIT: seconds after which unfinished runs are stopped;
#                                             AGENTS: run folders (e.g. "large/mage_seed0 large/bc_seed0")
#                                             to bring back as $OUT/agents.tar.part-* (cat, then untar).
#      Arguments after `compare` go to compare_bc.py (e.g. --set action_chunk=4 --replan-every 4).
#      bash benchmarks/gpu_check.sh antmaze   the AntMaze table: VARIANTS (all six) regenerated at
#                                             DATA_STEPS (1000000) in parallel (2 workers each, D4RL's
#                                             policy from KERAS_MAGE_ANT_POLICY, default
#                                             ../shared/data/d4rl_ant_hierarch_pol.pkl or shared/data/...),
#                                             then recipes/compare.py per variant and seed for RUN_AGENTS
#                                             (bc iql mage: cheapest first, so a short window finishes the
#                                             peers): BC and IQL at their published batches, IQL_STEPS
#                                             (100000) steps, MAGE PRESET at STEPS (20000); EPISODES (50).
#                                             Finished runs' reports come back in $OUT/results.tgz: untar it
#                                             into RESULTS (outputs/antmaze_<preset>) and carry that folder
#                                             to the next window, which skips them. LIMIT as for compare.
#      Finished runs are kept in RESULTS (outputs/compare_<preset>) and reused, so a run cut off by a
#      time limit goes on where it stopped when started again; comparison.json, logs and plots go to
#      $OUT/results.tgz.
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
  [ "$(ls .whl 2>/dev/null)" = "$(cat /tmp/site/.installed 2>/dev/null)" ] && return
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
      KERAS_BACKEND=$backend python3 benchmarks/profile_step.py --preset "$PRESET" --batch-size "$BATCH"
      KERAS_BACKEND=$backend python3 benchmarks/act_latency.py --preset "$PRESET" --batches 1 50
    done
    KERAS_BACKEND=jax python3 benchmarks/evaluation_speed.py --num-envs 50 --workers 0 4 16 ;;
  compare)
    install
    MAZES=${MAZES:-medium large} SEEDS=${SEEDS:-0 1 2} STEPS=${STEPS:-2400} EPISODES=${EPISODES:-50}
    DATA_STEPS=${DATA_STEPS:-200000} RESULTS=${RESULTS:-outputs/compare_$PRESET}
    LIMIT=${LIMIT:-0} HELDOUT=${HELDOUT:-} AGENTS=${AGENTS:-}
    export PYTHONPATH="$PWD:/tmp/site" KERAS_BACKEND=jax MINARI_DATASETS_PATH=$PWD/outputs/minari
    mkdir -p "$RESULTS"
    deadline=$((SECONDS + LIMIT))
    left() { if [ "$LIMIT" = 0 ]; then echo 0; else echo $((deadline - SECONDS > 1 ? deadline - SECONDS : 1)); fi; }
    for maze in $MAZES; do  # data first, one process per maze (a no-op once generated)
      python3 -c "from keras_mage.runs.datasets import pointmaze_dataset as d; d('$maze', $DATA_STEPS)" &
    done
    wait
    options=(--preset "$PRESET" --train-steps "$STEPS" --eval-episodes "$EPISODES" --num-envs "$EPISODES"
      --dataset-steps "$DATA_STEPS" --output-dir "$RESULTS" "$@")
    job() {  # maze seed: MAGE and BC, then both on held-out episodes under each HELDOUT option set
      timeout "$(left)" python3 recipes/compare_bc.py "${options[@]}" --maze "$1" --seeds "$2" || return
      [ -z "$HELDOUT" ] && return
      timeout "$(left)" python3 studies/acting_options.py "$RESULTS/$1/mage_seed$2/agent" \
        "$RESULTS/$1/bc_seed$2/model.keras" --seed 1000 --episodes "$EPISODES" --num-envs "$EPISODES" --options $HELDOUT
    }
    finished=1
    for maze in $MAZES; do
      for seed in $SEEDS; do  # a failed or cut-off run shows in its log
        log="$RESULTS/${maze}_seed$seed.log"
        job "$maze" "$seed" > "$log" 2>&1 || finished=0
        grep -v '^Epoch\|/step' "$log" || true
      done
    done
    if [ $finished = 1 ]; then  # finished runs reused: summarises
      python3 recipes/compare_bc.py "${options[@]}" --maze $MAZES --seeds $SEEDS || true
    fi
    if [ -n "${OUT:-}" ]; then  # a device call brings back at most 8 files of 16 MiB each
      (cd "$RESULTS" && find . \( -name '*.log' -o -name '*.json' -o -name trajectories.png \) -not -path '*/agent/*' |
        tar czf "$OUT/results.tgz" -T -)
      if [ -n "$AGENTS" ]; then
        (cd "$RESULTS" && tar cf - $AGENTS | split -b 15M - "$OUT/agents.tar.part-")
      fi
    fi ;;
  antmaze)
    install
    VARIANTS=${VARIANTS:-umaze umaze-diverse medium-play medium-diverse large-play large-diverse}
    SEEDS=${SEEDS:-0 1 2} RUN_AGENTS=${RUN_AGENTS:-bc iql mage} STEPS=${STEPS:-20000} IQL_STEPS=${IQL_STEPS:-100000}
    EPISODES=${EPISODES:-50} DATA_STEPS=${DATA_STEPS:-1000000} REF_EPISODES=${REF_EPISODES:-20}
    RESULTS=${RESULTS:-outputs/antmaze_$PRESET} LIMIT=${LIMIT:-0}
    policy=${KERAS_MAGE_ANT_POLICY:-}
    for candidate in ../shared/data/d4rl_ant_hierarch_pol.pkl shared/data/d4rl_ant_hierarch_pol.pkl; do
      [ -z "$policy" ] && [ -f "$candidate" ] && policy=$(realpath "$candidate")
    done
    export PYTHONPATH="$PWD:/tmp/site" KERAS_BACKEND=jax MINARI_DATASETS_PATH=$PWD/outputs/minari
    mkdir -p "$RESULTS"
    deadline=$((SECONDS + LIMIT))
    left() { if [ "$LIMIT" = 0 ]; then echo 0; else echo $((deadline - SECONDS > 1 ? deadline - SECONDS : 1)); fi; }
    for variant in $VARIANTS; do  # data first, all variants at once (a no-op once generated)
      python3 -c "from keras_mage.runs.datasets import antmaze_dataset as d; \
print(d('$variant', $DATA_STEPS, '$policy', $REF_EPISODES, workers=2))" > "$RESULTS/data_$variant.log" 2>&1 &
    done
    wait
    grep -h "episodes\|reached\|flip\|Error" "$RESULTS"/data_*.log || true
    ids=$(for variant in $VARIANTS; do tail -1 "$RESULTS/data_$variant.log"; done)
    options=(--preset "$PRESET" --train-steps "$STEPS" --eval-episodes "$EPISODES" --num-envs "$EPISODES"
      --published-budgets --steps iql="$IQL_STEPS" --output-dir "$RESULTS" "$@")
    for agent in $RUN_AGENTS; do  # a failed or cut-off run shows in its log; finished ones are reused
      for seed in $SEEDS; do
        for id in $ids; do
          log="$RESULTS/$(basename "$id")_${agent}_seed$seed.log"
          timeout "$(left)" python3 recipes/compare.py "${options[@]}" --dataset "$id" --agents "$agent" \
            --seeds "$seed" > "$log" 2>&1 || true
          grep -v '^Epoch\|/step\|evaluate:' "$log" | tail -3 || true
        done
      done
    done
    python3 recipes/compare.py "${options[@]}" --dataset $ids --agents $RUN_AGENTS --seeds $SEEDS --finished-only || true
    if [ -n "${OUT:-}" ]; then
      (cd "$RESULTS" && find . \( -name '*.log' -o -name '*.json' -o -name '*.png' \) -not -path '*/agent/*' |
        tar czf "$OUT/results.tgz" -T -)
    fi ;;
  *) echo "usage: $0 download|run|compare|antmaze" >&2; exit 2 ;;
esac
