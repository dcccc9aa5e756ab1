"""Milliseconds per `MAGEPolicy.act` (batch 1 and 64) and generation throughput, on the current backend.

The model is built with PointMaze sizes (state 6, goal 2, action 2) and
random weights: latency does not depend on training. Compilation is excluded
(warm-up calls); the median of `--repeats` calls is reported.

Example:

    KERAS_BACKEND=jax python benchmarks/act_latency.py --preset small
"""

import argparse
import json
import time

import numpy as np


def build_model(preset, state_dim=6, goal_dim=2, action_dim=2):
    import dataclasses

    import keras_mage
    from keras_mage.data import DataStatistics

    model = keras_mage.MAGE.from_preset(preset, seed=0, state_dim=state_dim, goal_dim=goal_dim, action_dim=action_dim)
    model.build(model.get_build_config()["input_shape"])
    model.data_statistics = dataclasses.replace(DataStatistics.identity(state_dim, goal_dim, action_dim), return_quantile=1.0)
    return model


def observations(batch, rng):
    return {
        "achieved_goal": rng.normal(size=(batch, 2)),
        "observation": rng.normal(size=(batch, 4)),
        "desired_goal": rng.normal(size=(batch, 2)),
    }


def time_act(model, batch, repeats, warmup=3):
    """Median milliseconds of one `act` call at `batch` envs."""
    from keras_mage.control import MAGEPolicy

    policy = MAGEPolicy(model)
    rng = np.random.default_rng(0)
    inputs = [observations(batch, rng) for _ in range(repeats + warmup)]
    times = []
    for index, observation in enumerate(inputs):
        start = time.perf_counter()
        policy.act(observation)
        if index >= warmup:
            times.append(time.perf_counter() - start)
    return 1000.0 * float(np.median(times))


def main(argv=None):
    import keras

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", default="small")
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 64])
    parser.add_argument("--repeats", type=int, default=50)
    args = parser.parse_args(argv)
    model = build_model(args.preset)
    scales = len(model.scale_schedule)
    results = {"backend": keras.backend.backend(), "preset": args.preset, "scales": scales, "per_batch": {}}
    for batch in args.batches:
        ms = time_act(model, batch, args.repeats)
        results["per_batch"][batch] = {
            "ms_per_act": round(ms, 3),
            "actions_per_second": round(1000.0 * batch / ms, 1),
            "scale_passes_per_second": round(1000.0 * scales / ms, 1),
        }
    print(json.dumps(results, indent=2))
    return results


if __name__ == "__main__":
    main()
