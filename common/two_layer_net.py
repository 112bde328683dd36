"""The book's two-layer network: Affine -> ReLU -> Affine -> SoftmaxWithLoss."""
from collections import OrderedDict

import numpy as np

from common.layers import Affine, Relu, SoftmaxWithLoss
from common.network import Network, check_size, randn


class TwoLayerNet(Network):
    """input_size -> hidden_size (ReLU) -> output_size.

    params: W1 (input_size, hidden_size), b1 (hidden_size,),
            W2 (hidden_size, output_size), b2 (output_size,).
    Weights are weight_init_std * N(0, 1), biases 0. dtype: np.float64 (the
    book's, needed for numerical gradients) or np.float32 (nearly twice as fast).
    """

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01,
                 *, dtype=np.float64, rng=None):
        for name, size in (("input_size", input_size), ("hidden_size", hidden_size), ("output_size", output_size)):
            check_size("TwoLayerNet", name, size)
        self.dtype = np.dtype(dtype)
        self.params = {
            "W1": (weight_init_std * randn(rng, input_size, hidden_size)).astype(self.dtype),
            "b1": np.zeros(hidden_size, dtype=self.dtype),
            "W2": (weight_init_std * randn(rng, hidden_size, output_size)).astype(self.dtype),
            "b2": np.zeros(output_size, dtype=self.dtype),
        }
        self.layers = OrderedDict()
        self.layers["Affine1"] = Affine(self.params["W1"], self.params["b1"])
        self.layers["Relu1"] = Relu()
        self.layers["Affine2"] = Affine(self.params["W2"], self.params["b2"])
        self.lastLayer = SoftmaxWithLoss()
        self.grad_sources = {"W1": ("Affine1", "dW"), "b1": ("Affine1", "db"),
                             "W2": ("Affine2", "dW"), "b2": ("Affine2", "db")}
