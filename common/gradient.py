"""Numerical gradients and the gradient check: the one check that the tests, the notebooks
and the self-checks (common.selfcheck) all hold layers and networks to.

    numerical_gradient(f, x)       the book's central difference, (f(x+h) - f(x-h)) / 2h
    relative_error(a, b)           max |a - b| / max(1e-8, |a| + |b|)   (CS231n's)
    layer_gradients(layer, ...)    backward's gradients and numerical_gradient's, side by side
    check_layer(layer, ...)        their relative errors: about 1e-7 or less for a correct
                                   float64 layer (GRADIENT_CHECK_TOLERANCE)

A layer is checked through the scalar L = sum(forward(*inputs) * dout) for a fixed random
dout, so every output element counts and backward(dout) is dL/d(inputs).
"""
import numpy as np

GRADIENT_CHECK_TOLERANCE = 1e-7
"""The largest relative_error a float64 layer or network may show against numerical_gradient."""

FLOAT32_TOLERANCE = 1e-3
"""The same for a float32 layer, compared with h = FLOAT32_STEP: float32 keeps about 7 digits."""
FLOAT32_NETWORK_TOLERANCE = 1e-2
"""The same for a float32 network, whose loss sums the roundings of many float32 operations."""
FLOAT32_STEP = 1e-2
FLOAT32_FLOOR = 1.0
"""In float32 an element's error is taken relative to at least FLOAT32_FLOOR x the gradient's largest value:
float32's rounding makes the numerical gradient's error about the same size at every element, so an element
near 0 would be judged on noise alone."""

PARAM_GRADS = {"W": "dW", "b": "db", "gamma": "dgamma", "beta": "dbeta"}


def numerical_gradient(f, x, h=1e-4):
    """Central-difference gradient of the scalar f(x) with respect to x, any shape.

    x (a floating array) is changed in place while probing and always restored, also when
    f raises, so f may read x through a closure (as the networks do with their parameters).
    Returns an array of x's shape and dtype.
    """
    x_dtype = np.asarray(x).dtype
    if not isinstance(x, np.ndarray) or x_dtype.kind != "f":
        kind = f"an array of dtype {x_dtype}" if isinstance(x, np.ndarray) else type(x).__name__
        raise TypeError(f"numerical_gradient needs a floating NumPy array to nudge by h={h}, got {kind}: "
                        "use np.array(x, dtype=np.float64) (an integer array cannot hold x + h)")
    if x_dtype.itemsize < 4:
        raise TypeError(f"numerical_gradient needs float32 or float64, got {x_dtype}: x + h rounds away "
                        "in so few digits; use x.astype(np.float64)")
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        saved = x[idx]
        try:
            x[idx] = float(saved) + h
            f_plus = f(x)
            x[idx] = float(saved) - h
            f_minus = f(x)
        finally:
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


def relative_errors(a, b, floor=1e-8):
    """Elementwise |a - b| / max(floor, |a| + |b|), as float64 arrays of one shape. The floor, 1e-8
    (CS231n's), keeps two zeros from dividing by zero; the self-checks raise it for float32 to the
    gradient's largest value (FLOAT32_FLOOR), where an element near 0 is noise."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"cannot compare gradients of shapes {a.shape} and {b.shape}")
    return np.abs(a - b) / np.maximum(floor, np.abs(a) + np.abs(b))


def relative_error(a, b):
    """max(|a - b| / max(1e-8, |a| + |b|)) over all elements (as in CS231n).

    In float64 a correct layer gives about 1e-7 or less against numerical_gradient;
    1e-2 or more means the backward pass is wrong.
    """
    return float(np.max(relative_errors(a, b), initial=0.0))


def layer_gradients(layer, inputs, dout, h=1e-4, **forward_kwargs):
    """Backward's gradients and numerical_gradient's for L = sum(forward(*inputs) * dout).

    inputs: the arrays forward takes (x, or x and y); the layer's parameter arrays (W, b,
    gamma, beta, those it has) are nudged in place as well. Returns (analytic, numerical):
    dicts {"x": ..., "y": ..., "W": ..., ...} of arrays; an input that is not floating is
    skipped. forward runs once before backward, then once per nudge.
    """
    layer.forward(*inputs, **forward_kwargs)
    grads = layer.backward(dout)
    grads = grads if isinstance(grads, tuple) else (grads,)

    def loss(_):
        return float(np.sum(layer.forward(*inputs, **forward_kwargs) * dout))

    analytic, numerical = {}, {}
    for name, x, dx in zip(["x", "y"], inputs, grads):
        if isinstance(x, np.ndarray) and x.dtype.kind == "f":
            analytic[name], numerical[name] = dx, numerical_gradient(loss, x, h)
    for name, grad_name in PARAM_GRADS.items():
        if isinstance(getattr(layer, name, None), np.ndarray):
            analytic[name] = getattr(layer, grad_name)  # read before the nudges run forward again
            numerical[name] = numerical_gradient(loss, getattr(layer, name), h)
    return analytic, numerical


def check_layer(layer, *inputs, seed=0, **forward_kwargs):
    """Gradient check of one layer: {name: relative_error(backward's, numerical_gradient's)}
    for each floating input (x, or x and y) and parameter (W, b, gamma, beta) it has.

    dout is np.random.default_rng(seed).standard_normal of forward's output shape. Numbers
    given as Python scalars become float64 arrays. Use float64 inputs.
    """
    inputs = [np.array(x, dtype=np.float64) if np.ndim(x) == 0 else x for x in inputs]
    out = layer.forward(*inputs, **forward_kwargs)
    dout = np.random.default_rng(seed).standard_normal(np.shape(out))
    analytic, numerical = layer_gradients(layer, inputs, dout, **forward_kwargs)
    return {name: relative_error(analytic[name], numerical[name]) for name in analytic}
