"""Windows per second of `make_dataset` on a synthetic 1M-step dataset, per backend.

Run: python benchmarks/pipeline.py [--steps 1000000] [--batches 1000]
Prints figures only (no assertions).
"""

import argparse
import resource
import time

import numpy as np

from keras_mage.data import Episode, EpisodeDataset, make_dataset


def synthetic(steps, episode_length=1000, state_dim=29, goal_dim=2, action_dim=8, seed=0):
    rng = np.random.default_rng(seed)
    episodes = []
    for index in range(steps // episode_length):
        episodes.append(
            Episode(
                observations=rng.standard_normal((episode_length + 1, state_dim), np.float32),
                goals=np.repeat(rng.standard_normal((1, goal_dim), np.float32), episode_length + 1, 0),
                actions=rng.uniform(-1, 1, (episode_length, action_dim)).astype(np.float32),
                rewards=(rng.random(episode_length) < 0.05).astype(np.float32),
                terminations=np.zeros(episode_length, bool),
                truncations=np.arange(episode_length) == episode_length - 1,
                id=index,
            )
        )
    return EpisodeDataset(episodes, dataset_id="synthetic")


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=1_000_000)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--horizon", type=int, default=16)
    parser.add_argument("--batches", type=int, default=1000, help="timed batches per backend")
    args = parser.parse_args()

    start = time.perf_counter()
    episodes = synthetic(args.steps)
    print(
        f"synthetic data: {episodes.total_steps} steps in {time.perf_counter() - start:.1f} s, "
        f"peak RSS {peak_rss_mib():.0f} MiB"
    )
    for backend in ("numpy", "tf"):
        start = time.perf_counter()
        dataset, _ = make_dataset(episodes, args.horizon, args.batch_size, backend=backend, repeat=True)
        setup = time.perf_counter() - start
        batches = iter(dataset)
        for _ in range(5):  # warm up (tf pipeline start, first permutation)
            next(batches)
        start = time.perf_counter()
        for _ in range(args.batches):
            next(batches)
        seconds = time.perf_counter() - start
        print(
            f"{backend:>5}: setup {setup:.1f} s, {args.batches * args.batch_size / seconds:,.0f} windows/s "
            f"(batch {args.batch_size}, horizon {args.horizon}), peak RSS {peak_rss_mib():.0f} MiB"
        )


if __name__ == "__main__":
    main()
