"""Parameter files: NumPy .npz archives, or the book's pickled dicts of arrays read safely.

Plain pickle.load runs whatever a file asks for; ParamsUnpickler rebuilds NumPy arrays and
dicts only and refuses every other global.
"""
import codecs
import pickle
from collections import OrderedDict

import numpy as np


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
