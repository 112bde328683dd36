"""One training iteration of MultiLayerNetExtend with batch norm (5 hidden layers
of 100, ReLU, He initialisation, batch 100, SGD) against the same network in PyTorch.

    MNIST_DIR=../shared/data/mnist python benchmarks/bench_batchnorm_net.py [--repeats 5]

Both in float32 with the same threads, alternately; medians of the repeats, each
the mean of 200 iterations on random MNIST mini-batches.
"""
import argparse
import os
import statistics
import sys
import time

import numpy as np

from common.multi_layer_net_extend import MultiLayerNetExtend
from common.optimizer import SGD
from dataset.mnist import load_mnist

HIDDEN, BATCH, ITERS = [100] * 5, 100, 200


def ours(x_train, t_train):
    net = MultiLayerNetExtend(784, HIDDEN, 10, use_batchnorm=True, dtype=np.float32, rng=np.random.default_rng(0))
    optimizer, rng = SGD(lr=0.01), np.random.default_rng(0)

    def iteration():
        batch = rng.integers(0, len(x_train), BATCH)
        optimizer.update(net.params, net.gradient(x_train[batch], t_train[batch]))
        return float(net.lastLayer.loss)
    return iteration


def torch_net(torch, x_train, t_train):
    torch.manual_seed(0)
    layers, size = [], 784
    for width in HIDDEN:
        layers += [torch.nn.Linear(size, width), torch.nn.BatchNorm1d(width, momentum=0.1), torch.nn.ReLU()]
        size = width
    model = torch.nn.Sequential(*layers, torch.nn.Linear(size, 10))
    loss_fn, optimizer = torch.nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.01)
    x, t = torch.from_numpy(x_train), torch.from_numpy(t_train.astype(np.int64))

    def iteration():
        batch = torch.randint(0, len(x), (BATCH,))
        loss = loss_fn(model(x[batch]), t[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return loss.item()
    return iteration


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    if not os.environ.get("MNIST_DIR"):
        sys.exit("Set MNIST_DIR to a folder with the four original MNIST .gz files.")
    (x_train, t_train), _ = load_mnist()
    candidates = {"ours (float32)": ours(x_train, t_train)}
    try:
        import torch
        torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS") or os.cpu_count()))
        candidates["PyTorch (float32)"] = torch_net(torch, x_train, t_train)
        note = f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads"
    except ImportError:
        note = "PyTorch is not installed (pip install torch): timing ours only"
    times = {name: [] for name in candidates}
    for _ in range(args.repeats):
        for name, iteration in candidates.items():
            iteration()
            start = time.perf_counter()
            for _ in range(ITERS):
                iteration()
            times[name].append((time.perf_counter() - start) / ITERS * 1000)
    median = {name: statistics.median(t) for name, t in times.items()}
    reference = median.get("PyTorch (float32)")
    print(f"MultiLayerNetExtend, batch norm, 5 hidden layers of 100, batch {BATCH}; {note}")
    print(f"{'candidate':<22}{'ms per iteration':>18}{'vs PyTorch':>12}")
    for name, ms in median.items():
        print(f"{name:<22}{ms:18.2f}{(f'{ms / reference:.2f}' if reference else '-'):>12}")


if __name__ == "__main__":
    main()
