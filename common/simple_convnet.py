"""The book's simple convolutional network:
Conv -> ReLU -> 2x2 max Pool -> Affine -> ReLU -> Affine -> SoftmaxWithLoss (run as Conv -> Pool -> ReLU,
which computes the same: see below).

It trains with common.fast_layers' Convolution and Pooling: the same math as the layers
of common.layers, rearranged for speed (tests/test_fast_layers.py holds them equal).
"""
from collections import OrderedDict

import numpy as np

from common.fast_layers import FastConvolution, FastPooling
from common.im2col import output_length
from common.layers import Affine, Relu, SoftmaxWithLoss
from common.network import Network, check_size, network_dtype, randn, weight_std
from common.params_file import load_params_file, save_params_file


class SimpleConvNet(Network):
    """input_dim (C, H, W); conv_param keys filter_num, filter_size, pad, stride.
    weight_init_std: a number (the book's 0.01), or 'relu'/'he' or 'sigmoid'/'xavier'
    for a scale per layer from its fan-in (C * filter_size**2 for the filters).

    params: W1 (filter_num, C, filter_size, filter_size), b1 (filter_num,),
            W2 (filter_num * pool_h * pool_w, hidden_size), b2 (hidden_size,),
            W3 (hidden_size, output_size), b3 (output_size,).
    """

    def __init__(self, input_dim=(1, 28, 28),
                 conv_param={"filter_num": 30, "filter_size": 5, "pad": 0, "stride": 1},  # noqa: B006 (the book's call)
                 hidden_size=100, output_size=10, weight_init_std=0.01, *, dtype=np.float64, rng=None):
        self.dtype = network_dtype("SimpleConvNet", dtype)
        missing = sorted({"filter_num", "filter_size", "pad", "stride"} - set(conv_param))
        if missing:
            raise ValueError(f"SimpleConvNet: conv_param has no {', '.join(missing)}: give filter_num, filter_size, "
                             "pad and stride, e.g. {'filter_num': 30, 'filter_size': 5, 'pad': 0, 'stride': 1}")
        if len(input_dim) != 3:
            raise ValueError(f"SimpleConvNet expected input_dim (C, H, W), got {input_dim!r}")
        fn, fs = conv_param["filter_num"], conv_param["filter_size"]
        pad, stride = conv_param["pad"], conv_param["stride"]
        channels, height, width = input_dim
        if isinstance(pad, bool) or not isinstance(pad, (int, np.integer)) or pad < 0:
            raise ValueError(f"SimpleConvNet expected pad to be an integer >= 0, got {pad!r}")
        for name, size in (("input_dim[0]", channels), ("input_dim[1]", height), ("input_dim[2]", width),
                           ("filter_num", fn), ("filter_size", fs), ("stride", stride),
                           ("hidden_size", hidden_size), ("output_size", output_size)):
            check_size("SimpleConvNet", name, size)
        conv_h = output_length(height, fs, stride, pad)
        conv_w = output_length(width, fs, stride, pad)
        if conv_h < 2 or conv_w < 2:
            raise ValueError(f"SimpleConvNet: a {fs}x{fs} filter with pad {pad} and stride {stride} gives a "
                             f"{conv_h}x{conv_w} output for input_dim {tuple(input_dim)}, too small for its 2x2 "
                             "pooling: use a smaller filter_size or more padding")
        pool_output_size = fn * (conv_h // 2) * (conv_w // 2)
        shapes = {"W1": (fn, channels, fs, fs), "W2": (pool_output_size, hidden_size),
                  "W3": (hidden_size, output_size)}
        self.params = {}
        for i, (name, shape) in enumerate(shapes.items(), start=1):
            std = weight_std(weight_init_std, int(np.prod(shape[1:])) if i == 1 else shape[0])
            self.params[name] = (std * randn(rng, *shape)).astype(self.dtype)
            self.params[f"b{i}"] = np.zeros(shape[-1] if i > 1 else fn, dtype=self.dtype)
        p = self.params
        self.layers = OrderedDict()
        self.layers["Conv1"] = FastConvolution(p["W1"], p["b1"], stride, pad, need_dx=False)  # x is the data
        # The book's order is Conv1, Relu1, Pool1. Max pooling and ReLU commute (the ReLU of a window's
        # maximum is the maximum of its ReLUs, and both send the gradient to the same place), so pooling
        # first gives the same outputs and gradients with ReLU on a quarter of the values
        # (tests/test_fast_layers.py holds the two orders equal).
        self.layers["Pool1"] = FastPooling(pool_h=2, pool_w=2, stride=2)
        self.layers["Relu1"] = Relu()
        self.layers["Affine1"] = Affine(p["W2"], p["b2"])
        self.layers["Relu2"] = Relu()
        self.layers["Affine2"] = Affine(p["W3"], p["b3"])
        self.lastLayer = SoftmaxWithLoss()  # also named last_layer, the book's name here

    def accuracy(self, x, t, batch_size=100):
        return super().accuracy(x, t, batch_size)

    def save_params(self, file_name="params.pkl"):
        """Save the parameters. A name ending in .pkl (the book's default) gets the book's
        format, a pickled dict of arrays, which the book's own load_params reads too; any
        other name gets a NumPy .npz archive."""
        save_params_file(file_name, self.params)

    def load_params(self, file_name="params.pkl"):
        """Load parameters into the existing arrays (the layers keep them): from save_params'
        files or the book's params.pkl, read without running pickle code (common.params_file.ParamsUnpickler).
        Checks every name and shape first, and changes nothing if one does not fit."""
        saved = load_params_file(file_name)
        if saved.keys() != self.params.keys():
            raise ValueError(f"{file_name}: has parameters {sorted(saved)}, this network needs "
                             f"{sorted(self.params)}")
        for key, value in self.params.items():
            if saved[key].shape != value.shape:
                raise ValueError(f"{file_name}: parameter {key} has shape {saved[key].shape}, "
                                 f"this network needs {value.shape}")
        for key, value in self.params.items():
            value[...] = saved[key]
