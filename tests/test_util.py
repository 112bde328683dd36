import numpy as np
from helpers import conv_case
from hypothesis import given, settings

from common.util import col2im, conv_output_size, im2col, output_length, shuffle_dataset, smooth_curve


@settings(max_examples=150, deadline=None)
@given(conv_case())
def test_im2col_and_col2im_are_adjoint(case):
    shape, fh, fw, stride, pad, seed = case
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    col = im2col(x, fh, fw, stride, pad)
    c = rng.standard_normal(col.shape)
    back = col2im(c, shape, fh, fw, stride, pad)
    assert back.shape == shape
    np.testing.assert_allclose(np.sum(col * c), np.sum(x * back), rtol=1e-10, atol=1e-10)


@settings(max_examples=50, deadline=None)
@given(conv_case())
def test_im2col_matches_a_loop_over_windows(case):
    (n, c, h, w), fh, fw, stride, pad, seed = case
    x = np.random.default_rng(seed).standard_normal((n, c, h, w))
    out_h, out_w = output_length(h, fh, stride, pad), output_length(w, fw, stride, pad)
    xp = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)])
    rows = [xp[i, :, y * stride:y * stride + fh, z * stride:z * stride + fw].ravel()
            for i in range(n) for y in range(out_h) for z in range(out_w)]
    np.testing.assert_array_equal(im2col(x, fh, fw, stride, pad), np.array(rows).reshape(len(rows), -1))


def test_conv_output_size_is_the_books_float_and_output_length_an_int():
    assert conv_output_size(28, 5) == 24.0 and isinstance(conv_output_size(28, 5), float)
    assert conv_output_size(28, 5, stride=2, pad=2) == 14.5  # the filter does not tile the input
    assert output_length(28, 5) == 24 and isinstance(output_length(28, 5), int)
    assert output_length(28, 5, stride=2, pad=2) == 14


def test_shuffle_dataset_keeps_pairs_together():
    x = np.arange(10).reshape(10, 1) * 10
    t = np.arange(10)
    xs, ts = shuffle_dataset(x, t, rng=np.random.default_rng(0))
    assert sorted(ts.tolist()) == list(range(10)) and not np.array_equal(ts, t)
    np.testing.assert_array_equal(xs[:, 0], ts * 10)


def test_smooth_curve_keeps_length_and_flattens_noise():
    rng = np.random.default_rng(0)
    noisy = 1 + 0.1 * rng.standard_normal(200)
    smooth = smooth_curve(noisy)
    assert smooth.shape == noisy.shape
    assert smooth.std() < noisy.std() / 2
