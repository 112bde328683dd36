"""The book's fully connected network with any number of hidden layers."""
from collections import OrderedDict

import numpy as np

from common.layers import Affine, BatchNormalization, Dropout, Relu, Sigmoid, SoftmaxWithLoss
from common.network import Network, check_size, randn, weight_std

ACTIVATIONS = {"relu": Relu, "sigmoid": Sigmoid}


class MultiLayerNet(Network):
    """input_size -> hidden_size_list[0] -> ... -> output_size, with SoftmaxWithLoss.

    activation: 'relu' or 'sigmoid'. weight_init_std: a number, 'relu'/'he'
    (sqrt(2/fan_in)) or 'sigmoid'/'xavier' (sqrt(1/fan_in)).
    weight_decay_lambda: L2 penalty 0.5 * lambda * sum(W**2) on every weight.
    params W1, b1, ..., W{L}, b{L} with L = len(hidden_size_list) + 1; layers
    Affine1, Activation_function1, ..., Affine{L}.
    """

    def __init__(self, input_size, hidden_size_list, output_size, activation="relu",
                 weight_init_std="relu", weight_decay_lambda=0, *, dtype=np.float64, rng=None):
        self._build(input_size, hidden_size_list, output_size, activation, weight_init_std,
                    weight_decay_lambda, dtype, rng)

    def _build(self, input_size, hidden_size_list, output_size, activation, weight_init_std,
               weight_decay_lambda, dtype, rng, use_batchnorm=False, use_dropout=False,
               dropout_ratio=0.5):
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}: use 'relu' or 'sigmoid'")
        self.dtype = np.dtype(dtype)
        self.input_size = input_size
        self.output_size = output_size
        self.hidden_size_list = list(hidden_size_list)
        who = type(self).__name__
        check_size(who, "input_size", input_size)
        check_size(who, "output_size", output_size)
        for size in self.hidden_size_list:
            check_size(who, "every size in hidden_size_list", size)
        self.hidden_layer_num = len(self.hidden_size_list)
        self.weight_decay_lambda = weight_decay_lambda
        sizes = [input_size, *self.hidden_size_list, output_size]
        self.params = {}
        self.layers = OrderedDict()
        self.grad_sources = {}
        norm_params = {}  # gamma and beta come after all W and b in params, as in the book
        for i in range(1, len(sizes)):
            std = weight_std(weight_init_std, sizes[i - 1])
            W = self.params[f"W{i}"] = (std * randn(rng, sizes[i - 1], sizes[i])).astype(self.dtype)
            b = self.params[f"b{i}"] = np.zeros(sizes[i], dtype=self.dtype)
            self.layers[f"Affine{i}"] = Affine(W, b)
            self.grad_sources.update({f"W{i}": (f"Affine{i}", "dW"), f"b{i}": (f"Affine{i}", "db")})
            if i == len(sizes) - 1:
                break
            if use_batchnorm:
                gamma = norm_params[f"gamma{i}"] = np.ones(sizes[i], dtype=self.dtype)
                beta = norm_params[f"beta{i}"] = np.zeros(sizes[i], dtype=self.dtype)
                self.layers[f"BatchNorm{i}"] = BatchNormalization(gamma, beta)
                self.grad_sources.update({f"gamma{i}": (f"BatchNorm{i}", "dgamma"),
                                          f"beta{i}": (f"BatchNorm{i}", "dbeta")})
            self.layers[f"Activation_function{i}"] = ACTIVATIONS[activation]()
            if use_dropout:
                self.layers[f"Dropout{i}"] = Dropout(dropout_ratio, rng=rng)
        self.params.update(norm_params)
        self.lastLayer = SoftmaxWithLoss()  # also named last_layer, the book's name here
