"""The operations of the autograd engine (common.autograd) beyond Python's
operators: each a Function whose backward sits next to its forward, followed by
the function that calls it. Gradients are ndarrays.

The one-input operations (Exp, Log, Reciprocal, Scale, Shift) are also the nodes that
common.graph records for the drawings: a Function's forward(x) and backward(gy) are a
layer's forward and backward, so the drawings and the engine share one set of nodes.

The operations behind the operators (add, sub, mul, div, neg, pow, matmul,
reshape, transpose, sum) are defined in common.autograd and importable from
here as well, so that `import common.autograd_ops as F` gives every operation.
"""
import numpy as np

from common import functions
from common.autograd import (  # noqa: F401 (re-exported: F.add, F.MatMul, F.sum_to_shape, ...)
    Add,
    Div,
    Function,
    MatMul,
    Mul,
    Neg,
    Pow,
    Reshape,
    Sub,
    Sum,
    Transpose,
    Variable,
    add,
    as_array,
    div,
    matmul,
    mul,
    neg,
    pow,
    reshape,
    sub,
    sum,
    sum_to_shape,
    transpose,
)


class Exp(Function):
    def forward(self, x):
        self.y = np.exp(x)
        return self.y

    def backward(self, gy):
        return gy * self.y


def exp(x):
    return Exp()(x)


class Log(Function):
    def forward(self, x):
        self.x = x
        return np.log(x)

    def backward(self, gy):
        return gy / self.x


def log(x):
    return Log()(x)


class Reciprocal(Function):
    """y = 1 / x; dx = -dy * y**2."""

    def forward(self, x):
        self.y = 1 / x
        return self.y

    def backward(self, gy):
        return -gy * self.y**2


class Scale(Function):
    """y = c * x for a constant c; dx = c * dy."""

    def __init__(self, c):
        self.c = c

    def forward(self, x):
        return self.c * x

    def backward(self, gy):
        return self.c * gy


class Shift(Function):
    """y = x + c for a constant c; dx = dy."""

    def __init__(self, c):
        self.c = c

    def forward(self, x):
        return x + self.c

    def backward(self, gy):
        return gy


class Relu(Function):
    def forward(self, x):
        self.mask = x > 0
        return np.where(self.mask, x, 0)

    def backward(self, gy):
        return np.where(self.mask, gy, 0)


def relu(x):
    return Relu()(x)


class BroadcastTo(Function):
    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        self.x_shape = x.shape
        return np.broadcast_to(x, self.shape).copy()

    def backward(self, gy):
        return sum_to_shape(gy, self.x_shape)


def broadcast_to(x, shape):
    return BroadcastTo(shape)(x)


class SumTo(Function):
    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        self.x_shape = x.shape
        return sum_to_shape(x, self.shape)

    def backward(self, gy):
        return np.broadcast_to(gy, self.x_shape).copy()


def sum_to(x, shape):
    return SumTo(shape)(x)


class Split(Function):
    """Split x along axis into len(indices) + 1 pieces (np.split): several outputs."""

    def __init__(self, indices, axis=0):
        self.indices = indices
        self.axis = axis

    def forward(self, x):
        return tuple(np.split(x, self.indices, axis=self.axis))

    def backward(self, *gys):
        return np.concatenate(gys, axis=self.axis)


def split(x, indices, axis=0):
    return Split(indices, axis)(x)


# --- the loss, built from the operations above ------------------------------------------------

class LogSoftmax(Function):
    """y = log(softmax(x)) along the last axis, computed by common.functions.log_softmax;
    dx = dy - softmax(x) * (sum of dy along that axis), with softmax(x) = exp(y)."""

    def forward(self, x):
        self.y = functions.log_softmax(x)
        return self.y

    def backward(self, gy):
        return gy - np.exp(self.y) * gy.sum(axis=-1, keepdims=True)


def log_softmax(x):
    return LogSoftmax()(x)


def softmax_cross_entropy(x, t):
    """Mean cross-entropy of softmax(x) (N, C) against one-hot t (N, C)."""
    return -sum(t * log_softmax(x)) / x.shape[0]
