"""Numerical gradients and the gradient check that every layer is held to."""
import numpy as np

GRADIENT_CHECK_TOLERANCE = 1e-7
"""The largest relative_error a float64 layer or network may show against numerical_gradient."""


def numerical_gradient(f, x, h=1e-4):
    """Central-difference gradient of the scalar f(x) with respect to x, any shape.

    x is changed in place while probing and restored afterwards, so f may
    read x through a closure (as the networks do with their parameters).
    Returns an array of x's shape and dtype.
    """
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        saved = x[idx]
        x[idx] = float(saved) + h
        f_plus = f(x)
        x[idx] = float(saved) - h
        f_minus = f(x)
        x[idx] = saved
        grad[idx] = (f_plus - f_minus) / (2 * h)
    return grad


def _numerical_gradient_1d(f, x):
    """The book's helper: numerical_gradient for a 1-D x."""
    return numerical_gradient(f, x)


def numerical_gradient_2d(f, X):
    """The book's: for 1-D X, numerical_gradient(f, X); for 2-D X, the gradient at each
    row on its own, f receiving that row (D,). Returns an array of X's shape."""
    if X.ndim == 1:
        return _numerical_gradient_1d(f, X)
    grad = np.zeros_like(X)
    for idx, x in enumerate(X):
        grad[idx] = _numerical_gradient_1d(f, x)
    return grad


def relative_error(a, b):
    """max(|a - b| / max(1e-8, |a| + |b|)) over all elements (as in CS231n).

    In float64 a correct layer gives about 1e-7 or less against
    numerical_gradient; 1e-2 or more means the backward pass is wrong.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"cannot compare gradients of shapes {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))


PARAM_GRADS = {"W": "dW", "b": "db", "gamma": "dgamma", "beta": "dbeta"}


def check_layer(layer, *inputs, seed=0, **forward_kwargs):
    """Gradient check of one layer: backward against numerical_gradient.

    The layer's output is reduced to the scalar sum(forward(*inputs) * dout)
    with a fixed random dout, so every output element counts. Checks the
    gradient of each floating input (x, or x and y for two-input layers) and of
    each parameter the layer has (W/dW, b/db, gamma/dgamma, beta/dbeta).
    Returns {name: maximum relative error}. Use float64 inputs.
    """
    inputs = [np.array(x, dtype=np.float64) if np.ndim(x) == 0 else x for x in inputs]
    out = layer.forward(*inputs, **forward_kwargs)
    dout = np.random.default_rng(seed).standard_normal(np.shape(out))

    def loss(_):
        return float(np.sum(layer.forward(*inputs, **forward_kwargs) * dout))

    layer.forward(*inputs, **forward_kwargs)
    analytic = layer.backward(dout.copy())
    analytic = analytic if isinstance(analytic, tuple) else (analytic,)
    param_grads = {p: getattr(layer, g) for p, g in PARAM_GRADS.items() if hasattr(layer, p)}
    names = ["x", "y"] if len(inputs) == 2 else ["x"]
    errors = {}
    for name, x, dx in zip(names, inputs, analytic):
        if np.issubdtype(np.asarray(x).dtype, np.floating):
            errors[name] = relative_error(dx, numerical_gradient(loss, x))
    for name, grad in param_grads.items():
        errors[name] = relative_error(grad, numerical_gradient(loss, getattr(layer, name)))
    return errors
