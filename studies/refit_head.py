"""Does a trained MAGE's action head or its plan limit how it acts? Refit the head to find out.

Trains a fresh action head (the model's own architecture; Adam, batch 32, as
the behaviour-cloning baseline trains) for `--steps` on the frozen model's
greedy plans of its own data windows, each generated from the window's true
first state, goal and return-to-go, and saves the agent with that head to
OUTPUT. Evaluating OUTPUT beside the original agent
(`studies/acting_options.py`) says whether a better-fitted head on the
same plans acts better. Before saving it prints both heads' first-action
errors on held-out windows with the plan generated from the true
return-to-go, from the default target return (what acting starts from) and
from zero.

Example:

    KERAS_BACKEND=jax python studies/refit_head.py outputs/compare_bc/large/mage_seed0/agent \\
        keras_mage/pointmaze/large-200k-v0 /tmp/refit_large0 --steps 2400
    KERAS_BACKEND=jax python studies/acting_options.py outputs/compare_bc/large/mage_seed0/agent \\
        /tmp/refit_large0 --episodes 50 --options '{"replan_every": 4}'
"""

import argparse

import numpy as np

BATCH_SIZE = 32


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("agent", help="a saved agent directory (`MAGE.save_to_preset`, or a `compare_bc.py` run's agent)")
    parser.add_argument("dataset", help="the dataset it was trained on (Minari id or any `load_episodes` source)")
    parser.add_argument("output", help="agent directory to write with the refitted head")
    parser.add_argument("--steps", type=int, default=2400)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--windows", type=int, default=1024, help="windows per generation batch")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    import keras

    import keras_mage
    from keras_mage import data
    from keras_mage.models.training_data import model_windows
    from keras_mage.models import compiled
    from keras_mage.models.acting import statistics_of
    from keras_mage.progress import progress_bar

    to_numpy = keras.ops.convert_to_numpy

    model = keras_mage.MAGE.from_preset(args.agent)
    batches, _ = model_windows(model, data.load_episodes(args.dataset), args.windows, backend="numpy", seed=7)
    plan_of = compiled.compile_function(model, lambda condition: model.generate(condition)[1])
    statistics = statistics_of(model)  # what acting starts from
    default_return = statistics.scale_returns(statistics.return_quantile)

    def windows(index, returns=None):
        """(head state, greedy plan, first-action chunk) of the batch's complete windows."""
        batch = batches[index]
        complete = batch["mask"][:, : model.action_chunk].all(axis=1)
        batch = {key: value[complete] for key, value in batch.items()}
        states = batch["observations"][:, 0]
        goals = batch["goals"] if model.goal_dim else None
        first_returns = batch["returns"][:, 0] if returns is None else np.full_like(batch["returns"][:, 0], returns)
        condition = to_numpy(model.condition_vector(states, goals, first_returns))
        plan = to_numpy(plan_of(condition))
        state = to_numpy(model.head_state(states, goals))
        return state, plan, batch["actions"][:, : model.action_chunk]

    wanted, parts, index = args.steps * BATCH_SIZE, [], 0
    with progress_bar(wanted, "greedy plans", unit="window") as bar:
        while bar.n < wanted:
            if index + 1 >= len(batches):  # the last batch used is held out
                raise SystemExit(f"--steps {args.steps} needs more windows than the dataset's {len(batches)} batches.")
            parts.append(windows(index))
            bar.update(len(parts[-1][0]))
            index += 1
    states, plans, targets = (np.concatenate(part)[:wanted] for part in zip(*parts))

    keras.utils.set_random_seed(args.seed)
    head = type(model.action_head).from_config(model.action_head.get_config())
    state_input, plan_input = keras.Input(states.shape[1:]), keras.Input(plans.shape[1:])
    fitter = keras.Model([state_input, plan_input], head(state_input, plan_input))
    fitter.compile(keras.optimizers.Adam(args.learning_rate), "mse")
    history = fitter.fit([states, plans], targets, batch_size=BATCH_SIZE, epochs=1, shuffle=False, verbose=2)
    print(f"refitted head: final training loss {history.history['loss'][-1]:.4f} "
          f"({len(states) // BATCH_SIZE} steps of batch {BATCH_SIZE}, chunk of {model.action_chunk})")

    print("held-out first-action MSE, plan generated from:  true return-to-go / default target return / zero")
    conditions = [windows(index, returns) for returns in (None, default_return, 0.0)]
    for name, layer in (("model's head", model.action_head), ("refitted head", head)):
        errors = [np.mean((to_numpy(layer(state, plan))[:, 0] - target[:, 0]) ** 2) for state, plan, target in conditions]
        print(f"  {name:14s} " + " / ".join(f"{error:.4f}" for error in errors))
    model.action_head.set_weights(head.get_weights())
    model.save_to_preset(args.output)
    print(f"saved the agent with the refitted head to {args.output}")


if __name__ == "__main__":
    main()
