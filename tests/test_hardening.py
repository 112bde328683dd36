"""Bad input, tried as a careless or unlucky user would, in the layers, functions, networks,
optimizers, Trainer and the autograd engine: each case ends in the right result or an error
that says what was wrong and how to fix it (issue 23). One parameter is one case."""
import threading

import numpy as np
import pytest

import common.autograd_ops as F
from common.autograd import Config, Variable, no_grad
from common.functions import cross_entropy_error, softmax, softmax_loss, sum_squared_error
from common.gradient import check_layer, numerical_gradient
from common.layers import (
    AddLayer,
    Affine,
    BatchNormalization,
    Convolution,
    Dropout,
    MulLayer,
    Pooling,
    Relu,
    Sigmoid,
    SoftmaxWithLoss,
)
from common.multi_layer_net import MultiLayerNet
from common.multi_layer_net_extend import MultiLayerNetExtend
from common.optimizer import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSprop
from common.simple_convnet import SimpleConvNet
from common.trainer import Trainer
from common.two_layer_net import TwoLayerNet

Z = np.zeros
OPTIMIZERS = [SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam]


def forwarded(layer, *inputs, **kwargs):
    layer.forward(*inputs, **kwargs)
    return layer


def tiny_trainer(**kwargs):
    x, t = np.ones((6, 4)), np.zeros(6, dtype=int)
    return Trainer(TwoLayerNet(4, 3, 2), x, t, x, t, verbose=False, **kwargs)


# (case, callable, exception type, regex the message must match)
ERRORS = [
    # parameters that are not floating arrays
    ("Affine W a list", lambda: Affine([[1.0, 2.0]], np.zeros(2)), ValueError, r"W as a floating NumPy array, got list"),
    ("Affine int W", lambda: Affine(np.ones((2, 2), dtype=int), np.zeros(2)), ValueError, r"dtype int64.*np.float64"),
    ("Affine int b", lambda: Affine(np.ones((2, 2)), np.zeros(2, dtype=int)), ValueError, r"b as a floating"),
    ("Affine W 1-D", lambda: Affine(np.ones(3), np.zeros(3)), ValueError, r"W of shape \(D, M\)"),
    ("Affine b too long", lambda: Affine(np.ones((2, 3)), np.zeros(4)), ValueError, r"one bias per column"),
    ("Convolution W 3-D", lambda: Convolution(Z((2, 3, 3)), Z(2)), ValueError, r"\(FN, C, FH, FW\)"),
    ("Convolution int W", lambda: Convolution(np.ones((1, 1, 2, 2), dtype=int), Z(1)), ValueError, r"floating"),
    ("Convolution stride 1.0", lambda: Convolution(Z((1, 1, 2, 2)), Z(1), stride=1.0), ValueError, r"stride to be an integer"),
    ("Convolution stride True", lambda: Convolution(Z((1, 1, 2, 2)), Z(1), stride=True), ValueError, r"stride"),
    ("Convolution pad -1", lambda: Convolution(Z((1, 1, 2, 2)), Z(1), pad=-1), ValueError, r"pad to be an integer >= 0"),
    ("BatchNorm gamma list", lambda: BatchNormalization([1.0], Z(1)), ValueError, r"gamma as a floating"),
    ("BatchNorm shapes", lambda: BatchNormalization(np.ones(3), Z(4)), ValueError, r"gamma and beta of one shape"),
    ("BatchNorm momentum str", lambda: BatchNormalization(np.ones(3), Z(3), momentum="0.9"), ValueError, r"momentum to be a number"),
    ("BatchNorm momentum 2", lambda: BatchNormalization(np.ones(3), Z(3), momentum=2), ValueError, r"momentum"),
    ("BatchNorm eps 0", lambda: BatchNormalization(np.ones(3), Z(3), eps=0), ValueError, r"eps"),
    ("Dropout ratio str", lambda: Dropout("0.5"), ValueError, r"dropout_ratio in \[0, 1\)"),
    ("Dropout ratio nan", lambda: Dropout(float("nan")), ValueError, r"dropout_ratio"),
    ("Dropout ratio 1", lambda: Dropout(1.0), ValueError, r"dropout_ratio"),
    ("Dropout ratio True", lambda: Dropout(True), ValueError, r"dropout_ratio"),
    ("Pooling window 0", lambda: Pooling(0, 2), ValueError, r"pool_h to be an integer >= 1"),
    ("Pooling stride 0", lambda: Pooling(2, 2, stride=0), ValueError, r"stride"),
    ("Pooling window 2.5", lambda: Pooling(2.5, 2), ValueError, r"pool_h"),
    # inputs and gradients of the wrong shape
    ("MulLayer dout shape", lambda: forwarded(MulLayer(), np.ones(3), np.ones(3)).backward(np.ones(4)), ValueError,
     r"expected dout of shape \(3,\).*got shape \(4,\)"),
    ("AddLayer dout shape", lambda: forwarded(AddLayer(), np.ones((2, 3)), np.ones(3)).backward(np.ones(3)), ValueError,
     r"expected dout of shape \(2, 3\)"),
    ("MulLayer backward first", lambda: MulLayer().backward(1.0), RuntimeError, r"call forward first"),
    ("AddLayer backward first", lambda: AddLayer().backward(1.0), RuntimeError, r"call forward first"),
    ("Relu dout shape", lambda: forwarded(Relu(), np.ones((2, 3))).backward(np.ones((3, 2))), ValueError, r"\(2, 3\)"),
    ("Sigmoid backward first", lambda: Sigmoid().backward(np.ones(2)), RuntimeError, r"forward"),
    ("Affine features", lambda: Affine(Z((4, 2)), Z(2)).forward(np.ones((3, 5))), ValueError,
     r"\(N, 4\) for W of shape \(4, 2\), got shape \(3, 5\)"),
    ("Affine empty batch", lambda: Affine(Z((4, 2)), Z(2)).forward(np.ones((0, 4))), ValueError, r"at least one sample"),
    ("Affine 1-D input", lambda: Affine(Z((4, 2)), Z(2)).forward(np.ones(4)), ValueError, r"\(N, 4\)"),
    ("Affine dout shape", lambda: forwarded(Affine(Z((4, 2)), Z(2)), np.ones((3, 4))).backward(np.ones((3, 3))),
     ValueError, r"\(3, 2\)"),
    ("Convolution channels", lambda: Convolution(Z((2, 3, 2, 2)), Z(2)).forward(np.ones((1, 1, 5, 5))), ValueError,
     r"\(N, 3, H, W\) for W of shape \(2, 3, 2, 2\)"),
    ("Convolution 3-D input", lambda: Convolution(Z((2, 1, 2, 2)), Z(2)).forward(np.ones((1, 5, 5))), ValueError, r"\(N, 1, H, W\)"),
    ("Convolution filter too big", lambda: Convolution(Z((1, 1, 5, 5)), Z(1)).forward(np.ones((1, 1, 3, 3))), ValueError,
     r"filter 5x5 does not fit input of shape \(1, 1, 3, 3\) with pad 0"),
    ("Convolution dout shape", lambda: forwarded(Convolution(Z((2, 1, 2, 2)), Z(2)), np.ones((1, 1, 3, 3))).backward(
        np.ones((1, 2, 3, 3))), ValueError, r"\(1, 2, 2, 2\)"),
    ("Pooling 2-D input", lambda: Pooling(2, 2).forward(np.ones((4, 4))), ValueError, r"\(N, C, H, W\)"),
    ("Pooling window too big", lambda: Pooling(3, 3).forward(np.ones((1, 1, 2, 2))), ValueError, r"window 3x3 does not fit"),
    ("Pooling dout shape", lambda: forwarded(Pooling(2, 2, 2), np.ones((1, 1, 4, 4))).backward(np.ones((1, 1, 3, 3))),
     ValueError, r"\(1, 1, 2, 2\)"),
    ("BatchNorm features", lambda: BatchNormalization(np.ones(3), Z(3)).forward(np.ones((2, 4))), ValueError,
     r"\(N, 3\) for gamma of shape \(3,\)"),
    ("BatchNorm backward after inference", lambda: forwarded(BatchNormalization(np.ones(3), Z(3)), np.ones((2, 3)),
                                                             False).backward(np.ones((2, 3))), RuntimeError, r"train_flg=True"),
    ("Dropout backward after inference", lambda: forwarded(Dropout(), np.ones(3), False).backward(np.ones(3)),
     RuntimeError, r"train_flg=True"),
    ("SoftmaxWithLoss labels out of range", lambda: SoftmaxWithLoss().forward(np.ones((2, 3)), np.array([0, 3])),
     ValueError, r"labels in 0..2"),
    ("SoftmaxWithLoss float labels", lambda: SoftmaxWithLoss().forward(np.ones((2, 3)), np.array([0.0, 1.0])),
     ValueError, r"integer labels"),
    ("SoftmaxWithLoss one-hot width", lambda: SoftmaxWithLoss().forward(np.ones((2, 3)), np.eye(4)[[0, 1]]),
     ValueError, r"\(2,\) \(labels\) or \(2, 3\) \(one-hot\)"),
    ("SoftmaxWithLoss empty", lambda: SoftmaxWithLoss().forward(np.ones((0, 3)), np.zeros(0, dtype=int)),
     ValueError, r"at least one sample"),
    ("SoftmaxWithLoss backward first", lambda: SoftmaxWithLoss().backward(), RuntimeError, r"forward"),
    ("sum_squared_error shapes", lambda: sum_squared_error(np.zeros(10), np.ones((10, 1))), ValueError,
     r"one shape, got shapes \(10,\) and \(10, 1\)"),
    ("cross_entropy_error wide labels", lambda: cross_entropy_error(np.full((2, 3), 1 / 3), np.array([0, 5])),
     ValueError, r"0..2"),
    ("softmax_loss 3-D", lambda: softmax_loss(np.ones((2, 3, 4)), np.zeros(2, dtype=int)), ValueError, r"\(N, C\)"),
    # numerical gradients
    ("numerical_gradient int array", lambda: numerical_gradient(lambda x: np.sum(x**2), np.array([1, 2, 3])),
     TypeError, r"floating NumPy array.*int64"),
    ("numerical_gradient float16", lambda: numerical_gradient(lambda x: np.sum(x**2), np.ones(3, np.float16)),
     TypeError, r"float32 or float64"),
    ("numerical_gradient list", lambda: numerical_gradient(lambda x: np.sum(x), [1.0, 2.0]), TypeError, r"got list"),
    # optimizers: settings
    *[(f"{o.__name__} lr str", lambda o=o: o(lr="0.1"), ValueError, r"lr to be a finite number") for o in OPTIMIZERS],
    *[(f"{o.__name__} lr nan", lambda o=o: o(lr=float("nan")), ValueError, r"lr") for o in OPTIMIZERS],
    *[(f"{o.__name__} lr -1", lambda o=o: o(lr=-1), ValueError, r"lr") for o in OPTIMIZERS],
    ("Momentum momentum 1.5", lambda: Momentum(momentum=1.5), ValueError, r"momentum"),
    ("RMSprop decay 2", lambda: RMSprop(decay_rate=2), ValueError, r"decay_rate"),
    ("Adam beta1 1", lambda: Adam(beta1=1.0), ValueError, r"beta1"),
    ("Adam beta2 str", lambda: Adam(beta2="0.999"), ValueError, r"beta2"),
    # optimizers: updates
    *[(f"{o.__name__} grad shape", lambda o=o: o().update({"W": Z((3, 4))}, {"W": np.ones(4)}), ValueError,
       r"grads\['W'\] has shape \(4,\), but params\['W'\] has shape \(3, 4\)") for o in OPTIMIZERS],
    *[(f"{o.__name__} grad missing", lambda o=o: o().update({"W": Z(2), "b": Z(2)}, {"W": Z(2)}), ValueError,
       r"grads has no 'b'") for o in OPTIMIZERS],
    *[(f"{o.__name__} int params", lambda o=o: o().update({"W": Z(2, dtype=int)}, {"W": np.ones(2)}), ValueError,
       r"dtype int64, which cannot hold an update") for o in OPTIMIZERS],
    # networks
    ("TwoLayerNet int dtype", lambda: TwoLayerNet(4, 3, 2, dtype=int), ValueError, r"float32 or np.float64"),
    ("TwoLayerNet float16", lambda: TwoLayerNet(4, 3, 2, dtype=np.float16), ValueError, r"float16"),
    ("TwoLayerNet dtype str", lambda: TwoLayerNet(4, 3, 2, dtype="half"), ValueError, r"dtype"),
    ("TwoLayerNet nan size", lambda: TwoLayerNet(4, float("nan"), 2), ValueError, r"hidden_size to be an integer"),
    ("TwoLayerNet std nan", lambda: TwoLayerNet(4, 3, 2, weight_init_std=float("nan")), ValueError, r"finite number"),
    ("TwoLayerNet std -1", lambda: TwoLayerNet(4, 3, 2, weight_init_std=-1), ValueError, r">= 0"),
    ("TwoLayerNet std he", lambda: TwoLayerNet(4, 3, 2, weight_init_std="he"), ValueError, r"MultiLayerNet's"),
    ("MultiLayerNet hidden str", lambda: MultiLayerNet(4, "10", 2), ValueError, r"hidden_size_list"),
    ("MultiLayerNet std nan", lambda: MultiLayerNet(4, [3], 2, weight_init_std=float("nan")), ValueError, r"finite"),
    ("MultiLayerNet std name", lambda: MultiLayerNet(4, [3], 2, weight_init_std="glorot"), ValueError,
     r"unknown weight_init_std 'glorot'"),
    ("MultiLayerNet activation", lambda: MultiLayerNet(4, [3], 2, activation="tanh"), ValueError, r"'relu' or 'sigmoid'"),
    ("MultiLayerNet dtype int", lambda: MultiLayerNet(4, [3], 2, dtype=np.int32), ValueError, r"float32"),
    ("MultiLayerNetExtend ratio", lambda: MultiLayerNetExtend(4, [3], 2, use_dropout=True, dropout_ration=1.5),
     ValueError, r"dropout_ratio"),
    ("SimpleConvNet filter too big", lambda: SimpleConvNet(input_dim=(1, 4, 4), conv_param={
        "filter_num": 2, "filter_size": 5, "pad": 0, "stride": 1}), ValueError, r"too small for its 2x2 pooling"),
    ("SimpleConvNet conv_param keys", lambda: SimpleConvNet(conv_param={"filter_num": 2}), ValueError,
     r"conv_param has no filter_size, pad, stride"),
    ("SimpleConvNet input_dim", lambda: SimpleConvNet(input_dim=(28, 28)), ValueError, r"input_dim \(C, H, W\)"),
    ("SimpleConvNet pad float", lambda: SimpleConvNet(conv_param={"filter_num": 2, "filter_size": 5, "pad": 0.5,
                                                                 "stride": 1}), ValueError, r"pad to be an integer"),
    ("accuracy batch_size 0", lambda: TwoLayerNet(2, 3, 2).accuracy(np.ones((2, 2)), np.zeros(2, dtype=int), 0),
     ValueError, r"batch_size"),
    ("accuracy wrong labels", lambda: TwoLayerNet(2, 3, 2).accuracy(np.ones((2, 2)), np.array([0, 2])), ValueError,
     r"0..1"),
    ("accuracy empty", lambda: TwoLayerNet(2, 3, 2).accuracy(np.ones((0, 2)), np.zeros(0, dtype=int)), ValueError,
     r"at least one sample"),
    ("gradient of a replaced parameter", lambda: (lambda net: (net.params.__setitem__("W1", np.ones((2, 3))),
                                                               MultiLayerNet.gradient(net, np.ones((2, 2)),
                                                                                      np.zeros(2, dtype=int))))(
        MultiLayerNet(2, [3], 2)), ValueError, r"params\['W1'\] is not an array of any layer"),
    # Trainer
    ("Trainer epochs nan", lambda: tiny_trainer(epochs=float("nan")), ValueError, r"epochs to be a finite number > 0"),
    ("Trainer epochs 0", lambda: tiny_trainer(epochs=0), ValueError, r"epochs"),
    ("Trainer epochs str", lambda: tiny_trainer(epochs="5"), ValueError, r"epochs"),
    ("Trainer optimizer name", lambda: tiny_trainer(optimizer="foo"), ValueError, r"unknown optimizer 'foo'"),
    ("Trainer optimizer_param", lambda: tiny_trainer(optimizer_param={"learning_rate": 0.1}), ValueError,
     r"does not fit SGD"),
    ("Trainer lr str", lambda: tiny_trainer(optimizer_param={"lr": "0.1"}), ValueError, r"lr to be a finite number"),
    ("Trainer eval samples 0", lambda: tiny_trainer(evaluate_sample_num_per_epoch=0), ValueError,
     r"evaluate_sample_num_per_epoch"),
    ("Trainer batch 0", lambda: tiny_trainer(mini_batch_size=0), ValueError, r"mini_batch_size"),
    ("Trainer lengths", lambda: Trainer(TwoLayerNet(4, 3, 2), np.ones((6, 4)), np.zeros(5, dtype=int), np.ones((2, 4)),
                                        np.zeros(2, dtype=int), verbose=False), ValueError, r"one target per sample"),
    # autograd
    ("Function called twice", lambda: (lambda f: (f(Variable(np.array(1.0))), f(Variable(np.array(2.0)))))(F.Exp()),
     RuntimeError, r"this Exp was already called"),
    ("sum_to impossible", lambda: F.sum_to(Variable(np.ones((2, 3))), (4,)), ValueError,
     r"cannot sum an array of shape \(2, 3\) to shape \(4,\)"),
    ("sum_to longer shape", lambda: F.sum_to(Variable(np.ones(3)), (2, 3)), ValueError, r"to shape \(2, 3\)"),
    ("Variable from a list", lambda: Variable([1.0]), TypeError, r"use np.array"),
    ("matmul shapes", lambda: Variable(np.ones((2, 3))) @ Variable(np.ones((2, 3))), ValueError, r"matmul"),
    ("backward wrong grad shape", lambda: (lambda y: (setattr(y, "grad", np.ones(3)), y.backward()))(
        F.exp(Variable(np.ones(2)))), ValueError, r"shape"),
]


@pytest.mark.parametrize("make, error, message", [c[1:] for c in ERRORS], ids=[c[0] for c in ERRORS])
def test_bad_input_is_a_clear_error(make, error, message):
    with pytest.raises(error, match=message):
        make()


# (case, callable returning a value, check of the value): the right result, where the input is legitimate
RESULTS = [
    ("relu of a list", lambda: Relu().forward([1, -1]), lambda v: v.tolist() == [1.0, 0.0]),
    ("sigmoid of ints", lambda: Sigmoid().forward(np.array([0, 1000, -1000])), lambda v: v.tolist() == [0.5, 1.0, 0.0]),
    ("softmax of large scores", lambda: softmax(np.array([1000.0, 1000.0])), lambda v: v.tolist() == [0.5, 0.5]),
    ("softmax_loss of hopeless scores", lambda: softmax_loss(np.array([[1e4, -1e4]]), np.array([1])),
     lambda v: np.isclose(v, 2e4)),
    ("cross entropy of a zero probability", lambda: cross_entropy_error(np.array([1.0, 0.0]), np.array([0.0, 1.0])),
     lambda v: np.isfinite(v) and v > 700),
    ("labels (N, 1)", lambda: SoftmaxWithLoss().forward(np.zeros((2, 3)), np.array([[0], [2]])),
     lambda v: np.isclose(v, np.log(3))),
    ("float32 stays float32", lambda: Affine(np.ones((2, 2), np.float32), np.zeros(2, np.float32)).forward(
        np.ones((1, 2), np.float32)).dtype, lambda v: v == np.float32),
    ("integer images become float64", lambda: Pooling(2, 2, 2).forward(np.ones((1, 1, 2, 2), dtype=np.uint8)).dtype,
     lambda v: v == np.float64),
    ("Sigmoid output changed by the caller", lambda: (lambda s: (s.forward(np.zeros(2)).__setitem__(0, 99.0),
                                                                 s.backward(np.ones(2)))[1])(Sigmoid()),
     lambda v: v.tolist() == [0.25, 0.25]),
    ("BatchNorm inference before training", lambda: BatchNormalization(np.ones(2), np.zeros(2)).forward(
        np.array([[1.0, 2.0]]), False), lambda v: v.tolist() == [[1.0, 2.0]]),
    ("BatchNorm image input", lambda: BatchNormalization(np.ones(12), np.zeros(12)).forward(
        np.random.default_rng(0).standard_normal((4, 3, 2, 2))).shape, lambda v: v == (4, 3, 2, 2)),
    ("Momentum takes a new parameter", lambda: (lambda m, p: (m.update({"a": p["a"]}, {"a": np.ones(2)}),
                                                              m.update(p, {"a": np.ones(2), "b": np.ones(2)}), p)[2])(
        Momentum(lr=0.1), {"a": np.zeros(2), "b": np.zeros(2)}), lambda p: np.allclose(p["b"], -0.1)),
    ("SGD on plain numbers", lambda: (lambda p: (SGD(0.5).update(p, {"x": 2.0, "y": -4}), p)[1])({"x": 1.0, "y": 2}),
     lambda p: p == {"x": 0.0, "y": 4.0}),
    ("SGD lr 0 leaves the parameters", lambda: (lambda p: (SGD(0).update(p, {"W": np.ones(2)}), p)[1])({"W": np.ones(2)}),
     lambda p: p["W"].tolist() == [1.0, 1.0]),
    ("numerical_gradient restores x when f raises", lambda: restored_after_an_error(), lambda v: v.tolist() == [1.0, 2.0]),
    ("check_layer of Mul on numbers", lambda: max(check_layer(MulLayer(), 3.0, 4.0).values()), lambda v: v < 1e-7),
    ("split: an unused piece gets zeros", lambda: split_with_a_collected_piece(), lambda v: v.tolist() == [[2, 2], [0, 0]]),
    ("no_grad in one thread only", lambda: no_grad_elsewhere(), lambda v: v == (True, False)),
    ("a Function called twice under no_grad", lambda: twice_under_no_grad(), lambda v: v == [1.0, float(np.e)]),
    ("Trainer with one sample", lambda: tiny_trainer(epochs=1, mini_batch_size=100).train()["test_acc_final"],
     lambda v: 0 <= v <= 1),
]


def restored_after_an_error():
    x = np.array([1.0, 2.0])

    def f(v):
        if v[0] != 1.0:
            raise KeyboardInterrupt  # Ctrl-C during a slow gradient
        return float(np.sum(v))
    with pytest.raises(KeyboardInterrupt):
        numerical_gradient(f, x)
    return x


def split_with_a_collected_piece():
    x = Variable(np.ones((2, 2)))
    y = F.split(x, [1])[0] * 2.0
    y.backward()
    return x.grad


def no_grad_elsewhere():
    started, seen = threading.Event(), {}
    release = threading.Event()

    def other():
        with no_grad():
            started.set()
            release.wait(30)

    thread = threading.Thread(target=other)
    thread.start()
    started.wait(30)
    seen["here"] = Config.enable_backprop
    release.set()
    thread.join(30)
    with no_grad():
        seen["inside"] = Config.enable_backprop
    return seen["here"], seen["inside"]


def twice_under_no_grad():
    f = F.Exp()
    with no_grad():  # nothing is recorded, so one Function may compute again
        return [float(f(Variable(np.array(x))).data) for x in (0.0, 1.0)]


@pytest.mark.parametrize("make, ok", [c[1:] for c in RESULTS], ids=[c[0] for c in RESULTS])
def test_legitimate_input_gives_the_right_result(make, ok):
    assert ok(make())


def test_no_case_is_counted_twice():
    names = [c[0] for c in ERRORS + RESULTS]
    assert len(names) == len(set(names))


def test_a_fresh_function_per_call_is_what_the_operations_do():
    x = Variable(np.array(1.0))
    y = F.exp(x) + F.exp(x)  # two calls, two Functions
    y.backward()
    assert float(x.grad) == pytest.approx(2 * np.e)
