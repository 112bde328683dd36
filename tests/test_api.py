"""The book-compatible API of GUIDE section 2 exists, and the book's style of
script runs from any folder with no sys.path edits."""
import importlib
import inspect
import subprocess
import sys
import textwrap

import pytest

API = {
    "common.functions": "identity_function step_function sigmoid sigmoid_grad relu relu_grad softmax "
                        "sum_squared_error cross_entropy_error softmax_loss",
    "common.gradient": "numerical_gradient",
    "common.layers": "MulLayer AddLayer Relu Sigmoid Affine SoftmaxWithLoss Dropout BatchNormalization "
                     "Convolution Pooling",
    "common.util": "smooth_curve shuffle_dataset conv_output_size im2col col2im",
    "common.optimizer": "SGD Momentum Nesterov AdaGrad RMSprop Adam",
    "common.two_layer_net": "TwoLayerNet",
    "common.multi_layer_net": "MultiLayerNet",
    "common.multi_layer_net_extend": "MultiLayerNetExtend",
    "common.simple_convnet": "SimpleConvNet",
    "common.trainer": "Trainer",
}


@pytest.mark.parametrize("module", API)
def test_names_exist(module):
    mod = __import__(module, fromlist=["_"])
    missing = [name for name in API[module].split() if not hasattr(mod, name)]
    assert not missing


def test_book_signatures():
    from common.layers import BatchNormalization, Convolution, Dropout, Pooling
    from common.optimizer import Adam, RMSprop
    from common.two_layer_net import TwoLayerNet

    def params(f):
        return list(inspect.signature(f).parameters)[:6]
    assert params(TwoLayerNet) == ["input_size", "hidden_size", "output_size", "weight_init_std", "dtype", "rng"]
    assert params(BatchNormalization)[:5] == ["gamma", "beta", "momentum", "running_mean", "running_var"]
    assert params(Convolution)[:4] == ["W", "b", "stride", "pad"]
    assert params(Pooling)[:4] == ["pool_h", "pool_w", "stride", "pad"]
    assert params(Dropout)[0] == "dropout_ratio" and params(Dropout.forward) == ["self", "x", "train_flg"]
    assert params(RMSprop) == ["lr", "decay_rate"] and params(Adam) == ["lr", "beta1", "beta2"]


# The book's signatures, names and defaults, in its order (written from its code, in lambda syntax).
# Ours must start with exactly these; any parameter we add must have a default.
BOOK_SIGNATURES = {
    "common.two_layer_net.TwoLayerNet": "input_size, hidden_size, output_size, weight_init_std=0.01",
    "common.multi_layer_net.MultiLayerNet": "input_size, hidden_size_list, output_size, activation='relu', "
                                            "weight_init_std='relu', weight_decay_lambda=0",
    "common.multi_layer_net_extend.MultiLayerNetExtend": "input_size, hidden_size_list, output_size, "
        "activation='relu', weight_init_std='relu', weight_decay_lambda=0, use_dropout=False, "
        "dropout_ration=0.5, use_batchnorm=False",
    "common.simple_convnet.SimpleConvNet": "input_dim=(1, 28, 28), conv_param={'filter_num': 30, "
        "'filter_size': 5, 'pad': 0, 'stride': 1}, hidden_size=100, output_size=10, weight_init_std=0.01",
    "common.simple_convnet.SimpleConvNet.accuracy": "self, x, t, batch_size=100",
    "common.simple_convnet.SimpleConvNet.save_params": "self, file_name='params.pkl'",
    "common.simple_convnet.SimpleConvNet.load_params": "self, file_name='params.pkl'",
    "common.two_layer_net.TwoLayerNet.predict": "self, x",
    "common.two_layer_net.TwoLayerNet.loss": "self, x, t",
    "common.two_layer_net.TwoLayerNet.accuracy": "self, x, t",
    "common.two_layer_net.TwoLayerNet.numerical_gradient": "self, x, t",
    "common.two_layer_net.TwoLayerNet.gradient": "self, x, t",
    "common.multi_layer_net_extend.MultiLayerNetExtend.predict": "self, x, train_flg=False",
    "common.multi_layer_net_extend.MultiLayerNetExtend.loss": "self, x, t, train_flg=False",
    "common.trainer.Trainer": "network, x_train, t_train, x_test, t_test, epochs=20, mini_batch_size=100, "
        "optimizer='SGD', optimizer_param={'lr': 0.01}, evaluate_sample_num_per_epoch=None, verbose=True",
    "common.layers.MulLayer.forward": "self, x, y",
    "common.layers.MulLayer.backward": "self, dout",
    "common.layers.AddLayer.forward": "self, x, y",
    "common.layers.AddLayer.backward": "self, dout",
    "common.layers.Relu.forward": "self, x",
    "common.layers.Relu.backward": "self, dout",
    "common.layers.Sigmoid.forward": "self, x",
    "common.layers.Sigmoid.backward": "self, dout",
    "common.layers.Affine": "W, b",
    "common.layers.Affine.forward": "self, x",
    "common.layers.Affine.backward": "self, dout",
    "common.layers.SoftmaxWithLoss.forward": "self, x, t",
    "common.layers.SoftmaxWithLoss.backward": "self, dout=1",
    "common.layers.Dropout": "dropout_ratio=0.5",
    "common.layers.Dropout.forward": "self, x, train_flg=True",
    "common.layers.Dropout.backward": "self, dout",
    "common.layers.BatchNormalization": "gamma, beta, momentum=0.9, running_mean=None, running_var=None",
    "common.layers.BatchNormalization.forward": "self, x, train_flg=True",
    "common.layers.BatchNormalization.backward": "self, dout",
    "common.layers.Convolution": "W, b, stride=1, pad=0",
    "common.layers.Convolution.forward": "self, x",
    "common.layers.Convolution.backward": "self, dout",
    "common.layers.Pooling": "pool_h, pool_w, stride=1, pad=0",
    "common.layers.Pooling.forward": "self, x",
    "common.layers.Pooling.backward": "self, dout",
    "common.optimizer.SGD": "lr=0.01",
    "common.optimizer.Momentum": "lr=0.01, momentum=0.9",
    "common.optimizer.Nesterov": "lr=0.01, momentum=0.9",
    "common.optimizer.AdaGrad": "lr=0.01",
    "common.optimizer.RMSprop": "lr=0.01, decay_rate=0.99",
    "common.optimizer.Adam": "lr=0.001, beta1=0.9, beta2=0.999",
    "common.optimizer.Adam.update": "self, params, grads",
    "common.functions.softmax": "x",
    "common.functions.cross_entropy_error": "y, t",
    "common.functions.softmax_loss": "X, t",
    "common.functions.sum_squared_error": "y, t",
    "common.gradient.numerical_gradient": "f, x",
    "common.gradient.numerical_gradient_2d": "f, X",
    "common.gradient._numerical_gradient_1d": "f, x",
    "common.util.smooth_curve": "x",
    "common.util.shuffle_dataset": "x, t",
    "common.util.conv_output_size": "input_size, filter_size, stride=1, pad=0",
    "common.util.im2col": "input_data, filter_h, filter_w, stride=1, pad=0",
    "common.util.col2im": "col, input_shape, filter_h, filter_w, stride=1, pad=0",
    "dataset.mnist.load_mnist": "normalize=True, flatten=True, one_hot_label=False",
}


def resolve(dotted):
    """The object a dotted name such as common.layers.Pooling.forward names."""
    parts = dotted.split(".")
    obj = importlib.import_module(".".join(parts[:2]))  # common.<module> or dataset.<module>
    for name in parts[2:]:
        obj = getattr(obj, name)
    return obj


@pytest.mark.parametrize("dotted", BOOK_SIGNATURES)
def test_book_signatures_and_defaults(dotted):
    book = list(inspect.signature(eval(f"lambda {BOOK_SIGNATURES[dotted]}: None")).parameters.values())
    ours = list(inspect.signature(resolve(dotted)).parameters.values())
    assert [(p.name, p.default) for p in ours[:len(book)]] == [(p.name, p.default) for p in book]
    added = [p.name for p in ours[len(book):] if p.default is inspect.Parameter.empty
             and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    assert not added, f"parameters without a default that the book's call would not pass: {added}"


def test_book_defaults_behave_as_the_books():
    import numpy as np

    from common.layers import BatchNormalization, Convolution, Dropout, Pooling, SoftmaxWithLoss
    from common.optimizer import SGD
    from common.two_layer_net import TwoLayerNet
    x = np.random.default_rng(0).random((2, 1, 28, 28))
    assert Pooling(2, 2).forward(x).shape == (2, 1, 27, 27)  # stride 1 by default, as the book's
    assert Convolution(np.ones((3, 1, 5, 5)), np.zeros(3)).forward(x).shape == (2, 3, 24, 24)
    np.random.seed(0)
    assert abs(Dropout().forward(np.ones((100, 100))).mean() - 0.5) < 0.02
    layer = SoftmaxWithLoss()
    layer.forward(np.array([[1.0, 2.0]]), np.array([0]))
    np.testing.assert_array_equal(layer.backward(), layer.backward(1))
    bn = BatchNormalization(np.ones(2), np.zeros(2))
    bn.forward(np.array([[1.0, 3.0], [3.0, 5.0]]))
    np.testing.assert_allclose(bn.running_mean, [0.2, 0.4])  # momentum 0.9 from zeros
    params = {"W": np.array([1.0])}
    SGD().update(params, {"W": np.array([1.0])})
    assert params["W"][0] == 1 - 0.01
    np.random.seed(0)
    assert abs(TwoLayerNet(784, 100, 10).params["W1"].std() - 0.01) < 0.001


def test_book_script_runs_from_another_folder(tmp_path):
    script = textwrap.dedent("""
        import numpy as np
        from common.layers import *
        from common.two_layer_net import TwoLayerNet
        network = TwoLayerNet(input_size=784, hidden_size=50, output_size=10)
        x = np.random.rand(3, 784)
        t = np.eye(10)[[1, 2, 3]]
        grad = network.gradient(x, t)
        layer = Relu()
        print(sorted(grad), isinstance(network.lastLayer, SoftmaxWithLoss), layer.forward(np.array([-1.0, 1.0])))
    """)
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['W1', 'W2', 'b1', 'b2'] True [0. 1.]"
