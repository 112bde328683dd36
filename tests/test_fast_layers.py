"""common.fast_layers against the layers the notebooks teach (common.layers): the same
outputs, gradients and attributes, ties and overlapping windows included, and the
per-image im2col layout against the book's im2col and its adjoint."""
import numpy as np
import pytest
from helpers import conv_case
from hypothesis import given, settings

from common.fast_layers import FastAffine, FastConvolution, FastPooling, col2im_per_image, im2col_per_image
from common.im2col import col2im, im2col, output_length
from common.layers import Affine, Convolution, Pooling


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


@settings(max_examples=60, deadline=None)
@given(conv_case())
def test_fast_convolution_equals_the_taught_convolution(case):
    (n, c, h, w), fh, fw, stride, pad, seed = case
    rng = np.random.default_rng(seed)
    x, W, b = rng.standard_normal((n, c, h, w)), rng.standard_normal((3, c, fh, fw)), rng.standard_normal(3)
    taught, fast = Convolution(W, b, stride, pad), FastConvolution(W, b, stride, pad)
    out = taught.forward(x)
    np.testing.assert_allclose(fast.forward(x), out, rtol=1e-12, atol=1e-12)
    dout = rng.standard_normal(out.shape)
    np.testing.assert_allclose(fast.backward(dout), taught.backward(dout), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(fast.dW, taught.dW, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(fast.db, taught.db, rtol=1e-12, atol=1e-12)
    skipping = FastConvolution(W, b, stride, pad, need_dx=False)
    skipping.forward(x)
    assert skipping.backward(dout) is None
    np.testing.assert_allclose(skipping.dW, taught.dW, rtol=1e-12, atol=1e-12)


def test_fast_affine_skips_only_dx(rng):
    x, W, b = rng.standard_normal((5, 2, 3)), rng.standard_normal((6, 4)), rng.standard_normal(4)
    taught, fast, skipping = Affine(W, b), FastAffine(W, b), FastAffine(W, b, need_dx=False)
    out = taught.forward(x)
    dout = rng.standard_normal(out.shape)
    dx = taught.backward(dout)
    for layer in (fast, skipping):
        np.testing.assert_array_equal(layer.forward(x), out)
    np.testing.assert_array_equal(fast.backward(dout), dx)
    assert skipping.backward(dout) is None
    for layer in (fast, skipping):
        np.testing.assert_array_equal(layer.dW, taught.dW)
        np.testing.assert_array_equal(layer.db, taught.db)
    with pytest.raises(ValueError, match=r"expected dout of shape \(5, 4\)"):
        skipping.backward(np.ones((5, 3)))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("conv_type,pool_type", [(Convolution, Pooling), (FastConvolution, FastPooling)])
def test_convolution_and_pooling_keep_the_dtype(rng, dtype, conv_type, pool_type):
    x = rng.standard_normal((2, 1, 6, 6)).astype(dtype)
    conv = conv_type(rng.standard_normal((3, 1, 3, 3)).astype(dtype), np.zeros(3, dtype))
    pool = pool_type(2, 2, stride=2)
    out = pool.forward(conv.forward(x))
    dx = conv.backward(pool.backward(np.ones_like(out)))
    assert {out.dtype, dx.dtype, conv.dW.dtype, conv.db.dtype} == {np.dtype(dtype)}


@pytest.mark.parametrize("pool_h,pool_w,stride,pad", [(2, 2, 2, 0), (2, 2, 1, 0), (3, 3, 1, 1), (3, 2, 2, 1),
                                                      (2, 3, 3, 0), (3, 3, 2, 0), (1, 1, 1, 0)])
def test_fast_pooling_equals_the_taught_pooling_with_ties_and_overlapping_windows(rng, pool_h, pool_w, stride, pad):
    # small non-negative integers: many ties, and padding zeros tie with real zeros, as in the book
    x = rng.integers(0, 3, (2, 3, 7, 6)).astype(float)
    taught, fast = Pooling(pool_h, pool_w, stride, pad), FastPooling(pool_h, pool_w, stride, pad)
    out = taught.forward(x)
    np.testing.assert_array_equal(fast.forward(x), out)
    np.testing.assert_array_equal(fast.arg_max, taught.arg_max)
    dout = rng.standard_normal(out.shape)
    dx = fast.backward(dout)
    assert dx.shape == x.shape and (dx.flags.c_contiguous or pad)
    np.testing.assert_allclose(dx, taught.backward(dout), rtol=1e-12, atol=1e-12)
    assert np.all(x == fast.x)  # the input is neither changed nor copied away


def test_simple_convnet_pooling_before_relu_equals_the_books_order():
    """Max pooling and ReLU commute: Conv -> Pool -> ReLU (SimpleConvNet's order, faster) gives the book's
    Conv -> ReLU -> Pool outputs and gradients exactly, ties at 0 included (windows of negative values)."""
    from collections import OrderedDict

    from common.simple_convnet import SimpleConvNet

    rng = np.random.default_rng(3)
    net = SimpleConvNet(input_dim=(1, 10, 10), conv_param={"filter_num": 4, "filter_size": 3, "pad": 0, "stride": 1},
                        hidden_size=6, output_size=3, weight_init_std=0.3, rng=rng)
    assert list(net.layers) == ["Conv1", "Pool1", "Relu1", "Affine1", "Relu2", "Affine2"]
    book = SimpleConvNet(input_dim=(1, 10, 10), conv_param={"filter_num": 4, "filter_size": 3, "pad": 0, "stride": 1},
                         hidden_size=6, output_size=3, weight_init_std=0.3, rng=np.random.default_rng(0))
    for key in net.params:
        book.params[key][...] = net.params[key]
    book.layers = OrderedDict((k, book.layers[k]) for k in ["Conv1", "Relu1", "Pool1", "Affine1", "Relu2", "Affine2"])
    x, t = rng.standard_normal((5, 1, 10, 10)), rng.integers(0, 3, 5)
    x[0] = -1.0  # every window of image 0 is negative after a filter of positive weights: ties at 0
    net.params["W1"][0] = np.abs(net.params["W1"][0])
    book.params["W1"][0] = net.params["W1"][0]
    np.testing.assert_array_equal(net.predict(x), book.predict(x))
    ours, theirs = net.gradient(x, t), book.gradient(x, t)
    for key in ours:
        np.testing.assert_array_equal(ours[key], theirs[key])
