"""Shared helpers for the tests."""
import numpy as np
import pytest


@pytest.fixture
def rng():
    return np.random.default_rng(20261122)


ORIGINAL_MNIST_DIR = __import__("os").environ.get("MNIST_DIR")


@pytest.fixture(autouse=True)
def no_network_and_a_private_cache(monkeypatch, tmp_path_factory):
    """No test touches the internet or the user's cache, and none sees MNIST_DIR
    unless it asks for it (the full_mnist_dir fixture)."""
    import dataset.mnist

    def offline(url, timeout=None):
        raise OSError(f"network disabled in tests: {url}")
    monkeypatch.setattr(dataset.mnist, "fetch_url", offline)
    monkeypatch.setattr(dataset.mnist, "_subset_warned", False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
    monkeypatch.delenv("MNIST_DIR", raising=False)


@pytest.fixture
def full_mnist_dir():
    """The folder with the four original MNIST files (MNIST_DIR, as in CI), or skip."""
    from pathlib import Path
    if not ORIGINAL_MNIST_DIR or not (Path(ORIGINAL_MNIST_DIR) / "train-images-idx3-ubyte.gz").is_file():
        pytest.skip("the full MNIST set is not available here: set MNIST_DIR to a folder with the four original files")
    return Path(ORIGINAL_MNIST_DIR).resolve()
