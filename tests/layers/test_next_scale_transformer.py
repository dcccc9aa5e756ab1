import keras
import numpy as np

from keras_mage.layers import NextScaleTransformer, block_causal_mask

SCHEDULE = (1, 2, 4, 8)


def make_transformer():
    net = NextScaleTransformer(SCHEDULE, codebook_size=16, width=16, num_layers=2, num_heads=2)
    net.build((None, 16), (None, sum(SCHEDULE) - 1, 4))
    # adaLN-Zero starts every block as the identity: randomise so attention matters.
    rng = np.random.default_rng(0)
    net.set_weights([rng.normal(scale=0.3, size=w.shape).astype("float32") for w in net.get_weights()])
    return net


def inputs(seed=0):
    rng = np.random.default_rng(seed)
    condition = rng.normal(size=(2, 16)).astype("float32")
    next_inputs = rng.normal(size=(2, sum(SCHEDULE) - 1, 4)).astype("float32")
    return condition, next_inputs


def test_mask_is_block_causal():
    mask = block_causal_mask((1, 2))
    assert mask.tolist() == [[True, False, False], [True, True, True], [True, True, True]]


def test_perturbing_a_finer_scale_never_changes_coarser_logits():
    net = make_transformer()
    condition, next_inputs = inputs()
    base = keras.ops.convert_to_numpy(net(condition, next_inputs))
    starts = net.starts
    for k in range(1, len(SCHEDULE)):
        perturbed = next_inputs.copy()
        perturbed[:, starts[k] - 1 : starts[k + 1] - 1] += 5.0  # the inputs of scale k
        logits = keras.ops.convert_to_numpy(net(condition, perturbed))
        np.testing.assert_allclose(logits[:, : starts[k]], base[:, : starts[k]], atol=1e-5)
        assert not np.allclose(logits[:, starts[k] : starts[k + 1]], base[:, starts[k] : starts[k + 1]], atol=1e-3)


def test_cached_generation_matches_teacher_forcing():
    net = make_transformer()
    condition, next_inputs = inputs(1)
    full = keras.ops.convert_to_numpy(net(condition, next_inputs))
    caches, pieces = None, []
    for k in range(len(SCHEDULE)):
        scale_input = None if k == 0 else next_inputs[:, net.starts[k] - 1 : net.starts[k + 1] - 1]
        logits, caches = net.scale_logits(condition, scale_input, k, caches)
        pieces.append(keras.ops.convert_to_numpy(logits))
    np.testing.assert_allclose(np.concatenate(pieces, axis=1), full, atol=1e-4)
