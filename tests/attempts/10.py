"""A learner's attempts at the exercises of notebook 10 (convolutional networks), as data for a replay.

ATTEMPTS: (exercise name, label, expected verdict "PASS" or "FAIL", code, check). `code` defines the
learner's names (with its own imports); `check` is the notebook's own check cell, whose last line is
the check call (an expression whose value is the verdict). Run `code`, then `check`, in one fresh
namespace. The correct alternatives are written differently from the notebook's solutions (another
order, a loop, einsum, float32, ...); the wrong ones are the usual slips. For the two backward
exercises the code holds the forward pass the notebook gives, then the learner's backward.
"""

OUTPUT_SIZE_CHECK = """\
import numpy as np
from common.layers import Convolution
from common.selfcheck import check_values


def conv_height(H, FH, stride, pad):  # the grader: the height of a real Convolution layer's output
    layer = Convolution(np.zeros((1, 1, FH, FH)), np.zeros(1), stride, pad)
    return layer.forward(np.zeros((1, 1, H, H))).shape[2]


cases = [(4, 3, 1, 0), (28, 5, 1, 0), (28, 5, 1, 2), (28, 5, 2, 2), (7, 3, 2, 1), (10, 3, 3, 0), (9, 2, 2, 0)]
check_values(output_size, conv_height, cases)
"""

CONV_FORWARD_CHECK = """\
from common.selfcheck.convolution import check_conv_forward

check_conv_forward(conv_forward)
"""

CONVOLUTION_CHECK = """\
from common.selfcheck.convolution import check_convolution

check_convolution(MyConvolution)
"""

MAX_POOLING_CHECK = """\
from common.selfcheck.convolution import check_pooling

check_pooling(MyMaxPooling, kind="max")
"""

AVG_POOLING_CHECK = """\
from common.selfcheck.convolution import check_pooling

check_pooling(AvgPooling, kind="average")
"""

# The forward passes that the notebook's skeletons give (the learner writes backward below them).
CONVOLUTION_FORWARD = """\
import numpy as np
from common.util import col2im, im2col


class MyConvolution:
    def __init__(self, W, b, stride=1, pad=0):
        self.W, self.b, self.stride, self.pad = W, b, stride, pad

    def forward(self, x):
        FN, C, FH, FW = self.W.shape
        N, _, H, W = x.shape
        out_h = (H + 2 * self.pad - FH) // self.stride + 1
        out_w = (W + 2 * self.pad - FW) // self.stride + 1
        col = im2col(x, FH, FW, self.stride, self.pad)
        col_W = self.W.reshape(FN, -1).T
        out = col @ col_W + self.b
        self.x, self.col, self.col_W = x, col, col_W
        return out.reshape(N, out_h, out_w, FN).transpose(0, 3, 1, 2)

"""

MAX_POOLING_FORWARD = """\
import numpy as np
from common.util import col2im, im2col


class MyMaxPooling:
    def __init__(self, pool_h, pool_w, stride=1, pad=0):
        self.pool_h, self.pool_w, self.stride, self.pad = pool_h, pool_w, stride, pad

    def forward(self, x):
        N, C, H, W = x.shape
        out_h = (H + 2 * self.pad - self.pool_h) // self.stride + 1
        out_w = (W + 2 * self.pad - self.pool_w) // self.stride + 1
        col = im2col(x, self.pool_h, self.pool_w, self.stride, self.pad)
        col = col.reshape(-1, self.pool_h * self.pool_w)
        self.x = x
        self.arg_max = np.argmax(col, axis=1)
        out = np.max(col, axis=1)
        return out.reshape(N, out_h, out_w, C).transpose(0, 3, 1, 2)

"""

AVG_INIT = """\
import numpy as np
from common.util import col2im, im2col


class AvgPooling:
    def __init__(self, pool_h, pool_w, stride=1, pad=0):
        self.pool_h, self.pool_w, self.stride, self.pad = pool_h, pool_w, stride, pad

"""

AVG_FORWARD = """\
    def forward(self, x):
        N, C, H, W = x.shape
        self.x_shape = x.shape
        out_h = (H + 2 * self.pad - self.pool_h) // self.stride + 1
        out_w = (W + 2 * self.pad - self.pool_w) // self.stride + 1
        col = im2col(x, self.pool_h, self.pool_w, self.stride, self.pad).reshape(-1, self.pool_h * self.pool_w)
        return col.mean(axis=1).reshape(N, out_h, out_w, C).transpose(0, 3, 1, 2)

"""

ATTEMPTS = [
    # ---------- output_size ----------
    ("output_size", "math.floor of the true quotient", "PASS", """\
import math

def output_size(H, FH, stride, pad):
    return math.floor((H + 2 * pad - FH) / stride) + 1
""", OUTPUT_SIZE_CHECK),
    ("output_size", "a loop that moves the filter until it sticks out", "PASS", """\
def output_size(H, FH, stride, pad):
    count, top = 0, 0
    while top + FH <= H + 2 * pad:
        count += 1
        top += stride
    return count
""", OUTPUT_SIZE_CHECK),
    ("output_size", "the length of the range of top positions", "PASS", """\
def output_size(H, FH, stride, pad):
    return len(range(0, H + 2 * pad - FH + 1, stride))
""", OUTPUT_SIZE_CHECK),
    ("output_size", "a NumPy integer", "PASS", """\
import numpy as np

def output_size(H, FH, stride, pad):
    return np.int64(np.floor_divide(H + 2 * pad - FH, stride) + 1)
""", OUTPUT_SIZE_CHECK),
    ("output_size", "the book's fraction without the floor", "FAIL", """\
def output_size(H, FH, stride, pad):
    return (H + 2 * pad - FH) / stride + 1
""", OUTPUT_SIZE_CHECK),
    ("output_size", "padding added on one side only", "FAIL", """\
def output_size(H, FH, stride, pad):
    return (H + pad - FH) // stride + 1
""", OUTPUT_SIZE_CHECK),
    ("output_size", "the first position not counted (+1 missing)", "FAIL", """\
def output_size(H, FH, stride, pad):
    return (H + 2 * pad - FH) // stride
""", OUTPUT_SIZE_CHECK),
    ("output_size", "padding ignored", "FAIL", """\
def output_size(H, FH, stride, pad):
    return (H - FH) // stride + 1
""", OUTPUT_SIZE_CHECK),
    ("output_size", "the +1 inside the division", "FAIL", """\
def output_size(H, FH, stride, pad):
    return (H + 2 * pad - FH + 1) // stride
""", OUTPUT_SIZE_CHECK),
    ("output_size", "rounded instead of floored", "FAIL", """\
def output_size(H, FH, stride, pad):
    return round((H + 2 * pad - FH) / stride) + 1
""", OUTPUT_SIZE_CHECK),

    # ---------- conv_forward ----------
    ("conv_forward", "einsum over the window axis, np.moveaxis", "PASS", """\
import numpy as np
from common.util import im2col

def conv_forward(x, W, b, stride=1, pad=0):
    N, C, H, Wd = x.shape
    FN, _, FH, FW = W.shape
    OH, OW = (H + 2 * pad - FH) // stride + 1, (Wd + 2 * pad - FW) // stride + 1
    col = im2col(x, FH, FW, stride, pad)
    out = np.einsum("rk,fk->rf", col, W.reshape(FN, -1)) + b
    return np.moveaxis(out.reshape(N, OH, OW, FN), 3, 1)
""", CONV_FORWARD_CHECK),
    ("conv_forward", "filters times windows, the product the other way round", "PASS", """\
import numpy as np
from common.util import im2col

def conv_forward(x, W, b, stride=1, pad=0):
    N = x.shape[0]
    FN, C, FH, FW = W.shape
    OH = (x.shape[2] + 2 * pad - FH) // stride + 1
    OW = (x.shape[3] + 2 * pad - FW) // stride + 1
    col = im2col(x, FH, FW, stride, pad)                   # (N*OH*OW, C*FH*FW)
    out = W.reshape(FN, -1) @ col.T + b.reshape(FN, 1)     # (FN, N*OH*OW)
    return out.reshape(FN, N, OH, OW).transpose(1, 0, 2, 3)
""", CONV_FORWARD_CHECK),
    ("conv_forward", "the book's np.dot, in float32", "PASS", """\
import numpy as np
from common.util import im2col

def conv_forward(x, W, b, stride=1, pad=0):
    x, W, b = x.astype(np.float32), W.astype(np.float32), b.astype(np.float32)
    FN, C, FH, FW = W.shape
    N, C, H, W_ = x.shape
    out_h = 1 + int((H + 2 * pad - FH) / stride)
    out_w = 1 + int((W_ + 2 * pad - FW) / stride)
    col = im2col(x, FH, FW, stride, pad)
    col_W = W.reshape(FN, -1).T
    out = np.dot(col, col_W) + b
    return out.reshape(N, out_h, out_w, -1).transpose(0, 3, 1, 2)
""", CONV_FORWARD_CHECK),
    ("conv_forward", "returns nested lists", "PASS", """\
import numpy as np
from common.util import im2col

def conv_forward(x, W, b, stride=1, pad=0):
    FN, C, FH, FW = W.shape
    OH = (x.shape[2] + 2 * pad - FH) // stride + 1
    OW = (x.shape[3] + 2 * pad - FW) // stride + 1
    out = im2col(x, FH, FW, stride, pad) @ W.reshape(FN, -1).T + b
    return out.reshape(len(x), OH, OW, FN).transpose(0, 3, 1, 2).tolist()
""", CONV_FORWARD_CHECK),
    ("conv_forward", "reshaped straight to (N, FN, OH, OW)", "FAIL", """\
from common.util import im2col

def conv_forward(x, W, b, stride=1, pad=0):
    FN, C, FH, FW = W.shape
    OH = (x.shape[2] + 2 * pad - FH) // stride + 1
    OW = (x.shape[3] + 2 * pad - FW) // stride + 1
    out = im2col(x, FH, FW, stride, pad) @ W.reshape(FN, -1).T + b
    return out.reshape(len(x), FN, OH, OW)
""", CONV_FORWARD_CHECK),
    ("conv_forward", "the bias forgotten", "FAIL", """\
from common.util import im2col

def conv_forward(x, W, b, stride=1, pad=0):
    FN, C, FH, FW = W.shape
    OH = (x.shape[2] + 2 * pad - FH) // stride + 1
    OW = (x.shape[3] + 2 * pad - FW) // stride + 1
    out = im2col(x, FH, FW, stride, pad) @ W.reshape(FN, -1).T
    return out.reshape(len(x), OH, OW, FN).transpose(0, 3, 1, 2)
""", CONV_FORWARD_CHECK),
    ("conv_forward", "the filters reshaped to (C*FH*FW, FN) directly", "FAIL", """\
from common.util import im2col

def conv_forward(x, W, b, stride=1, pad=0):
    FN, C, FH, FW = W.shape
    OH = (x.shape[2] + 2 * pad - FH) // stride + 1
    OW = (x.shape[3] + 2 * pad - FW) // stride + 1
    out = im2col(x, FH, FW, stride, pad) @ W.reshape(-1, FN) + b
    return out.reshape(len(x), OH, OW, FN).transpose(0, 3, 1, 2)
""", CONV_FORWARD_CHECK),
    ("conv_forward", "the filter axis left last", "FAIL", """\
from common.util import im2col

def conv_forward(x, W, b, stride=1, pad=0):
    FN, C, FH, FW = W.shape
    OH = (x.shape[2] + 2 * pad - FH) // stride + 1
    OW = (x.shape[3] + 2 * pad - FW) // stride + 1
    out = im2col(x, FH, FW, stride, pad) @ W.reshape(FN, -1).T + b
    return out.reshape(len(x), OH, OW, FN)
""", CONV_FORWARD_CHECK),
    ("conv_forward", "the output size counted without stride and padding", "FAIL", """\
from common.util import im2col

def conv_forward(x, W, b, stride=1, pad=0):
    FN, C, FH, FW = W.shape
    OH, OW = x.shape[2] - FH + 1, x.shape[3] - FW + 1
    out = im2col(x, FH, FW, stride, pad) @ W.reshape(FN, -1).T + b
    return out.reshape(len(x), OH, OW, FN).transpose(0, 3, 1, 2)
""", CONV_FORWARD_CHECK),
    ("conv_forward", "im2col called without stride and pad", "FAIL", """\
from common.util import im2col

def conv_forward(x, W, b, stride=1, pad=0):
    FN, C, FH, FW = W.shape
    OH = (x.shape[2] + 2 * pad - FH) // stride + 1
    OW = (x.shape[3] + 2 * pad - FW) // stride + 1
    out = im2col(x, FH, FW) @ W.reshape(FN, -1).T + b
    return out.reshape(len(x), OH, OW, FN).transpose(0, 3, 1, 2)
""", CONV_FORWARD_CHECK),
    ("conv_forward", "a true convolution: the filters flipped", "FAIL", """\
from common.util import im2col

def conv_forward(x, W, b, stride=1, pad=0):
    W = W[:, :, ::-1, ::-1]
    FN, C, FH, FW = W.shape
    OH = (x.shape[2] + 2 * pad - FH) // stride + 1
    OW = (x.shape[3] + 2 * pad - FW) // stride + 1
    out = im2col(x, FH, FW, stride, pad) @ W.reshape(FN, -1).T + b
    return out.reshape(len(x), OH, OW, FN).transpose(0, 3, 1, 2)
""", CONV_FORWARD_CHECK),
    ("conv_forward", "centres x in place (x -= x.mean())", "FAIL", """\
import numpy as np
from common.util import im2col

def conv_forward(x, W, b, stride=1, pad=0):
    x -= x.mean()  # 'centre the image' (it changes the caller's array, and the result)
    FN, C, FH, FW = W.shape
    OH = (x.shape[2] + 2 * pad - FH) // stride + 1
    OW = (x.shape[3] + 2 * pad - FW) // stride + 1
    out = im2col(x, FH, FW, stride, pad) @ W.reshape(FN, -1).T + b
    return out.reshape(len(x), OH, OW, FN).transpose(0, 3, 1, 2)
""", CONV_FORWARD_CHECK),

    # ---------- MyConvolution (backward through col2im) ----------
    ("MyConvolution", "einsum for all three gradients", "PASS", CONVOLUTION_FORWARD + """\
    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        rows = np.moveaxis(dout, 1, -1).reshape(-1, FN)
        self.dW = np.einsum("rk,rf->fk", self.col, rows).reshape(self.W.shape)
        self.db = np.einsum("rf->f", rows)
        dcol = np.einsum("rf,kf->rk", rows, self.col_W)
        return col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)
""", CONVOLUTION_CHECK),
    ("MyConvolution", "a loop over output pixels, no col2im", "PASS", CONVOLUTION_FORWARD + """\
    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        s, p = self.stride, self.pad
        padded = np.pad(self.x, [(0, 0), (0, 0), (p, p), (p, p)])
        dpadded = np.zeros_like(padded)
        self.dW, self.db = np.zeros_like(self.W), dout.sum(axis=(0, 2, 3))
        for i in range(dout.shape[2]):
            for j in range(dout.shape[3]):
                window = padded[:, :, i * s:i * s + FH, j * s:j * s + FW]
                g = dout[:, :, i, j]                                      # (N, FN)
                self.dW += np.tensordot(g, window, axes=([0], [0]))        # (FN, C, FH, FW)
                dpadded[:, :, i * s:i * s + FH, j * s:j * s + FW] += np.tensordot(g, self.W, axes=([1], [0]))
        H, W = self.x.shape[2:]
        return dpadded[:, :, p:p + H, p:p + W]
""", CONVOLUTION_CHECK),
    ("MyConvolution", "the transposes the other way round, in float32", "PASS", CONVOLUTION_FORWARD + """\
    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        rows = dout.astype(np.float32).transpose(0, 2, 3, 1).reshape(-1, FN)
        self.db = rows.sum(axis=0)
        self.dW = (rows.T @ self.col.astype(np.float32)).reshape(FN, C, FH, FW)
        dcol = rows @ self.W.reshape(FN, -1).astype(np.float32)
        return col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)
""", CONVOLUTION_CHECK),
    ("MyConvolution", "the book's lines, with np.dot", "PASS", CONVOLUTION_FORWARD + """\
    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        dout = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
        self.db = np.sum(dout, axis=0)
        self.dW = np.dot(self.col.T, dout)
        self.dW = self.dW.transpose(1, 0).reshape(FN, C, FH, FW)
        dcol = np.dot(dout, self.col_W.T)
        dx = col2im(dcol, self.x.shape, FH, FW, self.stride, self.pad)
        return dx
""", CONVOLUTION_CHECK),
    ("MyConvolution", "dW reshaped without the transpose", "FAIL", CONVOLUTION_FORWARD + """\
    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        rows = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
        self.db = rows.sum(axis=0)
        self.dW = (self.col.T @ rows).reshape(FN, C, FH, FW)
        return col2im(rows @ self.col_W.T, self.x.shape, FH, FW, self.stride, self.pad)
""", CONVOLUTION_CHECK),
    ("MyConvolution", "dout reshaped without moving the filter axis last", "FAIL", CONVOLUTION_FORWARD + """\
    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        rows = dout.reshape(-1, FN)
        self.db = rows.sum(axis=0)
        self.dW = (self.col.T @ rows).T.reshape(FN, C, FH, FW)
        return col2im(rows @ self.col_W.T, self.x.shape, FH, FW, self.stride, self.pad)
""", CONVOLUTION_CHECK),
    ("MyConvolution", "returns the gradient of col, without col2im", "FAIL", CONVOLUTION_FORWARD + """\
    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        rows = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
        self.db = rows.sum(axis=0)
        self.dW = (self.col.T @ rows).T.reshape(FN, C, FH, FW)
        return rows @ self.col_W.T
""", CONVOLUTION_CHECK),
    ("MyConvolution", "db as the mean over the windows", "FAIL", CONVOLUTION_FORWARD + """\
    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        rows = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
        self.db = rows.mean(axis=0)
        self.dW = (self.col.T @ rows).T.reshape(FN, C, FH, FW)
        return col2im(rows @ self.col_W.T, self.x.shape, FH, FW, self.stride, self.pad)
""", CONVOLUTION_CHECK),
    ("MyConvolution", "dW and db divided by the batch size", "FAIL", CONVOLUTION_FORWARD + """\
    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        N = dout.shape[0]
        rows = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
        self.db = rows.sum(axis=0) / N
        self.dW = (self.col.T @ rows).T.reshape(FN, C, FH, FW) / N
        return col2im(rows @ self.col_W.T, self.x.shape, FH, FW, self.stride, self.pad)
""", CONVOLUTION_CHECK),
    ("MyConvolution", "db summed over the batch only", "FAIL", CONVOLUTION_FORWARD + """\
    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        self.db = dout.sum(axis=0)
        rows = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
        self.dW = (self.col.T @ rows).T.reshape(FN, C, FH, FW)
        return col2im(rows @ self.col_W.T, self.x.shape, FH, FW, self.stride, self.pad)
""", CONVOLUTION_CHECK),
    ("MyConvolution", "col2im without forward's padding", "FAIL", CONVOLUTION_FORWARD + """\
    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        rows = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
        self.db = rows.sum(axis=0)
        self.dW = (self.col.T @ rows).T.reshape(FN, C, FH, FW)
        return col2im(rows @ self.col_W.T, self.x.shape, FH, FW, self.stride)
""", CONVOLUTION_CHECK),
    ("MyConvolution", "dcol with col_W not transposed", "FAIL", CONVOLUTION_FORWARD + """\
    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        rows = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
        self.db = rows.sum(axis=0)
        self.dW = (self.col.T @ rows).T.reshape(FN, C, FH, FW)
        return col2im(rows @ self.col_W, self.x.shape, FH, FW, self.stride, self.pad)
""", CONVOLUTION_CHECK),
    ("MyConvolution", "dx with the wrong sign", "FAIL", CONVOLUTION_FORWARD + """\
    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        rows = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
        self.db = rows.sum(axis=0)
        self.dW = (self.col.T @ rows).T.reshape(FN, C, FH, FW)
        return -col2im(rows @ self.col_W.T, self.x.shape, FH, FW, self.stride, self.pad)
""", CONVOLUTION_CHECK),
    ("MyConvolution", "scales the kept col in place, so a second backward differs", "FAIL", CONVOLUTION_FORWARD + """\
    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        rows = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
        self.db = rows.sum(axis=0)
        self.col *= 1.0 + 1e-3
        self.dW = (self.col.T @ rows).T.reshape(FN, C, FH, FW)
        return col2im(rows @ self.col_W.T, self.x.shape, FH, FW, self.stride, self.pad)
""", CONVOLUTION_CHECK),
    ("MyConvolution", "an __init__ that raises", "FAIL", """\
import numpy as np

class MyConvolution:
    def __init__(self, W, b, stride=1, pad=0):
        self.FN, self.C = W.shape  # W has four axes: too many values to unpack

    def forward(self, x):
        return x

    def backward(self, dout):
        return dout
""", CONVOLUTION_CHECK),
    ("MyConvolution", "an instance passed instead of the class", "FAIL", CONVOLUTION_FORWARD + """\
    def backward(self, dout):
        FN, C, FH, FW = self.W.shape
        rows = dout.transpose(0, 2, 3, 1).reshape(-1, FN)
        self.db = rows.sum(axis=0)
        self.dW = (self.col.T @ rows).T.reshape(FN, C, FH, FW)
        return col2im(rows @ self.col_W.T, self.x.shape, FH, FW, self.stride, self.pad)


MyConvolution = MyConvolution(np.zeros((1, 1, 3, 3)), np.zeros(1))
""", CONVOLUTION_CHECK),

    # ---------- MyMaxPooling (backward through arg_max and col2im) ----------
    ("MyMaxPooling", "a mask of each row's maximum, by comparison", "PASS", MAX_POOLING_FORWARD + """\
    def backward(self, dout):
        k = self.pool_h * self.pool_w
        col = im2col(self.x, self.pool_h, self.pool_w, self.stride, self.pad).reshape(-1, k)
        is_max = col == col.max(axis=1, keepdims=True)
        rows = np.moveaxis(dout, 1, -1).reshape(-1, 1) * is_max       # (N*OH*OW*C, k)
        N, C, OH, OW = dout.shape
        return col2im(rows.reshape(N * OH * OW, -1), self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)
""", MAX_POOLING_CHECK),
    ("MyMaxPooling", "a loop over windows that adds into the padded image", "PASS", MAX_POOLING_FORWARD + """\
    def backward(self, dout):
        N, C, H, W = self.x.shape
        s, p = self.stride, self.pad
        dpadded = np.zeros((N, C, H + 2 * p, W + 2 * p))
        _, _, OH, OW = dout.shape
        where = self.arg_max.reshape(N, OH, OW, C)
        for n in range(N):
            for i in range(OH):
                for j in range(OW):
                    for c in range(C):
                        r, q = divmod(where[n, i, j, c], self.pool_w)
                        dpadded[n, c, i * s + r, j * s + q] += dout[n, c, i, j]
        return dpadded[:, :, p:p + H, p:p + W]
""", MAX_POOLING_CHECK),
    ("MyMaxPooling", "np.put_along_axis, in float32", "PASS", MAX_POOLING_FORWARD + """\
    def backward(self, dout):
        k = self.pool_h * self.pool_w
        flat = dout.astype(np.float32).transpose(0, 2, 3, 1).reshape(-1, 1)
        dmax = np.zeros((flat.shape[0], k), dtype=np.float32)
        np.put_along_axis(dmax, self.arg_max[:, None], flat, axis=1)
        N, C, OH, OW = dout.shape
        return col2im(dmax.reshape(N * OH * OW, C * k), self.x.shape, self.pool_h, self.pool_w, self.stride,
                      self.pad)
""", MAX_POOLING_CHECK),
    ("MyMaxPooling", "the book's lines, returned as nested lists", "PASS", MAX_POOLING_FORWARD + """\
    def backward(self, dout):
        dout = dout.transpose(0, 2, 3, 1)
        pool_size = self.pool_h * self.pool_w
        dmax = np.zeros((dout.size, pool_size))
        dmax[np.arange(self.arg_max.size), self.arg_max.flatten()] = dout.flatten()
        dmax = dmax.reshape(dout.shape + (pool_size,))
        dcol = dmax.reshape(dmax.shape[0] * dmax.shape[1] * dmax.shape[2], -1)
        return col2im(dcol, self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad).tolist()
""", MAX_POOLING_CHECK),
    ("MyMaxPooling", "a loop that assigns (=) where windows overlap", "FAIL", MAX_POOLING_FORWARD + """\
    def backward(self, dout):
        N, C, H, W = self.x.shape
        s, p = self.stride, self.pad
        dpadded = np.zeros((N, C, H + 2 * p, W + 2 * p))
        _, _, OH, OW = dout.shape
        where = self.arg_max.reshape(N, OH, OW, C)
        for n in range(N):
            for i in range(OH):
                for j in range(OW):
                    for c in range(C):
                        r, q = divmod(where[n, i, j, c], self.pool_w)
                        dpadded[n, c, i * s + r, j * s + q] = dout[n, c, i, j]
        return dpadded[:, :, p:p + H, p:p + W]
""", MAX_POOLING_CHECK),
    ("MyMaxPooling", "dout spread in its own (N, C, OH, OW) order", "FAIL", MAX_POOLING_FORWARD + """\
    def backward(self, dout):
        k = self.pool_h * self.pool_w
        dmax = np.zeros((dout.size, k))
        dmax[np.arange(self.arg_max.size), self.arg_max] = dout.ravel()
        N, C, OH, OW = dout.shape
        return col2im(dmax.reshape(N * OH * OW, -1), self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)
""", MAX_POOLING_CHECK),
    ("MyMaxPooling", "the gradient to every position of the window", "FAIL", MAX_POOLING_FORWARD + """\
    def backward(self, dout):
        k = self.pool_h * self.pool_w
        rows = np.repeat(dout.transpose(0, 2, 3, 1).reshape(-1, 1), k, axis=1)
        N, C, OH, OW = dout.shape
        return col2im(rows.reshape(N * OH * OW, -1), self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)
""", MAX_POOLING_CHECK),
    ("MyMaxPooling", "the window's gradient spread evenly (average pooling's)", "FAIL", MAX_POOLING_FORWARD + """\
    def backward(self, dout):
        k = self.pool_h * self.pool_w
        rows = np.repeat(dout.transpose(0, 2, 3, 1).reshape(-1, 1) / k, k, axis=1)
        N, C, OH, OW = dout.shape
        return col2im(rows.reshape(N * OH * OW, -1), self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)
""", MAX_POOLING_CHECK),
    ("MyMaxPooling", "returns the window rows without col2im", "FAIL", MAX_POOLING_FORWARD + """\
    def backward(self, dout):
        dout = dout.transpose(0, 2, 3, 1)
        dmax = np.zeros((dout.size, self.pool_h * self.pool_w))
        dmax[np.arange(self.arg_max.size), self.arg_max] = dout.ravel()
        return dmax
""", MAX_POOLING_CHECK),
    ("MyMaxPooling", "ones where dout belongs", "FAIL", MAX_POOLING_FORWARD + """\
    def backward(self, dout):
        dmax = np.zeros((self.arg_max.size, self.pool_h * self.pool_w))
        dmax[np.arange(self.arg_max.size), self.arg_max] = 1
        N, C, OH, OW = dout.shape
        return col2im(dmax.reshape(N * OH * OW, -1), self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)
""", MAX_POOLING_CHECK),
    ("MyMaxPooling", "writes into dout (ReLU's in-place habit)", "FAIL", MAX_POOLING_FORWARD + """\
    def backward(self, dout):
        dout[dout < 0] = 0  # 'the pooled values were ReLU'd'
        dout = dout.transpose(0, 2, 3, 1)
        dmax = np.zeros((dout.size, self.pool_h * self.pool_w))
        dmax[np.arange(self.arg_max.size), self.arg_max] = dout.ravel()
        N, OH, OW, C = dout.shape
        return col2im(dmax.reshape(N * OH * OW, -1), self.x.shape, self.pool_h, self.pool_w, self.stride, self.pad)
""", MAX_POOLING_CHECK),
    ("MyMaxPooling", "col2im per channel, rows in the wrong order", "FAIL", MAX_POOLING_FORWARD + """\
    def backward(self, dout):
        N, C, H, W = self.x.shape
        dmax = np.zeros((self.arg_max.size, self.pool_h * self.pool_w))
        dmax[np.arange(self.arg_max.size), self.arg_max] = dout.transpose(0, 2, 3, 1).ravel()
        dx = col2im(dmax, (N * C, 1, H, W), self.pool_h, self.pool_w, self.stride, self.pad)
        return dx.reshape(N, C, H, W)
""", MAX_POOLING_CHECK),

    # ---------- AvgPooling ----------
    ("AvgPooling", "im2col on each channel alone, np.repeat and col2im", "PASS", AVG_INIT + """\
    def forward(self, x):
        N, C, H, W = x.shape
        self.shape = x.shape
        OH = (H + 2 * self.pad - self.pool_h) // self.stride + 1
        OW = (W + 2 * self.pad - self.pool_w) // self.stride + 1
        col = im2col(x.reshape(N * C, 1, H, W), self.pool_h, self.pool_w, self.stride, self.pad)
        return col.mean(axis=1).reshape(N, C, OH, OW)

    def backward(self, dout):
        N, C, H, W = self.shape
        k = self.pool_h * self.pool_w
        dcol = np.repeat(dout.reshape(-1, 1) / k, k, axis=1)
        dx = col2im(dcol, (N * C, 1, H, W), self.pool_h, self.pool_w, self.stride, self.pad)
        return dx.reshape(N, C, H, W)
""", AVG_POOLING_CHECK),
    ("AvgPooling", "a loop over window offsets on the padded image", "PASS", AVG_INIT + """\
    def forward(self, x):
        N, C, H, W = x.shape
        s, p = self.stride, self.pad
        self.shape = x.shape
        OH, OW = (H + 2 * p - self.pool_h) // s + 1, (W + 2 * p - self.pool_w) // s + 1
        padded = np.pad(x, [(0, 0), (0, 0), (p, p), (p, p)])
        out = np.zeros((N, C, OH, OW))
        for a in range(self.pool_h):
            for c in range(self.pool_w):
                out += padded[:, :, a:a + s * OH:s, c:c + s * OW:s]
        return out / (self.pool_h * self.pool_w)

    def backward(self, dout):
        N, C, H, W = self.shape
        s, p = self.stride, self.pad
        _, _, OH, OW = dout.shape
        dpadded = np.zeros((N, C, H + 2 * p, W + 2 * p))
        share = dout / (self.pool_h * self.pool_w)
        for a in range(self.pool_h):
            for c in range(self.pool_w):
                dpadded[:, :, a:a + s * OH:s, c:c + s * OW:s] += share
        return dpadded[:, :, p:p + H, p:p + W]
""", AVG_POOLING_CHECK),
    ("AvgPooling", "float32 throughout", "PASS", AVG_INIT + """\
    def forward(self, x):
        x = x.astype(np.float32)
        N, C, H, W = x.shape
        self.x_shape = x.shape
        out_h = (H + 2 * self.pad - self.pool_h) // self.stride + 1
        out_w = (W + 2 * self.pad - self.pool_w) // self.stride + 1
        col = im2col(x, self.pool_h, self.pool_w, self.stride, self.pad).reshape(-1, self.pool_h * self.pool_w)
        return col.mean(axis=1).reshape(N, out_h, out_w, C).transpose(0, 3, 1, 2)

    def backward(self, dout):
        k = self.pool_h * self.pool_w
        d = dout.astype(np.float32).transpose(0, 2, 3, 1)
        dcol = np.broadcast_to(d.reshape(-1, 1) / np.float32(k), (d.size, k)).reshape(d.shape[0] * d.shape[1] * d.shape[2], -1)
        return col2im(dcol, self.x_shape, self.pool_h, self.pool_w, self.stride, self.pad)
""", AVG_POOLING_CHECK),
    ("AvgPooling", "padding ignored", "FAIL", AVG_INIT + """\
    def forward(self, x):
        N, C, H, W = x.shape
        self.x_shape = x.shape
        out_h = (H - self.pool_h) // self.stride + 1
        out_w = (W - self.pool_w) // self.stride + 1
        col = im2col(x, self.pool_h, self.pool_w, self.stride).reshape(-1, self.pool_h * self.pool_w)
        return col.mean(axis=1).reshape(N, out_h, out_w, C).transpose(0, 3, 1, 2)

    def backward(self, dout):
        k = self.pool_h * self.pool_w
        d = dout.transpose(0, 2, 3, 1)
        dcol = np.repeat(d.reshape(-1, 1) / k, k, axis=1).reshape(d.shape[0] * d.shape[1] * d.shape[2], -1)
        return col2im(dcol, self.x_shape, self.pool_h, self.pool_w, self.stride)
""", AVG_POOLING_CHECK),
    ("AvgPooling", "backward forgets the 1/k", "FAIL", AVG_INIT + AVG_FORWARD + """\
    def backward(self, dout):
        k = self.pool_h * self.pool_w
        d = dout.transpose(0, 2, 3, 1)
        dcol = np.repeat(d.reshape(-1, 1), k, axis=1).reshape(d.shape[0] * d.shape[1] * d.shape[2], -1)
        return col2im(dcol, self.x_shape, self.pool_h, self.pool_w, self.stride, self.pad)
""", AVG_POOLING_CHECK),
    ("AvgPooling", "the mean over the values that are not padding", "FAIL", AVG_INIT + """\
    def forward(self, x):
        N, C, H, W = x.shape
        self.x_shape = x.shape
        out_h = (H + 2 * self.pad - self.pool_h) // self.stride + 1
        out_w = (W + 2 * self.pad - self.pool_w) // self.stride + 1
        k = self.pool_h * self.pool_w
        col = im2col(x, self.pool_h, self.pool_w, self.stride, self.pad).reshape(-1, k)
        ones = im2col(np.ones_like(x), self.pool_h, self.pool_w, self.stride, self.pad).reshape(-1, k)
        self.count = ones.sum(axis=1, keepdims=True)
        return (col.sum(axis=1, keepdims=True) / self.count).reshape(N, out_h, out_w, C).transpose(0, 3, 1, 2)

    def backward(self, dout):
        k = self.pool_h * self.pool_w
        d = dout.transpose(0, 2, 3, 1)
        dcol = np.repeat(d.reshape(-1, 1) / self.count, k, axis=1).reshape(d.shape[0] * d.shape[1] * d.shape[2], -1)
        return col2im(dcol, self.x_shape, self.pool_h, self.pool_w, self.stride, self.pad)
""", AVG_POOLING_CHECK),
    ("AvgPooling", "the rows reshaped straight to (N, C, OH, OW)", "FAIL", AVG_INIT + """\
    def forward(self, x):
        N, C, H, W = x.shape
        self.x_shape = x.shape
        out_h = (H + 2 * self.pad - self.pool_h) // self.stride + 1
        out_w = (W + 2 * self.pad - self.pool_w) // self.stride + 1
        col = im2col(x, self.pool_h, self.pool_w, self.stride, self.pad).reshape(-1, self.pool_h * self.pool_w)
        return col.mean(axis=1).reshape(N, C, out_h, out_w)

    def backward(self, dout):
        k = self.pool_h * self.pool_w
        dcol = np.repeat(dout.reshape(-1, 1) / k, k, axis=1)
        N, C, OH, OW = dout.shape
        return col2im(dcol.reshape(N * OH * OW, -1), self.x_shape, self.pool_h, self.pool_w, self.stride, self.pad)
""", AVG_POOLING_CHECK),
    ("AvgPooling", "a loop that assigns (=) where windows overlap", "FAIL", AVG_INIT + AVG_FORWARD + """\
    def backward(self, dout):
        N, C, H, W = self.x_shape
        s, p = self.stride, self.pad
        _, _, OH, OW = dout.shape
        dpadded = np.zeros((N, C, H + 2 * p, W + 2 * p))
        for i in range(OH):
            for j in range(OW):
                dpadded[:, :, i * s:i * s + self.pool_h, j * s:j * s + self.pool_w] = \\
                    dout[:, :, i:i + 1, j:j + 1] / (self.pool_h * self.pool_w)
        return dpadded[:, :, p:p + H, p:p + W]
""", AVG_POOLING_CHECK),
    ("AvgPooling", "backward ignores dout", "FAIL", AVG_INIT + AVG_FORWARD + """\
    def backward(self, dout):
        k = self.pool_h * self.pool_w
        N, C, OH, OW = dout.shape
        dcol = np.full((N * OH * OW, C * k), 1.0 / k)
        return col2im(dcol, self.x_shape, self.pool_h, self.pool_w, self.stride, self.pad)
""", AVG_POOLING_CHECK),
    ("AvgPooling", "the maximum where the mean was asked", "FAIL", AVG_INIT + """\
    def forward(self, x):
        N, C, H, W = x.shape
        self.x_shape = x.shape
        out_h = (H + 2 * self.pad - self.pool_h) // self.stride + 1
        out_w = (W + 2 * self.pad - self.pool_w) // self.stride + 1
        col = im2col(x, self.pool_h, self.pool_w, self.stride, self.pad).reshape(-1, self.pool_h * self.pool_w)
        self.arg_max = col.argmax(axis=1)
        return col.max(axis=1).reshape(N, out_h, out_w, C).transpose(0, 3, 1, 2)

    def backward(self, dout):
        dout = dout.transpose(0, 2, 3, 1)
        dmax = np.zeros((dout.size, self.pool_h * self.pool_w))
        dmax[np.arange(self.arg_max.size), self.arg_max] = dout.ravel()
        N, OH, OW, C = dout.shape
        return col2im(dmax.reshape(N * OH * OW, -1), self.x_shape, self.pool_h, self.pool_w, self.stride, self.pad)
""", AVG_POOLING_CHECK),
    ("AvgPooling", "an __init__ with the wrong signature", "FAIL", """\
import numpy as np

class AvgPooling:
    def __init__(self, pool_size, stride=1):
        self.pool_size, self.stride = pool_size, stride

    def forward(self, x):
        return x

    def backward(self, dout):
        return dout
""", AVG_POOLING_CHECK),
]
