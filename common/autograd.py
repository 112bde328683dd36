"""A small define-by-run automatic differentiation engine, in the style of the
book's third volume (DeZero).

Every operation is a Function: calling it on Variables computes the result
(forward, on ndarrays) and, unless no_grad() is on, records itself as the
result's creator. Variable.backward() then visits the recorded functions from
the output back, highest generation first, so that a function runs only after
every function that used its outputs; gradients of a variable used twice add up.
Gradients are plain ndarrays of the variable's shape.

The operations themselves (add, mul, exp, matmul, sum, ...) are in
common.autograd_ops; importing this module installs the arithmetic operators.
"""
import contextlib
import heapq
import itertools
import weakref

import numpy as np


class Config:
    enable_backprop = True


@contextlib.contextmanager
def no_grad():
    """Inside this block nothing is recorded: forward only, no memory kept for backward."""
    old, Config.enable_backprop = Config.enable_backprop, False
    try:
        yield
    finally:
        Config.enable_backprop = old


def as_array(x):
    return x if isinstance(x, np.ndarray) else np.array(x, dtype=np.float64)


def as_variable(x):
    return x if isinstance(x, Variable) else Variable(as_array(x))


class Variable:
    """A value (ndarray) with its gradient (ndarray or None) and the Function that made it."""

    __array_priority__ = 200  # so that ndarray + Variable calls Variable.__radd__

    def __init__(self, data, name=None):
        if not isinstance(data, np.ndarray):
            raise TypeError(f"Variable needs an ndarray, got {type(data).__name__}: use np.array(...)")
        self.data, self.name = data, name
        self.grad = self.creator = None
        self.generation = 0

    shape = property(lambda self: self.data.shape)
    ndim = property(lambda self: self.data.ndim)
    size = property(lambda self: self.data.size)
    dtype = property(lambda self: self.data.dtype)

    def __len__(self):
        return len(self.data)

    def __repr__(self):
        body = str(self.data).replace("\n", "\n" + " " * 9)
        return f"variable({body})"

    def set_creator(self, func):
        self.creator = func
        self.generation = func.generation + 1

    def cleargrad(self):
        self.grad = None

    def backward(self, retain_grad=False):
        """Fill .grad of every variable this one depends on (d self / d variable).

        Starts from a gradient of ones. Intermediate gradients are dropped unless
        retain_grad, keeping only those of the leaves (inputs and parameters).
        """
        if self.grad is None:
            self.grad = np.ones_like(self.data)
        order = itertools.count()  # breaks ties between functions of one generation
        queue, seen = [], set()

        def add(func):
            if func not in seen:
                seen.add(func)
                heapq.heappush(queue, (-func.generation, next(order), func))

        if self.creator is not None:
            add(self.creator)
        while queue:
            func = heapq.heappop(queue)[2]
            gys = [y().grad for y in func.outputs]
            gys = [np.zeros_like(y().data) if g is None else g for y, g in zip(func.outputs, gys)]
            gxs = func.backward(*gys)
            gxs = gxs if isinstance(gxs, tuple) else (gxs,)
            for x, gx in zip(func.inputs, gxs):
                x.grad = gx if x.grad is None else x.grad + gx  # a new array: never in place
                if x.creator is not None:
                    add(x.creator)
            if not retain_grad:
                for y in func.outputs:
                    y().grad = None


class Function:
    """Subclasses define forward(*ndarrays) and backward(*output_grads) -> input grads.

    forward may return a tuple for several outputs; backward returns one gradient
    per input, each of that input's shape.
    """

    def __call__(self, *inputs):
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
        return outputs if len(outputs) > 1 else outputs[0]


import common.autograd_ops  # noqa: E402,F401  (installs the operators on Variable)
