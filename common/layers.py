"""Layers with forward and backward passes, with the book's names and calls.

Each layer is the algorithm the notebooks derive, written as the book writes it: forward
keeps on `self` what backward needs, backward applies the chain rule to it. The checks of
their inputs are one call each (common.validate). No layer modifies an array it was given.
Layers with parameters (Affine, Convolution, BatchNormalization) compute in NumPy's
promoted type of input and parameters; the others keep the input's floating dtype.
The same math rearranged for speed is in common.fast_layers.

`from common.layers import *` brings what the book's brings: the layers, the functions of
common.functions, im2col, col2im and np.
"""
import numpy as np

from common.functions import (
    as_float_array,
    batched_targets,
    cross_entropy_error,
    identity_function,
    log_softmax,
    relu,
    relu_grad,
    sigmoid,
    sigmoid_grad,
    softmax,
    softmax_loss,
    step_function,
    sum_squared_error,
)
from common.im2col import col2im, im2col, output_length
from common.validate import (
    check_dout,
    check_features,
    check_filters,
    check_images,
    check_ints,
    check_number,
    check_params,
    check_window,
    forward_first,
)

__all__ = [
    "MulLayer", "AddLayer", "Relu", "Sigmoid", "Affine", "SoftmaxWithLoss", "Dropout",
    "BatchNormalization", "Convolution", "Pooling",
    # what the book's `from common.layers import *` brings besides its layers
    "identity_function", "step_function", "sigmoid", "sigmoid_grad", "relu", "relu_grad",
    "softmax", "sum_squared_error", "cross_entropy_error", "softmax_loss", "im2col", "col2im", "np",
]


class MulLayer:
    """out = x * y; the backward pass swaps the inputs: (dout * y, dout * x)."""

    def __init__(self):
        self.x = None
        self.y = None

    def forward(self, x, y):
        self.x = x
        self.y = y
        return x * y

    def backward(self, dout):
        check_dout(self, dout, None if self.x is None else np.shape(self.x * self.y))
        dx = dout * self.y
        dy = dout * self.x
        return dx, dy


class AddLayer:
    """out = x + y; the backward pass hands dout to both inputs unchanged."""

    def __init__(self):
        self.shape = None  # of the output, for checking dout

    def forward(self, x, y):
        out = x + y
        self.shape = np.shape(out)
        return out

    def backward(self, dout):
        check_dout(self, dout, self.shape)
        dx = dout * 1
        dy = dout * 1
        return dx, dy


class Relu:
    """out = max(x, 0), any shape. The gradient at x == 0 is taken as 0."""

    def __init__(self):
        self.mask = None  # x's shape: True where x <= 0

    def forward(self, x):
        x = as_float_array(x)
        self.mask = x <= 0
        return np.maximum(x, 0)

    def backward(self, dout):
        check_dout(self, dout, getattr(self.mask, "shape", None))
        return np.where(self.mask, 0, dout)  # a new array: dout is left as it was


class Sigmoid:
    """out = 1 / (1 + exp(-x)), any shape; dx = dout * out * (1 - out)."""

    def __init__(self):
        self.out = None  # x's shape

    def forward(self, x):
        self.out = sigmoid(x)
        return self.out.copy()  # the caller may change its copy; backward reads self.out

    def backward(self, dout):
        check_dout(self, dout, getattr(self.out, "shape", None))
        return dout * (1.0 - self.out) * self.out


class Affine:
    """out = x @ W + b with W (D, M), b (M,); x is (N, D), or (N, d1, d2, ...) with d1*d2*... == D.

    backward(dout (N, M)) sets dW = x^T dout (D, M) and db = dout summed over the batch (M,),
    and returns dx = dout W^T in x's original shape.
    """

    def __init__(self, W, b):
        check_params(self, np.ndim(W) == 2 and np.shape(b) == np.shape(W)[1:],
                     "W of shape (D, M) and b of shape (M,)", "give one bias per column of W", W=W, b=b)
        self.W = W
        self.b = b
        self.x = None                 # (N, D): the input, flattened
        self.original_x_shape = None  # restored in dx
        self.dW = None
        self.db = None

    def forward(self, x):
        x = as_float_array(x)
        check_features(self, x, self.W.shape[0], ("W", self.W))
        self.original_x_shape = x.shape
        self.x = x.reshape(x.shape[0], -1)
        return self.x @ self.W + self.b

    def backward(self, dout):
        check_dout(self, dout, None if self.x is None else (len(self.x), self.W.shape[1]))
        dx = dout @ self.W.T
        self.dW = (self.x.T @ dout).astype(self.W.dtype, copy=False)
        self.db = np.sum(dout, axis=0).astype(self.b.dtype, copy=False)
        return dx.reshape(self.original_x_shape)


class SoftmaxWithLoss:
    """Softmax followed by the mean cross-entropy loss.

    forward(x (N, C), t labels (N,) or (N, 1), or one-hot (N, C)) returns the scalar loss,
    computed through log-sum-exp, in x's dtype; backward(dout=1) returns dout * (y - t) / N.
    """

    def __init__(self):
        self.loss = None
        self.y = None  # (N, C): softmax(x)
        self.t = None  # (N,) labels or (N, C) one-hot

    def forward(self, x, t):
        x, t = batched_targets(x, t, "SoftmaxWithLoss")
        log_y = log_softmax(x)
        self.y = np.exp(log_y)
        self.t = t.astype(x.dtype, copy=False) if t.ndim == 2 else t
        picked = np.sum(self.t * log_y, axis=1) if t.ndim == 2 else log_y[np.arange(len(x)), t]
        self.loss = -np.sum(picked) / len(x)
        return self.loss

    def backward(self, dout=1):
        if self.y is None:
            raise forward_first(self)
        batch_size = len(self.y)
        if self.t.ndim == 2:  # one-hot
            dx = self.y - self.t
        else:                 # labels: subtract 1 at each row's true class
            dx = self.y.copy()
            dx[np.arange(batch_size), self.t] -= 1
        return (dx * (dout / batch_size)).astype(self.y.dtype, copy=False)


class Dropout:
    """Training: zero each unit with probability dropout_ratio (a new mask per call).
    Inference: scale by (1 - dropout_ratio), as in the book (no rescaling in training).

    rng: a numpy Generator for the mask; None uses np.random, so np.random.seed repeats it.
    """

    def __init__(self, dropout_ratio=0.5, rng=None):
        if isinstance(dropout_ratio, bool) or not isinstance(dropout_ratio, (int, float, np.number)) \
                or not 0 <= dropout_ratio < 1:
            raise ValueError(f"Dropout expected dropout_ratio in [0, 1), the fraction of units "
                             f"dropped in training, got {dropout_ratio!r}")
        self.dropout_ratio = dropout_ratio
        self.rng = rng
        self.mask = None  # x's shape: True for the units kept by the last training forward

    def forward(self, x, train_flg=True):
        x = as_float_array(x)
        if not train_flg:
            self.mask = None  # an inference pass has nothing to go back through
            return x * (1.0 - self.dropout_ratio)
        uniform = self.rng.random(x.shape) if self.rng is not None else np.random.rand(*x.shape)
        self.mask = uniform > self.dropout_ratio
        return x * self.mask

    def backward(self, dout):
        check_dout(self, dout, getattr(self.mask, "shape", None), how="forward(x, train_flg=True)")
        return dout * self.mask


class BatchNormalization:
    """Normalise each feature over the batch, then scale by gamma and shift by beta.

    x is (N, D), or (N, C, H, W) taken as (N, C*H*W) as in the book; gamma, beta (D,).
    Training normalises by the batch's mean and variance and updates the running ones
    (running = momentum * running + (1 - momentum) * batch); inference uses the running ones.
    """

    def __init__(self, gamma, beta, momentum=0.9, running_mean=None, running_var=None, eps=1e-6):
        check_params(self, np.ndim(gamma) == 1 and np.shape(beta) == np.shape(gamma),
                     "gamma and beta of one shape (D,)", "give one of each per feature",
                     gamma=gamma, beta=beta)
        check_number(self, "momentum", momentum, 0, 1)
        check_number(self, "eps", eps, 1e-12, 1)
        self.gamma = gamma
        self.beta = beta
        self.momentum = momentum
        self.eps = eps
        self.running_mean = running_mean  # (D,): used in inference
        self.running_var = running_var    # (D,)
        self.input_shape = None           # restored in the output and in dx
        self.batch_size = None            # N of the last training forward
        self.xc = None                    # (N, D): x minus the batch mean
        self.xn = None                    # (N, D): xc / std
        self.std = None                   # (D,): sqrt(batch variance + eps)
        self.dgamma = None
        self.dbeta = None

    def forward(self, x, train_flg=True):
        x = as_float_array(x)
        check_features(self, x, self.gamma.size, ("gamma", self.gamma))
        self.input_shape = x.shape
        x = x.reshape(len(x), -1)
        if train_flg and self.running_mean is None:  # the book's start: zeros
            self.running_mean = np.zeros(x.shape[1], dtype=np.result_type(x, self.gamma))
            self.running_var = np.zeros(x.shape[1], dtype=np.result_type(x, self.gamma))
        if train_flg:
            mu = x.mean(axis=0)
            xc = x - mu
            var = np.mean(xc**2, axis=0)
            std = np.sqrt(var + self.eps)
            xn = xc / std
            self.batch_size, self.xc, self.xn, self.std = len(x), xc, xn, std
            self.running_mean = self.momentum * self.running_mean + (1 - self.momentum) * mu
            self.running_var = self.momentum * self.running_var + (1 - self.momentum) * var
        elif self.running_mean is None:  # inference before any training: no statistics yet,
            self.xc = None               # so no normalisation (the book would divide by sqrt(eps))
            xn = x
        else:
            self.xc = None  # an inference pass has nothing to go back through
            xn = (x - self.running_mean) / np.sqrt(self.running_var + self.eps)
        out = self.gamma * xn + self.beta
        return out.reshape(self.input_shape)

    def backward(self, dout):
        check_dout(self, dout, None if self.xc is None else self.input_shape, how="forward(x, train_flg=True)")
        dout = dout.reshape(self.batch_size, -1)
        self.dbeta = dout.sum(axis=0)
        self.dgamma = np.sum(self.xn * dout, axis=0)
        dxn = self.gamma * dout
        dxc = dxn / self.std
        dstd = -np.sum((dxn * self.xc) / (self.std * self.std), axis=0)
        dvar = 0.5 * dstd / self.std
        dxc += (2.0 / self.batch_size) * self.xc * dvar
        dmu = np.sum(dxc, axis=0)
        dx = dxc - dmu / self.batch_size
        return dx.reshape(self.input_shape)


class Convolution:
    """2-D convolution (cross-correlation) through im2col, as the book computes it.

    W (FN, C, FH, FW), b (FN,); x (N, C, H, W) -> out (N, FN, OH, OW) with
    OH = (H + 2*pad - FH) // stride + 1, likewise OW. forward: the filter windows as rows
    (col, (N*OH*OW, C*FH*FW)) times the filters as columns (col_W, (C*FH*FW, FN)), plus b.
    backward: that product's gradients, dW = col^T dout, db = dout summed over rows, and
    dcol = dout col_W^T, which col2im adds back into the windows it came from.
    """

    def __init__(self, W, b, stride=1, pad=0):
        b = check_filters(self, W, b)
        check_ints(self, stride=(stride, 1), pad=(pad, 0))
        self.W = W
        self.b = b
        self.stride = stride
        self.pad = pad
        self.x = None      # (N, C, H, W): the input
        self.col = None    # (N*OH*OW, C*FH*FW): its filter windows, one per row
        self.col_W = None  # (C*FH*FW, FN): the filters, one per column
        self.dW = None
        self.db = None

    def forward(self, x):
        x = as_float_array(x)
        FN, C, FH, FW = self.W.shape
        check_images(self, x, ("W", self.W))
        check_window(self, x, FH, FW, self.pad, "filter")
        N, _, H, W = x.shape
        out_h = output_length(H, FH, self.stride, self.pad)
        out_w = output_length(W, FW, self.stride, self.pad)

        col = im2col(x, FH, FW, self.stride, self.pad)
        col_W = self.W.reshape(FN, -1).T
        out = col @ col_W + self.b
        out = out.reshape(N, out_h, out_w, FN).transpose(0, 3, 1, 2)

        self.x, self.col, self.col_W = x, col, col_W
        return out

    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        shape = None if self.x is None else (len(self.x), FN) + self.out_size()
        check_dout(self, dout, shape)
        dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)  # (N*OH*OW, FN), rows as in col

        self.db = np.sum(dout, axis=0).astype(self.b.dtype, copy=False)
        self.dW = (self.col.T @ dout).T.reshape(FN, C, FH, FW).astype(self.W.dtype, copy=False)
        dcol = dout @ self.col_W.T
        return col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)

    def out_size(self):
        """(OH, OW) of the last forward's output."""
        FH, FW = self.W.shape[2:]
        H, W = self.x.shape[2:]
        return output_length(H, FH, self.stride, self.pad), output_length(W, FW, self.stride, self.pad)


class Pooling:
    """Max pooling over pool_h x pool_w windows: (N, C, H, W) -> (N, C, OH, OW).

    forward: im2col lays every window of every channel out as one row of pool_h*pool_w
    values; the output is each row's maximum, and arg_max keeps where it was (the first
    one on ties). backward: each window's gradient goes to that position only, and col2im
    adds the rows back into the image (windows that overlap add up). Padding adds zeros,
    as in the book. The default stride is the book's, 1: Pooling(2, 2, stride=2) halves 28 to 14.
    """

    def __init__(self, pool_h, pool_w, stride=1, pad=0):
        check_ints(self, pool_h=(pool_h, 1), pool_w=(pool_w, 1), stride=(stride, 1), pad=(pad, 0))
        self.pool_h = pool_h
        self.pool_w = pool_w
        self.stride = stride
        self.pad = pad
        self.x = None        # (N, C, H, W): the input
        self.arg_max = None  # (N*OH*OW*C,): the position of each window's maximum in its row

    def forward(self, x):
        x = as_float_array(x)
        check_images(self, x)
        check_window(self, x, self.pool_h, self.pool_w, self.pad)
        N, C, H, W = x.shape
        out_h = output_length(H, self.pool_h, self.stride, self.pad)
        out_w = output_length(W, self.pool_w, self.stride, self.pad)

        col = im2col(x, self.pool_h, self.pool_w, self.stride, self.pad)
        col = col.reshape(-1, self.pool_h * self.pool_w)  # one window of one channel per row
        arg_max = np.argmax(col, axis=1)
        out = np.max(col, axis=1)
        out = out.reshape(N, out_h, out_w, C).transpose(0, 3, 1, 2)

        self.x, self.arg_max = x, arg_max
        return out

    def backward(self, dout):
        shape = None if self.x is None else self.output_shape()
        check_dout(self, dout, shape)
        dout = dout.transpose(0, 2, 3, 1)  # (N, OH, OW, C): the order of col's rows

        pool_size = self.pool_h * self.pool_w
        dmax = np.zeros((dout.size, pool_size), dtype=dout.dtype)
        dmax[np.arange(self.arg_max.size), self.arg_max] = dout.ravel()
        dcol = dmax.reshape(dout.shape[0] * dout.shape[1] * dout.shape[2], -1)
        return col2im(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)

    def output_shape(self):
        """(N, C, OH, OW) of the last forward's output."""
        N, C, H, W = self.x.shape
        return (N, C, output_length(H, self.pool_h, self.stride, self.pad),
                output_length(W, self.pool_w, self.stride, self.pad))
