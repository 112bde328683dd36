"""The faster Convolution and Pooling (issue 18) against the book's formulation:
the per-image im2col layout, its adjoint, the book's attributes, and max pooling's
backward pass against the book's argmax + col2im, ties and overlapping windows included."""
import numpy as np
import pytest
from helpers import conv_case
from hypothesis import given, settings

from common.layers import Convolution, Pooling
from common.util import col2im, col2im_per_image, im2col, im2col_per_image, output_length


@settings(max_examples=100, deadline=None)
@given(conv_case())
def test_im2col_per_image_is_the_books_im2col_transposed_and_col2im_per_image_its_adjoint(case):
    (n, c, h, w), fh, fw, stride, pad, seed = case
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c, h, w))
    cols = im2col_per_image(x, fh, fw, stride, pad)
    positions = output_length(h, fh, stride, pad) * output_length(w, fw, stride, pad)
    assert cols.shape == (n, c * fh * fw, positions)
    np.testing.assert_array_equal(cols.transpose(0, 2, 1).reshape(n * positions, -1), im2col(x, fh, fw, stride, pad))
    with_ones = im2col_per_image(x, fh, fw, stride, pad, ones_row=True)
    np.testing.assert_array_equal(with_ones[:, :-1], cols)
    np.testing.assert_array_equal(with_ones[:, -1], 1)
    g = rng.standard_normal(cols.shape)
    back = col2im_per_image(g, x.shape, fh, fw, stride, pad)
    assert back.shape == x.shape
    np.testing.assert_allclose(np.sum(cols * g), np.sum(x * back), rtol=1e-10, atol=1e-10)
    book = col2im(g.transpose(0, 2, 1).reshape(n * positions, -1), x.shape, fh, fw, stride, pad)
    np.testing.assert_allclose(back, book, rtol=1e-12, atol=1e-12)


def books_convolution(x, W, b, stride, pad, dout):
    """The book's Convolution forward and backward (ch07), for comparison."""
    FN, C, FH, FW = W.shape
    N, _, H, Wd = x.shape
    out_h, out_w = output_length(H, FH, stride, pad), output_length(Wd, FW, stride, pad)
    col, col_W = im2col(x, FH, FW, stride, pad), W.reshape(FN, -1).T
    out = (col @ col_W + b).reshape(N, out_h, out_w, -1).transpose(0, 3, 1, 2)
    d = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
    db, dW = d.sum(axis=0), (col.T @ d).transpose(1, 0).reshape(FN, C, FH, FW)
    return out, col, col_W, dW, db, col2im(d @ col_W.T, x.shape, FH, FW, stride, pad)


@pytest.mark.parametrize("stride,pad", [(1, 0), (2, 1), (3, 2), (1, 2)])
def test_convolution_matches_the_books_and_keeps_its_attributes(rng, stride, pad):
    x, W, b = rng.standard_normal((3, 2, 8, 7)), rng.standard_normal((4, 2, 3, 2)), rng.standard_normal(4)
    layer = Convolution(W, b, stride, pad)
    assert layer.col is None and layer.stride == stride and Convolution(W, b).stride == 1
    out = layer.forward(x)
    dout = rng.standard_normal(out.shape)
    dx = layer.backward(dout)
    ref_out, col, col_W, dW, db, ref_dx = books_convolution(x, W, b, stride, pad, dout)
    for ours, book in ((out, ref_out), (layer.col, col), (layer.col_W, col_W), (layer.dW, dW),
                       (layer.db, db), (dx, ref_dx)):
        assert ours.shape == book.shape
        np.testing.assert_allclose(ours, book, rtol=1e-12, atol=1e-12)
    assert out.flags.c_contiguous and (dx.flags.c_contiguous or pad)  # a padded dx is a slice, as the book's


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_convolution_and_pooling_keep_the_dtype(rng, dtype):
    x = rng.standard_normal((2, 1, 6, 6)).astype(dtype)
    conv = Convolution(rng.standard_normal((3, 1, 3, 3)).astype(dtype), np.zeros(3, dtype))
    pool = Pooling(2, 2, stride=2)
    out = pool.forward(conv.forward(x))
    dx = conv.backward(pool.backward(np.ones_like(out)))
    assert {out.dtype, dx.dtype, conv.dW.dtype, conv.db.dtype} == {np.dtype(dtype)}


def books_pooling_backward(x, pool_h, pool_w, stride, pad, dout):
    """The book's Pooling: argmax over im2col rows in forward, col2im in backward (ch07)."""
    N, C, H, W = x.shape
    col = im2col(x, pool_h, pool_w, stride, pad).reshape(-1, pool_h * pool_w)
    arg_max = np.argmax(col, axis=1)
    d = dout.transpose(0, 2, 3, 1)
    dmax = np.zeros((d.size, pool_h * pool_w))
    dmax[np.arange(arg_max.size), arg_max.flatten()] = d.flatten()
    dcol = dmax.reshape(d.shape + (pool_h * pool_w,)).reshape(d.shape[0] * d.shape[1] * d.shape[2], -1)
    return np.max(col, axis=1), arg_max, col2im(dcol, x.shape, pool_h, pool_w, stride, pad)


@pytest.mark.parametrize("pool_h,pool_w,stride,pad", [(2, 2, 2, 0), (2, 2, 1, 0), (3, 3, 1, 1), (3, 2, 2, 1),
                                                      (2, 3, 3, 0), (3, 3, 2, 0), (1, 1, 1, 0)])
def test_pooling_matches_the_books_with_ties_and_overlapping_windows(rng, pool_h, pool_w, stride, pad):
    # small non-negative integers: many ties, and padding zeros tie with real zeros, as in the book
    x = rng.integers(0, 3, (2, 3, 7, 6)).astype(float)
    layer = Pooling(pool_h, pool_w, stride, pad)
    out = layer.forward(x)
    dout = rng.standard_normal(out.shape)
    dx = layer.backward(dout)
    ref_max, ref_arg, ref_dx = books_pooling_backward(x, pool_h, pool_w, stride, pad, dout)
    np.testing.assert_array_equal(out.transpose(0, 2, 3, 1).ravel(), ref_max)
    np.testing.assert_array_equal(layer.arg_max, ref_arg)
    assert dx.shape == x.shape and (dx.flags.c_contiguous or pad)
    np.testing.assert_allclose(dx, ref_dx, rtol=1e-12, atol=1e-12)
    assert np.all(x == layer.x)  # the input is neither changed nor copied away
    x_copy = x.copy()
    layer.forward(x)
    np.testing.assert_array_equal(x, x_copy)
