"""Over random shapes and both float dtypes: every layer keeps the dtype and
modifies no array it was given, forward or backward."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from common.layers import (
    AddLayer,
    Affine,
    BatchNormalization,
    Convolution,
    Dropout,
    MulLayer,
    Pooling,
    Relu,
    Sigmoid,
    SoftmaxWithLoss,
)

DTYPES = st.sampled_from([np.float32, np.float64])
SEEDS = st.integers(0, 2**32 - 1)


def run(layer, inputs, dtype, forward_kwargs=None):
    """Forward and backward with copies kept; returns (outputs, grads) after checking no mutation."""
    saved = [x.copy() for x in inputs]
    out = layer.forward(*inputs, **(forward_kwargs or {}))
    dout = np.ones_like(out) if np.ndim(out) else 1
    dout_saved = np.copy(dout)
    grads = layer.backward(dout)
    grads = grads if isinstance(grads, tuple) else (grads,)
    for x, x_saved in zip(inputs, saved):
        np.testing.assert_array_equal(x, x_saved)
    np.testing.assert_array_equal(dout, dout_saved)
    if np.ndim(out):
        assert out.dtype == dtype
    assert all(g.dtype == dtype for g in grads)
    for g, x in zip(grads, inputs):
        assert g.shape == x.shape
    return out, grads


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 5), min_size=1, max_size=4), DTYPES, SEEDS)
def test_elementwise_layers(shape, dtype, seed):
    rng = np.random.default_rng(seed)
    x, y = (rng.standard_normal(shape).astype(dtype) for _ in range(2))
    for layer in (Relu(), Sigmoid(), Dropout(0.5, rng=rng)):
        run(layer, [x], dtype)
    for layer in (MulLayer(), AddLayer()):
        run(layer, [x, y], dtype)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 6), st.lists(st.integers(1, 4), min_size=1, max_size=3), st.integers(1, 5),
       DTYPES, SEEDS)
def test_affine_and_batchnorm(n, feature_shape, m, dtype, seed):
    rng = np.random.default_rng(seed)
    d = int(np.prod(feature_shape))
    x = rng.standard_normal((n, *feature_shape)).astype(dtype)
    run(Affine(rng.standard_normal((d, m)).astype(dtype), np.zeros(m, dtype)), [x], dtype)
    bn = BatchNormalization(np.ones(d, dtype), np.zeros(d, dtype))
    run(bn, [x], dtype)
    assert bn.dgamma.dtype == dtype and bn.running_mean.dtype == dtype


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 6), st.integers(2, 6), st.booleans(), DTYPES, SEEDS)
def test_softmax_with_loss(n, classes, one_hot, dtype, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, classes)).astype(dtype)
    labels = rng.integers(0, classes, n)
    t = np.eye(classes, dtype=dtype)[labels] if one_hot else labels
    layer = SoftmaxWithLoss()
    saved_t = t.copy()
    loss = layer.forward(x, t)
    assert np.asarray(loss).dtype == dtype
    dx = layer.backward()
    assert dx.dtype == dtype and dx.shape == x.shape
    np.testing.assert_array_equal(t, saved_t)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 3), st.integers(1, 3), st.integers(4, 8), st.integers(1, 3), st.integers(0, 1),
       DTYPES, SEEDS)
def test_convolution_and_pooling(n, c, size, stride, pad, dtype, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c, size, size)).astype(dtype)
    conv = Convolution(rng.standard_normal((2, c, 3, 3)).astype(dtype), np.zeros(2, dtype), stride, pad)
    run(conv, [x], dtype)
    assert conv.dW.dtype == dtype
    run(Pooling(2, 2, stride, pad), [x], dtype)


def test_relu_backward_leaves_dout_alone():
    # The book's Relu.backward sets dout[mask] = 0 in the caller's array.
    layer = Relu()
    layer.forward(np.array([-1.0, 2.0]))
    dout = np.array([5.0, 5.0])
    assert layer.backward(dout).tolist() == [0.0, 5.0]
    assert dout.tolist() == [5.0, 5.0]
