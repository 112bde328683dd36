"""Parameter files: NumPy .npz archives, or the book's pickled dicts of arrays read safely.

Reading (load_params_file) never runs code and never allocates more than the file's data
can fill: a pickle's opcodes are checked first (every claimed length must fit in the
file), then ParamsUnpickler builds arrays itself from checked stand-ins for NumPy's
globals and refuses every other global; an .npz archive is read member by member, each
.npy header checked against the member's size (for a compressed member, at most 1,032
times its compressed size, deflate's limit) before any data is read. Every damaged or
hostile file raises ValueError naming the path and what is wrong; a file that cannot be
opened raises OSError (FileNotFoundError, PermissionError) saying so.

Writing (save_params_file, write_atomically) goes to a temporary file in the same
folder, fsync, then os.replace: an exception or Ctrl-C mid-write leaves the old file as
it was and no temporary file behind; a kill -9 leaves the old file as it was and a
hidden `.<name>.<random>.part`, which nothing reads. A symbolic link at the destination
is refused (OSError), never followed and never replaced: write to its target, or remove
the link.
"""
import codecs
import errno
import io
import math
import os
import pickle
import pickletools
import re
import secrets
import stat
import zipfile
from collections import OrderedDict
from pathlib import Path

import numpy as np

NUMBER_KINDS = "biuf"  # bool, signed and unsigned integers, floats: what parameters are
DEFLATE_MAX_RATIO = 1032  # deflate cannot expand data more than this (zlib's technical notes)


# --- reading a file without blocking on a pipe --------------------------------------------

def read_regular_file(path, what="file"):
    """The bytes of path, which must be a regular file (a symbolic link to one is fine).

    Never blocks: a pipe, socket or device is refused (ValueError) without being read, as
    is a folder. A missing or unreadable file raises FileNotFoundError or PermissionError
    naming the path.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        if os.path.islink(path):
            raise FileNotFoundError(f"{path} is a broken symbolic link: its target {os.readlink(path)} "
                                    f"does not exist") from None
        raise FileNotFoundError(f"{path}: no such {what}") from None
    except PermissionError:
        raise PermissionError(f"{path}: permission denied, the {what} cannot be read (chmod a+r it, "
                              "or use a copy you can read)") from None
    except OSError as error:
        if error.errno == errno.ENXIO:  # a socket
            raise ValueError(f"{path} is a socket, not a {what}") from None
        raise type(error)(f"{path}: the {what} cannot be opened ({error.strerror})") from error
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):
            raise ValueError(f"{path} is a folder, not a {what}")
        raise ValueError(f"{path} is a {_kind(mode)}, not a {what}: it is never read (it could block "
                         "forever or never end)")
    with open(fd, "rb", closefd=True) as f:
        try:
            return f.read()
        except OSError as error:
            raise type(error)(f"{path}: the {what} cannot be read ({error.strerror or error})") from error


def _kind(mode):
    if stat.S_ISFIFO(mode):
        return "named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "special file"


# --- writing atomically -------------------------------------------------------------------

def write_atomically(path, write):
    """Write a file so that it is either the old file or the whole new one, never a part.

    write(f) writes the content to the binary file object f, a temporary file
    `.<name>.<random>.part` in path's folder; it is flushed, fsynced and renamed over
    path (os.replace), and the folder is fsynced. The new file keeps the old file's
    permission bits (a new file gets 0o666 less the umask, as open() gives). Refused,
    before anything is written: a symbolic link at path (it is neither followed nor
    replaced), a folder, a pipe, socket or device. Any exception (KeyboardInterrupt
    included) leaves the old file as it was and removes the temporary file. OSErrors
    are raised again with the path and the fix in the message.
    """
    path = Path(os.fspath(path))
    old_mode = _destination_mode(path)
    tmp = None
    try:
        fd, tmp = _create_temporary(path)
        with open(fd, "wb", closefd=True) as f:
            if old_mode is not None:
                os.fchmod(fd, old_mode)
            write(f)
            f.flush()
            os.fsync(fd)
        os.replace(tmp, path)
        tmp = None
    except OSError as error:
        if str(path) in str(error):
            raise
        raise type(error)(f"{path} cannot be written ({error.strerror or error}): {_write_fix(path, error)}; "
                          "an existing file there is unchanged") from error
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    _fsync_folder(path.parent)


def _destination_mode(path):
    """The permission bits of the file at path (None if there is none); refuses what must not be replaced."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise type(error)(f"{path} cannot be written ({error.strerror}): {_write_fix(path, error)}") from error
    if stat.S_ISLNK(info.st_mode):
        raise OSError(f"{path} is a symbolic link (to {os.readlink(path)}): refusing to write through it or "
                      "to replace it. Write to the file it points to, or remove the link first")
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(f"{path} is a folder: give the name of a file to write")
    if not stat.S_ISREG(info.st_mode):
        raise OSError(f"{path} is a {_kind(info.st_mode)}, not a regular file: refusing to replace it. "
                      "Write to another name, or remove it first")
    return stat.S_IMODE(info.st_mode)


def _create_temporary(path):
    """(fd, name) of a new file .<name>.<random>.part next to path, created with 0o666 less the umask."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        tmp = path.parent / f".{path.name}.{secrets.token_hex(4)}.part"
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary file name", str(path.parent))


def _write_fix(path, error):
    folder = path.parent
    if isinstance(error, FileNotFoundError) and not folder.exists():
        return f"the folder {folder} does not exist; create it first"
    if isinstance(error, NotADirectoryError):
        return f"a part of {folder} is a file, not a folder"
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full; free some space, or write elsewhere"
    if isinstance(error, PermissionError) or error.errno == errno.EROFS:
        return f"make {folder} writable, or write elsewhere"
    return "write elsewhere"


def _fsync_folder(folder):
    """Make the rename durable. Not every system can fsync a folder: then the rename stands as it is."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# --- the restricted unpickler -------------------------------------------------------------

class _Refused(ValueError):
    """What is wrong with a parameter pickle, without the path (added by load_params_file)."""


def _latin1_encode(text, encoding):
    """_codecs.encode as protocol-2 pickles use it for bytes, limited to latin-1."""
    if encoding not in ("latin1", "latin-1") or not isinstance(text, str):
        raise _Refused(f"refused _codecs.encode with encoding {encoding!r}")
    return codecs.encode(text, encoding)


class _NdarrayClass:
    """Stands in for numpy.ndarray, which a pickle names only as the class to rebuild."""


class _Dtype:
    """Stands in for numpy.dtype(spec, align, copy) and the state a pickle gives it."""

    def __init__(self, spec=None, align=False, copy=False):
        self.spec, self.state = spec, None

    def __setstate__(self, state):
        self.state = state

    def build(self):
        """The NumPy dtype, if it is a plain number type (b1, i8, <f4, ...); else _Refused."""
        spec = self.spec.decode("latin1") if isinstance(self.spec, bytes) else self.spec
        if not isinstance(spec, str) or not re.fullmatch(r"[<>|=]?[biuf][0-9]{1,2}", spec):
            raise _Refused(f"an array of dtype {_dtype_name(spec)}")
        dtype = np.dtype(spec)
        state = self.state
        if state is not None:
            if not isinstance(state, tuple) or len(state) < 2 or any(part is not None for part in state[2:5]):
                raise _Refused(f"an array of a structured dtype or one with a sub-array ({str(state)[:80]})")
            if state[1] in ("<", ">"):
                dtype = dtype.newbyteorder(state[1])
        return dtype


def _dtype_name(spec):
    """How NumPy names the dtype spec ('O8' -> object), told without trusting spec."""
    if isinstance(spec, str) and len(spec) <= 16:
        try:
            return str(np.dtype(spec))
        except (TypeError, ValueError):
            pass
    return repr(spec)[:60]


class _Array:
    """Stands in for an array being unpickled: its state is checked, then built by frombuffer."""

    def __init__(self, shape=None, dtype=None, data=None, order="C"):
        self.shape, self.dtype, self.data, self.order = shape, dtype, data, order

    def __setstate__(self, state):
        if not isinstance(state, tuple) or len(state) not in (4, 5):
            raise _Refused("an array with a damaged state")
        self.shape, self.dtype, fortran, self.data = state[-4:]
        self.order = "F" if fortran else "C"

    def build(self):
        if not isinstance(self.dtype, _Dtype):
            raise _Refused("an array whose dtype is not a NumPy dtype")
        dtype = self.dtype.build()
        shape = self.shape if isinstance(self.shape, tuple) else (self.shape,)
        if not all(type(n) is int and n >= 0 for n in shape) or len(shape) > 32:
            raise _Refused(f"an array of shape {shape!r:.80}: not a shape")
        data = self.data
        if isinstance(data, str):  # NumPy pickles written by Python 2
            data = data.encode("latin1")
        if isinstance(data, pickle.PickleBuffer):
            data = data.raw()
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise _Refused(f"an array whose data is a {type(data).__name__}, not bytes")
        need, have = math.prod(shape) * dtype.itemsize, memoryview(data).nbytes
        if have != need:
            raise _Refused(f"an array of shape {shape} and dtype {dtype}, which needs {need} bytes, with "
                           f"{have} bytes of data: the file is damaged")
        return np.frombuffer(data, dtype=dtype).reshape(shape, order=self.order).copy()


class _Scalar:
    """Stands in for a NumPy scalar (numpy.core.multiarray.scalar): refused as a parameter."""

    def __init__(self, dtype=None, data=None):
        pass


def _reconstruct(cls, shape, typecode):
    if cls is not _NdarrayClass or shape not in ((0,), 0):
        raise _Refused(f"an array rebuilt as {getattr(cls, '__name__', cls)!r:.60} of shape {shape!r:.60}, "
                       "not as NumPy writes one")
    return _Array()


def _frombuffer(buffer, dtype, shape, order="C"):
    return _Array(shape, dtype, buffer, "F" if order == "F" else "C")


def _empty_bytes(*args):
    """bytes() as protocols 0-2 write an empty bytes object; bytes(n) would allocate n bytes."""
    if args not in ((), (b"",), ("",)):
        raise _Refused(f"refused bytes{args!r:.60}: only bytes() is needed for an empty array")
    return b""


def _allowed_globals():
    """(module, name) -> what to build instead: all that a pickled dict of NumPy arrays needs,
    for files written by NumPy 1 (numpy.core) and NumPy 2 (numpy._core)."""
    allowed = {("numpy", "ndarray"): _NdarrayClass, ("numpy", "dtype"): _Dtype,
               ("_codecs", "encode"): _latin1_encode,
               ("collections", "OrderedDict"): OrderedDict, ("builtins", "dict"): dict,
               ("__builtin__", "bytes"): _empty_bytes, ("builtins", "bytes"): _empty_bytes}
    for core in ("numpy.core", "numpy._core"):
        allowed[(f"{core}.multiarray", "_reconstruct")] = _reconstruct
        allowed[(f"{core}.multiarray", "scalar")] = _Scalar
        allowed[(f"{core}.multiarray", "dtype")] = _Dtype
        allowed[(f"{core}.numeric", "_frombuffer")] = _frombuffer
    return allowed


class ParamsUnpickler(pickle.Unpickler):
    """An unpickler for dicts of NumPy arrays that refuses every other global, so a
    parameter pickle can never run code (plain pickle.load runs whatever the file says).

    NumPy's own globals are replaced by stand-ins: an array is built only after its
    dtype (a plain number type), shape and data length are checked, so a pickle cannot
    ask for an allocation larger than the data it holds. load() returns the object with
    the arrays of a top-level dict built; any other NumPy object (a top-level array,
    scalars, arrays in nested containers) stays a stand-in, which load_params_file refuses.
    """

    def __init__(self, file, path):
        super().__init__(file, encoding="latin1")  # latin1: also reads Python 2 NumPy pickles
        self.path = path
        self.allowed = _allowed_globals()

    def find_class(self, module, name):
        if (module, name) not in self.allowed:
            raise _Refused(f"refused to load {module}.{name}: a parameter pickle may hold only a dict of "
                           "NumPy arrays, and this one asks for more (it could run code). Load only files "
                           "you trust, as .npz if you can")
        return self.allowed[(module, name)]

    def persistent_load(self, pid):
        raise _Refused("refused a persistent id: a parameter pickle holds only a dict of NumPy arrays")

    def load(self):
        loaded = super().load()
        if isinstance(loaded, dict):
            built = type(loaded)()
            for key, value in loaded.items():
                try:
                    built[key] = value.build() if isinstance(value, _Array) else value
                except _Refused as error:
                    raise _Refused(f"expected a pickled dict of NumPy arrays of numbers, but {key!r:.60} is "
                                   f"{error}") from None
            return built
        return loaded


# --- load_params_file and save_params_file ------------------------------------------------

def load_params_file(file_name):
    """{name: array} from a parameter file: a NumPy .npz archive, or a pickled dict of
    NumPy arrays such as the book's params.pkl, read with ParamsUnpickler (never plain
    pickle). The format is told by the content, not the name.

    Raises ValueError naming the path and what is wrong for anything that is not such
    a file (empty, truncated, damaged, a folder, a pipe, other content), and
    FileNotFoundError or PermissionError when the file cannot be opened.
    """
    path = _file_name(file_name, "load_params_file")
    data = read_regular_file(path, "parameter file")
    if not data:
        raise ValueError(f"{path}: the file is empty (0 bytes): it is no parameter file (was its saving "
                         "cut off?). Save the parameters again, or use a backup")
    try:
        if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
            return _read_npz(data)
        return _read_pickle(data, path)
    except _Refused as error:
        raise ValueError(f"{path}: {error}") from None


def _file_name(file_name, function):
    """os.fspath(file_name), or TypeError saying that a name is wanted (not an open file)."""
    try:
        return os.fspath(file_name)
    except TypeError:
        raise TypeError(f"{function} takes a file name (str or pathlib.Path), not a "
                        f"{type(file_name).__name__}") from None


def _what_it_is(data):
    for magic, kind in ((b"\x93NUMPY", "a single NumPy array (.npy), not a dict of them: save with np.savez"),
                        (b"\x1f\x8b", "gzip-compressed: decompress it first (gunzip)"),
                        (b"\x89HDF", "an HDF5 file (as Keras writes), not NumPy arrays"),
                        (b"PK", "a damaged zip archive")):
        if data.startswith(magic):
            return kind
    return f"it starts with {data[:16]!r}"


# Opcodes that a pickled dict of arrays never holds: persistent ids and extension codes
# reach outside the file, out-of-band buffers need buffers the file does not have.
FOREIGN_OPCODES = {"PERSID", "BINPERSID", "EXT1", "EXT2", "EXT4", "NEXT_BUFFER", "READONLY_BUFFER"}


def _scan_pickle(data):
    """Walk the opcodes (pickletools, which reads no more than the data holds) before
    unpickling: every length a pickle claims must fit in the file, since the C unpickler
    allocates a claimed length before reading it, and so must every memo index, since it
    sizes the memo to the largest index. Returns the length of the pickle proper."""
    count = 0
    try:
        for opcode, arg, pos in pickletools.genops(data):
            if opcode.name in FOREIGN_OPCODES:
                raise _Refused(f"not a parameter file: the pickle uses {opcode.name} at byte {pos}, which a "
                               "dict of NumPy arrays never needs")
            if opcode.name == "PROTO" and arg > pickle.HIGHEST_PROTOCOL:
                raise _Refused(f"not a parameter file: pickle protocol {arg}, and Python reads up to "
                               f"{pickle.HIGHEST_PROTOCOL}")
            if opcode.name in ("PUT", "BINPUT", "LONG_BINPUT") and int(arg) > count:
                raise _Refused(f"not a parameter file: memo index {arg} at byte {pos} of a pickle with "
                               f"{count} opcodes before it: damaged or hostile")
            count += 1
            end = pos + 1  # genops stops after STOP, or raises
    except _Refused:
        raise
    except Exception as error:  # noqa: BLE001 (pickletools: ValueError for truncated or unknown data)
        raise _Refused(f"not a parameter file (.npz, or a pickled dict of NumPy arrays): {_what_it_is(data)} "
                       f"({str(error)[:200]})") from None
    return end


def _read_pickle(data, path):
    end = _scan_pickle(data)
    if end != len(data):
        raise _Refused(f"{len(data) - end} bytes follow the end of the pickle: the file is damaged "
                       "(two saves written into one file?)")
    buffer = io.BytesIO(data)
    try:
        params = ParamsUnpickler(buffer, path).load()
    except _Refused:
        raise
    except Exception as error:  # noqa: BLE001 (whatever a damaged or hostile pickle raises)
        raise _Refused(f"not a parameter file (.npz, or a pickled dict of NumPy arrays): {_what_it_is(data)}; "
                       f"unpickling it failed with {type(error).__name__}: {str(error)[:200]}") from None
    if not isinstance(params, dict):
        kind = "single NumPy array" if isinstance(params, _Array) else type(params).__name__
        raise _Refused(f"expected a pickled dict of NumPy arrays, got a {kind}")
    return _checked(params, "a pickled dict of NumPy arrays of numbers")


def _checked(params, what):
    for key, value in params.items():
        if not isinstance(key, str):
            raise _Refused(f"expected {what}, but it has the key {key!r:.60}, which is not a name (str)")
        if isinstance(value, _Scalar):
            kind = "a single NumPy number, not an array"
        elif isinstance(value, np.ndarray) and value.dtype.kind not in NUMBER_KINDS:
            kind = f"an array of dtype {value.dtype}"
        elif not isinstance(value, np.ndarray):
            kind = f"{type(value).__name__}, not an array"
        else:
            continue
        raise _Refused(f"expected {what}, but {key!r} is {kind}")
    return dict(params)


def _read_npz(data):
    """{name: array} from the bytes of an .npz archive, each member checked before it is read."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise _Refused(f"a damaged or truncated .npz archive ({error}): save it again, or use a backup") from None
    with archive:
        names = archive.namelist()
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise _Refused(f"the .npz archive holds {twice[0]!r} twice: it is damaged")
        params = {}
        for info in archive.infolist():
            params[info.filename[:-4]] = _read_member(archive, info, len(data))
    return params


def _read_member(archive, info, archive_size):
    name = info.filename
    if not name.endswith(".npy") or info.is_dir():
        raise _Refused(f"the .npz archive holds {name!r}, which is not a NumPy array (.npy): not a parameter file")
    if info.flag_bits & 0x1:
        raise _Refused(f"{name} is encrypted: not a parameter file")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _Refused(f"{name} is compressed with zip method {info.compress_type}, which NumPy never writes")
    limit = info.compress_size * (1 if info.compress_type == zipfile.ZIP_STORED else DEFLATE_MAX_RATIO) + 1024
    if info.compress_size > archive_size or info.file_size > limit:
        raise _Refused(f"{name} claims {info.file_size} bytes from {info.compress_size} in a file of "
                       f"{archive_size}: the archive is damaged")
    try:
        with archive.open(info) as member:
            version = np.lib.format.read_magic(member)
            read_header = {(1, 0): np.lib.format.read_array_header_1_0,
                           (2, 0): np.lib.format.read_array_header_2_0}.get(version)
            if read_header is None:
                raise _Refused(f"{name}: .npy format version {version}, which holds structured arrays only")
            shape, fortran_order, dtype = read_header(member)
            if dtype.kind not in NUMBER_KINDS or dtype.fields is not None or dtype.subdtype is not None:
                raise _Refused(f"expected a dict of NumPy arrays of numbers, but {name[:-4]!r} is an array of "
                               f"dtype {dtype}")
            if any(n < 0 for n in shape):
                raise _Refused(f"{name}: its header gives the shape {shape}, with a negative dimension: the file "
                               "is damaged")
            need = math.prod(shape) * dtype.itemsize
            if member.tell() + need != info.file_size:
                raise _Refused(f"{name}: its header asks for a {dtype} array of shape {shape} ({need} bytes), "
                               f"but the member holds {info.file_size - member.tell()} bytes of data: the file "
                               "is damaged")
            raw = member.read(need)
            if len(raw) != need or member.read(1):
                raise _Refused(f"{name}: {len(raw)} bytes of data instead of {need}: the file is truncated")
    except _Refused:
        raise
    except Exception as error:  # noqa: BLE001 (whatever a damaged member raises: bad CRC, zlib, header)
        raise _Refused(f"{name} is damaged ({type(error).__name__}: {str(error)[:200]}): save it again, "
                       "or use a backup") from None
    return np.frombuffer(raw, dtype=dtype).reshape(shape, order="F" if fortran_order else "C").copy()


def save_params_file(file_name, params):
    """Write {name: array} to file_name, atomically (write_atomically: the old file stays
    whole until the new one is complete; a symbolic link there is refused).

    A name ending in .pkl or .pickle (any case) gets the book's format, a pickled plain
    dict of arrays, protocol 4 (so the book's own pickle.load reads it); any other name
    gets a NumPy .npz archive (uncompressed). load_params_file reads both. Every key
    must be a non-empty str and every value an array of numbers (bool, int, uint,
    float): else ValueError, before anything is written.
    """
    _file_name(file_name, "save_params_file")
    if not hasattr(params, "items"):
        raise ValueError(f"{file_name}: params must be a dict of NumPy arrays, got a {type(params).__name__}")
    arrays = {}
    for key, value in params.items():
        if not isinstance(key, str) or not key:
            raise ValueError(f"{file_name}: parameter names must be non-empty strings, got {key!r:.60}")
        array = np.asarray(value)
        if array.dtype.kind not in NUMBER_KINDS:
            raise ValueError(f"{file_name}: {key!r} is an array of dtype {array.dtype}; parameter files hold "
                             "arrays of numbers (bool, int, uint, float)")
        arrays[key] = array
    if str(file_name).lower().endswith((".pkl", ".pickle")):
        write_atomically(file_name, lambda f: pickle.dump(arrays, f, protocol=4))
    else:
        write_atomically(file_name, lambda f: _write_npz(f, arrays))


def _write_npz(f, arrays):
    """np.savez's format (uncompressed zip of .npy), for any key (np.savez itself refuses 'file')."""
    with zipfile.ZipFile(f, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        for key, array in arrays.items():
            with archive.open(key + ".npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asanyarray(array), allow_pickle=False)
