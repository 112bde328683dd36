"""Time a full MNIST load from the .npz cache against parsing the original .gz files.

    MNIST_DIR=../shared/data/mnist python benchmarks/bench_mnist_load.py

Both candidates run alternately in this one process; the table gives medians
of the repeats. Target for the cached load: at most 0.3 s.
"""
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from dataset import mnist


def timed(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def main(repeats=7):
    directory = os.environ.pop("MNIST_DIR", None)
    if not directory:
        sys.exit("Set MNIST_DIR to a folder with the four original MNIST .gz files.")
    with tempfile.TemporaryDirectory() as cache:
        mnist.write_cache(Path(cache) / "mnist.npz", mnist.read_directory(directory))
        candidates = {
            "parse the .gz files": lambda: mnist.load_mnist(data_dir=directory),
            "cached .npz": lambda: mnist.load_mnist(cache_dir=cache, download=False, allow_subset=False),
        }
        results = {name: [] for name in candidates}
        for _ in range(repeats):  # alternate, so that both see the same machine state
            for name, fn in candidates.items():
                results[name] += timed(fn, 1)
    print(f"full MNIST load (normalize=True, flatten=True), median of {repeats}:")
    print(f"{'source':<22}{'median s':>10}{'min s':>10}")
    for name, times in results.items():
        print(f"{name:<22}{statistics.median(times):>10.3f}{min(times):>10.3f}")
    ratio = statistics.median(results["parse the .gz files"]) / statistics.median(results["cached .npz"])
    print(f"the cache is {ratio:.1f}x faster")


if __name__ == "__main__":
    main()
