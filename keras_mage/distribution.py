"""Multi-device training: Keras' distribution API on JAX, MirroredStrategy on TensorFlow.

Create the model and call `fit` inside the returned scope:

>>> with keras_mage.distribution.data_parallel():  # doctest: +SKIP
...     model = keras_mage.MAGE.from_preset("base", seed=0)
...     model.fit(dataset_id, epochs=1)

- JAX: `keras.distribution.DataParallel` over the local accelerators (or the
  first `devices` of them); for several hosts call
  `keras.distribution.initialize()` first (see docs/scaling.md).
- TensorFlow: `tf.distribute.MirroredStrategy`.
- PyTorch: Keras has no torch data parallelism yet, so training stays on one
  device; asking for more raises an error that says so.
"""

import contextlib

import keras


def local_devices(kind=None):
    """Names of the local devices Keras sees, accelerators first."""
    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        return [f"{d.platform}:{d.id}" for d in jax.devices(kind)]
    if backend == "tensorflow":
        import tensorflow as tf

        gpus = tf.config.list_logical_devices("GPU")
        return [d.name for d in (gpus or tf.config.list_logical_devices("CPU"))]
    if backend == "torch":
        import torch

        return [f"cuda:{i}" for i in range(torch.cuda.device_count())] or ["cpu"]
    return ["cpu"]


def data_parallel(devices=None):
    """A context manager distributing training over `devices` (a count, a list of names, or all)."""
    names = local_devices()
    if isinstance(devices, int):
        if devices > len(names):
            raise ValueError(f"{devices} devices requested but only {len(names)} are visible: {names}.")
        names = names[:devices]
    elif devices is not None:
        names = list(devices)
    backend = keras.backend.backend()
    if len(names) <= 1:
        return contextlib.nullcontext()
    if backend == "jax":
        return keras.distribution.DataParallel(devices=names).scope()
    if backend == "tensorflow":
        import tensorflow as tf

        return tf.distribute.MirroredStrategy(names).scope()
    raise ValueError(
        f"Data parallel training over {len(names)} devices is not available on the {backend} backend "
        "(Keras has no torch data parallelism yet). Use KERAS_BACKEND=jax or tensorflow, or --devices 1."
    )


def replica_loss_scale():
    """1 / replicas in sync under a TensorFlow strategy, else 1.

    Keras sums the replicas' gradients and multiplies the reported loss by the
    replica count, so a custom `compute_loss` must return its per-replica share.
    """
    if keras.backend.backend() != "tensorflow":
        return 1.0
    import tensorflow as tf

    return 1.0 / tf.distribute.get_strategy().num_replicas_in_sync
