"""The operations of the autograd engine (common.autograd), each a Function whose
backward sits next to its forward. Gradients are ndarrays.

Broadcasting: an elementwise operation on inputs of different shapes
broadcasts in forward, so in backward each input's gradient is summed back to
that input's shape (sum_to), which is the adjoint of broadcasting.
"""
import numpy as np

from common.autograd import Function, Variable, as_array


def sum_to_shape(g, shape):
    """Sum an ndarray g down to shape, undoing NumPy broadcasting."""
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(shape) if n == 1 and g.shape[lead + i] != 1)
    g = g.sum(axis=axes, keepdims=True) if axes else g
    return g.reshape(shape) if lead else g


# --- arithmetic -----------------------------------------------------------------------------

class Add(Function):
    def forward(self, a, b):
        self.shapes = a.shape, b.shape
        return a + b

    def backward(self, gy):
        return sum_to_shape(gy, self.shapes[0]), sum_to_shape(gy, self.shapes[1])


class Sub(Function):
    def forward(self, a, b):
        self.shapes = a.shape, b.shape
        return a - b

    def backward(self, gy):
        return sum_to_shape(gy, self.shapes[0]), sum_to_shape(-gy, self.shapes[1])


class Mul(Function):
    def forward(self, a, b):
        self.a, self.b = a, b
        return a * b

    def backward(self, gy):
        return sum_to_shape(gy * self.b, self.a.shape), sum_to_shape(gy * self.a, self.b.shape)


class Div(Function):
    def forward(self, a, b):
        self.a, self.b = a, b
        return a / b

    def backward(self, gy):
        return sum_to_shape(gy / self.b, self.a.shape), sum_to_shape(-gy * self.a / self.b**2, self.b.shape)


class Neg(Function):
    def forward(self, x):
        return -x

    def backward(self, gy):
        return -gy


class Pow(Function):
    """x ** c for a constant c."""

    def __init__(self, c):
        self.c = c

    def forward(self, x):
        self.x = x
        return x**self.c

    def backward(self, gy):
        return gy * self.c * self.x ** (self.c - 1)


class Exp(Function):
    def forward(self, x):
        self.y = np.exp(x)
        return self.y

    def backward(self, gy):
        return gy * self.y


class Log(Function):
    def forward(self, x):
        self.x = x
        return np.log(x)

    def backward(self, gy):
        return gy / self.x


# --- shapes ---------------------------------------------------------------------------------

class Reshape(Function):
    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        self.x_shape = x.shape
        return x.reshape(self.shape)

    def backward(self, gy):
        return gy.reshape(self.x_shape)


class Transpose(Function):
    def __init__(self, axes=None):
        self.axes = axes

    def forward(self, x):
        return np.transpose(x, self.axes)

    def backward(self, gy):
        if self.axes is None:
            return np.transpose(gy)
        return np.transpose(gy, np.argsort(self.axes))


class Sum(Function):
    def __init__(self, axis=None, keepdims=False):
        self.axis, self.keepdims = axis, keepdims

    def forward(self, x):
        self.x_shape = x.shape
        return x.sum(axis=self.axis, keepdims=self.keepdims)

    def backward(self, gy):
        if not self.keepdims and self.axis is not None:  # put the summed axes back as size 1
            axes = (self.axis,) if np.isscalar(self.axis) else self.axis
            for axis in sorted(a % len(self.x_shape) for a in axes):
                gy = np.expand_dims(gy, axis)
        return np.broadcast_to(gy, self.x_shape).copy()


class BroadcastTo(Function):
    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        self.x_shape = x.shape
        return np.broadcast_to(x, self.shape).copy()

    def backward(self, gy):
        return sum_to_shape(gy, self.x_shape)


class SumTo(Function):
    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        self.x_shape = x.shape
        return sum_to_shape(x, self.shape)

    def backward(self, gy):
        return np.broadcast_to(gy, self.x_shape).copy()


class MatMul(Function):
    """(N, D) @ (D, M) -> (N, M); backward: gy @ W^T and x^T @ gy, as in the Affine layer."""

    def forward(self, x, W):
        self.x, self.W = x, W
        return x @ W

    def backward(self, gy):
        return gy @ self.W.T, self.x.T @ gy


class Split(Function):
    """Split x along axis into len(indices) + 1 pieces (np.split): several outputs."""

    def __init__(self, indices, axis=0):
        self.indices, self.axis = indices, axis

    def forward(self, x):
        return tuple(np.split(x, self.indices, axis=self.axis))

    def backward(self, *gys):
        return np.concatenate(gys, axis=self.axis)


class Relu(Function):
    def forward(self, x):
        self.mask = x > 0
        return np.where(self.mask, x, 0)

    def backward(self, gy):
        return np.where(self.mask, gy, 0)


# --- the functions users call -----------------------------------------------------------------

def add(a, b):
    return Add()(a, b)


def sub(a, b):
    return Sub()(a, b)


def mul(a, b):
    return Mul()(a, b)


def div(a, b):
    return Div()(a, b)


def neg(x):
    return Neg()(x)


def pow(x, c):  # noqa: A001 (the operation's name)
    return Pow(c)(x)


def exp(x):
    return Exp()(x)


def log(x):
    return Log()(x)


def reshape(x, shape):
    return Reshape(shape)(x)


def transpose(x, axes=None):
    return Transpose(axes)(x)


def sum(x, axis=None, keepdims=False):  # noqa: A001
    return Sum(axis, keepdims)(x)


def broadcast_to(x, shape):
    return BroadcastTo(shape)(x)


def sum_to(x, shape):
    return SumTo(shape)(x)


def matmul(x, W):
    return MatMul()(x, W)


def split(x, indices, axis=0):
    return Split(indices, axis)(x)


def relu(x):
    return Relu()(x)


def log_softmax(x):
    """x - max - log(sum(exp(x - max))) along the last axis. The max is a constant:
    log-softmax does not change when a constant is subtracted, so no gradient is lost."""
    x_max = as_array(x.data if isinstance(x, Variable) else x).max(axis=-1, keepdims=True)
    shifted = x - x_max
    return shifted - log(sum(exp(shifted), axis=-1, keepdims=True))


def softmax_cross_entropy(x, t):
    """Mean cross-entropy of softmax(x) (N, C) against one-hot t (N, C)."""
    return -sum(t * log_softmax(x)) / x.shape[0]


def _rsub(a, b):
    return sub(b, a)


def _rdiv(a, b):
    return div(b, a)


Variable.__add__ = Variable.__radd__ = add
Variable.__mul__ = Variable.__rmul__ = mul
Variable.__sub__, Variable.__rsub__ = sub, _rsub
Variable.__truediv__, Variable.__rtruediv__ = div, _rdiv
Variable.__neg__ = neg
Variable.__pow__ = pow
Variable.__matmul__ = matmul
Variable.__rmatmul__ = lambda self, other: matmul(other, self)
Variable.reshape = lambda self, *shape: reshape(self, shape[0] if len(shape) == 1 else shape)
Variable.transpose = lambda self, *axes: transpose(self, axes or None)
Variable.T = property(lambda self: transpose(self))
Variable.sum = lambda self, axis=None, keepdims=False: sum(self, axis, keepdims)
