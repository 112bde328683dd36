"""A Convolution (100x1x28x28 input, 30 filters 5x5) plus 2x2 max Pooling, forward
and backward (with the input gradient), ours against torch's conv2d and max_pool2d.

    python benchmarks/bench_conv.py [--repeats 7]

Both run in float32 with the same number of threads, alternately; medians of
the repeats, each the mean of 20 passes. float64, as the book runs it, for scale.
"""
import argparse

import numpy as np
from timing import alternate, optional_torch, print_table

from common.layers import Convolution, Pooling


def ours(x, W, b):
    conv, pool = Convolution(W, b), Pooling(2, 2, stride=2)

    def step():
        out = pool.forward(conv.forward(x))
        conv.backward(pool.backward(np.ones_like(out)))
    return step


def torch_step(torch, x, W, b):
    x, W, b = (torch.tensor(a, requires_grad=True) for a in (x, W, b))

    def step():
        out = torch.nn.functional.max_pool2d(torch.nn.functional.conv2d(x, W, b), 2)
        out.backward(torch.ones_like(out))
    return step


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    x, W, b = rng.random((100, 1, 28, 28)), rng.standard_normal((30, 1, 5, 5)) * 0.1, np.zeros(30)
    f32 = [a.astype(np.float32) for a in (x, W, b)]
    candidates = {"ours (float32)": ours(*f32), "ours (float64, as the book)": ours(x, W, b)}
    torch, note = optional_torch()
    if torch:
        candidates["PyTorch (float32)"] = torch_step(torch, *f32)
    print_table(f"Convolution 100x1x28x28, 30 filters 5x5, + 2x2 max pooling, forward + backward; {note}",
                alternate(candidates, args.repeats, passes=20))


if __name__ == "__main__":
    main()
