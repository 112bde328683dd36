"""The book's MNIST training with our TwoLayerNet against PyTorch on the CPU, and
against the ideal time (FLOPs / matmul throughput measured in this run).

    MNIST_DIR=../shared/data/mnist python benchmarks/bench_mnist_training.py [--repeats 5]

The setup of the book's ch05/train_neuralnet.py: 784-50-10, batch 100, SGD with
learning rate 0.1, 10,000 iterations, accuracy on all 60,000 training and 10,000
test images once per epoch (600 iterations). The candidates run alternately,
each repeat in a fresh network; the table gives medians and their ratios.
A reference candidate writes the same math inlined in one NumPy loop, to show
what the layer objects cost. PyTorch is optional (pip install torch); without it, ours is still timed.
"""
import argparse
import os
import statistics
import sys
import time

import numpy as np
from timing import optional_torch

from common.two_layer_net import TwoLayerNet
from dataset.mnist import load_mnist

ITERS, BATCH, LR, HIDDEN = 10_000, 100, 0.1, 50


def train_ours(data, dtype):
    """Notebook 07's loop: the loss is the one gradient() computed, not a second forward pass."""
    (x_train, t_train), (x_test, t_test) = data
    net = TwoLayerNet(784, HIDDEN, 10, dtype=dtype, rng=np.random.default_rng(0))
    x_train, x_test = x_train.astype(dtype), x_test.astype(dtype)
    rng, iter_per_epoch, losses, accuracies = np.random.default_rng(0), len(x_train) // BATCH, [], []
    for i in range(ITERS):
        batch = rng.integers(0, len(x_train), BATCH)
        grads = net.gradient(x_train[batch], t_train[batch])
        for key in net.params:
            net.params[key] -= LR * grads[key]
        losses.append(float(net.lastLayer.loss))
        if i % iter_per_epoch == 0:
            accuracies.append((net.accuracy(x_train, t_train), net.accuracy(x_test, t_test)))
    return accuracies[-1][1]


def train_inlined(data):
    """The same network and math written out in one loop: no layer objects, no input
    checks, in place wherever it can be. How fast plain NumPy runs this workload here,
    and so what the readable layers cost."""
    (x_train, t_train), (x_test, t_test) = data
    rng = np.random.default_rng(0)
    W1, b1 = (0.01 * rng.standard_normal((784, HIDDEN))).astype(np.float32), np.zeros(HIDDEN, np.float32)
    W2, b2 = (0.01 * rng.standard_normal((HIDDEN, 10))).astype(np.float32), np.zeros(10, np.float32)
    rows, iter_per_epoch, losses, accuracies = np.arange(BATCH), len(x_train) // BATCH, [], []

    def accuracy(x, t, step=10_000):
        correct = 0
        for i in range(0, len(x), step):
            scores = np.maximum(x[i:i + step] @ W1 + b1, 0) @ W2 + b2
            correct += int(np.sum(scores.argmax(axis=1) == t[i:i + step]))
        return correct / len(x)

    for i in range(ITERS):
        batch = rng.integers(0, len(x_train), BATCH)
        x, t = x_train[batch], t_train[batch]
        h = x @ W1
        h += b1
        positive = h > 0
        h *= positive                                   # ReLU
        z = h @ W2
        z += b2
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        total = e.sum(axis=1, keepdims=True)
        losses.append(float(np.log(total[:, 0]).mean() - z[rows, t].mean()))
        dz = e / total                                  # softmax - one-hot, over the batch
        dz[rows, t] -= 1
        dz /= BATCH
        dh = dz @ W2.T
        dh *= positive
        W2 -= LR * (h.T @ dz)
        b2 -= LR * dz.sum(axis=0)
        W1 -= LR * (x.T @ dh)
        b1 -= LR * dh.sum(axis=0)
        if i % iter_per_epoch == 0:
            accuracies.append((accuracy(x_train, t_train), accuracy(x_test, t_test)))
    return accuracies[-1][1]


def train_torch(data, torch):
    (x_train, t_train), (x_test, t_test) = data
    torch.manual_seed(0)
    x_train, x_test = torch.from_numpy(x_train), torch.from_numpy(x_test)
    t_train, t_test = torch.from_numpy(t_train.astype(np.int64)), torch.from_numpy(t_test.astype(np.int64))
    model = torch.nn.Sequential(torch.nn.Linear(784, HIDDEN), torch.nn.ReLU(), torch.nn.Linear(HIDDEN, 10))
    loss_fn, optimizer = torch.nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=LR)
    iter_per_epoch, losses, accuracies = len(x_train) // BATCH, [], []

    def accuracy(x, t):
        with torch.no_grad():
            return (model(x).argmax(dim=1) == t).float().mean().item()
    for i in range(ITERS):
        batch = torch.randint(0, len(x_train), (BATCH,))
        loss = loss_fn(model(x_train[batch]), t_train[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        if i % iter_per_epoch == 0:
            accuracies.append((accuracy(x_train, t_train), accuracy(x_test, t_test)))
    return accuracies[-1][1]


def flops():
    """Multiply-adds x 2 of the matrix products, the first layer's unused input gradient left out."""
    per_iter = 2 * BATCH * (784 * HIDDEN + HIDDEN * 10)          # forward
    per_iter += 2 * BATCH * (784 * HIDDEN + 2 * HIDDEN * 10)     # dW1; dW2 and dx of the hidden layer
    epochs = -(-ITERS // (60000 // BATCH))
    evaluation = epochs * 70000 * 2 * (784 * HIDDEN + HIDDEN * 10)
    return ITERS * per_iter + evaluation


def matmul_gflops(repeats=5):
    """float32 matmul throughput at this run's thread count, on the shapes training uses most."""
    rng = np.random.default_rng(0)
    a, b = rng.random((60000, 784), dtype=np.float32), rng.random((784, HIDDEN), dtype=np.float32)
    c, d = rng.random((784, 2000), dtype=np.float32), rng.random((2000, 784), dtype=np.float32)
    best = 0.0
    for _ in range(repeats):
        for x, y in ((a, b), (c, d)):
            start = time.perf_counter()
            x @ y
            best = max(best, 2 * x.shape[0] * x.shape[1] * y.shape[1] / (time.perf_counter() - start) / 1e9)
    return best


def matmuls_alone(repeats=3):
    """Seconds that only the workload's matrix products take, at their real shapes: the
    floor for any implementation that runs each layer as its own NumPy matmul."""
    rng = np.random.default_rng(0)
    x, W1, W2 = (rng.random(s, dtype=np.float32) for s in ((BATCH, 784), (784, HIDDEN), (HIDDEN, 10)))
    h, dy = rng.random((BATCH, HIDDEN), dtype=np.float32), rng.random((BATCH, 10), dtype=np.float32)
    big = rng.random((60000, 784), dtype=np.float32)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(1000):  # forward, dW2, dx of the hidden layer, dW1
            x @ W1, h @ W2, h.T @ dy, dy @ W2.T, x.T @ h
        per_iteration = (time.perf_counter() - start) / 1000
        start = time.perf_counter()
        big @ W1
        per_image = (time.perf_counter() - start) / 60000
        epochs = -(-ITERS // (60000 // BATCH))
        best = min(best, ITERS * per_iteration + epochs * 70000 * per_image)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-float64", action="store_true", help="skip the book-style float64 candidate")
    args = parser.parse_args()
    if not os.environ.get("MNIST_DIR"):
        sys.exit("Set MNIST_DIR to a folder with the four original MNIST .gz files.")
    data = load_mnist(normalize=True)
    candidates = {"ours (float32)": lambda: train_ours(data, np.float32),
                  "NumPy inlined, no layers": lambda: train_inlined(data)}
    if not args.no_float64:
        candidates["ours (float64, as the book)"] = lambda: train_ours(data, np.float64)
    torch, torch_note = optional_torch()
    if torch:
        candidates["PyTorch (float32)"] = lambda: train_torch(data, torch)
    times, accuracy = {name: [] for name in candidates}, {}
    gflops, floor = [], []
    for _ in range(args.repeats):
        gflops.append(matmul_gflops())
        floor.append(matmuls_alone())
        for name, run in candidates.items():
            start = time.perf_counter()
            accuracy[name] = run()
            times[name].append(time.perf_counter() - start)
    median = {name: statistics.median(t) for name, t in times.items()}
    ideal = flops() / 1e9 / max(gflops)
    print(f"book's MNIST training, {ITERS} iterations; {torch_note}; median of {args.repeats}")
    print(f"{'candidate':<30}{'seconds':>9}{'test acc':>10}{'vs PyTorch':>12}{'vs ideal':>10}")
    reference = median.get("PyTorch (float32)")
    for name, seconds in median.items():
        vs_torch = f"{seconds / reference:.2f}" if reference else "-"
        print(f"{name:<30}{seconds:9.2f}{accuracy[name]:10.4f}{vs_torch:>12}{seconds / ideal:10.2f}")
    print(f"{'matmuls alone, at these shapes':<30}{min(floor):9.2f}{'':>10}{'':>12}{min(floor) / ideal:10.2f}")
    print(f"{'ideal':<30}{ideal:9.2f}{'':>10}{'':>12}{1:10.2f}")
    print(f"ideal = {flops() / 1e9:.0f} GFLOP / {max(gflops):.0f} GFLOP/s (best float32 matmul measured in this run)")


if __name__ == "__main__":
    main()
