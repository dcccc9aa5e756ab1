"""Token sampling for generation: greedy, temperature and top-k."""

import keras
from keras import ops


def sample_tokens(logits, temperature=0.0, top_k=None, seed=None):
    """Token indices (batch, length) from logits (batch, length, V).

    `temperature=0` takes the arg-max (greedy); otherwise samples from
    `softmax(logits / temperature)`, restricted to the `top_k` largest logits
    when given. `seed` is a `keras.random.SeedGenerator` (or int).

    Example:

    >>> sample_tokens(keras.ops.convert_to_tensor([[[0.0, 2.0, 1.0]]])).tolist()  # doctest: +SKIP
    [[1]]
    """
    if temperature == 0:
        return ops.cast(ops.argmax(logits, axis=-1), "int32")
    if temperature < 0:
        raise ValueError(f"temperature must be >= 0, got {temperature}.")
    logits = ops.cast(logits, "float32") / temperature
    vocabulary = logits.shape[-1]
    if top_k is not None:
        if not 1 <= top_k <= vocabulary:
            raise ValueError(f"top_k must be between 1 and the codebook size {vocabulary}, got {top_k}.")
        kth_largest = ops.top_k(logits, top_k)[0][..., -1:]
        logits = ops.where(logits < kth_largest, -1e9, logits)
    flat = ops.reshape(logits, (-1, vocabulary))
    samples = keras.random.categorical(flat, 1, seed=seed, dtype="int32")
    return ops.reshape(samples, ops.shape(logits)[:-1])
