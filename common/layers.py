"""Layers with forward and backward passes, with the book's names and calls.

Every layer keeps what its backward pass needs on `self` (declared in __init__),
never modifies an array it was given, and raises ValueError naming the expected
and the actual shape when an input does not fit. Layers with parameters (Affine,
Convolution, BatchNormalization) compute in NumPy's promoted type of input and
parameters, as the book's do: float32 data with float32 weights stays float32,
float32 data with float64 weights gives float64. The other layers keep the
input's floating dtype.

`from common.layers import *` brings what the book's brings: the layers, the
functions of common.functions, im2col, col2im and np.
"""
import math

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
from common.util import col2im, col2im_per_image, im2col, im2col_per_image, output_length

__all__ = [
    "MulLayer", "AddLayer", "Relu", "Sigmoid", "Affine", "SoftmaxWithLoss", "Dropout",
    "BatchNormalization", "Convolution", "Pooling",
    # what the book's `from common.layers import *` brings besides its layers
    "identity_function", "step_function", "sigmoid", "sigmoid_grad", "relu", "relu_grad",
    "softmax", "sum_squared_error", "cross_entropy_error", "softmax_loss", "im2col", "col2im", "np",
]


def forward_first(layer, how="forward"):
    """The error for a backward pass that has no forward pass to go back through."""
    return RuntimeError(f"{type(layer).__name__}.backward needs what forward keeps: call {how} first")


def check_dout(layer, dout, shape, how="forward"):
    """Raise unless dout has `shape`, the shape of the forward output (None: no forward yet)."""
    if shape is None:
        raise forward_first(layer, how)
    if np.shape(dout) != shape:
        raise ValueError(f"{type(layer).__name__}.backward expected dout of shape {shape}, the shape "
                         f"of forward's output, got shape {np.shape(dout)}: pass the gradient of that output")


def check_batch(layer, x):
    """Raise for an empty batch: there is no sample to compute on."""
    if x.ndim and x.shape[0] == 0:
        raise ValueError(f"{type(layer).__name__} needs at least one sample, got input of shape "
                         f"{x.shape}: pass a batch of one or more")


def check_int(layer, name, value, minimum):
    """Raise unless value is an int >= minimum (a stride, a padding, a window size)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{type(layer).__name__} expected {name} to be an integer >= {minimum}, "
                         f"got {value!r}")


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
        if self.x is None:
            raise forward_first(self)
        return dout * self.y, dout * self.x


class AddLayer:
    """out = x + y; the backward pass hands dout to both inputs unchanged."""

    def forward(self, x, y):
        return x + y

    def backward(self, dout):
        return dout * 1, dout * 1


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
        return self.out

    def backward(self, dout):
        check_dout(self, dout, getattr(self.out, "shape", None))
        return dout * (1.0 - self.out) * self.out


class Affine:
    """out = x @ W + b with W (D, M), b (M,); x is (N, D) or (N, d1, d2, ...) with d1*d2*... == D.

    backward(dout (N, M)) sets dW = x^T dout, db = sum of dout over the batch,
    and returns dx = dout W^T in x's original shape (None with need_dx=False,
    for a first layer, whose input is the data: nobody needs its gradient).
    """

    def __init__(self, W, b):
        if np.ndim(W) != 2 or np.shape(b) != np.shape(W)[1:]:
            raise ValueError(f"Affine expected W of shape (D, M) and b of shape (M,), got W of shape "
                             f"{np.shape(W)} and b of shape {np.shape(b)}: give one bias per column of W")
        self.W = W
        self.b = b
        self.x = None                 # (N, D): the input, flattened
        self.original_x_shape = None  # restored in dx
        self.dW = None
        self.db = None

    def forward(self, x):
        x = as_float_array(x)
        features = math.prod(x.shape[1:]) if x.ndim > 1 else -1
        if features != self.W.shape[0]:
            raise ValueError(
                f"Affine expected input of shape (N, {self.W.shape[0]}) for W of shape "
                f"{self.W.shape}, got shape {x.shape}")
        check_batch(self, x)
        self.original_x_shape = x.shape
        self.x = x.reshape(x.shape[0], -1)
        return self.x @ self.W + self.b

    def backward(self, dout, need_dx=True):
        check_dout(self, dout, None if self.x is None else (self.x.shape[0], self.W.shape[1]))
        self.dW = (self.x.T @ dout).astype(self.W.dtype, copy=False)
        self.db = dout.sum(axis=0).astype(self.b.dtype, copy=False)
        if not need_dx:
            return None
        return (dout @ self.W.T).reshape(self.original_x_shape)


class SoftmaxWithLoss:
    """Softmax followed by the mean cross-entropy loss.

    forward(x (N, C), t labels (N,) or (N, 1), or one-hot (N, C)) returns the
    scalar loss, computed through log-sum-exp, in x's dtype; backward(dout=1)
    returns dout * (y - t) / N.
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
        n = x.shape[0]
        picked = log_y[np.arange(n), t] if t.ndim == 1 else (self.t * log_y).sum(axis=1)
        self.loss = -picked.sum() / n
        return self.loss

    def backward(self, dout=1):
        if self.y is None:
            raise forward_first(self)
        n = self.y.shape[0]
        if self.t.ndim == 2:
            dx = self.y - self.t
        else:
            dx = self.y.copy()
            dx[np.arange(n), self.t] -= 1
        return (dx * (dout / n)).astype(self.y.dtype, copy=False)


class Dropout:
    """Training: zero each unit with probability dropout_ratio (a new mask per call).
    Inference: scale by (1 - dropout_ratio), as in the book (no rescaling in training).

    rng: a numpy Generator for the mask; None uses np.random, so np.random.seed repeats it.
    """

    def __init__(self, dropout_ratio=0.5, rng=None):
        if not isinstance(dropout_ratio, (int, float, np.number)) or not 0 <= dropout_ratio < 1:
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

    x is (N, D), or (N, C, H, W) treated as (N, C*H*W) as in the book; gamma and
    beta have D elements. Training uses the batch statistics and updates the
    running ones (momentum); inference uses the running ones.
    """

    def __init__(self, gamma, beta, momentum=0.9, running_mean=None, running_var=None, eps=1e-6):
        if np.shape(beta) != np.shape(gamma):
            raise ValueError(f"BatchNormalization expected gamma and beta of one shape, got gamma of "
                             f"shape {np.shape(gamma)} and beta of shape {np.shape(beta)}")
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
        check_batch(self, x)
        self.input_shape = x.shape
        x = x.reshape(x.shape[0], -1)
        if x.shape[1] != self.gamma.size:
            raise ValueError(f"BatchNormalization expected input of shape (N, {self.gamma.size}) "
                             f"for gamma of shape {self.gamma.shape}, got shape {self.input_shape}")
        if self.running_mean is None:
            self.running_mean = np.zeros(x.shape[1], dtype=np.result_type(x, self.gamma))
            self.running_var = np.zeros(x.shape[1], dtype=np.result_type(x, self.gamma))
        if train_flg:
            mu = x.mean(axis=0)
            self.batch_size = x.shape[0]
            self.xc = x - mu
            var = np.mean(self.xc**2, axis=0)
            self.std = np.sqrt(var + self.eps)
            self.xn = self.xc / self.std
            m = self.momentum
            self.running_mean = m * self.running_mean + (1 - m) * mu
            self.running_var = m * self.running_var + (1 - m) * var
            xn = self.xn
        else:
            self.xc = None  # an inference pass has nothing to go back through
            xn = (x - self.running_mean) / np.sqrt(self.running_var + self.eps)
        return (self.gamma * xn + self.beta).reshape(self.input_shape)

    def backward(self, dout):
        shape = None if self.xc is None else self.input_shape
        check_dout(self, dout, shape, how="forward(x, train_flg=True)")
        dout = dout.reshape(self.batch_size, -1)
        n = self.batch_size
        self.dbeta = dout.sum(axis=0)
        self.dgamma = np.sum(self.xn * dout, axis=0)
        dxn = self.gamma * dout
        dxc = dxn / self.std
        dstd = -np.sum((dxn * self.xc) / (self.std * self.std), axis=0)
        dvar = 0.5 * dstd / self.std
        dxc = dxc + (2.0 / n) * self.xc * dvar
        dx = dxc - dxc.mean(axis=0)
        return dx.reshape(self.input_shape)


class Convolution:
    """2-D convolution (cross-correlation) through im2col.

    W (FN, C, FH, FW), b (FN,); x (N, C, H, W) -> out (N, FN, OH, OW) with
    OH = (H + 2*pad - FH) // stride + 1, likewise OW. backward(dout, need_dx=False)
    sets dW and db only, as Affine's.

    The im2col matrix is kept one image at a time, transposed, with a row of ones below:
    cols (N, C*FH*FW + 1, OH*OW), a window per column. The filters as rows with the bias
    as one more weight, that of the constant 1, (FN, C*FH*FW + 1), times cols give out
    in (N, FN, OH*OW) order, bias included, with no transpose; in backward one product
    gives dW and db. `col` is the book's (N*OH*OW, C*FH*FW) matrix of the same windows.
    """

    def __init__(self, W, b, stride=1, pad=0):
        if np.ndim(W) != 4 or np.shape(b) != np.shape(W)[:1]:
            raise ValueError(f"Convolution expected W of shape (FN, C, FH, FW) and b of shape (FN,), got W "
                             f"of shape {np.shape(W)} and b of shape {np.shape(b)}: give one bias per filter")
        check_int(self, "stride", stride, 1)
        check_int(self, "pad", pad, 0)
        self.W = W
        self.b = b
        self.stride = stride
        self.pad = pad
        self.x = None      # (N, C, H, W): the input
        self.cols = None   # (N, C*FH*FW + 1, OH*OW): its windows, one per column, image by image; ones
        self.col_W = None  # (C*FH*FW, FN): the filters, one per column
        self.dW = None
        self.db = None

    @property
    def col(self):
        """The book's im2col matrix (N*OH*OW, C*FH*FW), one window per row: cols transposed, no ones."""
        return None if self.cols is None else self.cols[:, :-1].transpose(0, 2, 1).reshape(-1, self.cols.shape[1] - 1)

    def output_shape(self, x_shape):
        """(N, FN, OH, OW) for an input of shape (N, C, H, W)."""
        N, _, H, W = x_shape
        FN, _, FH, FW = self.W.shape
        return N, FN, output_length(H, FH, self.stride, self.pad), output_length(W, FW, self.stride, self.pad)

    def forward(self, x):
        x = as_float_array(x)
        FN, C, FH, FW = self.W.shape
        if x.ndim != 4 or x.shape[1] != C:
            raise ValueError(f"Convolution expected input of shape (N, {C}, H, W) for W of "
                             f"shape {self.W.shape}, got shape {x.shape}")
        check_batch(self, x)
        N, _, H, W = x.shape
        if H + 2 * self.pad < FH or W + 2 * self.pad < FW:
            raise ValueError(f"Convolution filter {FH}x{FW} does not fit input of shape "
                             f"{x.shape} with pad {self.pad}")
        self.x = x
        self.cols = im2col_per_image(x, FH, FW, self.stride, self.pad, ones_row=True)  # (N, C*FH*FW + 1, OH*OW)
        self.col_W = self.W.reshape(FN, -1).T                                            # (C*FH*FW, FN)
        filters_and_bias = np.hstack([self.col_W.T, self.b.reshape(FN, 1)])               # (FN, C*FH*FW + 1)
        return (filters_and_bias @ self.cols).reshape(self.output_shape(x.shape))

    def backward(self, dout, need_dx=True):
        check_dout(self, dout, None if self.x is None else self.output_shape(self.x.shape))
        FN, C, FH, FW = self.W.shape
        dout = dout.reshape(dout.shape[0], FN, -1)                      # (N, FN, OH*OW)
        dW_db = (dout @ self.cols.transpose(0, 2, 1)).sum(axis=0)      # (FN, C*FH*FW + 1)
        self.dW = dW_db[:, :-1].reshape(self.W.shape).astype(self.W.dtype, copy=False)
        self.db = dW_db[:, -1].astype(self.b.dtype, copy=False)        # the weight of the ones: sum of dout
        if not need_dx:
            return None
        dcols = self.col_W @ dout                                       # (N, C*FH*FW, OH*OW)
        return col2im_per_image(dcols, self.x.shape, FH, FW, self.stride, self.pad)


class Pooling:
    """Max pooling over pool_h x pool_w windows: (N, C, H, W) -> (N, C, OH, OW).

    The gradient flows only to the maximum of each window (the first one on ties).
    Padding adds zeros, as in the book. The default stride is the book's, 1: pass
    stride=2 for windows that do not overlap (Pooling(2, 2, stride=2) halves 28 to 14).
    Both passes loop over the pool_h * pool_w offsets (i, j) within a window, each time
    handling that offset of every window at once. forward keeps, in `offset`, the
    k = i * pool_w + j of each window's first maximum; backward sends the gradient there.
    """

    def __init__(self, pool_h, pool_w, stride=1, pad=0):
        check_int(self, "pool_h", pool_h, 1)
        check_int(self, "pool_w", pool_w, 1)
        check_int(self, "stride", stride, 1)
        check_int(self, "pad", pad, 0)
        self.pool_h = pool_h
        self.pool_w = pool_w
        self.stride = stride
        self.pad = pad
        self.x = None       # (N, C, H, W): the input
        self.out = None     # (N, C, OH, OW): the maximum of each window
        self.offset = None  # (N, C, OH, OW): where in its window the maximum is, k = i * pool_w + j

    def _offsets(self, out_h, out_w):
        """(rows, cols) of the k-th offset (i, j) in the window, as slices of the padded input."""
        s = self.stride
        for k in range(self.pool_h * self.pool_w):
            i, j = divmod(k, self.pool_w)
            yield slice(i, i + s * out_h, s), slice(j, j + s * out_w, s)

    def forward(self, x):
        x = as_float_array(x)
        if x.ndim != 4:
            raise ValueError(f"Pooling expected input of shape (N, C, H, W), got shape {x.shape}")
        N, C, H, W = x.shape
        ph, pw, p = self.pool_h, self.pool_w, self.pad
        if H + 2 * p < ph or W + 2 * p < pw:
            raise ValueError(f"Pooling window {ph}x{pw} does not fit input of shape {x.shape} with pad {p}")
        out_h, out_w = output_length(H, ph, self.stride, p), output_length(W, pw, self.stride, p)
        self.x = x
        xp = np.pad(x, [(0, 0), (0, 0), (p, p), (p, p)]) if p else x
        k_type = np.uint8 if ph * pw <= 256 else np.intp
        for k, (rows, cols) in enumerate(self._offsets(out_h, out_w)):
            here = xp[:, :, rows, cols].copy()  # contiguous: > and max below run faster on it
            if k == 0:
                self.out, self.offset = here, np.zeros(here.shape, dtype=k_type)
                continue
            later = here > self.out  # strictly greater: on a tie the first maximum stays
            np.maximum(self.offset, later * k_type(k), out=self.offset)  # k exceeds every earlier offset
            np.maximum(self.out, here, out=self.out)
        return self.out

    def backward(self, dout):
        check_dout(self, dout, getattr(self.out, "shape", None))
        N, C, H, W = self.x.shape
        p, s, (out_h, out_w) = self.pad, self.stride, dout.shape[2:]
        overlap = s < max(self.pool_h, self.pool_w)  # then a pixel's gradients from several windows add up
        tiles = s == self.pool_h == self.pool_w and (s * out_h, s * out_w) == (H + 2 * p, W + 2 * p)
        dx = (np.empty if tiles else np.zeros)((N, C, H + 2 * p, W + 2 * p), dtype=dout.dtype)  # tiles: all set below
        for k, (rows, cols) in enumerate(self._offsets(out_h, out_w)):  # slices end inside dx
            to_k = self.offset == k  # the windows whose maximum is at offset k
            if overlap:
                dx[:, :, rows, cols] += dout * to_k
            else:
                np.multiply(dout, to_k, out=dx[:, :, rows, cols])
        return dx[:, :, p : H + p, p : W + p] if p else dx

    @property
    def arg_max(self):
        """The book's: for each window, the index (row-major in pool_h x pool_w) of its first
        maximum, flat in (N, OH, OW, C) order: `offset`, in the book's order."""
        return None if self.offset is None else self.offset.transpose(0, 2, 3, 1).astype(np.intp).ravel()
