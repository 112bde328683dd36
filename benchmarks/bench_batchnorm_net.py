"""One training iteration of MultiLayerNetExtend with batch norm (5 hidden layers
of 100, ReLU, He initialisation, batch 100, SGD) against the same network in PyTorch.

    MNIST_DIR=../shared/data/mnist python benchmarks/bench_batchnorm_net.py [--repeats 5]

Both in float32 with the same threads, alternately; medians of the repeats, each
the mean of 200 iterations on random MNIST mini-batches.
"""
import argparse
import os
import sys

import numpy as np
from timing import alternate, optional_torch, our_iteration, print_table, torch_iteration

from common.multi_layer_net_extend import MultiLayerNetExtend
from common.optimizer import SGD
from dataset.mnist import load_mnist

HIDDEN, BATCH, ITERS = [100] * 5, 100, 200


def ours(x_train, t_train):
    net = MultiLayerNetExtend(784, HIDDEN, 10, use_batchnorm=True, dtype=np.float32, rng=np.random.default_rng(0))
    return our_iteration(net, SGD(lr=0.01), x_train, t_train, BATCH)


def torch_net(torch, x_train, t_train):
    torch.manual_seed(0)
    layers, size = [], 784
    for width in HIDDEN:
        layers += [torch.nn.Linear(size, width), torch.nn.BatchNorm1d(width, momentum=0.1), torch.nn.ReLU()]
        size = width
    model = torch.nn.Sequential(*layers, torch.nn.Linear(size, 10))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    return torch_iteration(torch, model, optimizer, x_train, t_train, BATCH)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    if not os.environ.get("MNIST_DIR"):
        sys.exit("Set MNIST_DIR to a folder with the four original MNIST .gz files.")
    (x_train, t_train), _ = load_mnist()
    candidates = {"ours (float32)": ours(x_train, t_train)}
    torch, note = optional_torch()
    if torch:
        candidates["PyTorch (float32)"] = torch_net(torch, x_train, t_train)
    print_table(f"MultiLayerNetExtend, batch norm, 5 hidden layers of 100, batch {BATCH}; {note}",
                alternate(candidates, args.repeats, passes=ITERS), unit="ms per iter")


if __name__ == "__main__":
    main()
