"""One training iteration of the book's SimpleConvNet (conv 30 5x5, ReLU, 2x2 max
pooling, Affine 4320-100, ReLU, Affine 100-10, softmax loss; batch 100, Adam as in
notebook 10) against the same network in PyTorch.

    MNIST_DIR=../shared/data/mnist python benchmarks/bench_convnet_training.py [--repeats 5]

Both in float32 with the same threads, alternately; medians of the repeats, each
the mean of 50 iterations on random MNIST mini-batches. float64, as the book runs
it, for scale. An iteration is the gradient (forward and backward, with no
gradient of the input images on either side) and the Adam update.
"""
import argparse
import os
import sys

import numpy as np
from timing import alternate, optional_torch, our_iteration, print_table, torch_iteration

from common.optimizer import Adam
from common.simple_convnet import SimpleConvNet
from dataset.mnist import load_mnist

BATCH, ITERS, LR = 100, 50, 0.002


def ours(x_train, t_train, dtype):
    net = SimpleConvNet(weight_init_std="he", dtype=dtype, rng=np.random.default_rng(0))
    return our_iteration(net, Adam(lr=LR), x_train.astype(dtype), t_train, BATCH)


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
    candidates = {"ours (float32)": ours(x_train, t_train, np.float32),
                  "ours (float64, as the book)": ours(x_train, t_train, np.float64)}
    torch, note = optional_torch()
    if torch:
        candidates["PyTorch (float32)"] = torch_net(torch, x_train, t_train)
    print_table(f"SimpleConvNet training iteration, batch {BATCH}, Adam; {note}",
                alternate(candidates, args.repeats, passes=ITERS), unit="ms per iter")


if __name__ == "__main__":
    main()
