"""TwoLayerNet's own predict, loss, numerical_gradient and gradient (the book's 5.7.2 form)."""
import numpy as np

from common.gradient import GRADIENT_CHECK_TOLERANCE as TOLERANCE
from common.gradient import relative_error
from common.two_layer_net import TwoLayerNet


def test_gradient_is_a_full_backward_pass_through_the_layers(rng):
    net = TwoLayerNet(12, 6, 4, weight_init_std=0.5, rng=rng)
    x, t = 0.5 + rng.random((5, 12)), rng.integers(0, 4, 5)
    grads = net.gradient(x, t)
    assert net.layers["Affine1"].need_dx is False  # the data's gradient is never computed
    loss = net.loss(x, t)
    dout = net.layers["Affine2"].backward(net.lastLayer.backward(1))
    net.layers["Affine1"].backward(net.layers["Relu1"].backward(dout))
    assert net.lastLayer.loss == loss
    for key, (name, attr) in {"W1": ("Affine1", "dW"), "b1": ("Affine1", "db"),
                              "W2": ("Affine2", "dW"), "b2": ("Affine2", "db")}.items():
        np.testing.assert_array_equal(grads[key], getattr(net.layers[name], attr))


def test_numerical_gradient_nudges_the_arrays_the_layers_hold_and_restores_them(rng):
    net = TwoLayerNet(8, 5, 3, weight_init_std=0.5, rng=rng)
    x, t = 0.5 + rng.random((4, 8)), np.eye(3)[[0, 2, 1, 1]]
    assert net.params["W1"] is net.layers["Affine1"].W and net.params["b2"] is net.layers["Affine2"].b
    before = {key: value.copy() for key, value in net.params.items()}
    numerical, backprop = net.numerical_gradient(x, t), net.gradient(x, t)
    assert list(numerical) == ["W1", "b1", "W2", "b2"]
    for key, value in net.params.items():
        np.testing.assert_array_equal(value, before[key])
        assert relative_error(backprop[key], numerical[key]) <= TOLERANCE, key


def test_predict_casts_the_input_to_the_networks_dtype(rng):
    net = TwoLayerNet(6, 4, 3, dtype=np.float32, rng=rng)
    x = rng.random((2, 6))  # float64 data
    assert net.predict(x).dtype == np.float32
    assert np.asarray(net.loss(x, [0, 2])).dtype == np.float32
    assert net.predict([[0, 1, 2, 3, 4, 5]]).dtype == np.float32  # a list of ints too
