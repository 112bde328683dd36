"""The book's fully connected network with any number of hidden layers."""
from collections import OrderedDict

import numpy as np

from common.fast_layers import FastAffine
from common.layers import Affine, BatchNormalization, Dropout, Relu, Sigmoid, SoftmaxWithLoss
from common.network import Network, check_size, network_dtype, randn, weight_std

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
        build(self, input_size, hidden_size_list, output_size, activation=activation,
              weight_init_std=weight_init_std, weight_decay_lambda=weight_decay_lambda, dtype=dtype, rng=rng)


def build(net, input_size, hidden_size_list, output_size, *, activation, weight_init_std,
          weight_decay_lambda, dtype, rng, use_batchnorm=False, use_dropout=False, dropout_ratio=0.5):
    """Set net's sizes, params and layers: per hidden layer Affine{i}, [BatchNorm{i}],
    Activation_function{i}, [Dropout{i}], then the last Affine and SoftmaxWithLoss."""
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}: use 'relu' or 'sigmoid'")
    who = type(net).__name__
    check_size(who, "input_size", input_size)
    check_size(who, "output_size", output_size)
    for size in hidden_size_list:
        check_size(who, "every size in hidden_size_list", size)
    net.dtype = network_dtype(who, dtype)
    net.input_size, net.output_size = input_size, output_size
    net.hidden_size_list = list(hidden_size_list)
    net.hidden_layer_num = len(net.hidden_size_list)
    net.weight_decay_lambda = weight_decay_lambda
    sizes = [input_size, *net.hidden_size_list, output_size]
    net.params, net.layers = {}, OrderedDict()
    norm_params = {}  # gamma and beta come after all W and b in params, as in the book
    for i in range(1, len(sizes)):
        std = weight_std(weight_init_std, sizes[i - 1])
        W = net.params[f"W{i}"] = (std * randn(rng, sizes[i - 1], sizes[i])).astype(net.dtype)
        b = net.params[f"b{i}"] = np.zeros(sizes[i], dtype=net.dtype)
        net.layers[f"Affine{i}"] = Affine(W, b) if i > 1 else FastAffine(W, b, need_dx=False)  # x: data, no dx
        if i == len(sizes) - 1:
            break
        if use_batchnorm:
            gamma = norm_params[f"gamma{i}"] = np.ones(sizes[i], dtype=net.dtype)
            beta = norm_params[f"beta{i}"] = np.zeros(sizes[i], dtype=net.dtype)
            net.layers[f"BatchNorm{i}"] = BatchNormalization(gamma, beta)
        net.layers[f"Activation_function{i}"] = ACTIVATIONS[activation]()
        if use_dropout:
            net.layers[f"Dropout{i}"] = Dropout(dropout_ratio, rng=rng)
    net.params.update(norm_params)
    net.lastLayer = SoftmaxWithLoss()  # also named last_layer, the book's name here
