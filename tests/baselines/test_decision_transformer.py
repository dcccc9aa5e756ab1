"""Decision Transformer: trains on K-step windows, causal in its tokens, saves, and acts through evaluate."""

import re

import gymnasium as gym
import keras
import numpy as np
import pytest

import keras_mage
from keras_mage.baselines import DecisionTransformer
from keras_mage.baselines.decision_transformer import PAPER_SETTINGS

CONTEXT = 4


def small_dt(**overrides):
    settings = {"context_length": CONTEXT, "num_layers": 2, "num_heads": 2, "embedding_dim": 16,
                "learning_rate": 3e-3, "warmup_steps": 10, "batch_size": 32, "seed": 0}
    return DecisionTransformer(**{**settings, **overrides})


@pytest.fixture(scope="module")
def trained(make_goal_episodes):
    model = small_dt()
    history = model.fit(make_goal_episodes(rewarded_steps=5), epochs=4, steps_per_epoch=25, verbose=0)
    return model, history


def random_window(model, seed=0, batch=3):
    """A batch dict of normalised inputs (what `call` reads) for `model`'s context."""
    rng = np.random.default_rng(seed)
    return {
        "observations": rng.normal(size=(batch, CONTEXT, model.state_dim)).astype("float32"),
        "returns": rng.uniform(0, 5, size=(batch, CONTEXT, 1)).astype("float32"),
        "actions": rng.uniform(-1, 1, size=(batch, CONTEXT, model.action_dim)).astype("float32"),
        "goals": rng.normal(size=(batch, model.goal_dim)).astype("float32"),
    }


def test_defaults_are_the_papers():
    model = DecisionTransformer()
    assert (model.context_length, model.num_layers, model.num_heads, model.embedding_dim) == (20, 3, 1, 128)
    assert (model.learning_rate, model.warmup_steps, model.batch_size) == (1e-4, 10_000, 64)
    assert (model.dropout, model.weight_decay, model.grad_clip) == (0.1, 1e-4, 0.25)
    assert PAPER_SETTINGS["context_length"] == model.window_horizon == 20
    assert model.discount == 1.0 and model.acts_on_history is True


def test_fit_lowers_the_action_loss(trained, make_goal_episodes):
    model, history = trained
    losses = history.history["loss"]
    assert losses[-1] < 0.3 * losses[0], losses
    assert model.data_statistics.dataset_id == "toy/linear-v0"
    assert model.data_statistics.discount == 1.0 and model.data_statistics.return_quantile == 5.0
    optimizer = model.optimizer
    assert isinstance(optimizer, keras.optimizers.AdamW) and optimizer.global_clipnorm == 0.25
    np.testing.assert_allclose(float(optimizer.learning_rate), 3e-3, rtol=1e-6)  # past the warm-up
    episode = make_goal_episodes(count=1, seed=1)[0]
    first = model.predict_actions(episode.observations[:5], episode.goals[:5], np.full((5, 1), 5.0))
    assert first.shape == (5, 1, 2)
    assert np.mean((first[:, 0] - episode.actions[:5]) ** 2) < 0.05


def test_loss_ignores_padding_steps(trained):
    model, _ = trained
    batch = random_window(model)
    batch["mask"] = np.ones((3, CONTEXT), "float32")
    batch["mask"][:, 2:] = 0.0
    predicted = model(batch)
    loss = float(keras.ops.convert_to_numpy(model.compute_loss(batch, y_pred=predicted)))
    errors = np.mean((keras.ops.convert_to_numpy(predicted) - batch["actions"]) ** 2, -1)
    np.testing.assert_allclose(loss, errors[:, :2].mean(), rtol=1e-5)


@pytest.mark.parametrize("key", ["observations", "actions", "returns"])
def test_a_step_sees_earlier_tokens_only(trained, key):
    model, _ = trained
    batch = random_window(model)
    before = keras.ops.convert_to_numpy(model(batch))
    for step in range(CONTEXT):
        changed = {name: value.copy() for name, value in batch.items()}
        changed[key][:, step] += 2.0
        after = keras.ops.convert_to_numpy(model(changed))
        first_affected = step + 1 if key == "actions" else step  # a_t comes after s_t, where a_t is predicted
        np.testing.assert_array_equal(after[:, :first_affected], before[:, :first_affected])
        if first_affected < CONTEXT:
            assert (np.abs(after[:, first_affected:] - before[:, first_affected:]).max(axis=-1) > 1e-7).all()


def test_history_actions_read_each_envs_last_real_step(trained):
    model, _ = trained
    rng = np.random.default_rng(3)
    states, goals = rng.normal(size=(2, 3, 6)), rng.normal(size=(2, 2))
    returns, actions = rng.uniform(0, 5, (2, 3)), rng.uniform(-1, 1, (2, 3, 2))
    full = model.predict_history_actions(states, goals, returns, actions, lengths=[3, 3])
    short = model.predict_history_actions(states, goals, returns, actions, lengths=[3, 2])
    np.testing.assert_array_equal(short[0], full[0])
    np.testing.assert_allclose(short[1:], model.predict_history_actions(states[1:, :2], goals[1:], returns[1:, :2],
                                                                       actions[1:, :2]), atol=1e-6)
    assert not np.allclose(short[1], full[1])
    garbage = actions.copy()
    garbage[:, -1] = 100.0  # the action at the step being predicted is ignored
    np.testing.assert_array_equal(model.predict_history_actions(states, goals, returns, garbage), full)


def test_actions_stay_in_data_bounds_and_misuse_is_refused(trained):
    model, _ = trained
    far = np.full((4, 1, 6), 100.0)
    actions = model.predict_history_actions(far, -far[:, 0, :2], np.full((4, 1), 1e3), np.zeros((4, 1, 2)))
    low, high = model.data_statistics.action_low, model.data_statistics.action_high
    assert (actions >= low - 1e-6).all() and (actions <= high + 1e-6).all()
    with pytest.raises(ValueError, match="train it with `fit`"):
        DecisionTransformer().predict_actions(np.zeros((1, 6)))
    with pytest.raises(ValueError, match="goal-conditioned"):
        model.predict_actions(np.zeros((1, 6)))
    with pytest.raises(ValueError, match="context length"):
        model.predict_history_actions(np.zeros((1, CONTEXT + 1, 6)), np.zeros((1, 2)), np.zeros((1, CONTEXT + 1)),
                                      np.zeros((1, CONTEXT + 1, 2)))


def test_keras_file_round_trip(trained, reloaded):
    model, _ = trained
    restored = reloaded(model)
    rng = np.random.default_rng(4)
    inputs = (rng.normal(size=(3, CONTEXT, 6)), rng.normal(size=(3, 2)), rng.uniform(0, 5, (3, CONTEXT)),
              rng.uniform(-1, 1, (3, CONTEXT, 2)), [1, 2, CONTEXT])
    np.testing.assert_array_equal(restored.predict_history_actions(*inputs), model.predict_history_actions(*inputs))


def test_seed_fixes_the_initialisation():
    shapes = {"observations": (None, CONTEXT, 6), "actions": (None, CONTEXT, 2), "goals": (None, 2)}
    first, second, other = small_dt(), small_dt(), small_dt(seed=1)
    for model in (first, second, other):
        model.build(shapes)
    for a, b in zip(first.get_weights(), second.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first.embed_state.get_weights()[0], other.embed_state.get_weights()[0])
    attention = first.blocks[0].qkv.get_weights()[0]
    assert not np.array_equal(attention[:, :16], attention[:, 16:32])  # queries and keys start apart


def blinking_state(trajectory, step):
    """The state evaluate's policy saw at `step` of a BlinkingGoalEnv episode: achieved goal, then (xy, 0, 0)."""
    xy = trajectory["xy"][step]
    return np.concatenate([xy, xy, np.zeros(2)]).astype("float32")


def test_evaluate_acts_on_the_episode_so_far(trained, blinking_env):
    model, _ = trained
    results = keras_mage.control.evaluate(model, blinking_env(max_steps=CONTEXT + 2, success_step=1), episodes=3,
                                          num_envs=2, progress=False)
    assert results["episodes"] == 3 and results["return_update"] == "decrement"
    trajectory = results["trajectories"][0]
    goal, taken = trajectory["goal"][None], trajectory["actions"]
    states = np.stack([blinking_state(trajectory, step) for step in range(len(taken))])
    targets = np.array([5.0] + [4.0] * (len(taken) - 1))  # reward 1 at the first step only: R - r
    np.testing.assert_allclose(taken[0], model.predict_actions(states[:1], goal, [[5.0]])[0, 0], atol=1e-5)
    for step in (1, CONTEXT + 1):  # a growing history, then the last K steps only
        start = max(0, step + 1 - CONTEXT)
        expected = model.predict_history_actions(states[None, start:step + 1], goal, targets[None, start:step + 1],
                                                 taken[None, start:step + 1])
        np.testing.assert_allclose(taken[step], expected[0, 0], atol=1e-5)


def test_evaluate_runs_on_a_maze_env(trained):
    import gymnasium_robotics

    gym.register_envs(gymnasium_robotics)
    model, _ = trained
    results = keras_mage.control.evaluate(model, lambda: gym.make("PointMaze_UMaze-v3"), episodes=2, num_envs=2,
                                          max_episode_steps=CONTEXT + 2, progress=False)
    assert results["per_episode"]["length"] == [CONTEXT + 2] * 2
    actions = np.concatenate([trajectory["actions"] for trajectory in results["trajectories"]])
    assert np.isfinite(actions).all() and np.abs(actions).max() <= 1.0 + 1e-6


def test_goals_of_another_batch_are_refused(trained):
    model, _ = trained
    states, returns, actions = np.zeros((2, 1, 6)), np.zeros((2, 1)), np.zeros((2, 1, 2))
    with pytest.raises(ValueError, match=re.escape("goals of shape (1, 4) do not fit observations of shape (2, 6): "
                                                   "expected (2, 2), one goal of 2 features per observation")):
        model.predict_history_actions(states, np.zeros((1, 4)), returns, actions)
    with pytest.raises(ValueError, match=re.escape("observations of shape (2, 3, 6) have 3 axes")):
        model.predict_actions(np.zeros((2, 3, 6)), np.zeros((2, 2)))
