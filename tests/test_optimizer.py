import numpy as np
import pytest

from common.optimizer import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSprop

# A convex quadratic f(W) = 0.5 * sum(A * (W - target)**2) with unequal curvatures.
TARGET = np.array([[1.5, -2.0], [0.5, 3.0]])
CURVATURE = np.array([[1.0, 0.2], [2.0, 0.5]])


@pytest.mark.parametrize("optimizer,steps", [
    (SGD(lr=0.5), 300), (Momentum(lr=0.1), 300), (Nesterov(lr=0.1), 300),
    (AdaGrad(lr=1.0), 500), (RMSprop(lr=0.01), 2000), (Adam(lr=0.1), 2000),
])
def test_optimizer_reaches_the_minimum_of_a_convex_quadratic(optimizer, steps):
    params = {"W": np.zeros((2, 2)), "b": np.array([4.0])}
    for _ in range(steps):
        grads = {"W": CURVATURE * (params["W"] - TARGET), "b": params["b"] - 1.0}
        optimizer.update(params, grads)
    np.testing.assert_allclose(params["W"], TARGET, atol=1e-2)
    np.testing.assert_allclose(params["b"], [1.0], atol=1e-2)


@pytest.mark.parametrize("make", [SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam])
def test_update_is_in_place_and_keeps_float32(make):
    W = np.ones((3, 2), dtype=np.float32)
    params = {"W": W}
    make().update(params, {"W": np.full((3, 2), 0.5, dtype=np.float32)})
    assert params["W"] is W and W.dtype == np.float32 and np.all(W < 1)


def test_sgd_is_one_plain_step():
    params = {"W": np.array([1.0, 2.0])}
    SGD(lr=0.1).update(params, {"W": np.array([10.0, -10.0])})
    np.testing.assert_allclose(params["W"], [0.0, 3.0])
