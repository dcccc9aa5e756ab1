import keras
import numpy as np
import pytest

import keras_mage


@pytest.mark.slow
@pytest.mark.parametrize("policy", ["mixed_bfloat16"])
def test_mixed_precision_trains_with_float32_codebook(batches, policy):
    model = keras_mage.MAGE.from_preset("tiny", seed=0, dtype=policy, tokenizer_warmup_steps=2)
    history = model.fit(batches, batch_size=64, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert model.quantizer.codebook.dtype == "float32"
    assert model.encoder.compute_dtype == "bfloat16"
    # Compiled: JAX would run an eager bf16 call op by op (35 s).
    outputs = model.predict_on_batch({k: v[:2] for k, v in batches.items()})
    assert keras.backend.standardize_dtype(outputs["logits"].dtype) == "bfloat16"
    actions = model.predict_actions(batches["observations"][:2, 0], batches["goals"][:2], [1.0, 1.0])
    assert actions.dtype == np.float32 and np.isfinite(actions).all()
