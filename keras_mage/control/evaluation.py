"""Evaluation over vectorised envs: success rate, normalised score, returns, trajectories.

Episode i is reset with seed `seed + i`, whatever `num_envs` is, and the
agent's sampling seed is set from `seed`, so a run is reproducible. An episode
succeeds when `info["success"]` is true at ANY step before the time limit
(D4RL-style); the Minari normalised score is (return - ref_min) / (ref_max -
ref_min) per episode, when the dataset stores reference returns.

Example:

>>> results = evaluate(model, "keras_mage/pointmaze/umaze-v0", episodes=50, num_envs=10, seed=0,
...                    output_path="runs/umaze/evaluation.json")  # doctest: +SKIP
>>> results["success_rate"], results["normalized_score"]  # doctest: +SKIP
(0.92, 0.81)
"""

import numpy as np

from keras_mage.control.environments import resolve_environment
from keras_mage.control.history_policy import policy_for
from keras_mage.control.process_envs import ProcessVectorEnv, default_workers
from keras_mage.maze_envs import remove_maze_file
from keras_mage.progress import progress_bar
from keras_mage.utils.files import write_json

# Result keys kept out of the JSON file (arrays per step, long env specs).
NOT_IN_JSON = ("trajectories", "env_spec")
# The policy's acting options that results record (`ActingOptions` fields).
REPORTED_OPTIONS = ("return_update", "replan_every", "temperature", "guidance_scale", "temporal_ensemble")


def evaluate(
    agent,
    env=None,
    episodes=50,
    num_envs=10,
    seed=0,
    output_path=None,
    ref_scores=None,
    policy_options=None,
    max_episode_steps=None,
    progress=True,
    workers=None,
):
    """Runs `episodes` episodes of `agent` and returns a dict of scores.

    Args:
        agent: a trained model with `predict_actions` (MAGE, BehaviorCloning;
            one with `acts_on_history`, such as DecisionTransformer, acts
            through `HistoryPolicy`) or a policy with `act(observations)` /
            `reset(mask)` / `observe(rewards, done)`.
        env: Minari id, MinariDataset, EpisodeDataset or env factory; default
            the dataset the agent was trained on (its statistics' dataset_id).
        episodes, num_envs, seed: episode count, parallel envs, base seed.
        output_path: where to write the scores as JSON (atomically).
        ref_scores: (ref_min, ref_max) overriding the dataset's.
        policy_options: an `ActingOptions` (or a dict of its fields) when `agent` is a model.
        max_episode_steps: a shorter time limit than the env's, for quick
            checks (scores are then not comparable with published ones).
        workers: processes that step the envs (`ProcessVectorEnv`); 0 steps
            them in this process. Default: one per core from 4 cores on
            (`default_workers`), none below. The episodes are the same either way.
    Returns:
        success_rate, normalized_score, mean_return (each with `_stderr`),
        mean_episode_length, `steps_to_goal` and `goal_share` (how fast the
        goal is reached and how long the agent stays: `_goal_timing`),
        `per_episode` lists, `trajectories` (xy, goal,
        actions, seed, success per episode) and `env_spec` (JSON string).
    """
    import gymnasium as gym

    if episodes < 1 or num_envs < 1:
        raise ValueError(f"episodes and num_envs must be >= 1, got {episodes} and {num_envs}.")
    if workers is not None and workers < 0:
        raise ValueError(f"workers must be >= 0 (0: step the envs in this process), got {workers}.")
    if max_episode_steps is not None and max_episode_steps < 1:
        raise ValueError(f"max_episode_steps must be >= 1 (or None: the env's time limit), got {max_episode_steps}.")
    policy = _as_policy(agent, policy_options or {}, seed)
    target = resolve_environment(_default_env(agent) if env is None else env, ref_scores)
    num_envs = min(num_envs, episodes)

    def make_env():
        env = remove_maze_file(target.make_env())
        return env if max_episode_steps is None else gym.wrappers.TimeLimit(env, max_episode_steps)

    workers = default_workers(num_envs) if workers is None else min(int(workers), num_envs)
    if workers > 0:
        envs = ProcessVectorEnv(make_env, num_envs, workers)
    else:
        envs = gym.vector.SyncVectorEnv(
            [make_env for _ in range(num_envs)], autoreset_mode=gym.vector.AutoresetMode.DISABLED
        )
    try:
        runner = _run_episodes(policy, envs, episodes, num_envs, seed, progress)
        spec = envs.spec if workers > 0 else envs.envs[0].spec
    finally:
        envs.close()
    results = _summary(runner.episodes, target, seed, num_envs)
    results["workers"] = workers
    results["max_episode_steps"] = max_episode_steps
    options = getattr(policy, "options", None)  # a policy of the user's own may have none
    results.update({name: getattr(options, name, None) for name in REPORTED_OPTIONS})
    results["env_spec"] = _spec_json(spec)
    if output_path is not None:
        write_json(output_path, {k: v for k, v in results.items() if k not in NOT_IN_JSON})
    return results


def _run_episodes(policy, envs, episodes, num_envs, seed, progress):
    """Steps `envs` with `policy` until `episodes` episodes have ended; returns the `_EpisodeRunner`."""
    runner = _EpisodeRunner(episodes, seed)
    policy.reset()
    everyone = np.arange(num_envs)
    assigned = runner.assign(everyone)
    observations, _ = envs.reset(seed=_seeds(assigned, num_envs))
    runner.begin(observations, assigned)
    with progress_bar(total=episodes, desc="evaluate", unit="episode", disable=not progress) as bar:
        while runner.finished < episodes:
            actions = policy.act(observations)
            observations, rewards, terminated, truncated, infos = envs.step(actions)
            ended = np.asarray(terminated | truncated, bool)
            bar.update(runner.record(actions, observations, rewards, ended, infos))
            policy.observe(rewards, ended)
            if ended.any():
                assigned = runner.assign(everyone[ended])
                new_observations, _ = envs.reset(seed=_seeds(assigned, num_envs), options={"reset_mask": ended})
                observations = _merge(observations, new_observations, ended)
                runner.begin(observations, assigned)
    return runner


def _as_policy(agent, options, seed):
    if hasattr(agent, "predict_actions") or getattr(agent, "acts_on_history", False) is True:
        _seed_sampling(agent, seed)
        return policy_for(agent, options)
    if options:
        raise ValueError("`policy_options` apply to models only; configure the policy you passed instead.")
    if not all(hasattr(agent, name) for name in ("act", "reset", "observe")):
        raise TypeError(
            f"{type(agent).__name__} is neither a model with `predict_actions` nor a policy with "
            "`act`, `reset` and `observe`."
        )
    _seed_sampling(getattr(agent, "model", None), seed)
    return agent


def _seed_sampling(model, seed):
    generator = getattr(model, "sampling_seed", None)
    if generator is not None:
        generator.state.assign(np.array([seed, 0], generator.state.dtype))


def _default_env(agent):
    statistics = getattr(getattr(agent, "model", agent), "data_statistics", None)
    dataset_id = None if statistics is None else statistics.dataset_id
    if dataset_id is None:
        raise ValueError("The agent records no training dataset id: pass `env=` (a dataset id or env factory).")
    return dataset_id


def _seeds(assigned, num_envs):
    """Reset seeds per env: the assigned episodes' seeds, None for the other envs."""
    seeds = [None] * num_envs
    for env, episode in assigned.items():
        seeds[env] = None if episode is None else episode["seed"]
    return seeds


def _spec_json(spec):
    """The env spec as JSON (what the video subprocess rebuilds the env from), or None."""
    try:
        return None if spec is None else spec.to_json()
    except ValueError:  # kwargs that JSON cannot hold: no video replay for this env
        return None


def _merge(old, new, mask):
    if isinstance(old, dict):
        return {key: _merge(old[key], new[key], mask) for key in old}
    merged = np.array(old, copy=True)
    merged[mask] = new[mask]
    return merged


class _EpisodeRunner:
    """Per-env bookkeeping: which episode each env plays and what it recorded.

    Envs left over once every episode is assigned run idle; their steps are ignored.
    """

    def __init__(self, episodes, seed):
        self.wanted, self.seed = episodes, seed
        self.next_episode = 0
        self.finished = 0
        self.current = {}
        self.episodes = []

    def assign(self, envs):
        """Gives the next episodes (or None: idle) to `envs`; returns {env: episode}."""
        assigned = {}
        for env in envs:
            episode = None
            if self.next_episode < self.wanted:
                episode = {"index": self.next_episode, "seed": self.seed + self.next_episode}
                self.next_episode += 1
            assigned[int(env)] = episode
        return assigned

    def begin(self, observations, assigned):
        for env, episode in assigned.items():
            if episode is not None:
                episode.update(xy=[_xy(observations, env)], goal=_goal(observations, env), actions=[])
                episode.update({"return": 0.0, "success": False, "first_success": None, "steps_at_goal": 0})
            self.current[env] = episode

    def record(self, actions, observations, rewards, ended, infos):
        """Adds one step; returns how many episodes it finished."""
        success = np.asarray(infos.get("success", np.zeros(len(ended), bool)), bool)
        finished = 0
        for env, episode in self.current.items():
            if episode is None:
                continue
            episode["actions"].append(np.asarray(actions[env], np.float32))
            episode["xy"].append(_xy(observations, env))
            episode["return"] += float(rewards[env])
            episode["steps_at_goal"] += int(success[env])
            if success[env] and not episode["success"]:
                episode["success"], episode["first_success"] = True, len(episode["actions"])
            if ended[env]:
                self.episodes.append(_close(episode))
                finished += 1
        self.finished += finished
        return finished


def _close(episode):
    episode["length"] = len(episode["actions"])
    episode["actions"] = np.stack(episode["actions"])
    episode["xy"] = None if episode["xy"][0] is None else np.stack(episode["xy"])
    return episode


def _xy(observations, env):
    if isinstance(observations, dict) and "achieved_goal" in observations:
        return np.array(observations["achieved_goal"][env][:2], np.float32)
    return None


def _goal(observations, env):
    if isinstance(observations, dict) and "desired_goal" in observations:
        return np.array(observations["desired_goal"][env][:2], np.float32)
    return None


def mean_stderr(values):
    """Mean and standard error of the mean (0.0 for one value) as floats.

    >>> [round(value, 6) for value in mean_stderr([0.2, 0.4])]
    [0.3, 0.1]
    """
    values = np.asarray(values, np.float64)
    stderr = values.std(ddof=1) / np.sqrt(len(values)) if len(values) > 1 else 0.0
    return float(values.mean()), float(stderr)


def _summary(episodes, target, seed, num_envs):
    episodes = sorted(episodes, key=lambda e: e["index"])
    returns = np.array([e["return"] for e in episodes])
    successes = np.array([e["success"] for e in episodes], np.float64)
    results = {"dataset_id": target.dataset_id, "episodes": len(episodes), "seed": seed, "num_envs": num_envs}
    results["success_rate"], results["success_rate_stderr"] = mean_stderr(successes)
    results["mean_return"], results["return_stderr"] = mean_stderr(returns)
    results["ref_min_score"], results["ref_max_score"] = target.ref_min_score, target.ref_max_score
    results["normalized_score"] = results["normalized_score_stderr"] = None
    if target.ref_min_score is not None and target.ref_max_score is not None:
        span = target.ref_max_score - target.ref_min_score
        scores = (returns - target.ref_min_score) / span
        results["normalized_score"], results["normalized_score_stderr"] = mean_stderr(scores)
    results["mean_episode_length"] = float(np.mean([e["length"] for e in episodes]))
    results.update(_goal_timing(episodes))
    results["per_episode"] = {
        "seed": [e["seed"] for e in episodes],
        "return": returns.tolist(),
        "success": [bool(e["success"]) for e in episodes],
        "first_success_step": [e["first_success"] for e in episodes],
        "steps_at_goal": [e["steps_at_goal"] for e in episodes],
        "length": [e["length"] for e in episodes],
    }
    results["trajectories"] = [
        {key: e[key] for key in ("seed", "xy", "goal", "actions", "success", "return")} for e in episodes
    ]
    return results


def _goal_timing(episodes):
    """How fast the goal is reached and how much of the rest of the episode is spent there.

    `steps_to_goal`: the mean first success step of the episodes that
    succeed; `goal_share`: their mean share of steps at the goal from that
    step to the episode's end (1.0: it never leaves). Together they split a
    continuing env's return: an agent that reaches the goal fast but does not
    stay scores low on the normalised score. None where no episode succeeds.
    """
    reached = [e for e in episodes if e["first_success"] is not None]
    if not reached:
        return {"steps_to_goal": None, "goal_share": None}
    shares = [e["steps_at_goal"] / (e["length"] - e["first_success"] + 1) for e in reached]
    return {"steps_to_goal": float(np.mean([e["first_success"] for e in reached])), "goal_share": float(np.mean(shares))}
