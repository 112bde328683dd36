import re

import numpy as np
import pytest
from helpers import away_from_zero

from common.gradient import GRADIENT_CHECK_TOLERANCE as TOLERANCE
from common.gradient import check_layer, numerical_gradient, relative_error
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


def assert_gradients_ok(errors):
    assert errors and max(errors.values()) <= TOLERANCE, errors


# --- the book's numbers -------------------------------------------------------------------

def test_apple_example_gives_the_books_numbers():
    mul_apple, mul_tax = MulLayer(), MulLayer()
    price = mul_tax.forward(mul_apple.forward(100, 2), 1.1)
    dapple_price, dtax = mul_tax.backward(1)
    dapple, dapple_num = mul_apple.backward(dapple_price)
    assert (round(price), dapple, round(dapple_num), dtax) == (220, 2.2, 110, 200)


def test_apple_and_orange_example_gives_the_books_numbers():
    mul_apple, mul_orange, add, mul_tax = MulLayer(), MulLayer(), AddLayer(), MulLayer()
    all_price = add.forward(mul_apple.forward(100, 2), mul_orange.forward(150, 3))
    price = mul_tax.forward(all_price, 1.1)
    dall_price, dtax = mul_tax.backward(1)
    dapple_price, dorange_price = add.backward(dall_price)
    dapple, dapple_num = mul_apple.backward(dapple_price)
    dorange, dorange_num = mul_orange.backward(dorange_price)
    assert round(price) == 715 and dtax == 650
    assert (dapple, dapple_num, dorange, dorange_num) == pytest.approx((2.2, 110, 3.3, 165), rel=1e-15)


def test_batched_bias_gradient_is_the_sum_over_the_batch():
    layer = Affine(np.zeros((2, 3)), np.zeros(3))
    layer.forward(np.ones((2, 2)))
    layer.backward(np.array([[1.0, 2, 3], [4, 5, 6]]))
    assert layer.db.tolist() == [5, 7, 9]


# --- gradient checks in float64 -------------------------------------------------------------

def test_mul_and_add_layers(rng):
    assert_gradients_ok(check_layer(MulLayer(), rng.standard_normal((2, 3)), rng.standard_normal((2, 3))))
    assert_gradients_ok(check_layer(AddLayer(), rng.standard_normal((2, 3)), rng.standard_normal((2, 3))))
    assert_gradients_ok(check_layer(MulLayer(), 3.0, 4.0))


def test_relu(rng):
    assert_gradients_ok(check_layer(Relu(), away_from_zero(rng, (4, 5))))


def test_sigmoid(rng):
    assert_gradients_ok(check_layer(Sigmoid(), rng.standard_normal((4, 5)) * 3))


@pytest.mark.parametrize("x_shape", [(4, 6), (4, 2, 3), (2, 1, 2, 3)])
def test_affine_with_matrix_and_tensor_input(rng, x_shape):
    layer = Affine(rng.standard_normal((6, 3)), rng.standard_normal(3))
    x = rng.standard_normal(x_shape)
    assert_gradients_ok(check_layer(layer, x))
    assert layer.backward(np.ones((x_shape[0], 3))).shape == x_shape


@pytest.mark.parametrize("one_hot", [False, True])
def test_softmax_with_loss(rng, one_hot):
    x = rng.standard_normal((5, 4)) * 2
    labels = np.array([0, 3, 1, 1, 2])
    t = np.eye(4)[labels] if one_hot else labels
    layer = SoftmaxWithLoss()
    loss = layer.forward(x, t)
    assert layer.loss == loss
    dx = layer.backward()
    np.testing.assert_allclose(dx, (layer.y - np.eye(4)[labels]) / 5)  # y - t over the batch size
    assert relative_error(dx, numerical_gradient(lambda _: layer.forward(x, t), x)) <= TOLERANCE


def test_softmax_with_loss_backward_scales_with_dout(rng):
    x, t = rng.standard_normal((3, 4)), np.array([0, 1, 2])
    layer = SoftmaxWithLoss()
    layer.forward(x, t)
    np.testing.assert_allclose(layer.backward(2.5), 2.5 * layer.backward(1))


def test_dropout_with_a_fixed_mask(rng):
    layer = Dropout(0.4, rng=np.random.default_rng(1))
    x = rng.standard_normal((6, 7))
    layer.forward(x)
    mask = layer.mask.copy()
    fixed = Dropout(0.4)
    fixed.forward = lambda x, train_flg=True: x * mask  # the mask the check differentiates
    fixed.mask = mask
    assert_gradients_ok(check_layer(fixed, x))
    np.testing.assert_array_equal(layer.backward(np.ones_like(x)), mask)


@pytest.mark.parametrize("x_shape", [(6, 5), (6, 3, 2, 2)])
def test_batch_normalization_in_training_mode(rng, x_shape):
    d = int(np.prod(x_shape[1:]))
    layer = BatchNormalization(1 + rng.random(d), rng.standard_normal(d))
    assert_gradients_ok(check_layer(layer, rng.standard_normal(x_shape), train_flg=True))


@pytest.mark.parametrize("stride,pad", [(1, 0), (2, 1), (3, 2)])
def test_convolution_with_stride_and_padding(rng, stride, pad):
    layer = Convolution(rng.standard_normal((3, 2, 3, 3)), rng.standard_normal(3), stride, pad)
    assert_gradients_ok(check_layer(layer, rng.standard_normal((2, 2, 7, 7))))


@pytest.mark.parametrize("pool,stride,pad", [(2, 2, 0), (2, 2, 1), (3, 1, 0), (3, 2, 1)])
def test_pooling_with_stride_and_padding(rng, pool, stride, pad):
    # Positive inputs: a zero from padding never ties with or beats a real value in a window.
    x = np.abs(away_from_zero(rng, (2, 3, 6, 6))) + 0.1
    assert_gradients_ok(check_layer(Pooling(pool, pool, stride, pad), x))


# --- training and inference ---------------------------------------------------------------

def test_dropout_training_and_inference():
    layer = Dropout(0.3, rng=np.random.default_rng(0))
    x = np.ones((1000, 100))
    train = layer.forward(x, train_flg=True)
    assert set(np.unique(train)) == {0.0, 1.0}
    assert abs(1 - train.mean() - 0.3) < 0.01           # about 30% dropped
    assert not np.array_equal(train, layer.forward(x))  # a new mask each call
    np.testing.assert_array_equal(layer.forward(x, train_flg=False), 0.7)  # scaled, none dropped


def test_dropout_follows_the_global_seed_like_the_book():
    np.random.seed(5)
    first = Dropout().forward(np.ones((3, 4)))
    np.random.seed(5)
    assert np.array_equal(first, Dropout().forward(np.ones((3, 4))))


def test_batch_normalization_training_and_inference(rng):
    gamma, beta = np.array([2.0, 1.0]), np.array([0.5, -1.0])
    layer = BatchNormalization(gamma, beta, momentum=0.9)
    x = rng.standard_normal((50, 2)) * [3.0, 0.5] + [10.0, -2.0]
    out = layer.forward(x, train_flg=True)
    np.testing.assert_allclose(out.mean(axis=0), beta, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=0), gamma, rtol=1e-5)  # eps 1e-6 in the variance
    np.testing.assert_allclose(layer.running_mean, 0.1 * x.mean(axis=0))
    np.testing.assert_allclose(layer.running_var, 0.1 * x.var(axis=0))
    before = layer.running_mean.copy()
    infer = layer.forward(x, train_flg=False)  # uses the running statistics, changes nothing
    expected = gamma * (x - layer.running_mean) / np.sqrt(layer.running_var + 1e-6) + beta
    np.testing.assert_allclose(infer, expected)
    np.testing.assert_array_equal(layer.running_mean, before)


# --- bad input ------------------------------------------------------------------------------

def test_affine_names_both_shapes():
    layer = Affine(np.zeros((784, 50)), np.zeros(50))
    with pytest.raises(ValueError, match=r"expected input of shape \(N, 784\).*\(784, 50\), got shape \(100, 783\)"):
        layer.forward(np.zeros((100, 783)))
    with pytest.raises(ValueError, match=r"got shape \(784,\)"):
        layer.forward(np.zeros(784))


def test_softmax_with_loss_batch_mismatch_and_bad_labels():
    layer = SoftmaxWithLoss()
    with pytest.raises(ValueError, match=r"targets of shape \(4,\) \(labels\) or \(4, 3\) \(one-hot\).*got shape \(5,\)"):
        layer.forward(np.zeros((4, 3)), np.zeros(5, dtype=int))
    with pytest.raises(ValueError, match=r"labels in 0..2 for 3 classes, got values from -1 to 1"):
        layer.forward(np.zeros((2, 3)), np.array([-1, 1]))
    with pytest.raises(ValueError, match=r"labels in 0..2 for 3 classes, got values from 0 to 3"):
        layer.forward(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match=r"SoftmaxWithLoss expected integer labels, got dtype float64"):
        layer.forward(np.zeros((2, 3)), np.array([0.0, 2.0]))


def test_convolution_channel_mismatch():
    layer = Convolution(np.zeros((30, 1, 5, 5)), np.zeros(30))
    with pytest.raises(ValueError, match=r"expected input of shape \(N, 1, H, W\).*\(30, 1, 5, 5\), got shape \(2, 3, 28, 28\)"):
        layer.forward(np.zeros((2, 3, 28, 28)))
    with pytest.raises(ValueError, match=r"filter 5x5 does not fit input of shape \(2, 1, 4, 4\) with pad 0"):
        layer.forward(np.zeros((2, 1, 4, 4)))


def test_pooling_window_that_does_not_fit():
    with pytest.raises(ValueError, match=r"window 3x3 does not fit input of shape \(1, 1, 2, 2\) with pad 0"):
        Pooling(3, 3).forward(np.zeros((1, 1, 2, 2)))
    with pytest.raises(ValueError, match=r"shape \(N, C, H, W\), got shape \(4, 4\)"):
        Pooling(2, 2).forward(np.zeros((4, 4)))


def test_batch_normalization_feature_mismatch():
    with pytest.raises(ValueError, match=r"expected input of shape \(N, 3\).*got shape \(2, 4\)"):
        BatchNormalization(np.ones(3), np.zeros(3)).forward(np.zeros((2, 4)))


def test_check_layer_catches_a_wrong_backward(rng):
    class BrokenSigmoid(Sigmoid):
        def backward(self, dout):
            return dout * self.out  # forgot (1 - y)
    assert check_layer(BrokenSigmoid(), rng.standard_normal((3, 4)))["x"] > 1e-2


def test_relative_error_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match=r"shapes \(2,\) and \(3,\)"):
        relative_error(np.zeros(2), np.zeros(3))


# --- issue 17: wrong shapes, backward before forward, empty batches, bad options -------------

def forwarded(layer, x, **kwargs):
    layer.forward(x, **kwargs)
    return layer


@pytest.mark.parametrize("make,x,dout", [
    (lambda: Relu(), np.ones((5, 50)), np.ones(50)),
    (lambda: Sigmoid(), np.ones((5, 50)), np.ones((50, 5))),
    (lambda: Dropout(0.5), np.ones((5, 50)), np.ones((1, 50))),
    (lambda: Pooling(2, 2, stride=2), np.ones((2, 3, 8, 8)), np.ones((2, 3, 8, 8))),
    (lambda: BatchNormalization(np.ones(4), np.zeros(4)), np.ones((5, 4)), np.ones((4,))),
    (lambda: Convolution(np.ones((2, 1, 3, 3)), np.zeros(2)), np.ones((2, 1, 5, 5)), np.ones((2, 2, 5, 5))),
])
def test_backward_rejects_a_dout_of_the_wrong_shape(make, x, dout):
    layer = forwarded(make(), x)
    name = type(layer).__name__
    with pytest.raises(ValueError, match=rf"{name}.backward expected dout of shape \(.*\), the shape of "
                                         rf"forward's output, got shape {re.escape(str(dout.shape))}"):
        layer.backward(dout)


def test_affine_rejects_a_bias_that_does_not_fit_and_a_wrong_dout():
    with pytest.raises(ValueError, match=r"Affine expected W of shape \(D, M\) and b of shape \(M,\), "
                                         r"got W of shape \(784, 50\) and b of shape \(1,\)"):
        Affine(np.zeros((784, 50)), np.zeros(1))
    layer = forwarded(Affine(np.zeros((784, 50)), np.zeros(50)), np.ones((5, 784)))
    with pytest.raises(ValueError, match=r"expected dout of shape \(5, 50\).*got shape \(5, 51\)"):
        layer.backward(np.ones((5, 51)))
    assert layer.dW is None  # nothing was computed


def test_convolution_and_batchnorm_reject_parameters_that_do_not_fit():
    with pytest.raises(ValueError, match=r"b of shape \(FN,\), got W of shape \(2, 1, 3, 3\) and b of shape \(3,\)"):
        Convolution(np.zeros((2, 1, 3, 3)), np.zeros(3))
    with pytest.raises(ValueError, match=r"got W of shape \(2, 3\) and b of shape \(2,\)"):
        Convolution(np.zeros((2, 3)), np.zeros(2))
    with pytest.raises(ValueError, match=r"gamma of shape \(3,\) and beta of shape \(4,\)"):
        BatchNormalization(np.ones(3), np.zeros(4))


@pytest.mark.parametrize("layer,how", [
    (MulLayer(), r"call forward first"),
    (Relu(), r"call forward first"),
    (Sigmoid(), r"call forward first"),
    (Affine(np.zeros((3, 2)), np.zeros(2)), r"call forward first"),
    (SoftmaxWithLoss(), r"call forward first"),
    (Dropout(), r"call forward\(x, train_flg=True\) first"),
    (BatchNormalization(np.ones(3), np.zeros(3)), r"call forward\(x, train_flg=True\) first"),
    (Convolution(np.zeros((2, 1, 3, 3)), np.zeros(2)), r"call forward first"),
    (Pooling(2, 2), r"call forward first"),
])
def test_backward_before_forward_says_what_to_do(layer, how):
    with pytest.raises(RuntimeError, match=rf"{type(layer).__name__}.backward needs what forward keeps: {how}"):
        layer.backward(np.ones((2, 2)))


def test_dropout_and_batchnorm_backward_after_an_inference_forward():
    dropout = forwarded(Dropout(0.5), np.ones((4, 3)))  # training: has a mask
    dropout.forward(np.ones((4, 3)), train_flg=False)
    with pytest.raises(RuntimeError, match=r"Dropout.backward needs .* train_flg=True"):
        dropout.backward(np.ones((4, 3)))
    bn = forwarded(BatchNormalization(np.ones(3), np.zeros(3)), np.random.default_rng(0).random((4, 3)))
    bn.forward(np.ones((2, 3)), train_flg=False)
    with pytest.raises(RuntimeError, match=r"BatchNormalization.backward needs .* train_flg=True"):
        bn.backward(np.ones((2, 3)))


@pytest.mark.parametrize("layer,x", [
    (Affine(np.zeros((784, 10)), np.zeros(10)), np.zeros((0, 784))),
    (Affine(np.zeros((784, 10)), np.zeros(10)), np.zeros((0, 1, 28, 28))),
    (Convolution(np.zeros((2, 1, 3, 3)), np.zeros(2)), np.zeros((0, 1, 28, 28))),
    (BatchNormalization(np.ones(4), np.zeros(4)), np.zeros((0, 4))),
])
def test_an_empty_batch_is_named(layer, x):
    with pytest.raises(ValueError, match=rf"{type(layer).__name__} needs at least one sample, got input of "
                                         rf"shape {re.escape(str(x.shape))}"):
        layer.forward(x)


def test_an_empty_batch_has_no_loss():
    with pytest.raises(ValueError, match=r"SoftmaxWithLoss needs at least one sample, got scores of shape \(0, 10\)"):
        SoftmaxWithLoss().forward(np.zeros((0, 10)), np.zeros(0, dtype=int))


@pytest.mark.parametrize("ratio", [1.5, 1.0, -0.1, "0.5", None])
def test_dropout_ratio_must_be_a_fraction(ratio):
    with pytest.raises(ValueError, match=rf"Dropout expected dropout_ratio in \[0, 1\).*got {re.escape(repr(ratio))}"):
        Dropout(dropout_ratio=ratio)


@pytest.mark.parametrize("make,name,value", [
    (lambda: Convolution(np.zeros((2, 1, 3, 3)), np.zeros(2), stride=0), "stride", 0),
    (lambda: Convolution(np.zeros((2, 1, 3, 3)), np.zeros(2), pad=-1), "pad", -1),
    (lambda: Convolution(np.zeros((2, 1, 3, 3)), np.zeros(2), stride=1.5), "stride", 1.5),
    (lambda: Pooling(2, 2, stride=0), "stride", 0),
    (lambda: Pooling(2, 2, pad=-1), "pad", -1),
    (lambda: Pooling(0, 2), "pool_h", 0),
])
def test_stride_padding_and_window_must_be_integers_in_range(make, name, value):
    with pytest.raises(ValueError, match=rf"expected {name} to be an integer >= [01], got {value}"):
        make()

