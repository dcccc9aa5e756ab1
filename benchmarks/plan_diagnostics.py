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

Example:

    KERAS_BACKEND=jax python benchmarks/plan_diagnostics.py outputs/pointmaze/medium/model.keras \\
        keras_mage/pointmaze/medium-200k-v0
"""

import argparse

import numpy as np


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", help="a `.keras` file written by a recipe or `MAGE.save`")
    parser.add_argument("dataset", help="the dataset it was trained on (Minari id or any `load_episodes` source)")
    parser.add_argument("--windows", type=int, default=1024)
    args = parser.parse_args()

    import keras
    from keras import ops

    import keras_mage
    from keras_mage import data

    model = keras.saving.load_model(args.model)
    if not isinstance(model, keras_mage.MAGE):
        parser.error(f"{args.model} holds a {type(model).__name__}, not a MAGE model.")
    batches, _ = data.make_dataset(
        data.load_episodes(args.dataset), model.horizon, args.windows, model.data_statistics,
        discount=model.discount, reward_scale=model.reward_scale, backend="numpy", seed=7,
    )
    batch = {key: ops.convert_to_tensor(value) for key, value in batches[0].items()}
    states, returns, goals = batch["observations"], batch["returns"], batch.get("goals")
    target = np.asarray(batch["actions"][:, 0])
    head_state = model.head_state(states[:, 0], goals)
    quantized = model.quantizer(model.encoder(ops.concatenate([returns, states], axis=-1)))
    embedding = model.condition_embedding(model.condition_vector(states[:, 0], goals, returns[:, 0]))
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


if __name__ == "__main__":
    main()
