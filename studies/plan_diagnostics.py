"""Where a trained MAGE loses its actions: true, teacher-forced and generated plans.

For one batch of the model's own data windows, prints the action head's mean
squared error to the data's first action when it reads
- the tokenizer's plan of the true window (`true plan`),
- the plan of the arg-max of the teacher-forced logits (`teacher plan`),
- plans generated coarse to fine with the first t scales taken from the
  true tokens and the rest greedy (`t true scales`; t = 0 is acting),
and, per token position, how often greedy generation and the teacher-forced
arg-max agree with the true tokens. Mean squared errors of predicting zero
and the mean action are printed for scale.

With `--probe-steps N`, fresh MLPs (behaviour cloning's: two ReLU layers of
256, Adam 1e-3, batch 32) are trained for N steps on more windows to read
the first action from (state, goal) alone, with the true plan added, and
with the greedy generated plan added; their held-out errors say how much
action information each plan carries, apart from how well the model's own
head has learned to use it.

Example:

    KERAS_BACKEND=jax python studies/plan_diagnostics.py outputs/pointmaze/medium/agent \\
        keras_mage/pointmaze/medium-200k-v0 --probe-steps 800
"""

import argparse
import math
import pathlib

import numpy as np


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", help="a `.keras` file written by a recipe or `MAGE.save`, or an agent directory")
    parser.add_argument("dataset", help="the dataset it was trained on (Minari id or any `load_episodes` source)")
    parser.add_argument("--windows", type=int, default=1024)
    parser.add_argument("--probe-steps", type=int, default=0, help="train probe MLPs for this many steps (0: none)")
    parser.add_argument("--probe-test-windows", type=int, default=4096)
    args = parser.parse_args()

    from keras import ops

    import keras_mage
    from keras_mage import data
    from keras_mage.models.agent_directory import load_model_file, model_file
    from keras_mage.models.training_data import model_windows

    path = pathlib.Path(args.model)
    model = load_model_file(model_file(path))
    if not isinstance(model, keras_mage.MAGE):
        parser.error(f"{args.model} holds a {type(model).__name__}, not a MAGE model.")
    batches, _ = model_windows(model, data.load_episodes(args.dataset), args.windows, backend="numpy", seed=7)
    head_state, quantized, condition, target = read_windows(model, batches[0])
    embedding = model.condition_embedding(condition)
    logits = model.transformer(embedding, quantized["next_inputs"])
    starts = model.transformer.starts

    def error(plan):
        return float(np.mean((np.asarray(model.action_head(head_state, plan))[:, 0] - target) ** 2))

    def true_tokens(k):
        return quantized["indices"][:, starts[k] : starts[k + 1]]

    def plan_with_true_scales(count, tokens):
        def scale_features(scale_logits, k):
            index = true_tokens(k) if k < count else ops.cast(ops.argmax(scale_logits, axis=-1), "int32")
            tokens.append(index)
            return model.quantizer.embed_tokens(index, k)

        return model.coarse_to_fine(embedding, scale_features)

    teacher = sum(
        model.quantizer.embed_tokens(ops.argmax(logits[:, starts[k] : starts[k + 1]], axis=-1), k)
        for k in range(len(model.scale_schedule))
    )
    print(f"action MSE  zero action {np.mean(target**2):.4f}  mean action {np.mean((target - target.mean(0)) ** 2):.4f}")
    print(f"action MSE  true plan {error(quantized['f_hat']):.4f}  teacher plan {error(teacher):.4f}")
    for count in range(len(model.scale_schedule) + 1):
        print(f"action MSE  {count} true scales, rest generated: {error(plan_with_true_scales(count, [])):.4f}")
    generated = []
    plan_with_true_scales(0, generated)
    truth = np.asarray(quantized["indices"])
    agreement = np.mean(np.asarray(ops.concatenate(generated, axis=1)) == truth, axis=0)
    teacher_agreement = np.mean(np.asarray(ops.argmax(logits, axis=-1)) == truth, axis=0)
    print("token agreement, generated:      ", np.round(agreement, 2).tolist())
    print("token agreement, teacher arg-max:", np.round(teacher_agreement, 2).tolist())
    if args.probe_steps:
        probe(model, batches, args.probe_steps, args.probe_test_windows)


def read_windows(model, batch):
    """(head state, tokenizer output, condition vector, first actions) of a numpy batch of windows."""
    from keras import ops

    batch = {key: ops.convert_to_tensor(value) for key, value in batch.items()}
    states, returns, goals = batch["observations"], batch["returns"], batch.get("goals")
    quantized = model.quantizer(model.encoder(ops.concatenate([returns, states], axis=-1)))
    condition = model.condition_vector(states[:, 0], goals, returns[:, 0])
    return model.head_state(states[:, 0], goals), quantized, condition, np.asarray(batch["actions"][:, 0])


def probe(model, batches, steps, test_windows, batch_size=32):
    """Prints held-out action errors of fresh MLPs on (state, goal) with and without each plan."""
    import keras

    needed = math.ceil((steps * batch_size + test_windows) / len(batches[0]["actions"]))
    if needed > len(batches):
        raise SystemExit(f"--probe-steps {steps} needs {needed} batches of windows; the dataset has {len(batches)}.")
    features = {"state, goal": [], "+ true plan": [], "+ generated plan": []}
    targets = []
    for index in range(needed):
        head_state, quantized, condition, target = read_windows(model, batches[index])
        head_state = np.asarray(head_state)
        _, generated = model.generate(condition)
        features["state, goal"].append(head_state)
        for name, plan in (("+ true plan", quantized["f_hat"]), ("+ generated plan", generated)):
            features[name].append(np.concatenate([head_state, np.asarray(plan).reshape(len(head_state), -1)], axis=1))
        targets.append(target)
    targets = np.concatenate(targets)
    train = steps * batch_size
    test = targets[-test_windows:]
    print(f"probe MLPs, {steps} steps of batch {batch_size}, held-out MSE on {test_windows} windows "
          f"(mean action {np.mean((test - targets[:train].mean(0)) ** 2):.4f}):")
    for name, parts in features.items():
        inputs = np.concatenate(parts)
        keras.utils.set_random_seed(0)
        mlp = keras.Sequential(
            [keras.Input(inputs.shape[1:]), keras.layers.Dense(256, activation="relu"),
             keras.layers.Dense(256, activation="relu"), keras.layers.Dense(targets.shape[1])]
        )
        mlp.compile(keras.optimizers.Adam(1e-3), "mse")
        mlp.fit(inputs[:train], targets[:train], batch_size=batch_size, epochs=1, shuffle=False, verbose=0)
        print(f"  {name:18s} {mlp.evaluate(inputs[-test_windows:], test, verbose=0):.4f}")


if __name__ == "__main__":
    main()
