"""The same math as common.layers' Affine, Convolution and Pooling, rearranged for speed.

The notebooks teach the layers of common.layers; the networks train with these, which
tests/test_fast_layers.py holds equal to them (outputs and every gradient):

- FastAffine(need_dx=False), for a network's first layer: its input is the data, whose
  gradient nobody uses, so backward sets dW and db and skips dx = dout W^T.
- FastConvolution keeps im2col one image at a time, transposed, with a row of ones for the
  bias: one product gives the output already in (N, FN, OH, OW) order, bias included, and
  one product in backward gives dW and db together. need_dx=False skips the input's
  gradient, for a first layer whose input is the data.
- FastPooling takes the maximum over the pool_h * pool_w window offsets, each offset of
  every window at once, instead of going through im2col, and keeps each window's offset
  of its first maximum; backward writes dout there.
"""
import numpy as np

from common.functions import as_float_array
from common.im2col import filter_windows, output_length
from common.layers import Affine
from common.validate import check_dout, check_filters, check_images, check_ints, check_window


class FastAffine(Affine):
    """Affine (x @ W + b) whose backward skips dx with need_dx=False (then it returns None)."""

    def __init__(self, W, b, need_dx=True):
        super().__init__(W, b)
        self.need_dx = need_dx

    def backward(self, dout):
        if self.need_dx:
            return super().backward(dout)
        check_dout(self, dout, None if self.x is None else (len(self.x), self.W.shape[1]))
        self.dW = (self.x.T @ dout).astype(self.W.dtype, copy=False)
        self.db = np.sum(dout, axis=0).astype(self.b.dtype, copy=False)
        return None


def im2col_per_image(x, filter_h, filter_w, stride=1, pad=0, ones_row=False):
    """im2col's numbers laid out one image at a time, a window per column:
    x (N, C, H, W) -> cols (N, C*filter_h*filter_w, OH*OW), rows in (c, fh, fw) order.

    cols[n] is im2col(x[n:n+1], ...).T, so filters (FN, C*fh*fw) @ cols gives the
    convolution already in (N, FN, OH*OW) order. Copied from a strided window view
    with the output positions innermost, where they are contiguous in x.
    ones_row=True appends a row of ones, (N, C*fh*fw + 1, OH*OW): then a bias can
    ride along as the weight of that constant input.
    """
    windows = filter_windows(x, filter_h, filter_w, stride, pad)  # (N, C, OH, OW, fh, fw)
    N, C, out_h, out_w = windows.shape[:4]
    rows = C * filter_h * filter_w
    cols = np.empty((N, rows + ones_row, out_h * out_w), dtype=x.dtype)
    cols[:, rows:] = 1
    # a view into cols (splitting the axes of a slice never copies), filled by one strided copy
    cols[:, :rows].reshape(N, C, filter_h, filter_w, out_h, out_w)[...] = windows.transpose(0, 1, 4, 5, 2, 3)
    return cols


def col2im_per_image(cols, input_shape, filter_h, filter_w, stride=1, pad=0):
    """The adjoint of im2col_per_image: add every column of cols (N, C*fh*fw, OH*OW)
    back into its window of an (N, C, H, W) image. Loops over the fh*fw filter offsets,
    each adding one (N, C, OH, OW) block of contiguous rows.
    """
    N, C, H, W = input_shape
    out_h = output_length(H, filter_h, stride, pad)
    out_w = output_length(W, filter_w, stride, pad)
    cols = cols.reshape(N, C, filter_h, filter_w, out_h, out_w)
    img = np.zeros((N, C, H + 2 * pad, W + 2 * pad), dtype=cols.dtype)
    for y in range(filter_h):
        for x in range(filter_w):  # slices end inside img: the last window fits
            img[:, :, y : y + stride * out_h : stride, x : x + stride * out_w : stride] += cols[:, :, y, x]
    return img[:, :, pad : H + pad, pad : W + pad] if pad else img


class FastConvolution:
    """Convolution's math with im2col kept per image: W (FN, C, FH, FW), b (FN,);
    x (N, C, H, W) -> out (N, FN, OH, OW), the same numbers as common.layers.Convolution.

    cols (N, C*FH*FW + 1, OH*OW) holds each image's windows as columns, with a row of ones
    below. The filters as rows with the bias as one more weight, that of the constant 1,
    (FN, C*FH*FW + 1), times cols give out in (N, FN, OH*OW) order, bias included, with
    no transpose; in backward one product gives dW and db. need_dx=False: backward sets
    dW and db and returns None (for a first layer, whose input is the data).
    """

    def __init__(self, W, b, stride=1, pad=0, need_dx=True):
        b = check_filters(self, W, b)
        check_ints(self, stride=(stride, 1), pad=(pad, 0))
        self.W = W
        self.b = b
        self.stride = stride
        self.pad = pad
        self.need_dx = need_dx
        self.x = None      # (N, C, H, W): the input
        self.cols = None   # (N, C*FH*FW + 1, OH*OW): its windows, one per column, image by image; ones
        self.dW = None
        self.db = None

    def output_shape(self, x_shape):
        """(N, FN, OH, OW) for an input of shape (N, C, H, W)."""
        N, _, H, W = x_shape
        FN, _, FH, FW = self.W.shape
        return N, FN, output_length(H, FH, self.stride, self.pad), output_length(W, FW, self.stride, self.pad)

    def forward(self, x):
        x = as_float_array(x)
        FN, C, FH, FW = self.W.shape
        check_images(self, x, ("W", self.W))
        check_window(self, x, FH, FW, self.pad, "filter")
        self.x = x
        self.cols = im2col_per_image(x, FH, FW, self.stride, self.pad, ones_row=True)  # (N, C*FH*FW + 1, OH*OW)
        filters_and_bias = np.hstack([self.W.reshape(FN, -1), self.b.reshape(FN, 1)])  # (FN, C*FH*FW + 1)
        return (filters_and_bias @ self.cols).reshape(self.output_shape(x.shape))

    def backward(self, dout):
        check_dout(self, dout, None if self.x is None else self.output_shape(self.x.shape))
        FN, C, FH, FW = self.W.shape
        dout = dout.reshape(dout.shape[0], FN, -1)                      # (N, FN, OH*OW)
        dW_db = (dout @ self.cols.transpose(0, 2, 1)).sum(axis=0)      # (FN, C*FH*FW + 1)
        self.dW = dW_db[:, :-1].reshape(self.W.shape).astype(self.W.dtype, copy=False)
        self.db = dW_db[:, -1].astype(self.b.dtype, copy=False)        # the weight of the ones: sum of dout
        if not self.need_dx:
            return None
        dcols = self.W.reshape(FN, -1).T @ dout                         # (N, C*FH*FW, OH*OW)
        return col2im_per_image(dcols, self.x.shape, FH, FW, self.stride, self.pad)


class FastPooling:
    """Pooling's math by window offsets: max pooling over pool_h x pool_w windows,
    (N, C, H, W) -> (N, C, OH, OW), the same numbers as common.layers.Pooling.

    Both passes loop over the pool_h * pool_w offsets (i, j) within a window, each time
    handling that offset of every window at once. forward keeps, in `offset`, the
    k = i * pool_w + j of each window's first maximum; backward sends the gradient there.
    """

    def __init__(self, pool_h, pool_w, stride=1, pad=0):
        check_ints(self, pool_h=(pool_h, 1), pool_w=(pool_w, 1), stride=(stride, 1), pad=(pad, 0))
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
        check_images(self, x)
        ph, pw, p = self.pool_h, self.pool_w, self.pad
        check_window(self, x, ph, pw, p)
        N, C, H, W = x.shape
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
        return self.out  # backward reads only its shape: the caller may change it

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
        """The book's arg_max: for each window, the index (row-major in pool_h x pool_w) of its
        first maximum, flat in (N, OH, OW, C) order: `offset`, in the book's order."""
        return None if self.offset is None else self.offset.transpose(0, 2, 3, 1).astype(np.intp).ravel()
