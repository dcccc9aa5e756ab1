import keras
import numpy as np

from keras_mage.layers import MultiScaleQuantizer


def smooth_features(n=64, length=16, dim=4, seed=0):
    rng = np.random.default_rng(seed)
    return np.cumsum(rng.normal(size=(n, length, dim)), axis=1).astype("float32") / 4.0


def fitted_quantizer(features, schedule=(1, 2, 4, 8, 16), steps=30):
    quantizer = MultiScaleQuantizer(schedule, codebook_size=64, num_phi=1, phi_ratio=0.0, revive_every=10, seed=0)
    for _ in range(steps):
        quantizer(features, training=True)
    return quantizer


def test_reconstruction_error_falls_as_scales_are_added():
    features = smooth_features()
    quantizer = fitted_quantizer(features)
    errors = []
    for k in range(1, quantizer.num_scales + 1):
        f_hat = keras.ops.convert_to_numpy(quantizer(features, num_scales=k)["f_hat"])
        errors.append(float(np.mean((f_hat - features) ** 2)))
    assert errors[-1] < 0.5 * errors[0], errors
    assert all(b <= a * 1.02 for a, b in zip(errors, errors[1:])), errors


def test_outputs_shapes_and_token_ranges():
    quantizer = MultiScaleQuantizer((1, 2, 4), codebook_size=16, seed=0)
    out = quantizer(smooth_features(n=3, length=4, dim=5))
    indices = keras.ops.convert_to_numpy(out["indices"])
    assert indices.shape == (3, 7)
    assert indices.min() >= 0 and indices.max() < 16
    assert tuple(out["next_inputs"].shape) == (3, 6, 5)
    assert np.isfinite(float(out["vq_loss"]))


def test_first_training_step_revives_every_code_from_data():
    features = smooth_features(n=8, length=4, dim=3)
    quantizer = MultiScaleQuantizer((1, 2, 4), codebook_size=8, revive_every=5, seed=0)
    quantizer(features)  # builds with a random codebook
    quantizer(features, training=True)
    assert float(keras.ops.convert_to_numpy(quantizer.codebook_usage())) > 0.0
    codebook = keras.ops.convert_to_numpy(quantizer.codebook)
    assert np.isfinite(codebook).all()
    assert int(keras.ops.convert_to_numpy(quantizer.step)) == 1


def test_dead_codes_are_revived_on_schedule():
    features = smooth_features(n=16, length=4, dim=3)
    quantizer = MultiScaleQuantizer((1, 2, 4), codebook_size=16, revive_every=3, seed=0)
    for _ in range(3):
        quantizer(features, training=True)
    sizes = keras.ops.convert_to_numpy(quantizer.cluster_size).copy()
    sizes[0] = 0.0  # code 0 dies
    quantizer.cluster_size.assign(sizes)
    before = keras.ops.convert_to_numpy(quantizer.codebook).copy()
    quantizer(features, training=True)  # step 3: revival due
    after = keras.ops.convert_to_numpy(quantizer.codebook)
    assert float(keras.ops.convert_to_numpy(quantizer.cluster_size)[0]) > 0.0
    assert not np.allclose(before[0], after[0])


def test_config_round_trip_gives_identical_outputs():
    features = smooth_features(n=4, length=8, dim=3)
    quantizer = MultiScaleQuantizer((1, 2, 4, 8), codebook_size=16, num_phi=2, seed=1)
    expected = quantizer(features)
    clone = MultiScaleQuantizer.from_config(quantizer.get_config())
    clone.build(features.shape)
    clone.set_weights(quantizer.get_weights())
    actual = clone(features)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(expected["indices"]), keras.ops.convert_to_numpy(actual["indices"]))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(expected["f_hat"]), keras.ops.convert_to_numpy(actual["f_hat"]), atol=1e-6)
