"""The book-compatible API of GUIDE section 2 exists, and the book's style of
script runs from any folder with no sys.path edits."""
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
