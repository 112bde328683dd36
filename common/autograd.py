"""A small define-by-run automatic differentiation engine, in the style of the
book's third volume (DeZero).

Every operation is a Function: calling it on Variables computes the result
(forward, on ndarrays) and, unless no_grad() is on, records itself as the
result's creator. Variable.backward() then visits the recorded functions from
the output back, latest generation first, so that a function runs only after
every function that used its outputs; gradients of a variable used twice add up.
Gradients are plain ndarrays of the variable's shape.

This module holds the engine and the operations that Python's operators and
Variable's methods call (+ - * / ** @, reshape, transpose, .T, sum), each
Function followed by the function that calls it. The other operations (exp,
log, relu, split, broadcast_to, sum_to, the losses) are in common.autograd_ops.
"""
import contextlib
import heapq
import itertools
import threading
import weakref

import numpy as np


class _Config(threading.local):
    """Settings of the engine, one copy per thread: no_grad() in one thread leaves the others recording."""
    enable_backprop = True


Config = _Config()


@contextlib.contextmanager
def no_grad():
    """Inside this block nothing is recorded: forward only, no memory kept for backward."""
    old, Config.enable_backprop = Config.enable_backprop, False
    try:
        yield
    finally:
        Config.enable_backprop = old


def as_array(x):
    """x as an ndarray: a NumPy scalar keeps its dtype, a Python number becomes float64."""
    if isinstance(x, np.ndarray):
        return x
    return np.asarray(x) if isinstance(x, np.generic) else np.array(x, dtype=np.float64)


def as_variable(x):
    return x if isinstance(x, Variable) else Variable(as_array(x))


def _axes(args):
    """The arguments of x.reshape(2, 3) / x.reshape((2, 3)), x.transpose(1, 0) / x.transpose((1, 0))."""
    return args[0] if len(args) == 1 and (args[0] is None or isinstance(args[0], (tuple, list))) else args


class Variable:
    """A value (ndarray) with its gradient (ndarray or None) and the Function that made it."""

    __array_priority__ = 200  # so that ndarray + Variable calls Variable.__radd__

    def __init__(self, data, name=None):
        if not isinstance(data, np.ndarray):
            raise TypeError(f"Variable needs an ndarray, got {type(data).__name__}: use np.array(...)")
        self.data = data
        self.name = name
        self.grad = None     # after backward: d output / d self, of self's shape
        self.creator = None  # the Function that made it; None for an input or a parameter
        self.generation = 0  # one more than its creator's

    shape = property(lambda self: self.data.shape)
    ndim = property(lambda self: self.data.ndim)
    size = property(lambda self: self.data.size)
    dtype = property(lambda self: self.data.dtype)

    def __len__(self):
        return len(self.data)

    def __repr__(self):
        body = str(self.data).replace("\n", "\n" + " " * 9)
        return f"variable({body})"

    # Python's operators and NumPy's methods: each calls an operation defined below.
    def __add__(self, other): return add(self, other)
    def __radd__(self, other): return add(other, self)
    def __sub__(self, other): return sub(self, other)
    def __rsub__(self, other): return sub(other, self)
    def __mul__(self, other): return mul(self, other)
    def __rmul__(self, other): return mul(other, self)
    def __truediv__(self, other): return div(self, other)
    def __rtruediv__(self, other): return div(other, self)
    def __neg__(self): return neg(self)
    def __pow__(self, c): return pow(self, c)
    def __matmul__(self, other): return matmul(self, other)
    def __rmatmul__(self, other): return matmul(other, self)
    def reshape(self, *shape): return reshape(self, _axes(shape))  # reshape(2, 3) or reshape((2, 3))
    def transpose(self, *axes): return transpose(self, _axes(axes) or None)  # transpose(1, 0) or ((1, 0))
    T = property(lambda self: transpose(self))
    def sum(self, axis=None, keepdims=False): return sum(self, axis, keepdims)

    def set_creator(self, func):
        self.creator = func
        self.generation = func.generation + 1

    def cleargrad(self):
        self.grad = None

    def backward(self, retain_grad=False):
        """Fill .grad of every variable this one depends on (d self / d variable).

        Starts from a gradient of ones (or from self.grad, if set). Intermediate
        gradients are dropped unless retain_grad, keeping only those of the leaves
        (inputs and parameters).
        """
        if self.grad is None:
            self.grad = np.ones_like(self.data)
        order = itertools.count()  # breaks ties between functions of one generation
        queue, seen = [], set()

        def push(func):
            if func not in seen:
                seen.add(func)
                heapq.heappush(queue, (-func.generation, next(order), func))

        if self.creator is not None:
            push(self.creator)
        while queue:
            func = heapq.heappop(queue)[2]
            gxs = func.backward(*output_grads(func))
            gxs = tuple(as_array(gx) for gx in (gxs if isinstance(gxs, tuple) else (gxs,)))
            _check_grads(func, gxs)
            for x, gx in zip(func.inputs, gxs):
                x.grad = gx if x.grad is None else x.grad + gx  # never +=: gx may be another variable's grad too
                if x.creator is not None:
                    push(x.creator)
            if not retain_grad:
                for y in func.outputs:
                    if y() is not None:
                        y().grad = None


def output_grads(func):
    """The gradient of each of func's outputs: its .grad, or zeros where it has none (an output
    nothing used, or one that no longer exists, such as an unused piece of a split)."""
    grads = []
    for y, (shape, dtype) in zip(func.outputs, func.output_kinds):
        y = y()
        grads.append(y.grad if y is not None and y.grad is not None else np.zeros(shape, dtype))
    return grads


def _check_grads(func, gxs):
    """A backward must return one gradient per input, of that input's shape (else += would broadcast)."""
    name = type(func).__name__
    if len(gxs) != len(func.inputs):
        raise ValueError(f"{name}.backward returned {len(gxs)} gradients for {len(func.inputs)} inputs")
    for k, (x, gx) in enumerate(zip(func.inputs, gxs)):
        if gx.shape != x.shape:
            raise ValueError(f"{name}.backward returned a gradient of shape {gx.shape} "
                             f"for its input {k} of shape {x.shape}")


class Function:
    """Subclasses define forward(*ndarrays) and backward(*output_grads) -> input grads.

    forward may return a tuple for several outputs; backward returns one gradient
    per input, each of that input's shape. backward must not modify its gy in
    place: the same array may be another variable's gradient too (Add passes gy
    on to both its inputs as it is).

    A function's generation is its latest input's; its outputs' is one more.
    """

    generation = 0

    def __call__(self, *inputs):
        if Config.enable_backprop and hasattr(self, "outputs"):
            raise RuntimeError(f"this {type(self).__name__} was already called: a Function records one call, "
                               f"its inputs and outputs, for backward; make a new one for each call "
                               f"({type(self).__name__}()(x), as the functions of common.autograd_ops do)")
        inputs = [as_variable(x) for x in inputs]
        ys = self.forward(*(x.data for x in inputs))
        ys = ys if isinstance(ys, tuple) else (ys,)
        outputs = [Variable(as_array(y)) for y in ys]
        if Config.enable_backprop:
            self.generation = max(x.generation for x in inputs)
            for out in outputs:
                out.set_creator(self)
            self.inputs = inputs
            self.outputs = [weakref.ref(out) for out in outputs]  # no cycle: outputs own their creator
            self.output_kinds = [(out.shape, out.dtype) for out in outputs]
        return outputs if len(outputs) > 1 else outputs[0]


# --- the operations behind the operators ------------------------------------------------------
# Broadcasting: an elementwise operation on inputs of different shapes broadcasts
# in forward, so in backward each input's gradient is summed back to that input's
# shape (sum_to_shape), which is the adjoint of broadcasting.

def sum_to_shape(g, shape):
    """Sum an ndarray g down to shape, undoing NumPy broadcasting. Raises ValueError when g's
    shape could not have come from broadcasting shape."""
    shape = tuple(shape)
    lead = g.ndim - len(shape)
    if lead < 0 or any(n not in (1, m) for n, m in zip(shape, g.shape[lead:])):
        raise ValueError(f"cannot sum an array of shape {g.shape} to shape {shape}: broadcasting {shape} "
                         "does not give it (each axis of the target must be 1 or the same length)")
    axes = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(shape) if n == 1 and g.shape[lead + i] != 1)
    g = g.sum(axis=axes, keepdims=True) if axes else g
    return g.reshape(shape) if lead else g


class Add(Function):
    def forward(self, a, b):
        self.shapes = a.shape, b.shape
        return a + b

    def backward(self, gy):
        return sum_to_shape(gy, self.shapes[0]), sum_to_shape(gy, self.shapes[1])


def add(a, b):
    return Add()(a, b)


class Sub(Function):
    def forward(self, a, b):
        self.shapes = a.shape, b.shape
        return a - b

    def backward(self, gy):
        return sum_to_shape(gy, self.shapes[0]), sum_to_shape(-gy, self.shapes[1])


def sub(a, b):
    return Sub()(a, b)


class Mul(Function):
    def forward(self, a, b):
        self.a, self.b = a, b
        return a * b

    def backward(self, gy):
        return sum_to_shape(gy * self.b, self.a.shape), sum_to_shape(gy * self.a, self.b.shape)


def mul(a, b):
    return Mul()(a, b)


class Div(Function):
    def forward(self, a, b):
        self.a, self.b = a, b
        return a / b

    def backward(self, gy):
        return sum_to_shape(gy / self.b, self.a.shape), sum_to_shape(-gy * self.a / self.b**2, self.b.shape)


def div(a, b):
    return Div()(a, b)


class Neg(Function):
    def forward(self, x):
        return -x

    def backward(self, gy):
        return -gy


def neg(x):
    return Neg()(x)


class Pow(Function):
    """x ** c for a constant c."""

    def __init__(self, c):
        self.c = c

    def forward(self, x):
        self.x = x
        return x**self.c

    def backward(self, gy):
        return gy * self.c * self.x ** (self.c - 1)


def pow(x, c):  # noqa: A001 (the operation's name)
    return Pow(c)(x)


class MatMul(Function):
    """(N, D) @ (D, M) -> (N, M); backward: gy @ W^T and x^T @ gy, as in the Affine layer."""

    def forward(self, x, W):
        self.x, self.W = x, W
        return x @ W

    def backward(self, gy):
        return gy @ self.W.T, self.x.T @ gy


def matmul(x, W):
    return MatMul()(x, W)


class Reshape(Function):
    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        self.x_shape = x.shape
        return x.reshape(self.shape)

    def backward(self, gy):
        return gy.reshape(self.x_shape)


def reshape(x, shape):
    return Reshape(shape)(x)


class Transpose(Function):
    """Permute the axes (reverse them when axes is None); backward applies the inverse permutation."""

    def __init__(self, axes=None):
        self.axes = axes

    def forward(self, x):
        return np.transpose(x, self.axes)

    def backward(self, gy):
        if self.axes is None:
            return np.transpose(gy)
        return np.transpose(gy, np.argsort([a % gy.ndim for a in self.axes]))


def transpose(x, axes=None):
    return Transpose(axes)(x)


class Sum(Function):
    def __init__(self, axis=None, keepdims=False):
        self.axis = axis
        self.keepdims = keepdims

    def forward(self, x):
        self.x_shape = x.shape
        return x.sum(axis=self.axis, keepdims=self.keepdims)

    def backward(self, gy):
        if not self.keepdims and self.axis is not None:  # put the summed axes back as size 1
            axes = (self.axis,) if np.isscalar(self.axis) else self.axis
            for axis in sorted(a % len(self.x_shape) for a in axes):
                gy = np.expand_dims(gy, axis)
        return np.broadcast_to(gy, self.x_shape).copy()


def sum(x, axis=None, keepdims=False):  # noqa: A001
    return Sum(axis, keepdims)(x)
