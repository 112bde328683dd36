"""The book's common/util.py: curve smoothing and shuffling, and (from their own modules)
the convolution helpers im2col, col2im and conv_output_size."""
import numpy as np

from common.im2col import col2im, conv_output_size, filter_windows, im2col, output_length  # noqa: F401 (the book's names)
from common.params_file import ParamsUnpickler, load_params_file, save_params_file  # noqa: F401


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
