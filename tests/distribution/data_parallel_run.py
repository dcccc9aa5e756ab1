"""Trains tiny MAGE on one device and data-parallel on N devices; saves both weights.

Usage (the device count must be set before the backend starts):
    XLA_FLAGS=--xla_force_host_platform_device_count=4 KERAS_BACKEND=jax python data_parallel_run.py OUT.npz 4
    KERAS_BACKEND=tensorflow python data_parallel_run.py OUT.npz 2
"""

import sys

import keras


def split_tensorflow_cpu(count):
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * count)


def main(path, count):
    if keras.backend.backend() == "tensorflow":
        split_tensorflow_cpu(count)
    import numpy as np

    import keras_mage

    sys.path.insert(0, __file__.rsplit("/", 3)[0] + "/tests")
    from conftest import synthetic_batches

    batches = synthetic_batches(n=64)

    def train(devices):
        with keras_mage.distribution.data_parallel(devices):
            model = keras_mage.MAGE.from_preset("tiny", seed=0, tokenizer_warmup_steps=2, condition_dropout=0.0)
            history = model.fit(batches, batch_size=16, epochs=2, shuffle=False, verbose=0)
        weights = {v.path.split("/", 1)[1]: keras.ops.convert_to_numpy(v.value) for v in model.weights}
        return weights, history.history["loss"]

    single, single_loss = train(1)
    parallel, parallel_loss = train(count)
    np.savez(
        path,
        names=np.array(sorted(single)),
        single=np.array([single[k].ravel() for k in sorted(single)], dtype=object),
        parallel=np.array([parallel[k].ravel() for k in sorted(single)], dtype=object),
        single_loss=single_loss,
        parallel_loss=parallel_loss,
        devices=len(keras_mage.distribution.local_devices()),
    )


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
