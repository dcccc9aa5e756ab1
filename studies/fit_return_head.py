"""Gives a MAGE agent saved without a return head one, trained as `fit` would have trained it.

The return head (`return_head=True`, docs/acting.md) reads only the data's
(s_0, goal) and learns R_0 by expectile regression, so no other weight
depends on it: training it afterwards on the frozen agent's data, with the
agent's own optimiser settings (AdamW at its learning rate and weight decay,
clipnorm 1), batch size and number of training steps, gives the head the
agent would have had, apart from the data order and the shared gradient
clipping. Writes the agent with the head to OUTPUT and prints its held-out
error beside a constant's. `studies/acting_options.py` then compares the
target-return rules on it.

Example:

    KERAS_BACKEND=jax python studies/fit_return_head.py outputs/compare_bc/large/mage_seed0/agent \\
        keras_mage/pointmaze/large-200k-v0 /tmp/large0_return_head
    KERAS_BACKEND=jax python studies/acting_options.py /tmp/large0_return_head --episodes 50 \\
        --options '{"replan_every": 4, "return_update": "estimated"}' '{"replan_every": 4, "return_update": "discounted"}'
"""

import argparse

import numpy as np

HELD_OUT = 5000


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("agent", help="a saved agent directory (`MAGE.save_to_preset`, or a `compare_bc.py` run's agent)")
    parser.add_argument("dataset", help="the dataset it was trained on (Minari id or any `load_episodes` source)")
    parser.add_argument("output", help="agent directory to write with the return head")
    parser.add_argument("--steps", type=int, default=None, help="default: the steps the agent trained")
    parser.add_argument("--expectile", type=float, default=None, help="default: the agent's return_expectile")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    import keras

    import keras_mage
    from keras_mage import data
    from keras_mage.layers import expectile_loss
    from keras_mage.models.acting import normalized_inputs
    from keras_mage.data.windows import returns_to_go

    old = keras_mage.MAGE.from_preset(args.agent)
    config = old.get_config()
    config.update(return_head=True, return_expectile=args.expectile or old.return_expectile)
    model = keras_mage.MAGE.from_config(config)
    model.build(old.get_build_config()["input_shape"])
    for name in ("encoder", "quantizer", "decoder", "condition_embedding", "transformer", "action_head"):
        getattr(model, name).set_weights(getattr(old, name).get_weights())

    states, goals, targets = [], [], []
    for episode in data.load_episodes(args.dataset):
        states.append(episode.observations[:-1])
        goals.append(None if episode.goals is None else episode.goals[:-1])
        targets.append(returns_to_go(episode.rewards, model.discount) * model.reward_scale)
    states, goals = normalized_inputs(model, np.concatenate(states), None if goals[0] is None else np.concatenate(goals))
    features = keras.ops.convert_to_numpy(model.head_state(states, goals))  # the head's input, as in `fit`
    targets = np.concatenate(targets).astype("float32")[:, None]

    rng = np.random.default_rng(args.seed)
    order = rng.permutation(len(features))
    held_out, train = order[:HELD_OUT], order[HELD_OUT:]
    steps = args.steps or int(keras.ops.convert_to_numpy(old.optimizer.iterations))
    drawn = rng.choice(train, size=steps * model.batch_size)  # `steps` batches, as fit draws them
    keras.utils.set_random_seed(args.seed)
    head = keras.Sequential([keras.Input((features.shape[1],)), model.return_estimator])
    head.compile(
        optimizer=keras.optimizers.AdamW(model.learning_rate, weight_decay=model.weight_decay, global_clipnorm=1.0),
        loss=lambda target, estimate: expectile_loss(target - estimate, model.return_expectile),
    )
    head.fit(features[drawn], targets[drawn], batch_size=model.batch_size, epochs=1, shuffle=False, verbose=2)

    estimate = keras.ops.convert_to_numpy(head(features[held_out]))
    truth = targets[held_out]
    print(f"{steps} steps of batch {model.batch_size}, expectile {model.return_expectile}: held-out MSE "
          f"{np.mean((estimate - truth) ** 2):.4f} (predicting the mean: {np.mean((truth - targets.mean()) ** 2):.4f}, "
          f"the constant default target {model.data_statistics.return_quantile:.3f}: "
          f"{np.mean((truth - model.data_statistics.return_quantile * model.reward_scale) ** 2):.4f})")
    print(f"saved to {model.save_to_preset(args.output)}")


if __name__ == "__main__":
    main()
