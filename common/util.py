"""Helpers: curve smoothing, shuffling, and im2col / col2im for convolution."""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def smooth_curve(x):
    """Smooth a loss curve with an 11-point Kaiser window (beta 2), as in the book.

    Returns an array of len(x) for len(x) >= 11.
    """
    x = np.asarray(x, dtype=np.float64)
    window_len = 11
    s = np.r_[x[window_len - 1:0:-1], x, x[-1:-window_len:-1]]
    w = np.kaiser(window_len, 2)
    y = np.convolve(w / w.sum(), s, mode="valid")
    return y[5 : len(y) - 5]


def shuffle_dataset(x, t, rng=None):
    """x and t shuffled by one permutation along axis 0 (new arrays).

    rng: a numpy Generator; None uses np.random, so np.random.seed repeats it.
    """
    permutation = rng.permutation(x.shape[0]) if rng is not None else np.random.permutation(x.shape[0])
    return x[permutation], t[permutation]


def conv_output_size(input_size, filter_size, stride=1, pad=0):
    """Number of filter positions along one axis: (input + 2*pad - filter) // stride + 1."""
    return (input_size + 2 * pad - filter_size) // stride + 1


def im2col(input_data, filter_h, filter_w, stride=1, pad=0):
    """Unfold every filter window of x (N, C, H, W) into one row.

    Returns (N*OH*OW, C*filter_h*filter_w): rows in (n, oh, ow) order, columns
    in (c, fh, fw) order, as in the book. No Python loop: a strided window view.
    """
    N, C, H, W = input_data.shape
    out_h = conv_output_size(H, filter_h, stride, pad)
    out_w = conv_output_size(W, filter_w, stride, pad)
    img = np.pad(input_data, [(0, 0), (0, 0), (pad, pad), (pad, pad)]) if pad else input_data
    windows = sliding_window_view(img, (filter_h, filter_w), axis=(2, 3))  # (N, C, H', W', fh, fw)
    windows = windows[:, :, : stride * out_h : stride, : stride * out_w : stride]
    return windows.transpose(0, 2, 3, 1, 4, 5).reshape(N * out_h * out_w, -1)


def col2im(col, input_shape, filter_h, filter_w, stride=1, pad=0):
    """The adjoint of im2col: add every row of col (N*OH*OW, C*fh*fw) back into
    its window of an (N, C, H, W) image. Loops over the fh*fw filter offsets only.
    """
    N, C, H, W = input_shape
    out_h = conv_output_size(H, filter_h, stride, pad)
    out_w = conv_output_size(W, filter_w, stride, pad)
    col = col.reshape(N, out_h, out_w, C, filter_h, filter_w).transpose(0, 3, 4, 5, 1, 2)
    img = np.zeros((N, C, H + 2 * pad + stride - 1, W + 2 * pad + stride - 1), dtype=col.dtype)
    for y in range(filter_h):
        y_max = y + stride * out_h
        for x in range(filter_w):
            x_max = x + stride * out_w
            img[:, :, y:y_max:stride, x:x_max:stride] += col[:, :, y, x, :, :]
    return img[:, :, pad : H + pad, pad : W + pad]
