"""One training iteration of the book's SimpleConvNet (conv 30 5x5, ReLU, 2x2 max
pooling, Affine 4320-100, ReLU, Affine 100-10, softmax loss; batch 100, Adam as in
notebook 10): as it trains (common.fast_layers' FastConvolution and FastPooling), with
the layers notebook 10 teaches in their place (common.layers' Convolution and Pooling,
through im2col, col2im and arg_max), and the same network in PyTorch if installed.

    MNIST_DIR=../shared/data/mnist python benchmarks/bench_convnet_training.py [--repeats 5]

All with the same threads, taking turns; medians of the repeats, each the mean of 50
iterations on random MNIST mini-batches. float32 unless marked; float64, as the book
runs it, for scale. An iteration is the gradient (forward and backward, with no gradient
of the input images except in "taught", whose Convolution computes it as the book's does)
and the Adam update.
"""
import argparse
import os
import sys

import numpy as np
from timing import alternate, optional_torch, our_iteration, print_table, torch_iteration

from common.layers import Convolution, Pooling
from common.optimizer import Adam
from common.simple_convnet import SimpleConvNet
from dataset.mnist import load_mnist

BATCH, ITERS, LR = 100, 50, 0.003


def network(dtype, taught=False):
    """SimpleConvNet as notebook 10 builds it; taught=True puts the taught layers in place of the fast
    ones (holding the same parameter arrays, so the network's gradients find them)."""
    net = SimpleConvNet(weight_init_std="he", dtype=dtype, rng=np.random.default_rng(0))
    if taught:
        net.layers["Conv1"] = Convolution(net.params["W1"], net.params["b1"])
        net.layers["Pool1"] = Pooling(2, 2, stride=2)
    return net


def ours(x_train, t_train, dtype, taught=False):
    return our_iteration(network(dtype, taught), Adam(lr=LR), x_train.astype(dtype), t_train, BATCH)


def torch_net(torch, x_train, t_train):
    torch.manual_seed(0)
    nn = torch.nn
    model = nn.Sequential(nn.Conv2d(1, 30, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Linear(30 * 12 * 12, 100), nn.ReLU(), nn.Linear(100, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    return torch_iteration(torch, model, optimizer, x_train, t_train, BATCH)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    if not os.environ.get("MNIST_DIR"):
        sys.exit("Set MNIST_DIR to a folder with the four original MNIST .gz files.")
    (x_train, t_train), _ = load_mnist(flatten=False)
    candidates = {"ours, fast (float32)": ours(x_train, t_train, np.float32),
                  "ours, taught (float32)": ours(x_train, t_train, np.float32, taught=True),
                  "ours, fast (float64, book)": ours(x_train, t_train, np.float64)}
    torch, note = optional_torch()
    if torch:
        candidates["PyTorch (float32)"] = torch_net(torch, x_train, t_train)
    median_ms = alternate(candidates, args.repeats, passes=ITERS)
    print_table(f"SimpleConvNet training iteration, batch {BATCH}, Adam; {note}", median_ms, unit="ms per iter")
    print(f"\nfast / taught (float32): {median_ms['ours, fast (float32)'] / median_ms['ours, taught (float32)']:.2f}")


if __name__ == "__main__":
    main()
