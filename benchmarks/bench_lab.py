"""The training lab on the full MNIST set: the time to make the lab (it checks the data),
from Train to the first plotted point, curve redraws per second during a run, and a run.

    MNIST_DIR=../shared/data/mnist python benchmarks/bench_lab.py

Each of the repeats is one run of 1 epoch over all 60,000 training images
(600 iterations, batch 100, hidden size 50) with the widgets listening (not displayed).
Target: first point under 1 s.
"""
import os
import statistics
import sys
import time

from common.lab import TrainingLab
from common.lab_view import LabView
from dataset.mnist import load_mnist


def main(repeats=5):
    if not os.environ.get("MNIST_DIR"):
        sys.exit("Set MNIST_DIR to a folder with the four original MNIST .gz files.")
    (x_train, t_train), (x_test, t_test) = load_mnist()
    made = []
    for _ in range(repeats):
        start = time.perf_counter()
        lab = TrainingLab(x_train, t_train, x_test, t_test)
        made.append(time.perf_counter() - start)
    view = LabView(lab)
    lab.set(subset=60000, epochs=1.0)
    first, rates, seconds = [], [], []
    for _ in range(repeats):
        before = view.redraws
        start = time.perf_counter()
        run = lab.train()
        while view.redraws == before and lab.running:
            time.sleep(0.0005)
        first.append(view.redraw_times[before] - start)
        lab.wait()
        redraws = view.redraws - before
        rates.append(redraws / run.seconds)
        seconds.append(run.seconds)
    print(f"training lab, full MNIST, {lab.settings.label()}, median of {repeats}:")
    print(f"{'TrainingLab(...) (checks the data)':<36}{statistics.median(made) * 1000:8.0f} ms")
    print(f"{'Train to first plotted point':<36}{statistics.median(first) * 1000:8.0f} ms")
    print(f"{'curve redraws per second':<36}{statistics.median(rates):8.1f}")
    print(f"{'run of 600 iterations':<36}{statistics.median(seconds):8.2f} s")


if __name__ == "__main__":
    main()
