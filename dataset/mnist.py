"""MNIST that always loads, with the book's `load_mnist`.

Where the data comes from, in this order:

1. `data_dir`, or else the `MNIST_DIR` environment variable (`~` is expanded): a
   folder with the four original files (`train-images-idx3-ubyte.gz` and so on,
   or the same names uncompressed, or Kaggle's `train-images.idx3-ubyte`). They
   are read, never changed, and verified: each must hold the full set's shape
   (60,000 or 10,000 images of 28x28, labels 0..9) and the published SHA-256 of
   its .gz file, or, uncompressed or compressed anew, of its content (the
   digests in RAW_SHA256). A file that does not is an IdxFormatError naming it,
   what was found, and the fix; nothing falls back silently.
2. The cache `mnist.npz` in `cache_dir`, by default
   `$XDG_CACHE_HOME/backprop-from-scratch` or `~/.cache/backprop-from-scratch`
   (a relative XDG_CACHE_HOME is ignored, as the XDG spec says): uncompressed
   uint8 arrays. Each array's header is checked against the MNIST shapes
   before its data is read (no pickle, no allocation a damaged header asks
   for), and zip's CRC-32 checks the data; a cache that is not sound is rebuilt.
   A pipe, socket or device in the cache's place is never opened blocking: it
   is reported and left alone. A symbolic link there is read through, and
   replaced (not followed) when the cache is rebuilt.
3. A download over HTTPS from the mirrors in `MIRRORS`, in turn, capped at the
   files' known sizes and with a deadline, with the SHA-256 of every file
   checked before it is used; then the cache is written to a temporary file
   `.mnist-<host>-<pid>-*.part` and renamed, so it is never half-written (the
   parts of writers that were killed are removed later). When the cache
   cannot be written, a `MnistCacheWarning` says so, once per process.
4. Offline, a 5,000-image subset of the MNIST training set that ships with this
   package (dataset/mnist-5k-*-ubyte.gz, SHA-256 checked; see dataset/README.md
   for its licence and how it was cut): the first 500 training images of each
   digit, in training-set order. Per digit, its first 400 go to training and
   its last 100 to test; both sets are interleaved by digit (0, 1, ..., 9, 0,
   1, ...). A `MnistSubsetWarning` says so, once per process.

`load_mnist(..., return_source=True)` also returns a `MnistSource` that says
which of these was used.
"""
import errno
import gzip
import hashlib
import math
import os
import re
import stat
import tempfile
import time
import urllib.request
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dataset.idx import IMAGES_MAGIC, LABELS_MAGIC, IdxFormatError, gunzip, open_regular, parse_header, parse_idx

FILES = {  # key -> (file name without .gz, IDX magic number)
    "train_img": ("train-images-idx3-ubyte", IMAGES_MAGIC),
    "train_label": ("train-labels-idx1-ubyte", LABELS_MAGIC),
    "test_img": ("t10k-images-idx3-ubyte", IMAGES_MAGIC),
    "test_label": ("t10k-labels-idx1-ubyte", LABELS_MAGIC),
}
SHA256 = {
    "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}
# SHA-256 of the four files' content, uncompressed: computed once with
#   python -c "import gzip, hashlib, sys; print(hashlib.sha256(gzip.open(sys.argv[1]).read()).hexdigest())" F.gz
# for each of the four .gz files in ../shared/data/mnist, after `sha256sum -c SHA256SUMS` there
# had verified them against the published SHA256 above.
RAW_SHA256 = {
    "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}
MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",  # the book's loader and torchvision use it
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
FULL_SHAPES = {"train_img": (60000, 28, 28), "train_label": (60000,),
               "test_img": (10000, 28, 28), "test_label": (10000,)}
SIZES = {"train-images-idx3-ubyte.gz": 9912422, "train-labels-idx1-ubyte.gz": 28881,
         "t10k-images-idx3-ubyte.gz": 1648877, "t10k-labels-idx1-ubyte.gz": 4542}
SIZE_MARGIN = 1 << 16  # a download may be this much larger than SIZES says before it is cut off
GZ_SIZE_LIMIT = 4  # a .gz in MNIST_DIR over this many times the original's size is not read at all
# The offline subset: the first 500 training images of each digit (dataset/make_subset.py cuts it).
SUBSET_DIR = Path(__file__).resolve().parent
SUBSET_FILES = {  # key -> (file name, IDX magic number, shape, SHA-256)
    "images": ("mnist-5k-images-idx3-ubyte.gz", IMAGES_MAGIC, (5000, 28, 28),
               "4c8b0072283b5322d7dfd70e7b840d543584242e669f98a0a3db41781f71de59"),
    "labels": ("mnist-5k-labels-idx1-ubyte.gz", LABELS_MAGIC, (5000,),
               "0bd1c3ebe2126da16fe15ba87422f75d0a4b37066970e0e29aa16577a2857965"),
}
# The settings below are read when they are used, so setting them (mnist.TIMEOUT = 5) takes effect.
TIMEOUT = 30  # seconds without data before a mirror is given up
DEADLINE = 300  # seconds for one file from one mirror, all included (plus at most one TIMEOUT)
STALE_PART_AGE = 3600  # seconds after which any .mnist-*.part file in the cache folder is removed
DEAD_WRITER_GRACE = 60  # ... or seconds, when its writer (on this machine) is no longer running
FIX = "set MNIST_DIR to a folder with the four original files, or go online once"
_subset_warned = False
_cache_warned = False


class MnistUnavailableError(RuntimeError):
    """The full MNIST set could not be had, and the subset was not allowed or not there.

    str(error) says what went wrong; `reason` is one short line with the fix (for
    skip messages), `fix` the fix alone, and `detail` what went wrong alone.
    """
    fix = FIX
    reason = f"full MNIST set not available: {FIX}"

    def __init__(self, detail):
        super().__init__(f"{self.reason}. What went wrong: {detail}")
        self.detail = detail


class MnistCacheWarning(UserWarning):
    """The downloaded set could not be cached: the next process downloads it again."""


class MnistSubsetWarning(UserWarning):
    """Only the 5,000-image subset of MNIST could be loaded."""


@dataclass(frozen=True)
class MnistSource:
    """Where load_mnist found the data. kind: 'directory', 'cache', 'download' or 'subset'."""
    kind: str
    location: str

    @property
    def full(self):
        return self.kind != "subset"


def load_mnist(normalize=True, flatten=True, one_hot_label=False, *, data_dir=None, cache_dir=None,
               download=True, allow_subset=True, return_source=False):
    """Returns (x_train, t_train), (x_test, t_test), as in the book.

    normalize: images as float32 in [0, 1] (else uint8 0..255).
    flatten: images as (N, 784) (else (N, 1, 28, 28)).
    one_hot_label: labels as float64 one-hot (N, 10), as the book's (else uint8 (N,)).
    data_dir: a folder with the original files (default: $MNIST_DIR, if set).
    cache_dir: where the downloaded set is cached. download: allow downloading.
    allow_subset: fall back to the 5,000-image subset in this package (else MnistUnavailableError).
    return_source: also return the MnistSource that was used, as a third element.
    """
    raw, source = load_raw(data_dir=data_dir, cache_dir=cache_dir, download=download,
                           allow_subset=allow_subset)
    train = _convert(raw["train_img"], raw["train_label"], normalize, flatten, one_hot_label)
    test = _convert(raw["test_img"], raw["test_label"], normalize, flatten, one_hot_label)
    return (train, test, source) if return_source else (train, test)


def _convert(images, labels, normalize, flatten, one_hot):
    x = images.reshape(len(images), -1) if flatten else images.reshape(len(images), 1, 28, 28)
    if normalize:
        x = x.astype(np.float32)
        x /= 255
    else:
        x = x.copy()
    t = np.eye(10)[labels] if one_hot else labels.copy()  # float64 one-hot, as the book's
    return x, t


def load_raw(data_dir=None, cache_dir=None, download=True, allow_subset=True):
    """The four uint8 arrays (keys of FILES) and their MnistSource. An empty data_dir or
    MNIST_DIR counts as not given."""
    directory = data_dir or os.environ.get("MNIST_DIR") or None
    if directory is not None:
        return read_directory(directory), MnistSource("directory", str(directory))
    cache = default_cache_dir() if cache_dir is None else Path(cache_dir)
    cache_file = cache / "mnist.npz"
    remove_stale_parts(cache)
    raw, cache_problem = _read_cache(cache_file)
    if raw is not None:
        return raw, MnistSource("cache", str(cache_file))
    problems = [cache_problem] if cache_problem else []
    if not download:
        problems.append("downloading is turned off (download=False)")
    else:
        try:
            raw, url = download_all()
        except OSError as error:
            problems.append(str(error))
        else:
            try:
                write_cache(cache_file, raw)
            except OSError as error:
                _warn_cache(str(error))
            return raw, MnistSource("download", url)
    reason = "; ".join(problems)
    if not allow_subset:
        raise MnistUnavailableError(reason)
    try:
        raw, subset_path = load_subset()
    except MnistUnavailableError as error:
        raise MnistUnavailableError(f"{reason}; {error.detail}") from None
    _warn_subset(reason, cache)
    return raw, MnistSource("subset", str(subset_path))


WHAT_MNIST_DIR_NEEDS = (
    "MNIST_DIR (or data_dir) must name a folder with the four original MNIST files: "
    "train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, "
    "t10k-labels-idx1-ubyte.gz.")


def default_cache_dir():
    """$XDG_CACHE_HOME/backprop-from-scratch, or ~/.cache/backprop-from-scratch when XDG_CACHE_HOME
    is unset, empty or relative (the XDG spec: a relative path is invalid and must be ignored)."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        base = Path.home() / ".cache"
    return Path(base) / "backprop-from-scratch"


def read_directory(directory):
    """The four arrays from a folder of the original files (.gz or uncompressed), each
    verified (read_verified); the folder is only read. `~` in directory is expanded.

    Raises OSError (FileNotFoundError, NotADirectoryError, IsADirectoryError,
    PermissionError) saying what is wrong with which path, or IdxFormatError for a
    file that is not the original one.
    """
    directory = Path(os.path.expanduser(os.fspath(directory)))
    _check_folder(directory)
    raw = {}
    for key, (name, _) in FILES.items():
        path = _data_file(directory, name)
        try:
            raw[key] = read_verified(path, key)
        except IdxFormatError as error:
            others = [p for p in (directory / n for n in _names(name)) if p != path and p.is_file()]
            if not others:
                raise
            raise IdxFormatError(f"{error} ({others[0]} is there too, and is read only when {path.name} is "
                                 "gone: remove the damaged file to use it.)") from None
    return raw


def _shown(path):
    """path, with its absolute form when it is relative (relative to what is the question)."""
    return str(path) if path.is_absolute() else f"{path} (that is, {path.absolute()})"


def _names(name):
    """The names an original file goes by: .gz, uncompressed, and Kaggle's train-images.idx3-ubyte."""
    dotted = name.replace("-idx", ".idx")
    return (f"{name}.gz", name, dotted, f"{dotted}.gz")


def _check_folder(directory):
    try:
        mode = os.stat(directory).st_mode
    except FileNotFoundError:
        if os.path.islink(directory):
            raise FileNotFoundError(
                f"{_shown(directory)} is a broken symbolic link: its target {os.readlink(directory)} "
                f"does not exist. {WHAT_MNIST_DIR_NEEDS}") from None
        raise FileNotFoundError(f"{_shown(directory)}: no such folder. {WHAT_MNIST_DIR_NEEDS}") from None
    except OSError as error:  # permission denied on the way, a file as a parent, a link loop
        raise type(error)(f"{_shown(directory)} cannot be used as a folder ({error.strerror}). "
                          f"{WHAT_MNIST_DIR_NEEDS}") from error
    if not stat.S_ISDIR(mode) and not stat.S_ISREG(mode):
        raise NotADirectoryError(f"{_shown(directory)} is a named pipe, a socket or a device, not a folder. "
                                 f"{WHAT_MNIST_DIR_NEEDS}")
    if not stat.S_ISDIR(mode):
        own = any(directory.name in _names(name) for name, _ in FILES.values())
        fix = (f"set MNIST_DIR (or data_dir) to the folder that holds it, {directory.absolute().parent}"
               if own else "set MNIST_DIR (or data_dir) to the folder that holds the files")
        raise NotADirectoryError(f"{_shown(directory)} is a file, not a folder: {fix}. {WHAT_MNIST_DIR_NEEDS}")


def _data_file(directory, name):
    """The path of the original file `name` in directory, under one of its names
    (_names), or in a folder of its name (as Kaggle ships it); checked to be a regular file."""
    folders = []
    for path in [directory / n for n in _names(name)] + [directory / name / name]:
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            if os.path.islink(path):
                raise FileNotFoundError(
                    f"{path} is a broken symbolic link: its target {os.readlink(path)} does not "
                    "exist. Point the link at the original file, or put the file there.") from None
            continue
        except NotADirectoryError:  # name/name, where name is a file
            continue
        except PermissionError as error:
            raise PermissionError(f"{path}: permission denied, it cannot be looked at. Give your user "
                                  f"access to {directory} (chmod a+rx).") from error
        except OSError as error:  # a link loop, ...
            raise type(error)(f"{path} cannot be used ({error.strerror}): put the original "
                              "MNIST file there.") from error
        if stat.S_ISDIR(mode):
            folders.append(path)
            continue
        if not stat.S_ISREG(mode):
            raise OSError(f"{path} is not a regular file (a device, socket or pipe): in its place "
                          "put the original MNIST file of that name.")
        return path
    if folders:
        raise IsADirectoryError(f"{folders[0]} is a folder, not a file: in its place put the original MNIST "
                                "file of that name.")
    cache = (" It holds mnist.npz, the loader's own cache: to use that, unset MNIST_DIR (and data_dir) and "
             "set XDG_CACHE_HOME (or cache_dir=) instead." if (directory / "mnist.npz").is_file() else "")
    raise FileNotFoundError(f"{directory}: no {name}.gz (or {name}) in this folder.{cache} "
                            f"{_found_below(directory, name)}{WHAT_MNIST_DIR_NEEDS}")


def _found_below(directory, name):
    """'The folder X holds it: ...' when a folder just inside directory has the file."""
    try:
        folders = sorted(p for p in directory.iterdir() if p.is_dir())[:1000]
    except OSError:
        return ""
    for folder in folders:
        if any((folder / n).is_file() for n in _names(name)):
            return f"The folder {folder} holds it: set MNIST_DIR={folder}. "
    return ""


def _replace_fix(name):
    return (f"Replace it with the original {name}.gz (from {MIRRORS[0]}{name}.gz; its SHA-256 is "
            f"{SHA256[f'{name}.gz']}), or unset MNIST_DIR (and data_dir) so that load_mnist downloads "
            "and caches the set.")


def read_verified(path, key):
    """The uint8 array of FILES[key] from path, an original MNIST file (.gz or uncompressed).

    Verified: the header's shape must be FULL_SHAPES[key], and the SHA-256 of the .gz
    file must be the published one (SHA256), or else that of its content the original
    content's (RAW_SHA256), so an uncompressed copy, or one compressed anew, passes. An
    uncompressed file of the wrong size is judged by its header alone, and no .gz is
    decompressed beyond the original's size, so a huge or hostile file costs little.
    Raises IdxFormatError naming the file, what was found, and the fix.
    """
    path = Path(path)
    name, magic = FILES[key]
    shape = FULL_SHAPES[key]
    header = 4 + 4 * len(shape)
    size = header + math.prod(shape)
    compressed = path.suffix == ".gz"
    with open_regular(path) as f:
        file_size = os.fstat(f.fileno()).st_size
        magic_bytes = f.read(2)
        f.seek(0)
        if file_size and compressed != (magic_bytes == b"\x1f\x8b"):
            raise IdxFormatError(f"{path} is not gzip-compressed, but its name ends in .gz: name it {path.stem}"
                                 if compressed else f"{path} is gzip-compressed, but its name does not end in "
                                 f".gz: name it {path.name}.gz")
        if not compressed and file_size != size:
            _check_shape(parse_header(f.read(header), magic, str(path))[0], key, path)
            raise IdxFormatError(f"{path}: the header gives shape {shape}, which needs {size:,} bytes, but the "
                                 f"file has {file_size:,}: it is truncated or damaged. {_replace_fix(name)}")
        original = SIZES.get(f"{name}.gz", size)
        if compressed and file_size > GZ_SIZE_LIMIT * original + SIZE_MARGIN:
            raise IdxFormatError(f"{path}: {file_size:,} bytes, where the original .gz has {original:,}: not the "
                                 f"original file. {_replace_fix(name)}")
        data = f.read()
    verified = compressed and hashlib.sha256(data).hexdigest() == SHA256.get(f"{name}.gz")
    content, more = gunzip(data, size, str(path)) if compressed else (data, False)
    _check_shape(parse_header(content, magic, str(path))[0], key, path)
    if len(content) != size or more:
        had = f"more than {size:,}" if more else f"{len(content):,}"
        raise IdxFormatError(f"{path}: the header gives shape {shape}, which needs {size:,} bytes, but the file "
                             f"decompresses to {had}: it is truncated or damaged. {_replace_fix(name)}")
    array = np.frombuffer(content, dtype=np.uint8, offset=header).reshape(shape)
    if not verified:
        digest = hashlib.sha256(content).hexdigest()
        if digest != RAW_SHA256.get(name):
            labels = f" (its labels go up to {array.max()}; MNIST labels are 0..9)" if (
                magic == LABELS_MAGIC and array.size and array.max() > 9) else ""
            raise IdxFormatError(f"{path}: not the original MNIST file{labels}: the SHA-256 of its content is "
                                 f"{digest}, the original's is {RAW_SHA256.get(name)}. {_replace_fix(name)}")
    return array


def _check_shape(found, key, path):
    expected = FULL_SHAPES[key]
    if found == expected:
        return
    split = "training" if key.startswith("train") else "test"

    def described(shape):
        return f"{shape[0]:,} images of {shape[1]}x{shape[2]}" if len(shape) == 3 else f"{shape[0]:,} labels"
    raise IdxFormatError(f"{path}: holds {described(found)}, but the full MNIST {split} set has "
                         f"{described(expected)}. MNIST_DIR (or data_dir) must hold the four original files, "
                         f"whole. {_replace_fix(FILES[key][0])}")


def _read_cache(path):
    """(arrays, None) from a sound cache; (None, None) when there is none; (None, what is
    wrong) when there is one that cannot be read or is not sound."""
    path = Path(path)
    if not os.path.lexists(path):
        return None, None
    try:
        with open_regular(path, "cache file", CACHE_FIX) as f, zipfile.ZipFile(f) as archive:
            raw = {key: _read_npy(archive, key, tuple(shape)) for key, shape in FULL_SHAPES.items()}
        for key in ("train_label", "test_label"):
            if raw[key].size and raw[key].max() > 9:
                raise ValueError(f"{key} goes up to {raw[key].max()}")
    except OSError as error:  # permission denied, a folder, a pipe, an I/O error
        if error.errno is None:  # open_regular's message: it names the path and the fix
            return None, f"the cache cannot be read: {error}"
        return None, f"the cache {path} cannot be read ({error.strerror or error})"
    except (ValueError, KeyError, EOFError, zipfile.BadZipFile, zlib.error) as error:
        return None, f"the cache {path} is damaged ({error})"
    return raw, None


def _read_npy(archive, key, shape):
    """One uint8 array of the given shape from archive's key.npy. The header is checked
    before any data is read, so a damaged one cannot ask for a huge allocation."""
    with archive.open(f"{key}.npy") as f:
        version = np.lib.format.read_magic(f)
        read_header = {(1, 0): np.lib.format.read_array_header_1_0,
                       (2, 0): np.lib.format.read_array_header_2_0}.get(version)
        if read_header is None:
            raise ValueError(f"{key}: .npy format version {version}")
        got_shape, fortran_order, dtype = read_header(f)
        if dtype != np.uint8 or got_shape != shape or fortran_order:
            raise ValueError(f"{key}: {dtype} array of shape {got_shape}, expected uint8 {shape}")
        f.seek(0)  # the header is sound: NumPy's reader (the fastest here) may allocate what it says
        try:
            return np.lib.format.read_array(f, allow_pickle=False)
        except ValueError as error:  # the data is shorter than the header says
            raise ValueError(f"{key}: {error}") from error


def write_cache(path, raw):
    """Write the arrays to path through a temporary file and a rename, so that path is
    never half-written. A symbolic link at path is replaced, not followed; a pipe,
    socket or device there is left alone. Raises OSError saying what cannot be written
    and how to fix it, leaving nothing behind."""
    path = Path(path)
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        mode = None
    if mode is not None and not (stat.S_ISREG(mode) or stat.S_ISLNK(mode) or stat.S_ISDIR(mode)):
        raise OSError(f"the cache {path} cannot be written: a device, socket or pipe is there; {CACHE_FIX}")
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=_part_prefix(), suffix=".part")
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **raw)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        tmp = None
    except OSError as error:
        raise OSError(f"the cache {path} cannot be written ({error.strerror or error}): "
                      f"{_cache_fix(path, error)}") from error
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


CACHE_FIX = "remove it, or set XDG_CACHE_HOME (or cache_dir=) to another folder"


def _cache_fix(path, error):
    elsewhere = "or set XDG_CACHE_HOME (or cache_dir=) to another folder"
    if os.path.isdir(path):
        return f"{path} is a folder; remove it, {elsewhere}"
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"free space on that disk, {elsewhere}"
    existing = next(p for p in path.parents if os.path.exists(p))
    if not os.path.isdir(existing):
        return f"{existing} is a file, not a folder; move it away, {elsewhere}"
    return f"make {existing} writable, {elsewhere}"


def _host():
    return re.sub(r"[^A-Za-z0-9.]", "", os.uname().nodename)


def _part_prefix():
    """.mnist-<host>-<pid>-: a temporary file whose writer can be told to be gone."""
    return f".mnist-{_host()}-{os.getpid()}-"


PART = re.compile(r"\.mnist-(?:(?P<host>[A-Za-z0-9.]*)-(?P<pid>[0-9]+)-)?.*\.part\Z", re.DOTALL)


def _running(pid):
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, as another user's process
        return True
    return True


def remove_stale_parts(folder):
    """Remove the temporary files `.mnist-*.part` that writers killed mid-write left in
    folder: those older than STALE_PART_AGE seconds, and those whose writer on this
    machine is no longer running (after DEAD_WRITER_GRACE seconds). Returns their paths."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    removed, now, host = [], time.time(), _host()
    for entry in entries:
        match = PART.match(entry.name)
        if not match:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode):
                continue
            age = now - info.st_mtime
            dead = (match["pid"] is not None and match["host"] == host
                    and not _running(int(match["pid"])))
            if age > STALE_PART_AGE or (dead and age > DEAD_WRITER_GRACE):
                os.unlink(entry.path)
                removed.append(entry.path)
        except OSError:
            continue
    return removed


def fetch_url(url, timeout=None, max_bytes=None):
    """The bytes at url, with a progress bar. (Tests replace this function.)

    timeout: seconds without data before giving up (default: TIMEOUT, read now).
    max_bytes: a longer answer is cut off and refused (default: the size in SIZES of
    the file that url names, plus SIZE_MARGIN). The whole download must be done
    within DEADLINE seconds (read now), which it overruns by at most one timeout.
    Raises OSError (TimeoutError for the deadline).
    """
    from tqdm.auto import tqdm

    timeout = TIMEOUT if timeout is None else timeout
    deadline = DEADLINE
    name = url.rsplit("/", 1)[-1]
    if max_bytes is None:
        max_bytes = SIZES.get(name, max(SIZES.values())) + SIZE_MARGIN
    end = time.monotonic() + deadline
    with urllib.request.urlopen(url, timeout=min(timeout, deadline)) as response:
        try:
            total = int(response.headers.get("Content-Length") or 0) or None
        except ValueError:
            total = None
        if total is not None and total > max_bytes:
            raise OSError(f"{url}: announces {total} bytes, more than the {max_bytes} bytes this file can have")
        chunks, size = [], 0
        with tqdm(total=total, unit="B", unit_scale=True, desc=name, leave=False) as bar:
            while True:
                if time.monotonic() > end:
                    raise TimeoutError(f"{url}: not complete after {deadline} s (mnist.DEADLINE), "
                                       f"{size} bytes received")
                chunk = response.read1(1 << 16)  # at most one wait of `timeout` for data
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise OSError(f"{url}: sent more than the {max_bytes} bytes this file can have")
                chunks.append(chunk)
                bar.update(len(chunk))
    return b"".join(chunks)


def download_file(name, mirrors=None):
    """The verified bytes of one .gz file from the first mirror that serves it intact,
    and that mirror. mirrors: the order to try (default MIRRORS)."""
    problems = []
    for base in MIRRORS if mirrors is None else mirrors:
        try:
            data = fetch_url(base + name)
        except Exception as error:  # noqa: BLE001 (any failure: try the next mirror)
            problems.append(f"{base}{name}: {error}")
            continue
        if hashlib.sha256(data).hexdigest() != SHA256[name]:
            problems.append(f"{base}{name}: SHA-256 mismatch (damaged or not the original file)")
            continue
        return data, base
    raise OSError("no mirror gave a verified copy; " + "; ".join(problems))


def download_all():
    """The four arrays from verified downloads, and the mirror of the last file. The
    mirror that served a file is tried first for the next, so a hung mirror costs
    one timeout per load, not one per file."""
    raw, order = {}, list(MIRRORS)
    for key, (name, magic) in FILES.items():
        data, base = download_file(f"{name}.gz", order)
        order.remove(base)
        order.insert(0, base)
        raw[key] = parse_idx(gzip.decompress(data), magic, name=base + name + ".gz")
    return raw, base


def load_subset():
    """The 5,000-image subset (SUBSET_FILES, in SUBSET_DIR) split per digit 400 train / 100
    test, interleaved by digit, and the path of its images file. Each file's SHA-256 is
    checked before it is used; a missing or damaged file raises MnistUnavailableError
    saying which and how to restore it."""
    arrays = {}
    for key, (name, magic, shape, sha256) in SUBSET_FILES.items():
        path = SUBSET_DIR / name
        restore = (f"restore it (git checkout -- dataset/{name} in a clone of the project) or reinstall the "
                   "package")
        try:
            with open_regular(path, "file", restore) as f:
                data = f.read()
        except FileNotFoundError:
            raise MnistUnavailableError(f"the offline subset {path} is missing: {restore}") from None
        except OSError as error:  # open_regular's message names the path and the fix
            reason = str(error) if error.errno is None else f"{path} ({error.strerror}): {restore}"
            raise MnistUnavailableError(f"the offline subset cannot be read: {reason}") from None
        digest = hashlib.sha256(data).hexdigest()
        if digest != sha256:
            raise MnistUnavailableError(f"the offline subset {path} is damaged: its SHA-256 is {digest}, "
                                        f"expected {sha256}: {restore}")
        content, _ = gunzip(data, 4 + 4 * len(shape) + math.prod(shape), str(path))
        arrays[key] = parse_idx(content, magic, str(path))
    images, labels = arrays["images"], arrays["labels"]
    per_digit = [np.flatnonzero(labels == d) for d in range(10)]
    train = np.stack([rows[:400] for rows in per_digit], axis=1).ravel()  # rank-major: 0, 1, ..., 9, 0, ...
    test = np.stack([rows[400:] for rows in per_digit], axis=1).ravel()
    raw = {"train_img": images[train], "train_label": labels[train],
           "test_img": images[test], "test_label": labels[test]}
    return raw, SUBSET_DIR / SUBSET_FILES["images"][0]


def _warn_cache(problem):
    global _cache_warned
    if not _cache_warned:
        _cache_warned = True
        warnings.warn(f"MNIST: {problem}. The set is loaded, but each new process downloads it "
                      "again until the cache can be written (this warning is shown once per "
                      "process).", MnistCacheWarning, stacklevel=4)


def _warn_subset(reason, cache):
    global _subset_warned
    if not _subset_warned:
        _subset_warned = True
        warnings.warn(
            f"MNIST: the full set could not be loaded ({reason}). Using the 5,000-image subset "
            "that ships with this package: 4,000 training and 1,000 test images. For the full set, set "
            f"MNIST_DIR to a folder with the four original .gz files, or run once with internet "
            f"access (the download is cached in {cache}).", MnistSubsetWarning, stacklevel=4)
