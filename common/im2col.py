"""im2col and col2im: every filter window of an image batch as one row of a matrix, and back.

A convolution then becomes one matrix product (common.layers.Convolution), and its
backward pass the product's backward followed by col2im, the adjoint of im2col.
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv_output_size(input_size, filter_size, stride=1, pad=0):
    """The book's: (input + 2*pad - filter) / stride + 1, a float (24.0 for 28, 5).

    A size that is not whole means the filter does not tile the input. Our own
    code uses output_length, the int number of filter positions.
    """
    return (input_size + 2 * pad - filter_size) / stride + 1


def output_length(input_size, filter_size, stride=1, pad=0):
    """Number of filter positions along one axis, an int: (input + 2*pad - filter) // stride + 1."""
    return (input_size + 2 * pad - filter_size) // stride + 1


def im2col(input_data, filter_h, filter_w, stride=1, pad=0):
    """Unfold every filter window of x (N, C, H, W) into one row.

    Returns (N*OH*OW, C*filter_h*filter_w): rows in (n, oh, ow) order, columns
    in (c, fh, fw) order, as in the book. No Python loop: a strided window view.
    """
    windows = filter_windows(input_data, filter_h, filter_w, stride, pad)  # (N, C, OH, OW, fh, fw)
    N, _, out_h, out_w = windows.shape[:4]
    return windows.transpose(0, 2, 3, 1, 4, 5).reshape(N * out_h * out_w, -1)


def filter_windows(x, filter_h, filter_w, stride=1, pad=0):
    """A strided view of every filter window of x (N, C, H, W) (zero-padded first):
    (N, C, OH, OW, filter_h, filter_w). Nothing is copied but the padding."""
    _, _, H, W = x.shape
    out_h = output_length(H, filter_h, stride, pad)
    out_w = output_length(W, filter_w, stride, pad)
    img = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)]) if pad else x
    windows = sliding_window_view(img, (filter_h, filter_w), axis=(2, 3))  # (N, C, H', W', fh, fw)
    return windows[:, :, : stride * out_h : stride, : stride * out_w : stride]


def col2im(col, input_shape, filter_h, filter_w, stride=1, pad=0):
    """The adjoint of im2col: add every row of col (N*OH*OW, C*fh*fw) back into
    its window of an (N, C, H, W) image. Loops over the fh*fw filter offsets only.
    """
    N, C, H, W = input_shape
    out_h = output_length(H, filter_h, stride, pad)
    out_w = output_length(W, filter_w, stride, pad)
    col = col.reshape(N, out_h, out_w, C, filter_h, filter_w).transpose(0, 3, 4, 5, 1, 2)
    img = np.zeros((N, C, H + 2 * pad + stride - 1, W + 2 * pad + stride - 1), dtype=col.dtype)
    for y in range(filter_h):
        y_max = y + stride * out_h
        for x in range(filter_w):
            x_max = x + stride * out_w
            img[:, :, y:y_max:stride, x:x_max:stride] += col[:, :, y, x, :, :]
    return img[:, :, pad : H + pad, pad : W + pad]
