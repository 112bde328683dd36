"""Activation and loss functions with the book's names and calls.

Arrays keep their floating dtype (float32 in, float32 out). Softmax and the
losses are computed through log-sum-exp, so they stay finite and exact for
logits of any size and for probabilities of exactly 0.
"""
import numpy as np


def as_float_array(x):
    """x as an ndarray; floating arrays keep their dtype, anything else becomes float64."""
    x = np.asarray(x)
    if x.dtype.kind == "f":  # float16, float32, float64, longdouble
        return x
    return x.astype(np.float64)


def identity_function(x):
    return x


def step_function(x):
    """1 where x > 0, else 0 (int array of x's shape)."""
    return np.array(np.asarray(x) > 0, dtype=int)


def sigmoid(x):
    """1 / (1 + exp(-x)), without overflow for large |x|. Any shape."""
    x = as_float_array(x)
    z = np.exp(-np.abs(x))  # in (0, 1]: never overflows
    return np.where(x >= 0, 1 / (1 + z), z / (1 + z))


def sigmoid_grad(x):
    y = sigmoid(x)
    return (1 - y) * y


def relu(x):
    return np.maximum(as_float_array(x), 0)


def relu_grad(x):
    """1 where x >= 0, else 0 (the book's convention at 0)."""
    x = as_float_array(x)
    return (x >= 0).astype(x.dtype)


def log_softmax(x):
    """log(softmax(x)) along the last axis, via log-sum-exp. (..., C) -> (..., C)."""
    x = as_float_array(x)
    z = x - x.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def softmax(x):
    """exp(x) / sum(exp(x)) along the last axis. (C,) -> (C,) or (N, C) -> (N, C)."""
    x = as_float_array(x)
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def sum_squared_error(y, t):
    """0.5 * sum((y - t)**2) for y and t of one shape (one-hot t), as in the book."""
    y, t = as_float_array(y), np.asarray(t)
    if y.shape != t.shape:
        raise ValueError(f"sum_squared_error expected y and t of one shape, got shapes {y.shape} and {t.shape}: "
                         "give one-hot targets of y's shape (they would broadcast into a wrong sum)")
    return 0.5 * np.sum((y - t) ** 2)


def batched_targets(y, t, who="targets"):
    """y as (N, C) and t as labels (N,) or one-hot (N, C); a 1-D y is one sample.

    Labels of shape (N, 1) are taken as (N,), as the book's functions take them.
    Raises ValueError, naming `who` and both shapes, for an empty batch, targets
    that do not fit y, labels that are not integers, or labels outside 0..C-1.
    """
    y, t = as_float_array(y), np.asarray(t)
    if y.ndim == 1:
        y, t = y.reshape(1, -1), t.reshape(1, -1) if t.size == y.size else t.reshape(-1)
    if y.ndim != 2:
        raise ValueError(f"{who} expected scores of shape (N, C) or (C,), got shape {y.shape}")
    return y, check_targets(t, y.shape, who)


def check_targets(t, shape, who="targets"):
    """t as labels (N,) or one-hot (N, C) for scores of shape (N, C); (N, 1) labels become (N,).

    Raises ValueError naming `who` and both shapes when t does not fit (see batched_targets).
    """
    t = np.asarray(t)
    n, classes = shape
    if n == 0:
        raise ValueError(f"{who} needs at least one sample, got scores of shape {shape}: "
                         "pass a batch of one or more rows")
    if t.shape == (n, 1) and classes != 1:
        t = t.reshape(n)
    if t.shape not in (shape, shape[:1]):
        raise ValueError(f"{who} expected targets of shape {shape[:1]} (labels) or {shape} (one-hot) "
                         f"for scores of shape {shape}, got shape {t.shape}")
    if t.ndim == 1:
        if not np.issubdtype(t.dtype, np.integer):
            raise ValueError(f"{who} expected integer labels, got dtype {t.dtype}")
        if t.min() < 0 or t.max() >= classes:
            raise ValueError(f"{who} expected labels in 0..{classes - 1} for {classes} classes, "
                             f"got values from {t.min()} to {t.max()}")
    return t


def _nll(log_y, t):
    """Mean negative log-likelihood of (N, C) log-probabilities."""
    n = log_y.shape[0]
    if t.ndim == 1:
        return -log_y[np.arange(n), t].sum() / n
    return -(t * log_y).sum() / n


def cross_entropy_error(y, t):
    """Mean cross-entropy of probabilities y, (C,) or (N, C), against labels or one-hot t.

    log(0) is taken as log of the smallest positive float, so the loss is
    exact for any y > 0 and finite for y == 0.
    """
    y, t = batched_targets(y, t, "cross_entropy_error")
    tiny = np.finfo(y.dtype).tiny
    return _nll(np.log(np.maximum(y, tiny)), t)


def softmax_loss(X, t):
    """cross_entropy_error(softmax(X), t), computed exactly through log-softmax."""
    X, t = batched_targets(X, t, "softmax_loss")
    return _nll(log_softmax(X), t)
