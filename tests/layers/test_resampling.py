import numpy as np
import pytest

from keras_mage.layers.resampling import area_matrix, linear_matrix, resample


@pytest.mark.parametrize("source,target", [(8, 1), (8, 3), (16, 6), (8, 8)])
def test_area_rows_average(source, target):
    matrix = area_matrix(source, target)
    np.testing.assert_allclose(matrix.sum(axis=1), 1.0, rtol=1e-6)
    assert (matrix >= 0).all()


@pytest.mark.parametrize("source,target", [(1, 8), (3, 8), (6, 16), (8, 8)])
def test_linear_keeps_constants_and_ramps(source, target):
    matrix = linear_matrix(source, target)
    np.testing.assert_allclose(matrix.sum(axis=1), 1.0, rtol=1e-6)
    if source == target:
        np.testing.assert_allclose(matrix, np.eye(source))


def test_resample_matches_manual_average():
    x = np.arange(8, dtype="float32").reshape(1, 8, 1)
    out = np.asarray(resample(x, area_matrix(8, 2)))
    np.testing.assert_allclose(out[0, :, 0], [1.5, 5.5])
