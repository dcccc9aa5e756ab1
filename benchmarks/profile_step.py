"""Where a MAGE training step spends its time: each part's forward and backward pass, timed alone.

Phase 2 of `base` (frozen tokenizer) by default, on synthetic AntMaze-sized
windows. Each part runs compiled as the backend compiles a training step
(JAX: `jax.jit`; TensorFlow: `tf.function`, XLA on; torch: eager), with the
gradient of its output's sum taken with respect to the weights it trains (or
its input, for the frozen decoder through which the plan's loss flows). The
full step is `fit`'s, optimizer included; "optimizer and the rest" is the
full step minus the forward and backward pass of the whole model.

Usage:
    KERAS_BACKEND=jax python benchmarks/profile_step.py --preset base --batch-size 32
"""

import argparse
import os
import sys
import time

import keras
import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
import keras_mage  # noqa: E402
from synthetic import window_batches  # noqa: E402
from train_step import measure  # noqa: E402


def gradient_timer(model):
    """`time(function, inputs, with_respect_to)`: median ms of value and gradient of `sum(function(*inputs))`.

    `with_respect_to` is a list of variables or the index of an input. The
    only backend switch of the benchmarks.
    """
    backend = keras.backend.backend()
    variables = model.variables

    def total(outputs):
        outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
        return sum(keras.ops.sum(keras.ops.cast(o, "float32")) for o in outputs)

    if backend == "jax":
        import jax

        def make(function, with_respect_to):
            def loss(trainable, values, inputs):
                mapping = list(zip(variables, values))
                if not isinstance(with_respect_to, int):
                    mapping += list(zip(with_respect_to, trainable))
                else:
                    inputs = [trainable if i == with_respect_to else x for i, x in enumerate(inputs)]
                with keras.StatelessScope(state_mapping=mapping):
                    return total(function(*inputs))

            step = jax.jit(jax.value_and_grad(loss))

            def run(inputs):
                trainable = inputs[with_respect_to] if isinstance(with_respect_to, int) else [
                    v.value for v in with_respect_to]
                return jax.block_until_ready(step(trainable, [v.value for v in variables], inputs))

            return run

    elif backend == "tensorflow":
        import tensorflow as tf

        def make(function, with_respect_to):
            @tf.function(jit_compile=True)
            def step(inputs):
                with tf.GradientTape() as tape:
                    if isinstance(with_respect_to, int):
                        tape.watch(inputs[with_respect_to])
                    value = total(function(*inputs))
                sources = inputs[with_respect_to] if isinstance(with_respect_to, int) else with_respect_to
                return value, tape.gradient(value, sources)

            return lambda inputs: [t.numpy() for t in tf.nest.flatten(step(inputs)) if t is not None]

    else:
        import torch

        def make(function, with_respect_to):
            def run(inputs):
                if isinstance(with_respect_to, int):
                    inputs = list(inputs)
                    inputs[with_respect_to] = inputs[with_respect_to].detach().requires_grad_(True)
                value = total(function(*inputs))
                value.backward()
                if torch.cuda.is_available():
                    torch.cuda.synchronize()
                return value

            return run

    def time_part(function, inputs, with_respect_to, repeats=5):
        run = make(function, with_respect_to)
        inputs = [keras.tree.map_structure(keras.ops.convert_to_tensor, x) for x in inputs]
        run(inputs)  # compiles
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            run(inputs)
            times.append(time.perf_counter() - start)
        return 1000.0 * float(np.median(times))

    return time_part


def parts(model, batch):
    """(name, function, inputs, with respect to) of each part of a phase-2 step."""
    window = np.concatenate([batch["returns"], batch["observations"]], axis=-1)
    condition = keras.ops.convert_to_numpy(
        model.condition_vector(batch["observations"][:, 0], batch["goals"], batch["returns"][:, 0]))
    head_state = keras.ops.convert_to_numpy(model.head_state(batch["observations"][:, 0], batch["goals"]))
    tokenizer = model.quantizer(model.encoder(keras.ops.convert_to_tensor(window)))
    next_inputs = keras.ops.convert_to_numpy(tokenizer["next_inputs"])
    f_hat = keras.ops.convert_to_numpy(tokenizer["f_hat"])
    embedding = keras.ops.convert_to_numpy(model.condition_embedding.embed(keras.ops.convert_to_tensor(condition)))
    frozen = model.encoder.trainable_variables[:1]  # no weight of its own trains: time the forward (+ a tiny grad)

    def tokenizer_forward(window):
        out = model.quantizer(model.encoder(window))
        return [out["f_hat"], out["next_inputs"]]

    return [
        ("encoder and quantiser (nearest codes), forward", tokenizer_forward, [window], frozen),
        ("condition MLP", lambda c: model.condition_embedding.embed(c), [condition],
         model.condition_embedding.trainable_variables),
        ("transformer, teacher-forced", lambda e, n: model.transformer(e, n, training=True), [embedding, next_inputs],
         model.transformer.trainable_variables),
        ("Gumbel-softmax plan, generated scale by scale", lambda e: model.sampled_plan(e, training=True), [embedding],
         model.transformer.trainable_variables),
        ("decoder through the plan (frozen: input gradient)", lambda f, c: model.decoder(f, c), [f_hat, condition], 0),
        ("action head", lambda s, f: model.action_head(s, f), [head_state, f_hat], model.action_head.trainable_variables),
        ("whole model, forward and backward", lambda x: _step_outputs(model, x), [batch], model.trainable_variables),
    ]


def _step_outputs(model, batch):
    outputs = model(batch, training=True)
    return [outputs[name] for name in ("logits", "actions", "plan_first_step")]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", default="base")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    model = keras_mage.MAGE.from_preset(args.preset, seed=0, tokenizer_warmup_steps=0)
    batch = window_batches(args.batch_size, model.horizon)
    model.build({name: value.shape for name, value in batch.items()})
    time_part = gradient_timer(model)
    backend = keras.backend.backend()
    rows = []
    for name, function, inputs, with_respect_to in parts(model, batch):
        rows.append((name, time_part(function, inputs, with_respect_to, args.repeats)))
    jit = "auto" if backend == "torch" else True
    _, full, _ = measure(args.preset, args.batch_size, 10, jit)
    rows.append(("optimizer and the rest (full step minus the line above)", full - rows[-1][1]))
    rows.append(("full training step (fit)", full))
    print(f"backend={backend} preset={args.preset} batch={args.batch_size} phase=2 params={model.count_params():,}")
    for name, ms in rows:
        print(f"  {name:58s} {ms:8.1f} ms  {100.0 * ms / full:5.1f}%")


if __name__ == "__main__":
    main()
