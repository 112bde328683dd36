"""The self-checks judge right: correct alternatives PASS, the usual bugs FAIL with
the right hint, skeletons say NOT DONE YET, and no learner exception escapes."""
import numpy as np
import pytest

from common import selfcheck as sc
from common.functions import cross_entropy_error, softmax
from common.layers import AddLayer as OurAddLayer
from common.layers import Affine, BatchNormalization, Dropout, MulLayer, Relu, SoftmaxWithLoss
from common.layers import Sigmoid as OurSigmoid


def verdict(result):
    return repr(result).splitlines()[0].split(":")[0]


# ---------- correct alternatives, written as a learner or the book would ----------

class DivLayer:
    def forward(self, x, y):
        self.x, self.y = x, y
        return x / y

    def backward(self, dout):
        return dout / self.y, -dout * self.x / self.y**2


class SubLayer:
    def forward(self, x, y):
        return x - y

    def backward(self, dout):
        return dout * 1, -dout


class Tanh:
    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, dout):
        return dout * (1 - self.out**2)


class LeakyRelu:
    def forward(self, x):
        self.mask = x <= 0
        return np.where(self.mask, 0.01 * x, x)

    def backward(self, dout):
        return np.where(self.mask, 0.01 * dout, dout)


class BookSigmoid:
    def __init__(self):
        self.out = None

    def forward(self, x):
        self.out = 1 / (1 + np.exp(-x))
        return self.out

    def backward(self, dout):
        return dout * (1.0 - self.out) * self.out


class BookAffine562:
    """The book's section 5.6.2 Affine: no flattening, 2-D input only."""

    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        self.x = x
        return np.dot(x, self.W) + self.b

    def backward(self, dout):
        dx = np.dot(dout, self.W.T)
        self.dW = np.dot(self.x.T, dout)
        self.db = np.sum(dout, axis=0)
        return dx


class BookSoftmaxWithLoss:
    def forward(self, x, t):
        self.t, self.y = t, softmax(x)
        return -np.sum(t * np.log(self.y + 1e-7)) / x.shape[0]

    def backward(self, dout=1):
        return (self.y - self.t) / self.t.shape[0]


class InvertedDropout:
    def __init__(self, dropout_ratio=0.5):
        self.ratio = dropout_ratio

    def forward(self, x, train_flg=True):
        if not train_flg:
            return x
        self.mask = (np.random.rand(*x.shape) > self.ratio) / (1 - self.ratio)
        return x * self.mask

    def backward(self, dout):
        return dout * self.mask


class BookNet:
    """A two-layer net written as in the book's chapter 5, on our layers."""

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01, activation=Relu):
        self.params = {"W1": weight_init_std * np.random.randn(input_size, hidden_size),
                       "b1": np.zeros(hidden_size),
                       "W2": weight_init_std * np.random.randn(hidden_size, output_size),
                       "b2": np.zeros(output_size)}
        self.layers = [Affine(self.params["W1"], self.params["b1"]), activation(),
                       Affine(self.params["W2"], self.params["b2"])]
        self.last = SoftmaxWithLoss()

    def loss(self, x, t):
        for layer in self.layers:
            x = layer.forward(x)
        return self.last.forward(x, t)

    def gradient(self, x, t):
        self.loss(x, t)
        dout = self.last.backward(1)
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        a1, _, a2 = self.layers
        return {"W1": a1.dW, "b1": a1.db, "W2": a2.dW, "b2": a2.db}


class SigmoidNet(BookNet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, activation=OurSigmoid, **kwargs)


@pytest.mark.parametrize("result", [
    lambda: sc.check_mul_add(MulLayer, OurAddLayer),
    lambda: sc.check_mul_add(DivLayer, OurAddLayer),
    lambda: sc.check_mul_add(DivLayer, SubLayer),
    lambda: sc.check_activation(Relu),
    lambda: sc.check_activation(OurSigmoid),
    lambda: sc.check_activation(BookSigmoid),
    lambda: sc.check_activation(Tanh),
    lambda: sc.check_activation(LeakyRelu),
    lambda: sc.check_affine(Affine),
    lambda: sc.check_affine(BookAffine562),
    lambda: sc.check_softmax_with_loss(SoftmaxWithLoss),
    lambda: sc.check_softmax_with_loss(BookSoftmaxWithLoss),
    lambda: sc.check_network(BookNet),
    lambda: sc.check_network(SigmoidNet),
    lambda: sc.check_batchnorm(BatchNormalization),
    lambda: sc.check_dropout(Dropout),
    lambda: sc.check_dropout(InvertedDropout),
], ids=["mul-add", "div", "div-sub", "relu", "sigmoid", "book-sigmoid", "tanh", "leaky-relu", "affine",
        "book-affine-2d", "softmax-loss", "book-softmax-loss", "net", "sigmoid-net", "batchnorm", "dropout",
        "inverted-dropout"])
def test_correct_code_passes_with_a_wide_margin(result):
    r = result()
    assert r.passed, repr(r)
    assert r.max_error < 1e-9  # the reference's own error is far below the tolerance


def test_the_book_affine_passes_on_2d_input_and_says_it_does_not_take_tensors():
    text = repr(sc.check_affine(BookAffine562))
    assert text.startswith("PASS") and "tensor input (4, 2, 3) not handled" in text


# ---------- mutants: each FAILS, with the right hint, and nothing escapes ----------

class WrongSignDiv(DivLayer):
    def backward(self, dout):
        return dout / self.y, dout * self.x / self.y**2


class ForgetfulSigmoid:
    def forward(self, x):
        return 1 / (1 + np.exp(-x))

    def backward(self, dout):
        return dout * (1.0 - self.out) * self.out


class InPlaceForwardRelu:
    def forward(self, x):
        self.mask = x <= 0
        x[self.mask] = 0
        return x

    def backward(self, dout):
        return np.where(self.mask, 0, dout)


class InPlaceSigmoidBackward:
    def forward(self, x):
        self.out = 1 / (1 + np.exp(-x))
        return self.out

    def backward(self, dout):
        dout *= self.out * (1 - self.out)
        return dout


class BookRelu:
    def forward(self, x):
        self.mask = x <= 0
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        dout[self.mask] = 0
        return dout


class InvertedMaskRelu(BookRelu):
    def backward(self, dout):
        return np.where(self.mask, dout, 0)


class TransposedDW(BookAffine562):
    def backward(self, dout):
        dx = super().backward(dout)
        self.dW = self.dW.T
        return dx


class DbOverAxis1(BookAffine562):
    def backward(self, dout):
        dx = super().backward(dout)
        self.db = dout.sum(axis=1)
        return dx


class MisspeltDw(BookAffine562):
    def backward(self, dout):
        dx = super().backward(dout)
        self.dw = self.dW
        del self.dW
        return dx


class NotReshapedAffine(Affine):
    def backward(self, dout, need_dx=True):
        return super().backward(dout).reshape(dout.shape[0], -1)


class NoDivisionByN(BookSoftmaxWithLoss):
    def backward(self, dout=1):
        return self.y - self.t


class NoMaskRelu(Relu):
    def backward(self, dout):
        return dout.copy()


class NoMaskNet(BookNet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, activation=NoMaskRelu, **kwargs)

    def numerical_gradient(self, x, t):  # a learner's "numerical" gradient that trusts backprop
        return self.gradient(x, t)


class BatchStatsAtInference(BatchNormalization):
    def forward(self, x, train_flg=True):
        return super().forward(x, True)


class BatchNormRunningVarNotSqrt(BatchNormalization):
    """Divides by the running variance instead of its square root at inference."""

    def forward(self, x, train_flg=True):
        if train_flg:
            return super().forward(x, train_flg)
        return self.gamma * (x - self.running_mean) / (self.running_var + 1e-7) + self.beta


class DropoutIgnoringMask(Dropout):
    def backward(self, dout):
        return dout.copy()


@pytest.mark.parametrize("result, expected", [
    (lambda: sc.check_mul_add(WrongSignDiv, OurAddLayer), "dy is wrong"),
    (lambda: sc.check_activation(ForgetfulSigmoid), "forward must keep on self what backward needs"),
    (lambda: sc.check_activation(BookRelu), "changed the gradient array it was given"),
    (lambda: sc.check_activation(InPlaceSigmoidBackward), "instead of writing into dout (dout *= y"),
    (lambda: sc.check_activation(InPlaceForwardRelu), "forward changed its input array in place"),
    (lambda: sc.check_activation(InvertedMaskRelu), "dx is wrong"),
    (lambda: sc.check_affine(TransposedDW), "dW is transposed"),
    (lambda: sc.check_affine(DbOverAxis1), "axis 0 (not axis 1)"),
    (lambda: sc.check_affine(MisspeltDw), "found dw: names are case-sensitive"),
    (lambda: sc.check_affine(NotReshapedAffine), "reshape it back to the input's shape (4, 2, 3)"),
    (lambda: sc.check_softmax_with_loss(NoDivisionByN), "divide by the batch size N = 5"),
    (lambda: sc.check_network(NoMaskNet), "W1 is wrong"),
    (lambda: sc.check_batchnorm(BatchStatsAtInference), "running_mean and running_var"),
    (lambda: sc.check_batchnorm(BatchNormRunningVarNotSqrt), "np.sqrt(running_var + eps)"),
    (lambda: sc.check_dropout(DropoutIgnoringMask), "dx is wrong"),
], ids=["div-sign", "forgot-self-out", "modifies-dout", "sigmoid-modifies-dout", "forward-modifies-x", "inverted-mask", "dW-transposed", "db-axis-1",
        "misspelt-dw", "dx-not-reshaped", "no-division-by-N", "no-relu-mask", "bn-batch-stats", "bn-var-not-sqrt", "dropout-no-mask"])
def test_a_usual_bug_fails_with_its_hint(result, expected):
    r = result()  # never raises
    assert r.status == "FAIL", repr(r)
    assert expected in repr(r)


def test_a_tensor_only_bug_says_which_input_failed():
    assert "on tensor input (4, 2, 3)" in repr(sc.check_affine(NotReshapedAffine))


def test_an_exception_quotes_the_learners_line():
    text = repr(sc.check_activation(ForgetfulSigmoid))
    assert "AttributeError" in text and "return dout * (1.0 - self.out) * self.out" in text
    assert "line " in text and "/" not in text.split("of your code")[0][-40:]  # no file path


def test_a_function_whose_backward_writes_into_gy_fails():
    from common.autograd import Function

    class InPlaceRelu(Function):
        def forward(self, x):
            self.mask = x <= 0
            return np.maximum(x, 0)

        def backward(self, gy):
            gy[self.mask] = 0
            return gy

    r = sc.check_function(InPlaceRelu, [[-1.0, 2.0, -3.0]])
    assert r.status == "FAIL" and "changed the gradient array" in repr(r)


def test_a_correct_function_passes():
    from common.autograd import Function

    class Sin(Function):
        def forward(self, x):
            self.x = x
            return np.sin(x)

        def backward(self, gy):
            return gy * np.cos(self.x)

    assert sc.check_function(Sin, [[0.1, 1.0, 2.0]]).passed


# ---------- skeletons ----------

class Skeleton:
    def __init__(self, *args, **kwargs):
        pass

    def forward(self, *args, **kwargs):
        raise NotImplementedError

    def backward(self, dout=1):
        raise NotImplementedError

    def update(self, params, grads):
        raise NotImplementedError


def skeleton_function(*args):
    raise NotImplementedError


class HalfDoneAffine(BookAffine562):
    def backward(self, dout):
        raise NotImplementedError


@pytest.mark.parametrize("result", [
    lambda: sc.check_mul_add(Skeleton, OurAddLayer),
    lambda: sc.check_activation(Skeleton),
    lambda: sc.check_affine(Skeleton),
    lambda: sc.check_affine(HalfDoneAffine),
    lambda: sc.check_softmax_with_loss(Skeleton),
    lambda: sc.check_convolution(Skeleton),
    lambda: sc.check_pooling(Skeleton),
    lambda: sc.check_batchnorm(Skeleton),
    lambda: sc.check_dropout(Skeleton),
    lambda: sc.check_optimizer(Skeleton),
    lambda: sc.check_training(skeleton_function),
    lambda: sc.check_values(skeleton_function, lambda x: x, [(1,)]),
    lambda: sc.check_gradient(skeleton_function, lambda x: x, [(1.0,)]),
])
def test_a_skeleton_is_not_done_yet(result):
    text = repr(result())
    assert text.startswith("NOT DONE YET: ") and "NotImplementedError" in text


def test_check_network_of_a_skeleton_net_is_not_done():
    class SkeletonNet(BookNet):
        def gradient(self, x, t):
            raise NotImplementedError
    assert repr(sc.check_network(SkeletonNet)).startswith("NOT DONE YET")


def test_check_values_and_check_gradient():
    assert sc.check_values(lambda a, b: a * b, lambda a, b: a * b, [(2, 3), (1.5, -2)]).passed
    wrong = sc.check_values(lambda a, b: a + b, lambda a, b: a * b, [(2, 3)])
    assert not wrong.passed and "gave 5, expected 6" in repr(wrong)

    def f(x, y):
        return (x + y) * (x - y)
    assert sc.check_gradient(lambda x, y: (2 * x, -2 * y), f, [(3.0, 2.0), (-1.0, 0.5)]).passed
    assert not sc.check_gradient(lambda x, y: (2 * x, 2 * y), f, [(3.0, 2.0)]).passed


def test_check_results_share_one_tolerance():
    from common.check_tools import TOLERANCE
    r = sc.CheckResult("x", {"dx": TOLERANCE * 2})
    assert not r.passed and repr(r).startswith("FAIL")
    assert sc.CheckResult("x", {"dx": TOLERANCE / 2}).passed


def test_cross_entropy_error_of_the_book_style_loss_is_close():
    # the loss tolerance (1e-5 relative) admits the book's log(y + 1e-7)
    x = np.random.default_rng(6).standard_normal((5, 4)) * 2
    t = np.eye(4)[[0, 3, 1, 1, 2]]
    book = -np.sum(t * np.log(softmax(x) + 1e-7)) / 5
    assert np.isclose(book, cross_entropy_error(softmax(x), t), rtol=1e-5)


def test_check_values_keeps_a_large_array_short_and_names_the_first_difference():
    x = np.arange(3000.0).reshape(300, 10)
    text = repr(sc.check_values(lambda a: a * 2, lambda a: a * 3, [(x,)], name="f"))
    assert "FAIL" in text and "shape (300, 10)" in text and len(text) < 400
    assert "first difference at (0, 1): got 2.0, expected 3.0" in text
