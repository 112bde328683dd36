"""Layers with forward and backward passes, with the book's names and calls.

Every layer keeps what its backward pass needs on `self`, keeps the input's
floating dtype, never modifies an array it was given, and raises ValueError
naming the expected and the actual shape when an input does not fit.
"""
import math

import numpy as np

from common.functions import as_float_array, batched_targets, log_softmax, sigmoid
from common.util import col2im, conv_output_size, im2col


class MulLayer:
    """out = x * y; the backward pass swaps the inputs: (dout * y, dout * x)."""

    def forward(self, x, y):
        self.x, self.y = x, y
        return x * y

    def backward(self, dout):
        return dout * self.y, dout * self.x


class AddLayer:
    """out = x + y; the backward pass hands dout to both inputs unchanged."""

    def forward(self, x, y):
        return x + y

    def backward(self, dout):
        return dout * 1, dout * 1


class Relu:
    """out = max(x, 0), any shape. The gradient at x == 0 is taken as 0."""

    def forward(self, x):
        x = as_float_array(x)
        self.mask = x <= 0
        return np.maximum(x, 0)

    def backward(self, dout):
        return np.where(self.mask, 0, dout)  # a new array: dout is left as it was


class Sigmoid:
    """out = 1 / (1 + exp(-x)), any shape; dx = dout * out * (1 - out)."""

    def forward(self, x):
        self.out = sigmoid(x)
        return self.out

    def backward(self, dout):
        return dout * (1.0 - self.out) * self.out


class Affine:
    """out = x @ W + b with W (D, M), b (M,); x is (N, D) or (N, d1, d2, ...) with d1*d2*... == D.

    backward(dout (N, M)) sets dW = x^T dout, db = sum of dout over the batch,
    and returns dx = dout W^T in x's original shape (None with need_dx=False,
    for a first layer, whose input is the data: nobody needs its gradient).
    """

    def __init__(self, W, b):
        self.W, self.b = W, b
        self.x = self.original_x_shape = self.dW = self.db = None

    def forward(self, x):
        x = as_float_array(x)
        features = math.prod(x.shape[1:]) if x.ndim > 1 else -1
        if features != self.W.shape[0]:
            raise ValueError(
                f"Affine expected input of shape (N, {self.W.shape[0]}) for W of shape "
                f"{self.W.shape}, got shape {x.shape}")
        self.original_x_shape = x.shape
        self.x = x.reshape(x.shape[0], -1)
        out = self.x @ self.W
        out += self.b
        return out.astype(x.dtype, copy=False)

    def backward(self, dout, need_dx=True):
        self.dW = (self.x.T @ dout).astype(self.W.dtype, copy=False)
        self.db = dout.sum(axis=0).astype(self.b.dtype, copy=False)
        if not need_dx:
            return None
        dx = (dout @ self.W.T).astype(self.x.dtype, copy=False)
        return dx.reshape(self.original_x_shape)


class SoftmaxWithLoss:
    """Softmax followed by the mean cross-entropy loss.

    forward(x (N, C), t labels (N,) or one-hot (N, C)) returns the scalar loss,
    computed through log-sum-exp; backward(dout=1) returns dout * (y - t) / N.
    """

    def __init__(self):
        self.loss = self.y = self.t = None

    def forward(self, x, t):
        x, t = batched_targets(x, t, "SoftmaxWithLoss")
        log_y = log_softmax(x)
        self.y, self.t = np.exp(log_y), t
        n = x.shape[0]
        picked = log_y[np.arange(n), t] if t.ndim == 1 else (t * log_y).sum(axis=1)
        self.loss = -picked.sum() / n
        return self.loss

    def backward(self, dout=1):
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
        self.dropout_ratio, self.rng, self.mask = dropout_ratio, rng, None

    def forward(self, x, train_flg=True):
        x = as_float_array(x)
        if not train_flg:
            return x * (1.0 - self.dropout_ratio)
        uniform = self.rng.random(x.shape) if self.rng is not None else np.random.rand(*x.shape)
        self.mask = uniform > self.dropout_ratio
        return x * self.mask

    def backward(self, dout):
        return dout * self.mask


class BatchNormalization:
    """Normalise each feature over the batch, then scale by gamma and shift by beta.

    x is (N, D), or (N, C, H, W) treated as (N, C*H*W) as in the book; gamma and
    beta have D elements. Training uses the batch statistics and updates the
    running ones (momentum); inference uses the running ones.
    """

    def __init__(self, gamma, beta, momentum=0.9, running_mean=None, running_var=None, eps=1e-6):
        self.gamma, self.beta, self.momentum, self.eps = gamma, beta, momentum, eps
        self.running_mean, self.running_var = running_mean, running_var
        self.input_shape = self.xc = self.std = self.dgamma = self.dbeta = None

    def forward(self, x, train_flg=True):
        x = as_float_array(x)
        self.input_shape = x.shape
        x = x.reshape(x.shape[0], -1)
        if x.shape[1] != self.gamma.size:
            raise ValueError(f"BatchNormalization expected input of shape (N, {self.gamma.size}) "
                             f"for gamma of shape {self.gamma.shape}, got shape {self.input_shape}")
        if self.running_mean is None:
            self.running_mean = np.zeros(x.shape[1], dtype=x.dtype)
            self.running_var = np.zeros(x.shape[1], dtype=x.dtype)
        if train_flg:
            mu = x.mean(axis=0)
            self.xc = x - mu
            var = np.mean(self.xc**2, axis=0)
            self.std = np.sqrt(var + self.eps)
            self.xn = self.xc / self.std
            m = self.momentum
            self.running_mean = m * self.running_mean + (1 - m) * mu
            self.running_var = m * self.running_var + (1 - m) * var
            xn = self.xn
        else:
            xn = (x - self.running_mean) / np.sqrt(self.running_var + self.eps)
        out = (self.gamma * xn + self.beta).astype(x.dtype, copy=False)
        return out.reshape(self.input_shape)

    def backward(self, dout):
        dout = dout.reshape(dout.shape[0], -1)
        n = dout.shape[0]
        self.dbeta = dout.sum(axis=0)
        self.dgamma = np.sum(self.xn * dout, axis=0)
        dxn = self.gamma * dout
        dxc = dxn / self.std
        dstd = -np.sum((dxn * self.xc) / (self.std * self.std), axis=0)
        dvar = 0.5 * dstd / self.std
        dxc = dxc + (2.0 / n) * self.xc * dvar
        dx = dxc - dxc.mean(axis=0)
        return dx.astype(self.xc.dtype, copy=False).reshape(self.input_shape)


class Convolution:
    """2-D convolution (cross-correlation) through im2col.

    W (FN, C, FH, FW), b (FN,); x (N, C, H, W) -> out (N, FN, OH, OW) with
    OH = (H + 2*pad - FH) // stride + 1, likewise OW. backward(dout, need_dx=False)
    sets dW and db only, as Affine's.
    """

    def __init__(self, W, b, stride=1, pad=0):
        self.W, self.b, self.stride, self.pad = W, b, stride, pad
        self.x = self.col = self.col_W = self.dW = self.db = None

    def forward(self, x):
        x = as_float_array(x)
        FN, C, FH, FW = self.W.shape
        if x.ndim != 4 or x.shape[1] != C:
            raise ValueError(f"Convolution expected input of shape (N, {C}, H, W) for W of "
                             f"shape {self.W.shape}, got shape {x.shape}")
        N, _, H, W = x.shape
        if H + 2 * self.pad < FH or W + 2 * self.pad < FW:
            raise ValueError(f"Convolution filter {FH}x{FW} does not fit input of shape "
                             f"{x.shape} with pad {self.pad}")
        out_h = conv_output_size(H, FH, self.stride, self.pad)
        out_w = conv_output_size(W, FW, self.stride, self.pad)
        self.x = x
        self.col = im2col(x, FH, FW, self.stride, self.pad)  # (N*OH*OW, C*FH*FW)
        self.col_W = self.W.reshape(FN, -1).T                 # (C*FH*FW, FN)
        out = (self.col @ self.col_W + self.b).astype(x.dtype, copy=False)
        return out.reshape(N, out_h, out_w, FN).transpose(0, 3, 1, 2)

    def backward(self, dout, need_dx=True):
        FN, C, FH, FW = self.W.shape
        dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)   # (N*OH*OW, FN)
        self.db = dout.sum(axis=0).astype(self.b.dtype, copy=False)
        self.dW = (self.col.T @ dout).T.reshape(self.W.shape).astype(self.W.dtype, copy=False)
        if not need_dx:
            return None
        dcol = (dout @ self.col_W.T).astype(self.x.dtype, copy=False)
        return col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)


class Pooling:
    """Max pooling over pool_h x pool_w windows: (N, C, H, W) -> (N, C, OH, OW).

    The gradient flows only to the maximum of each window (the first one on ties).
    Padding adds zeros, as in the book. Both passes loop over the pool_h * pool_w
    offsets within a window, each time handling that offset of every window at once.
    """

    def __init__(self, pool_h, pool_w, stride=1, pad=0):
        self.pool_h, self.pool_w, self.stride, self.pad = pool_h, pool_w, stride, pad
        self.x_shape = self.xp = self.out = None

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
        out_h, out_w = conv_output_size(H, ph, self.stride, p), conv_output_size(W, pw, self.stride, p)
        self.x_shape, self.xp = x.shape, np.pad(x, [(0, 0), (0, 0), (p, p), (p, p)]) if p else x
        self.out = None
        for rows, cols in self._offsets(out_h, out_w):
            here = self.xp[:, :, rows, cols]
            self.out = here.copy() if self.out is None else np.maximum(self.out, here)
        return self.out

    def backward(self, dout):
        N, C, H, W = self.x_shape
        p, s = self.pad, self.stride
        dx = np.zeros((N, C, H + 2 * p + s - 1, W + 2 * p + s - 1), dtype=dout.dtype)
        unclaimed = np.ones(self.out.shape, dtype=bool)  # windows whose maximum is not found yet
        for rows, cols in self._offsets(*dout.shape[2:]):
            hit = self.xp[:, :, rows, cols] == self.out
            hit &= unclaimed  # the first maximum of a window takes the gradient
            unclaimed &= ~hit
            dx[:, :, rows, cols] += dout * hit
        return dx[:, :, p : H + p, p : W + p]
