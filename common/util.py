"""Helpers: curve smoothing, shuffling, im2col / col2im for convolution, and
reading and writing parameter files (.npz, or the book's pickles, read safely)."""
import codecs
import pickle
from collections import OrderedDict

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


# --- parameter files -------------------------------------------------------------------------

def _latin1_encode(text, encoding):
    """_codecs.encode as protocol-2 pickles use it for bytes, limited to latin-1."""
    if encoding not in ("latin1", "latin-1"):
        raise ValueError(f"refused _codecs.encode with encoding {encoding!r}")
    return codecs.encode(text, encoding)


def _allowed_globals():
    """(module, name) -> object: all that a pickled dict of NumPy arrays needs, for
    files written by NumPy 1 (numpy.core) and NumPy 2 (numpy._core)."""
    try:
        from numpy._core import multiarray, numeric
    except ImportError:  # NumPy 1.x
        from numpy.core import multiarray, numeric
    allowed = {("numpy", "ndarray"): np.ndarray, ("numpy", "dtype"): np.dtype,
               ("_codecs", "encode"): _latin1_encode,
               ("collections", "OrderedDict"): OrderedDict, ("builtins", "dict"): dict}
    for core in ("numpy.core", "numpy._core"):
        allowed[(f"{core}.multiarray", "_reconstruct")] = multiarray._reconstruct
        allowed[(f"{core}.multiarray", "scalar")] = multiarray.scalar
        allowed[(f"{core}.numeric", "_frombuffer")] = numeric._frombuffer
    return allowed


class ParamsUnpickler(pickle.Unpickler):
    """An unpickler that rebuilds NumPy arrays and dicts and refuses every other global,
    so a parameter pickle can never run code (plain pickle.load runs whatever the file says)."""

    def __init__(self, file, path):
        super().__init__(file, encoding="latin1")  # latin1: also reads Python 2 NumPy pickles
        self.path = path
        self.allowed = _allowed_globals()

    def find_class(self, module, name):
        if (module, name) not in self.allowed:
            raise ValueError(f"{self.path}: refused to load {module}.{name}: a parameter pickle may "
                             "hold only a dict of NumPy arrays, and this one asks for more (it could "
                             "run code). Load only files you trust, as .npz if you can")
        return self.allowed[(module, name)]


def load_params_file(file_name):
    """{name: array} from a parameter file: a NumPy .npz archive, or a pickled dict of
    NumPy arrays such as the book's params.pkl, read with ParamsUnpickler (never plain
    pickle). The format is told by the content, not the name. Raises ValueError naming
    the path for anything else."""
    with open(file_name, "rb") as f:
        is_zip = f.read(4) == b"PK\x03\x04"
        f.seek(0)
        if is_zip:
            with np.load(f, allow_pickle=False) as saved:
                return {key: saved[key] for key in saved.files}
        try:
            params = ParamsUnpickler(f, file_name).load()
        except (pickle.UnpicklingError, EOFError) as error:
            raise ValueError(f"{file_name}: not a parameter file (.npz or a pickled dict of "
                             f"NumPy arrays): {error}") from None
    if not isinstance(params, dict):
        raise ValueError(f"{file_name}: expected a pickled dict of NumPy arrays, got a "
                         f"{type(params).__name__}")
    for key, value in params.items():
        if not isinstance(value, np.ndarray) or value.dtype.kind not in "biuf":
            kind = f"an array of dtype {value.dtype}" if isinstance(value, np.ndarray) else type(value).__name__
            raise ValueError(f"{file_name}: expected a dict of NumPy arrays of numbers, "
                             f"but {key!r} is {kind}")
    return dict(params)


def save_params_file(file_name, params):
    """Write {name: array} to file_name. A name ending in .pkl or .pickle gets the book's
    format, a pickled plain dict of arrays (so the book's own pickle.load reads it);
    any other name gets a NumPy .npz archive. load_params_file reads both."""
    arrays = {key: np.asarray(value) for key, value in params.items()}
    with open(file_name, "wb") as f:
        if str(file_name).endswith((".pkl", ".pickle")):
            pickle.dump(arrays, f, protocol=4)
        else:
            np.savez(f, **arrays)
