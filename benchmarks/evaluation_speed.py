"""Env steps per second of `evaluate` with the envs in this process and in worker processes.

A policy of fixed pseudo-random actions keeps acting cheap, so the figure is
the env stepping itself; `--agent` times a trained agent instead. Prints one
line per worker count and each one's speed-up over in-process stepping.

Usage:
    python benchmarks/evaluation_speed.py --env PointMaze_Large-v3 --num-envs 50 --workers 0 4 16
    python benchmarks/evaluation_speed.py --agent runs/large/agent --num-envs 50 --workers 0 16
"""

import argparse
import time

import numpy as np


class RandomPolicy:
    """Actions drawn from a seeded generator: the same episodes whatever the worker count."""

    def __init__(self, action_dim=2, seed=0):
        self.rng, self.action_dim = np.random.default_rng(seed), action_dim

    def reset(self, mask=None):
        pass

    def act(self, observations):
        batch = len(observations["observation"]) if isinstance(observations, dict) else len(observations)
        return self.rng.uniform(-1, 1, (batch, self.action_dim)).astype(np.float32)

    def observe(self, rewards, done):
        pass


def make_env(env_id):
    import gymnasium as gym
    import gymnasium_robotics

    gym.register_envs(gymnasium_robotics)
    return gym.make(env_id)


def main(argv=None):
    import functools

    from keras_mage.control import evaluate
    from keras_mage.control.process_envs import usable_cores

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--env", default="PointMaze_Large-v3", help="Gymnasium id (with --agent: default its dataset)")
    parser.add_argument("--agent", default=None, help="a saved agent to act instead of random actions")
    parser.add_argument("--num-envs", type=int, default=50)
    parser.add_argument("--episodes", type=int, default=None, help="default: --num-envs")
    parser.add_argument("--max-episode-steps", type=int, default=200)
    parser.add_argument("--workers", type=int, nargs="+", default=[0, usable_cores()])
    args = parser.parse_args(argv)
    episodes = args.episodes or args.num_envs
    if args.agent:
        import keras_mage

        agent, env = keras_mage.MAGE.from_preset(args.agent), None
    else:
        agent, env = None, functools.partial(make_env, args.env)
    policy = lambda: agent or RandomPolicy()  # noqa: E731
    # A first, untimed run pays the one-off costs (imports, compilation, the maze's model file).
    evaluate(policy(), env, episodes=2, num_envs=2, seed=0, workers=0, max_episode_steps=10, progress=False)
    baseline = None
    for workers in args.workers:
        start = time.perf_counter()
        results = evaluate(
            policy(), env, episodes=episodes, num_envs=args.num_envs, seed=0, workers=workers,
            max_episode_steps=args.max_episode_steps, progress=False,
        )
        seconds = time.perf_counter() - start
        steps = sum(results["per_episode"]["length"])
        rate = steps / seconds
        baseline = baseline or rate
        print(
            f"workers={workers} envs={args.num_envs} episodes={episodes} env_steps={steps} seconds={seconds:.1f} "
            f"steps_per_second={rate:.0f} speedup={rate / baseline:.2f}x cores={usable_cores()}",
            flush=True,
        )


if __name__ == "__main__":
    main()
