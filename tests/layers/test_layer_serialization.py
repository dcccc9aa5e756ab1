"""Every keras_mage layer round-trips through its config with identical outputs."""

import keras
import numpy as np
import pytest

from keras_mage import layers as mage_layers

rng = np.random.default_rng(0)
X8 = rng.normal(size=(2, 8, 6)).astype("float32")
COND = rng.normal(size=(2, 5)).astype("float32")

CASES = [
    (mage_layers.ResidualConvBlock, {"kernel_size": 3}, (X8,)),
    (mage_layers.TrajectoryEncoder, {"width": 16, "code_dim": 4, "num_blocks": 1}, (X8,)),
    (mage_layers.PhiBlend, {"channels": 6, "num_scales": 4, "num_phi": 2}, (X8,), {"scale_index": 3}),
    (mage_layers.ConditionEmbedding, {"width": 8, "dropout_rate": 0.1, "hidden_width": 16, "hidden_layers": 2, "activation": "silu", "seed": 0}, (COND,)),
    (mage_layers.ConditionGuidedDecoder, {"width": 16, "output_dim": 3, "num_blocks": 1}, (X8, COND)),
    (mage_layers.ActionHead, {"width": 16, "action_dim": 2, "chunk": 2, "activation": "gelu"}, (COND, X8)),
    (mage_layers.ReturnHead, {"width": 16, "activation": "gelu"}, (COND,)),
    (mage_layers.TransformerBlock, {"num_heads": 2}, (X8, rng.normal(size=(2, 6)).astype("float32"))),
    (
        mage_layers.NextScaleTransformer,
        {"scale_schedule": (1, 2), "codebook_size": 8, "width": 8, "num_layers": 1, "num_heads": 2},
        (rng.normal(size=(2, 8)).astype("float32"), rng.normal(size=(2, 2, 3)).astype("float32")),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case[0].__name__)
def test_layer_config_round_trip(case):
    cls, config, args = case[:3]
    kwargs = case[3] if len(case) > 3 else {}
    layer = cls(**config)
    expected = keras.ops.convert_to_numpy(layer(*args, **kwargs))
    weights = [rng.normal(scale=0.2, size=w.shape).astype(w.dtype) for w in layer.get_weights()]
    layer.set_weights(weights)
    expected = keras.ops.convert_to_numpy(layer(*args, **kwargs))

    restored = keras.layers.deserialize(keras.layers.serialize(layer))
    assert type(restored) is cls
    restored(*args, **kwargs)
    restored.set_weights(weights)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(restored(*args, **kwargs)), expected, atol=1e-5)
