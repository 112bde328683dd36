"""The book's two-layer network (5.7.2): Affine -> ReLU -> Affine -> SoftmaxWithLoss."""
from collections import OrderedDict

import numpy as np

from common.fast_layers import FastAffine
from common.gradient import numerical_gradient
from common.layers import Affine, Relu, SoftmaxWithLoss
from common.network import Network, check_size, network_dtype, randn, weight_std


class TwoLayerNet(Network):
    """input_size -> hidden_size (ReLU) -> output_size.

    params: W1 (input_size, hidden_size), b1 (hidden_size,),
            W2 (hidden_size, output_size), b2 (output_size,).
    Weights are weight_init_std * N(0, 1), biases 0. dtype: np.float64 (the
    book's, needed for numerical gradients) or np.float32 (nearly twice as fast).
    predict, loss, numerical_gradient and gradient are the book's; accuracy
    comes from Network.
    """

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01,
                 *, dtype=np.float64, rng=None):
        for name, size in (("input_size", input_size), ("hidden_size", hidden_size), ("output_size", output_size)):
            check_size("TwoLayerNet", name, size)
        self.dtype = network_dtype("TwoLayerNet", dtype)
        if isinstance(weight_init_std, str):
            raise ValueError(f"TwoLayerNet expected a number for weight_init_std (the book's scale, such as 0.01), "
                             f"got {weight_init_std!r}: 'he' and 'xavier' are MultiLayerNet's")
        weight_init_std = weight_std(weight_init_std, input_size)  # checked: a finite number >= 0
        self.params = {
            "W1": (weight_init_std * randn(rng, input_size, hidden_size)).astype(self.dtype),
            "b1": np.zeros(hidden_size, dtype=self.dtype),
            "W2": (weight_init_std * randn(rng, hidden_size, output_size)).astype(self.dtype),
            "b2": np.zeros(output_size, dtype=self.dtype),
        }
        self.layers = OrderedDict()
        self.layers["Affine1"] = FastAffine(self.params["W1"], self.params["b1"], need_dx=False)  # x: data, no dx
        self.layers["Relu1"] = Relu()
        self.layers["Affine2"] = Affine(self.params["W2"], self.params["b2"])
        self.lastLayer = SoftmaxWithLoss()

    def predict(self, x):
        """Scores (N, output_size) for x (N, input_size)."""
        x = np.asarray(x, dtype=self.dtype)  # float32 network: float32 data
        for layer in self.layers.values():
            x = layer.forward(x)
        return x

    def loss(self, x, t):
        """Mean cross-entropy error of softmax(predict(x)) against t: labels (N,) or one-hot (N, C)."""
        y = self.predict(x)
        return self.lastLayer.forward(y, t)

    def numerical_gradient(self, x, t):
        """{W1, b1, W2, b2: gradient of the loss} by central differences (slow: for checks)."""
        loss_W = lambda W: self.loss(x, t)  # noqa: E731  W is ignored: the loss reads self.params

        grads = {}
        grads["W1"] = numerical_gradient(loss_W, self.params["W1"])
        grads["b1"] = numerical_gradient(loss_W, self.params["b1"])
        grads["W2"] = numerical_gradient(loss_W, self.params["W2"])
        grads["b2"] = numerical_gradient(loss_W, self.params["b2"])
        return grads

    def gradient(self, x, t):
        """{W1, b1, W2, b2: gradient of the loss} by backpropagation; lastLayer.loss keeps the loss."""
        # forward
        self.loss(x, t)

        # backward
        dout = 1
        dout = self.lastLayer.backward(dout)

        layers = list(self.layers.values())
        layers.reverse()
        for layer in layers:
            dout = layer.backward(dout)

        # settings
        grads = {}
        grads["W1"], grads["b1"] = self.layers["Affine1"].dW, self.layers["Affine1"].db
        grads["W2"], grads["b2"] = self.layers["Affine2"].dW, self.layers["Affine2"].db
        return grads
