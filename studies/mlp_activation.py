"""How fast an MLP learns maze actions from (state, goal), per activation.

Trains `keras_mage.baselines.BehaviorCloning` (two hidden layers of 256)
with each activation on the same batches and prints its training loss
(action MSE) per epoch. This is why MAGE's action head and condition MLP
use ReLU (docs/architecture.md).

Example:

    KERAS_BACKEND=jax python studies/mlp_activation.py --maze large --steps 3000
"""

import argparse


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--maze", default="large", choices=["umaze", "medium", "large"])
    parser.add_argument("--dataset-steps", type=int, default=200_000, help="regenerated PointMaze data size")
    parser.add_argument("--steps", type=int, default=3000, help="gradient steps per activation")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--activations", nargs="+", default=["relu", "gelu", "silu", "elu"])
    args = parser.parse_args()

    import keras

    from keras_mage.baselines import BehaviorCloning
    from keras_mage.runs.datasets import pointmaze_dataset

    dataset_id = pointmaze_dataset(args.maze, args.dataset_steps)
    print(f"{dataset_id}: {args.steps} steps of batch {args.batch_size}, {keras.backend.backend()} backend")
    for activation in args.activations:
        keras.utils.set_random_seed(0)
        model = BehaviorCloning(activation=activation, batch_size=args.batch_size, seed=0)
        history = model.fit(dataset_id, epochs=10, steps_per_epoch=args.steps // 10, verbose=0)
        losses = " ".join(f"{loss:.3f}" for loss in history.history["loss"])
        print(f"{activation:>10}: action MSE per epoch {losses}", flush=True)


if __name__ == "__main__":
    main()
