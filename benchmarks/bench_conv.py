"""A Convolution (100x1x28x28 input, 30 filters 5x5) plus 2x2 max Pooling, forward and
backward: the layers notebook 10 teaches (common.layers, through im2col, col2im and
arg_max) against the same math rearranged for speed (common.fast_layers), which the
networks train with, and against torch's conv2d and max_pool2d if PyTorch is installed.

    python benchmarks/bench_conv.py [--repeats 7]

All run with the same number of threads, taking turns; medians of the repeats, each the
mean of 20 passes. Every candidate computes the input's gradient (as a middle layer
must) except "fast, first layer", which skips it with need_dx=False as SimpleConvNet's
first layer does. float32 unless marked; float64, as the book runs it, for scale.
"""
import argparse

import numpy as np
from timing import alternate, optional_torch, print_table

from common.fast_layers import FastConvolution, FastPooling
from common.layers import Convolution, Pooling


def layers_step(conv, pool, x):
    """One forward and backward pass of conv then pool on x, with dout = 1."""
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


def candidates(x, W, b, torch=None):
    """name -> step function, for inputs x (N, C, H, W), filters W (FN, C, FH, FW), b (FN,) in float64."""
    f32 = [a.astype(np.float32) for a in (x, W, b)]
    steps = {
        "taught (float32)": layers_step(Convolution(*f32[1:]), Pooling(2, 2, stride=2), f32[0]),
        "fast (float32)": layers_step(FastConvolution(*f32[1:]), FastPooling(2, 2, stride=2), f32[0]),
        "fast, first layer (float32)": layers_step(FastConvolution(*f32[1:], need_dx=False),
                                                   FastPooling(2, 2, stride=2), f32[0]),
        "taught (float64, the book's)": layers_step(Convolution(W, b), Pooling(2, 2, stride=2), x),
        "fast (float64)": layers_step(FastConvolution(W, b), FastPooling(2, 2, stride=2), x),
    }
    if torch is not None:
        steps["PyTorch (float32)"] = torch_step(torch, *f32)
    return steps


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    x, W, b = rng.random((100, 1, 28, 28)), rng.standard_normal((30, 1, 5, 5)) * 0.1, np.zeros(30)
    torch, note = optional_torch()
    median_ms = alternate(candidates(x, W, b, torch), args.repeats, passes=20)
    print_table(f"Convolution 100x1x28x28, 30 filters 5x5, + 2x2 max pooling, forward + backward; {note}", median_ms)
    taught = median_ms["taught (float32)"]
    print(f"\nfast / taught (float32): {median_ms['fast (float32)'] / taught:.2f}; "
          f"fast first layer / taught: {median_ms['fast, first layer (float32)'] / taught:.2f}")


if __name__ == "__main__":
    main()
