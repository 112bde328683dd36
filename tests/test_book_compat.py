"""Issue 14: scripts written in the style of the book's own (our code, not the book's
files) run against our packages, one or more per incompatibility that was found.

Each script is run as the book's scripts are: top to bottom, in a folder of its own,
with `from common.layers import *` and friends. run_script returns what it printed
and the names it defined.
"""
import io
import os
import pickle
import pickletools
import textwrap
from contextlib import redirect_stdout

import numpy as np
import pytest

from common.simple_convnet import SimpleConvNet
from common.util import load_params_file


def run_script(source, folder, monkeypatch):
    """exec a book-style script in `folder`; returns (its stdout, its namespace).
    source: the script, or a tuple of parts (each dedented on its own) run as one."""
    parts = source if isinstance(source, tuple) else (source,)
    monkeypatch.chdir(folder)
    namespace = {"__name__": "__main__"}
    out = io.StringIO()
    with redirect_stdout(out):
        code = "\n".join(textwrap.dedent(part) for part in parts)
        exec(compile(code, "book_script.py", "exec"), namespace)  # noqa: S102
    return out.getvalue(), namespace


# --- 1. the book's params.pkl: loaded safely; save_params("params.pkl") readable by the book --

SMALL_CONVNET = """
    network = SimpleConvNet(input_dim=(1, 10, 10),
                            conv_param={'filter_num': 3, 'filter_size': 3, 'pad': 0, 'stride': 1},
                            hidden_size=5, output_size=4, weight_init_std=0.01)
"""


def book_params(seed=0):
    """What the book's save_params pickles: a plain dict of float64 arrays."""
    rng = np.random.default_rng(seed)
    shapes = {"W1": (3, 1, 3, 3), "b1": (3,), "W2": (48, 5), "b2": (5,), "W3": (5, 4), "b3": (4,)}
    return {key: rng.standard_normal(shape) for key, shape in shapes.items()}


def as_numpy1_pickle(data):
    """The same pickle as NumPy 1 writes it: numpy.core.* instead of numpy._core.*."""
    size = len(data)
    for new, old in ((b"numpy._core.multiarray", b"numpy.core.multiarray"),
                     (b"numpy._core.numeric", b"numpy.core.numeric")):
        # protocol 2 and 3 name a global in text; 4 and 5 as a short string with its length first
        data = data.replace(b"c" + new + b"\n", b"c" + old + b"\n")
        data = data.replace(bytes([0x8C, len(new)]) + new, bytes([0x8C, len(old)]) + old)
    if data[2] == 0x95:  # protocol 4 and 5 frame the data: the one frame is now shorter
        assert [op.name for op, _, _ in pickletools.genops(data)].count("FRAME") == 1
        frame = int.from_bytes(data[3:11], "little") - (size - len(data))
        data = data[:3] + frame.to_bytes(8, "little") + data[11:]
    return data


@pytest.mark.parametrize("protocol", [0, 1, 2, 3, 4, 5])
@pytest.mark.parametrize("numpy1", [False, True])
def test_load_params_reads_the_books_pickles(tmp_path, monkeypatch, protocol, numpy1):
    data = pickle.dumps(book_params(), protocol=protocol)
    if numpy1:
        data = as_numpy1_pickle(data)
        assert b"numpy._core" not in data and b"numpy.core" in data
    (tmp_path / "params.pkl").write_bytes(data)
    _, ns = run_script(f"""
        import numpy as np
        from common.simple_convnet import SimpleConvNet
        {SMALL_CONVNET.strip()}
        network.load_params("params.pkl")
        print(network.params['W1'].shape)
    """, tmp_path, monkeypatch)
    for key, value in book_params().items():
        np.testing.assert_array_equal(ns["network"].params[key], value)
    x = np.random.default_rng(1).random((2, 1, 10, 10))
    assert ns["network"].predict(x).shape == (2, 4)  # the layers use the loaded arrays


def test_save_params_pkl_is_read_by_the_books_own_load(tmp_path, monkeypatch):
    out, ns = run_script(f"""
        import pickle
        import numpy as np
        from common.simple_convnet import SimpleConvNet
        {SMALL_CONVNET.strip()}
        network.save_params("params.pkl")
        with open("params.pkl", 'rb') as f:   # the book's load_params
            params = pickle.load(f)
        print(sorted(params), type(params).__name__)
    """, tmp_path, monkeypatch)
    assert out.strip() == "['W1', 'W2', 'W3', 'b1', 'b2', 'b3'] dict"
    for key, value in ns["params"].items():
        np.testing.assert_array_equal(value, ns["network"].params[key])


class RunsCode:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


def test_a_pickle_that_would_run_code_is_refused_and_never_run(tmp_path):
    marker = tmp_path / "it ran"
    path = tmp_path / "params.pkl"
    path.write_bytes(pickle.dumps({"W1": np.zeros(3), "evil": RunsCode(marker)}))
    assert "system" in {arg for op, arg, _ in pickletools.genops(path.read_bytes()) if isinstance(arg, str)}
    with pytest.raises(ValueError, match=r"params.pkl: refused to load (posix|nt|os)\.system: a parameter "
                                         r"pickle may hold only a dict of NumPy arrays"):
        SimpleConvNet().load_params(path)
    assert not marker.exists()


@pytest.mark.parametrize("content,message", [
    ([np.zeros(3), np.ones(2)], "expected a pickled dict of NumPy arrays, got a list"),
    ({"W1": np.zeros(3), "lr": 0.1}, "but 'lr' is float"),
    ({"W1": np.zeros(3), "name": "conv"}, "but 'name' is str"),
    ({"W1": np.array([1, "a"], dtype=object)}, "but 'W1' is an array of dtype object"),
])
def test_a_pickle_that_is_not_a_dict_of_number_arrays_is_refused(tmp_path, content, message):
    path = tmp_path / "params.pkl"
    path.write_bytes(pickle.dumps(content))
    with pytest.raises(ValueError, match=f"params.pkl: .*{message}"):
        load_params_file(path)


def test_a_file_that_is_no_parameter_file_is_named(tmp_path):
    path = tmp_path / "params.pkl"
    path.write_bytes(b"this is not a pickle")
    with pytest.raises(ValueError, match="params.pkl: not a parameter file"):
        load_params_file(path)


# --- 2. targets of shape (N, 1) are labels ------------------------------------------------------

def test_gradient_check_with_a_label_of_shape_1_1(tmp_path, monkeypatch):
    # the book's ch07 gradient check: one image, its label as a (1, 1) array
    out, ns = run_script("""
        import numpy as np
        from common.simple_convnet import SimpleConvNet
        np.random.seed(0)
        network = SimpleConvNet(input_dim=(1, 10, 10),
                                conv_param={'filter_num': 10, 'filter_size': 3, 'pad': 0, 'stride': 1},
                                hidden_size=10, output_size=10, weight_init_std=0.01)
        X = np.random.rand(100).reshape((1, 1, 10, 10))
        T = np.array([1]).reshape((1, 1))
        grad_num = network.numerical_gradient(X, T)
        grad = network.gradient(X, T)
        for key, val in grad_num.items():
            print(key, np.abs(grad_num[key] - grad[key]).mean())
        grad_labels = network.gradient(X, np.array([1]))
    """, tmp_path, monkeypatch)
    diffs = dict(line.split() for line in out.splitlines())
    assert sorted(diffs) == ["W1", "W2", "W3", "b1", "b2", "b3"]
    # The weights of 0.01 put many ReLU and max-pooling inputs within h = 1e-4 of a kink,
    # where a central difference is off: the book's own run prints differences of this size.
    assert max(float(d) for d in diffs.values()) < 1e-4
    for key, value in ns["grad"].items():  # (1, 1) is the label 1
        np.testing.assert_array_equal(value, ns["grad_labels"][key])


def test_labels_of_shape_n_1_in_every_loss(tmp_path, monkeypatch):
    out, _ = run_script("""
        from common.layers import *
        x = np.array([[0.3, 2.9, 4.0], [1.0, 0.5, -1.0], [0.0, 0.0, 2.0]])
        t = np.array([2, 0, 1]).reshape(3, 1)
        layer = SoftmaxWithLoss()
        print(layer.forward(x, t) == layer.forward(x, t.ravel()),
              softmax_loss(x, t) == softmax_loss(x, t.ravel()),
              cross_entropy_error(softmax(x), t) == cross_entropy_error(softmax(x), t.ravel()),
              layer.backward().shape)
    """, tmp_path, monkeypatch)
    assert out.strip() == "True True True (3, 3)"


# --- 3. Trainer works with any network that has params, gradient, loss, accuracy --------------

NETWORK_WITHOUT_LAST_LAYER = """
    import numpy as np
    from common.layers import *
    from common.trainer import Trainer

    class TinyNet:
        '''The book's Trainer interface and nothing else (like the book's DeepConvNet,
        minus its last_layer).'''
        def __init__(self):
            self.params = {'W1': 0.1 * np.random.randn(4, 8), 'b1': np.zeros(8),
                           'W2': 0.1 * np.random.randn(8, 3), 'b2': np.zeros(3)}
            self.layers = [Affine(self.params['W1'], self.params['b1']), Relu(),
                           Affine(self.params['W2'], self.params['b2'])]
            self.loss_layer = SoftmaxWithLoss()

        def predict(self, x):
            for layer in self.layers:
                x = layer.forward(x)
            return x

        def loss(self, x, t):
            return self.loss_layer.forward(self.predict(x), t)

        def accuracy(self, x, t):
            return np.mean(np.argmax(self.predict(x), axis=1) == t)

        def gradient(self, x, t):
            self.loss(x, t)
            dout = self.loss_layer.backward(1)
            for layer in reversed(self.layers):
                dout = layer.backward(dout)
            return {'W1': self.layers[0].dW, 'b1': self.layers[0].db,
                    'W2': self.layers[2].dW, 'b2': self.layers[2].db}

    np.random.seed(0)
    t_train = np.random.randint(0, 3, 300)
    x_train = np.eye(3, 4)[t_train] * 2 + 0.3 * np.random.randn(300, 4)
    network = TinyNet()
"""


def test_trainer_with_a_network_that_has_no_last_layer(tmp_path, monkeypatch):
    _, ns = run_script((NETWORK_WITHOUT_LAST_LAYER, """
        trainer = Trainer(network, x_train, t_train, x_train, t_train, epochs=5, mini_batch_size=30,
                          optimizer='Adam', optimizer_param={'lr': 0.01}, verbose=False)
        trainer.train()
    """), tmp_path, monkeypatch)
    trainer = ns["trainer"]
    assert len(trainer.train_loss_list) == 50
    assert trainer.train_loss_list[-1] < trainer.train_loss_list[0] / 2
    assert trainer.test_acc_list[-1] > 0.9


def test_trainer_reads_the_loss_of_a_network_with_only_last_layer(tmp_path, monkeypatch):
    # the book's DeepConvNet names its last layer last_layer; the Trainer reads the loss there
    _, ns = run_script((NETWORK_WITHOUT_LAST_LAYER, """
        network.last_layer = network.loss_layer
        calls = []
        def counted_loss(x, t, loss=network.loss):
            calls.append(len(x))
            return loss(x, t)
        network.loss = counted_loss
        trainer = Trainer(network, x_train, t_train, x_train, t_train, epochs=1, mini_batch_size=30,
                          verbose=False)
        trainer.train_step()
    """), tmp_path, monkeypatch)
    assert ns["calls"] == [30]  # gradient's forward pass only: no second one for the loss
    assert ns["trainer"].train_loss_list == [float(ns["network"].last_layer.loss)]


# --- 4. last_layer: the book's name in MultiLayerNet, MultiLayerNetExtend, SimpleConvNet -------

def test_last_layer_is_the_books_name_for_lastlayer(tmp_path, monkeypatch):
    out, _ = run_script("""
        import numpy as np
        from common.layers import SoftmaxWithLoss
        from common.multi_layer_net import MultiLayerNet
        from common.multi_layer_net_extend import MultiLayerNetExtend
        from common.simple_convnet import SimpleConvNet
        nets = [MultiLayerNet(input_size=784, hidden_size_list=[100, 100], output_size=10),
                MultiLayerNetExtend(input_size=784, hidden_size_list=[100], output_size=10, use_batchnorm=True),
                SimpleConvNet()]
        for network in nets:
            x = np.random.rand(2, 1, 28, 28) if isinstance(network, SimpleConvNet) else np.random.rand(2, 784)
            loss = network.last_layer.forward(network.predict(x), np.array([3, 7]))
            same = network.last_layer is network.lastLayer
            network.last_layer = SoftmaxWithLoss()     # one object, two names
            print(type(network).__name__, same, network.lastLayer is network.last_layer, loss > 0)
    """, tmp_path, monkeypatch)
    assert out.split("\n")[:3] == [f"{name} True True True" for name in
                                   ("MultiLayerNet", "MultiLayerNetExtend", "SimpleConvNet")]


# --- 5. Pooling's default stride is the book's ------------------------------------------------

def test_pooling_default_stride_is_the_books(tmp_path, monkeypatch):
    # The book's common/layers.py: Pooling(pool_h, pool_w, stride=1, pad=0); its networks pass stride=2.
    out, _ = run_script("""
        from common.layers import *
        x = np.random.rand(1, 1, 28, 28)
        print(Pooling(2, 2).forward(x).shape, Pooling(pool_h=2, pool_w=2, stride=2).forward(x).shape)
    """, tmp_path, monkeypatch)
    assert out.strip() == "(1, 1, 27, 27) (1, 1, 14, 14)"


def test_a_convolution_with_one_number_as_its_bias_like_apply_filter(tmp_path, monkeypatch):
    # The book's ch07/apply_filter.py: b = 0 for a single filter w of shape (1, C, FH, FW).
    out, _ = run_script("""
        import numpy as np
        from common.layers import Convolution
        w = np.ones((1, 1, 3, 3))
        img = np.arange(25, dtype=np.float32).reshape(1, 1, 5, 5)
        b = 0  # network.params['b1'][i]
        conv_layer = Convolution(w, b)
        out = conv_layer.forward(img)
        print(out.shape, out[0, 0, 0, 0], conv_layer.b)
        conv_layer.backward(np.ones_like(out))
        print(conv_layer.db)
    """, tmp_path, monkeypatch)
    assert out.split("\n")[:2] == ["(1, 1, 3, 3) 54.0 [0.]", "[9.]"]


# --- 6. what `from common.layers import *` brings; numerical_gradient_2d ------------------------

def test_star_import_of_layers_brings_the_functions(tmp_path, monkeypatch):
    out, ns = run_script("""
        from common.layers import *
        x = np.array([[0.1, 2.0, -1.0]])
        y = softmax(x)
        print(round(float(cross_entropy_error(y, np.array([1]))), 4), relu(x), step_function(x),
              im2col(np.ones((1, 1, 3, 3)), 2, 2).shape)
    """, tmp_path, monkeypatch)
    expected = ("identity_function step_function sigmoid sigmoid_grad relu relu_grad softmax "
                "sum_squared_error cross_entropy_error softmax_loss im2col col2im np MulLayer AddLayer "
                "Relu Sigmoid Affine SoftmaxWithLoss Dropout BatchNormalization Convolution Pooling")
    assert not [name for name in expected.split() if name not in ns]
    assert out.strip() == "0.1818 [[0.1 2.  0. ]] [[1 1 0]] (4, 4)"


def test_numerical_gradient_2d_and_1d(tmp_path, monkeypatch):
    # the book's ch04 gradient plot: the gradient of x0**2 + x1**2 at many points, one per row
    _, ns = run_script("""
        import numpy as np
        from common.gradient import numerical_gradient_2d, _numerical_gradient_1d
        def function_2(x):
            return np.sum(x**2)
        X = np.array([[3.0, 4.0], [0.0, 2.0], [3.0, 0.0], [-1.5, 0.5]])
        grad = numerical_gradient_2d(function_2, X)
        grad_1d = _numerical_gradient_1d(function_2, np.array([3.0, 4.0]))
        grad_single = numerical_gradient_2d(function_2, np.array([3.0, 4.0]))
    """, tmp_path, monkeypatch)
    np.testing.assert_allclose(ns["grad"], 2 * ns["X"], atol=1e-6)
    np.testing.assert_allclose(ns["grad_1d"], [6.0, 8.0], atol=1e-6)
    np.testing.assert_allclose(ns["grad_single"], [6.0, 8.0], atol=1e-6)


# --- 7. Pooling.x, Pooling.arg_max, BatchNormalization.batch_size, MultiLayerNetExtend.params ---

@pytest.mark.parametrize("pool,stride,pad", [(2, 2, 0), (3, 1, 0), (2, 1, 1), (3, 2, 1)])
def test_pooling_keeps_x_and_arg_max_like_the_book(tmp_path, monkeypatch, pool, stride, pad):
    _, ns = run_script(f"""
        from common.layers import *
        x = np.random.default_rng(0).integers(0, 4, (2, 3, 6, 6)).astype(float)  # many ties
        pool = Pooling({pool}, {pool}, {stride}, {pad})
        out = pool.forward(x)
        # the book's arg_max: each window's row of im2col, its first maximum
        col = im2col(x, {pool}, {pool}, {stride}, {pad}).reshape(-1, {pool} * {pool})
        reference = np.argmax(col, axis=1)
    """, tmp_path, monkeypatch)
    pool = ns["pool"]
    assert pool.x is ns["x"]
    np.testing.assert_array_equal(pool.arg_max, ns["reference"])


def test_batch_normalization_batch_size_and_extend_params_order(tmp_path, monkeypatch):
    out, _ = run_script("""
        import numpy as np
        from common.layers import BatchNormalization
        from common.multi_layer_net_extend import MultiLayerNetExtend
        bn = BatchNormalization(np.ones(5), np.zeros(5))
        print(bn.batch_size)
        bn.forward(np.random.rand(7, 5), train_flg=True)
        print(bn.batch_size)
        network = MultiLayerNetExtend(input_size=784, hidden_size_list=[100, 100], output_size=10,
                                      use_batchnorm=True)
        print(list(network.params))
    """, tmp_path, monkeypatch)
    assert out.splitlines() == ["None", "7",
                                "['W1', 'b1', 'W2', 'b2', 'W3', 'b3', 'gamma1', 'beta1', 'gamma2', 'beta2']"]


# --- 8. NumPy type promotion in Affine and Convolution -----------------------------------------

BOOK_TWO_LAYER_NET = """
    import numpy as np
    from collections import OrderedDict
    from common.layers import *
    from common.gradient import numerical_gradient

    class TwoLayerNet:
        '''The book's chapter 5 network in its own style: float64 weights from np.random.randn.'''
        def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
            self.params = {}
            self.params['W1'] = weight_init_std * np.random.randn(input_size, hidden_size)
            self.params['b1'] = np.zeros(hidden_size)
            self.params['W2'] = weight_init_std * np.random.randn(hidden_size, output_size)
            self.params['b2'] = np.zeros(output_size)
            self.layers = OrderedDict()
            self.layers['Affine1'] = Affine(self.params['W1'], self.params['b1'])
            self.layers['Relu1'] = Relu()
            self.layers['Affine2'] = Affine(self.params['W2'], self.params['b2'])
            self.lastLayer = SoftmaxWithLoss()

        def predict(self, x):
            for layer in self.layers.values():
                x = layer.forward(x)
            return x

        def loss(self, x, t):
            return self.lastLayer.forward(self.predict(x), t)

        def numerical_gradient(self, x, t):
            loss_W = lambda W: self.loss(x, t)
            return {key: numerical_gradient(loss_W, self.params[key]) for key in ('W1', 'b1', 'W2', 'b2')}

        def gradient(self, x, t):
            self.loss(x, t)
            dout = self.lastLayer.backward(1)
            for layer in reversed(list(self.layers.values())):
                dout = layer.backward(dout)
            return {'W1': self.layers['Affine1'].dW, 'b1': self.layers['Affine1'].db,
                    'W2': self.layers['Affine2'].dW, 'b2': self.layers['Affine2'].db}
"""


def test_the_books_float64_network_on_float32_images_computes_in_float64(tmp_path, monkeypatch):
    out, ns = run_script((BOOK_TWO_LAYER_NET, """
        np.random.seed(0)
        x_batch = np.random.rand(3, 784).astype(np.float32)   # what load_mnist(normalize=True) gives
        t_batch = np.eye(10)[[2, 7, 1]]
        network = TwoLayerNet(input_size=784, hidden_size=50, output_size=10)
        grad_numerical = network.numerical_gradient(x_batch, t_batch)
        grad_backprop = network.gradient(x_batch, t_batch)
        for key in grad_numerical.keys():
            diff = np.average(np.abs(grad_backprop[key] - grad_numerical[key]))
            print(key + ":" + str(diff))
        print(network.predict(x_batch).dtype)
    """), tmp_path, monkeypatch)
    lines = out.splitlines()
    assert lines[-1] == "float64"
    diffs = {key: float(value) for key, value in (line.split(":") for line in lines[:-1])}
    assert max(diffs.values()) < 1e-9, diffs  # in float32 it was about 1e-4 (issue 14)


@pytest.mark.parametrize("data,weights,expected", [
    (np.float32, np.float64, np.float64), (np.float32, np.float32, np.float32),
    (np.float64, np.float32, np.float64), (np.float64, np.float64, np.float64),
])
def test_affine_and_convolution_follow_numpy_type_promotion(data, weights, expected):
    from common.layers import Affine, Convolution
    rng = np.random.default_rng(0)
    affine = Affine(rng.standard_normal((12, 3)).astype(weights), np.zeros(3, weights))
    conv = Convolution(rng.standard_normal((2, 1, 3, 3)).astype(weights), np.zeros(2, weights))
    for layer, x in ((affine, rng.random((4, 12))), (conv, rng.random((4, 1, 5, 5)))):
        out = layer.forward(x.astype(data))
        dx = layer.backward(np.ones_like(out))
        assert out.dtype == dx.dtype == expected, type(layer).__name__
        assert layer.dW.dtype == layer.db.dtype == weights  # a gradient has its parameter's dtype


# --- 9. Trainer: verbose prints what the book prints; the loss includes weight decay ------------

def test_trainer_verbose_prints_like_the_book(tmp_path, monkeypatch):
    out, ns = run_script((NETWORK_WITHOUT_LAST_LAYER, """
        trainer = Trainer(network, x_train, t_train, x_train[:50], t_train[:50], epochs=2,
                          mini_batch_size=100, optimizer='SGD', optimizer_param={'lr': 0.1})
        trainer.train()
    """), tmp_path, monkeypatch)
    lines = out.splitlines()
    trainer = ns["trainer"]
    assert lines[0] == f"train loss:{trainer.train_loss_list[0]}"
    assert lines[1] == (f"=== epoch:1, train acc:{trainer.train_acc_list[0]}, "
                        f"test acc:{trainer.test_acc_list[0]} ===")
    assert sum(line.startswith("train loss:") for line in lines) == trainer.max_iter == 6
    assert sum(line.startswith("=== epoch:") for line in lines) == 2
    final = trainer.network.accuracy(ns["x_train"][:50], ns["t_train"][:50])
    assert lines[-2:] == ["=============== Final Test Accuracy ===============", f"test acc:{final}"]


def test_trainer_loss_includes_weight_decay_like_the_book(tmp_path, monkeypatch):
    _, ns = run_script("""
        import numpy as np
        from common.multi_layer_net import MultiLayerNet
        from common.trainer import Trainer
        np.random.seed(0)
        x_train = np.tile(np.random.rand(1, 6), (40, 1))      # one sample, forty times: every batch is alike
        t_train = np.full(40, 2)
        network = MultiLayerNet(input_size=6, hidden_size_list=[5], output_size=3, weight_decay_lambda=0.5)
        trainer = Trainer(network, x_train, t_train, x_train, t_train, epochs=1, mini_batch_size=10,
                          optimizer='SGD', optimizer_param={'lr': 0.0}, verbose=False)
        trainer.train_step()
        with_decay = network.loss(x_train[:10], t_train[:10])
        without = network.last_layer.forward(network.predict(x_train[:10]), t_train[:10])
    """, tmp_path, monkeypatch)
    assert ns["trainer"].train_loss_list[0] == pytest.approx(ns["with_decay"], rel=1e-12)
    assert ns["with_decay"] > ns["without"] + 0.1


# --- 10. one-hot labels in float64, conv_output_size a float, optimizers on plain numbers ------

@pytest.mark.filterwarnings("ignore")  # without the full set: the 5,000-image subset warns
def test_one_hot_labels_are_float64_like_the_books(tmp_path, monkeypatch):
    out, _ = run_script("""
        from dataset.mnist import load_mnist
        (x_train, t_train), (x_test, t_test) = load_mnist(normalize=True, one_hot_label=True)
        print(x_train.dtype, t_train.dtype, t_train.shape[1], t_test.dtype)
    """, tmp_path, monkeypatch)
    assert out.strip() == "float32 float64 10 float64"


def test_conv_output_size_is_the_books_float(tmp_path, monkeypatch):
    out, _ = run_script("""
        from common.util import conv_output_size
        size = conv_output_size(28, 5, stride=1, pad=0)
        print(size, int(30 * (size / 2) * (size / 2)))   # the book's SimpleConvNet sizes W2 like this
    """, tmp_path, monkeypatch)
    assert out.strip() == "24.0 4320"


def test_optimizers_on_plain_python_numbers(tmp_path, monkeypatch):
    # the book's chapter 6 comparison on f(x, y) = x**2 / 20 + y**2, from plain numbers
    out, ns = run_script("""
        from common.optimizer import *
        def df(x, y):
            return x / 10.0, 2.0 * y
        for init in ((-7.0, 2.0), (-7, 2)):
            for optimizer in (SGD(lr=0.95), Momentum(lr=0.1), Nesterov(lr=0.1), AdaGrad(lr=1.5),
                              RMSprop(lr=0.1), Adam(lr=0.3)):
                params = {'x': init[0], 'y': init[1]}
                grads = {}
                for i in range(30):
                    grads['x'], grads['y'] = df(params['x'], params['y'])
                    optimizer.update(params, grads)
                print(type(optimizer).__name__, round(float(params['x']), 6), round(float(params['y']), 6))
    """, tmp_path, monkeypatch)
    lines = out.splitlines()
    assert lines[:6] == lines[6:]  # ints give what floats give
    # Momentum against its formula: v = momentum * v - lr * grad; x += v
    x, y, vx, vy = -7.0, 2.0, 0.0, 0.0
    for _ in range(30):
        vx, vy = 0.9 * vx - 0.1 * x / 10.0, 0.9 * vy - 0.1 * 2.0 * y
        x, y = x + vx, y + vy
    assert lines[1] == f"Momentum {round(x, 6)} {round(y, 6)}"
