"""The self-checks judge right: correct alternatives PASS, the usual bugs FAIL with
the right hint, skeletons say NOT DONE YET, and no learner exception escapes
(issue 21's classes of misjudgment each have a correct alternative and mutants here)."""
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
    lambda: sc.check_network(BookNet),
    lambda: sc.check_network(SigmoidNet),
    lambda: sc.check_batchnorm(BatchNormalization),
    lambda: sc.check_dropout(Dropout),
    lambda: sc.check_dropout(InvertedDropout),
], ids=["mul-add", "div", "div-sub", "relu", "sigmoid", "book-sigmoid", "tanh", "leaky-relu", "affine",
        "book-affine-2d", "softmax-loss", "net", "sigmoid-net", "batchnorm", "dropout",
        "inverted-dropout"])
def test_correct_code_passes_with_a_wide_margin(result):
    r = result()
    assert r.passed, repr(r)
    assert r.max_error < 2e-8  # numerical_gradient's own error is a fifth of the tolerance or less
    assert "against" in repr(r)  # a PASS says what was compared


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
    def backward(self, dout):
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
    (lambda: sc.check_affine(DbOverAxis1), "summed over the batch (axis 0)"),
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
    assert r.status == "FAIL" and "changed the gradient gy it was given" in repr(r)


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
    from common.gradient import GRADIENT_CHECK_TOLERANCE as TOLERANCE
    r = sc.CheckResult("x", "dx", {"dx": TOLERANCE * 2})
    assert not r.passed and repr(r).startswith("FAIL")
    assert sc.CheckResult("x", "dx", {"dx": TOLERANCE / 2}).passed


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


# ---------- issue 21's classes of misjudgment, each with a correct alternative and mutants ----------

class RaisingInit:
    def __init__(self, *args, **kwargs):
        raise ValueError("a typo in __init__")


def test_an_exception_in_the_learners_init_is_a_verdict_with_its_line():
    for result in (sc.check_activation(RaisingInit), sc.check_affine(RaisingInit), sc.check_batchnorm(RaisingInit),
                   sc.check_softmax_with_loss(RaisingInit), sc.check_dropout(RaisingInit), sc.check_optimizer(RaisingInit),
                   sc.check_network(RaisingInit), sc.check_pooling(RaisingInit), sc.check_convolution(RaisingInit)):
        text = repr(result)
        assert text.startswith("FAIL") and "raised ValueError: a typo in __init__" in text, text
        assert 'raise ValueError("a typo in __init__")' in text


def test_an_instance_instead_of_the_class_is_told_to_drop_the_parentheses():
    for result in (sc.check_activation(Relu()), sc.check_affine(Affine(np.zeros((6, 3)), np.zeros(3))),
                   sc.check_dropout(Dropout()), sc.check_softmax_with_loss(SoftmaxWithLoss())):
        assert result.status == "FAIL" and "without parentheses" in repr(result), repr(result)


class Float32Sigmoid:
    def forward(self, x):
        self.out = (1 / (1 + np.exp(-x))).astype(np.float32)
        return self.out

    def backward(self, dout):
        return (dout * (1.0 - self.out) * self.out).astype(np.float32)


class Float32Affine(BookAffine562):
    def forward(self, x):
        self.x = x.astype(np.float32)
        return self.x @ self.W.astype(np.float32) + self.b.astype(np.float32)

    def backward(self, dout):
        dout = dout.astype(np.float32)
        self.dW = self.x.T @ dout
        self.db = dout.sum(axis=0)
        return dout @ self.W.T.astype(np.float32)


class Float32WrongSigmoid(Float32Sigmoid):
    def backward(self, dout):
        return (dout * self.out).astype(np.float32)


def test_a_correct_float32_layer_passes_at_float32_tolerance_and_says_so():
    for result in (sc.check_activation(Float32Sigmoid), sc.check_affine(Float32Affine)):
        text = repr(result)
        assert result.passed, text
        assert "float32's 1e-03" in text
    wrong = sc.check_activation(Float32WrongSigmoid)
    assert wrong.status == "FAIL" and "dx is wrong" in repr(wrong)


def test_check_gradient_takes_a_tuple_a_list_or_an_array_and_names_the_partial_derivative():
    def f(x, y):
        return (x + y) * (x - y)
    for answer in (lambda x, y: (2 * x, -2 * y), lambda x, y: [2 * x, -2 * y], lambda x, y: np.array([2 * x, -2 * y])):
        assert sc.check_gradient(answer, f, [(3.0, 1.0), (-1.5, 2.0)]).passed
    wrong = repr(sc.check_gradient(lambda x, y: (2 * x, 2 * y), f, [(3.0, 1.0)]))
    assert "df/dy is wrong" in wrong and "df/dx" not in wrong and "wrong sign" in wrong
    half = repr(sc.check_gradient(lambda x, y: (x, -y), f, [(3.0, 1.0)]))
    assert "factor 2 missing" in half
    count = repr(sc.check_gradient(lambda x, y: 2 * x, f, [(3.0, 1.0)]))
    assert "returned 1 value(s), expected 2" in count


class StateChangingSigmoid(BookSigmoid):
    def backward(self, dout):
        self.out = self.out * (1.0 - self.out)  # rewrites what forward kept: right once, wrong the second time
        return dout * self.out


class AccumulatingAffine(BookAffine562):
    def __init__(self, W, b):
        super().__init__(W, b)
        self.dW = np.zeros_like(W)

    def backward(self, dout):
        dx = np.dot(dout, self.W.T)
        self.dW += np.dot(self.x.T, dout)
        self.db = np.sum(dout, axis=0)
        return dx


def test_a_backward_that_changes_its_own_state_fails_on_the_second_run():
    for result in (sc.check_activation(StateChangingSigmoid), sc.check_affine(AccumulatingAffine)):
        assert result.status == "FAIL" and "a second backward(dout) gave a different" in repr(result), repr(result)


def test_a_function_that_writes_into_its_input_fails_check_values():
    def softmax_in_place(x):
        x -= x.max(axis=-1, keepdims=True)
        np.exp(x, out=x)
        x /= x.sum(axis=-1, keepdims=True)
        return x

    cases = [(np.array([[1.0, 2.0, 3.0]]),)]
    assert sc.check_values(softmax, softmax, cases).passed
    text = repr(sc.check_values(softmax_in_place, softmax, cases))
    assert text.startswith("FAIL") and "changed its argument 1 in place" in text


def test_a_softmax_without_the_max_subtraction_fails_on_large_scores():
    def naive(x):
        e = np.exp(x)
        return e / e.sum(axis=-1, keepdims=True)
    cases = [(np.array([[1.0, 2.0, 3.0]]),), (np.array([[1000.0, 990.0, 1010.0]]),)]
    result = sc.check_values(naive, softmax, cases)  # no warning escapes either (pytest turns them into errors)
    assert result.status == "FAIL" and "nan" in repr(result)


class NaiveSoftmaxWithLoss(BookSoftmaxWithLoss):
    def forward(self, x, t):
        e = np.exp(x)
        self.t, self.y = t, e / e.sum(axis=1, keepdims=True)
        return -np.sum(t * np.log(self.y)) / x.shape[0]

    def backward(self, dout=1):
        return dout * (self.y - self.t) / self.t.shape[0]


class BookSoftmaxWithLossTimesDout(BookSoftmaxWithLoss):
    def backward(self, dout=1):
        return dout * (self.y - self.t) / self.t.shape[0]


def test_softmax_with_loss_is_judged_on_large_scores_and_a_dout_that_is_not_one():
    assert sc.check_softmax_with_loss(BookSoftmaxWithLossTimesDout).passed  # the book's log(y + 1e-7) is within
    naive = repr(sc.check_softmax_with_loss(NaiveSoftmaxWithLoss))
    assert naive.startswith("FAIL") and "+ 1000" in naive and "subtract each row's maximum" in naive
    ignoring = repr(sc.check_softmax_with_loss(BookSoftmaxWithLoss))
    assert ignoring.startswith("FAIL") and "backward ignores dout" in ignoring


class AvgPooling:
    def __init__(self, pool_h, pool_w, stride=1, pad=0):
        self.pool_h, self.pool_w, self.stride, self.pad = pool_h, pool_w, stride, pad

    def forward(self, x):
        from common.im2col import im2col, output_length
        N, C, H, W = x.shape
        self.x_shape = x.shape
        oh, ow = (output_length(H, self.pool_h, self.stride, self.pad),
                  output_length(W, self.pool_w, self.stride, self.pad))
        col = im2col(x, self.pool_h, self.pool_w, self.stride, self.pad).reshape(-1, self.pool_h * self.pool_w)
        return col.mean(axis=1).reshape(N, oh, ow, C).transpose(0, 3, 1, 2)

    def backward(self, dout):
        from common.im2col import col2im
        d = dout.transpose(0, 2, 3, 1).reshape(-1, 1) / (self.pool_h * self.pool_w)
        dcol = np.repeat(d, self.pool_h * self.pool_w, axis=1).reshape(-1, self.x_shape[1] * self.pool_h * self.pool_w)
        return col2im(dcol, self.x_shape, self.pool_h, self.pool_w, self.stride, self.pad)


class AvgPoolingIgnoringPad(AvgPooling):
    def forward(self, x):
        pad, self.pad = self.pad, 0
        try:
            return super().forward(x)
        finally:
            self.pad = pad

    def backward(self, dout):
        pad, self.pad = self.pad, 0
        try:
            return super().backward(dout)
        finally:
            self.pad = pad


def test_average_pooling_is_judged_with_padding_and_its_output_shape():
    assert sc.check_pooling(AvgPooling, kind="average").passed, repr(sc.check_pooling(AvgPooling, kind="average"))
    text = repr(sc.check_pooling(AvgPoolingIgnoringPad, kind="average"))
    assert text.startswith("FAIL") and "pad 1" in text and "with the padding" in text
    assert sc.check_pooling(AvgPooling, kind="max").status == "FAIL"  # an average is no maximum


def test_the_books_dropout_fails_where_inverted_dropout_was_asked_and_the_reverse():
    assert sc.check_dropout(InvertedDropout, inverted=True).passed
    assert sc.check_dropout(Dropout, inverted=False).passed
    text = repr(sc.check_dropout(Dropout, inverted=True))
    assert text.startswith("FAIL") and "inverted dropout was asked for" in text
    assert "the book's dropout was asked for" in repr(sc.check_dropout(InvertedDropout, inverted=False))


class SameMaskDropout(InvertedDropout):
    def forward(self, x, train_flg=True):
        if not train_flg:
            return x
        self.mask = (np.random.default_rng(0).random(x.shape) > self.ratio) / (1 - self.ratio)
        return x * self.mask


def test_a_dropout_that_reuses_one_mask_fails():
    assert "draw a new mask" in repr(sc.check_dropout(SameMaskDropout))


class NumericalNet(BookNet):
    def gradient(self, x, t):
        from common.gradient import numerical_gradient
        return {k: numerical_gradient(lambda _: self.loss(x, t), v) for k, v in self.params.items()}


def test_a_gradient_that_is_the_numerical_gradient_fails_check_network():
    text = repr(sc.check_network(NumericalNet))
    assert text.startswith("FAIL") and "that is a numerical gradient" in text


class AccumulatingNet(BookNet):
    def gradient(self, x, t):
        grads = super().gradient(x, t)
        self.total = {k: self.total[k] + g for k, g in grads.items()} if hasattr(self, "total") else grads
        return self.total


def test_a_network_gradient_that_accumulates_fails_on_the_second_run():
    assert "a second gradient(x, t) gave a different" in repr(sc.check_network(AccumulatingNet))


class ThreeLayerNet(BookNet):
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {"W1": weight_init_std * np.random.randn(input_size, hidden_size), "b1": np.zeros(hidden_size),
                       "W2": weight_init_std * np.random.randn(hidden_size, hidden_size), "b2": np.zeros(hidden_size),
                       "W3": weight_init_std * np.random.randn(hidden_size, output_size), "b3": np.zeros(output_size)}
        p = self.params
        self.layers = [Affine(p["W1"], p["b1"]), Relu(), Affine(p["W2"], p["b2"]), Relu(), Affine(p["W3"], p["b3"])]
        self.last = SoftmaxWithLoss()

    def gradient(self, x, t):
        self.loss(x, t)
        dout = self.last.backward(1)
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        a1, _, a2, _, a3 = self.layers
        return {"W1": a1.dW, "b1": a1.db, "W2": a2.dW, "b2": a2.db, "W3": a3.dW, "b3": a3.db}


class ThreeLayerNetNoMiddleMask(ThreeLayerNet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.layers[3] = NoMaskRelu()


def test_check_network_takes_three_layers_and_locates_a_wrong_middle():
    assert sc.check_network(ThreeLayerNet).passed, repr(sc.check_network(ThreeLayerNet))
    text = repr(sc.check_network(ThreeLayerNetNoMiddleMask))
    assert text.startswith("FAIL") and "last layer's gradients are right" in text and "W2" in text


class BatchNormDdof1(BatchNormalization):
    def forward(self, x, train_flg=True):
        if not train_flg:
            return super().forward(x, False)
        mu = x.mean(axis=0)
        self.xc = x - mu
        var = x.var(axis=0, ddof=1)
        self.std = np.sqrt(var + self.eps)
        self.xn = self.xc / self.std
        self.batch_size, self.input_shape = len(x), x.shape
        return self.gamma * self.xn + self.beta


def test_a_batchnorm_with_ddof_1_is_told_about_ddof_not_the_running_statistics():
    text = repr(sc.check_batchnorm(BatchNormDdof1))
    problems = text.split("\n  - ", 1)[1]
    assert text.startswith("FAIL") and "ddof=1" in problems and "running" not in problems


class IntegerGradientRelu:
    def forward(self, x):
        self.mask = x <= 0
        return np.maximum(x, 0)

    def backward(self, dout):
        dx = np.zeros(dout.shape, dtype=int)
        dx[~self.mask] = dout[~self.mask]
        return dx


class TwiceSigmoid(BookSigmoid):
    def backward(self, dout):
        return 2 * dout * (1.0 - self.out) * self.out


def test_dtype_sign_and_factor_mistakes_are_named():
    assert "integer dtype" in repr(sc.check_activation(IntegerGradientRelu))
    assert "factor 2 too many" in repr(sc.check_activation(TwiceSigmoid))
    assert "wrong sign" in repr(sc.check_mul_add(WrongSignDiv, OurAddLayer))
    assert "divide by the batch size N = 5" in repr(sc.check_softmax_with_loss(NoDivisionByN))


def test_a_failing_gradient_names_the_element_that_differs_most():
    text = repr(sc.check_activation(InvertedMaskRelu))
    assert "dx[" in text and "expected" in text


class LateMomentum:
    """Not the book's Momentum: it steps with the velocity before updating it."""

    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum, self.v = lr, momentum, None

    def update(self, params, grads):
        if self.v is None:
            self.v = {k: np.zeros_like(v) for k, v in params.items()}
        for k in params:
            params[k] += self.v[k]
            self.v[k] = self.momentum * self.v[k] - self.lr * grads[k]


class BookMomentum(LateMomentum):
    def update(self, params, grads):
        if self.v is None:
            self.v = {k: np.zeros_like(v) for k, v in params.items()}
        for k in params:
            self.v[k] = self.momentum * self.v[k] - self.lr * grads[k]
            params[k] += self.v[k]


class SharedStateMomentum(BookMomentum):
    v = {}  # on the class: one dict for every instance

    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum = lr, momentum

    def update(self, params, grads):
        for k in params:
            self.v[k] = self.momentum * self.v.get(k, 0) - self.lr * grads[k]
            params[k] += self.v[k]


class ReplacingSGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for k in params:
            params[k] = params[k] - self.lr * grads[k]


def test_check_optimizer_compares_steps_with_a_reference_and_wants_state_per_instance():
    from common.optimizer import SGD, Momentum
    assert sc.check_optimizer(BookMomentum, reference=Momentum, lr=0.05).passed
    late = repr(sc.check_optimizer(LateMomentum, reference=Momentum, lr=0.05))
    assert late.startswith("FAIL") and "step 1 differs from Momentum's" in late
    assert "keep the state" in repr(sc.check_optimizer(SharedStateMomentum, reference=Momentum, lr=0.05))
    assert "in place" in repr(sc.check_optimizer(ReplacingSGD, reference=SGD, lr=0.5))


def test_progress_keeps_the_learners_verdict_apart_from_the_solutions():
    from common.selfcheck.progress import forget
    forget()
    sc.check_activation(Skeleton)
    sc.check_activation(Relu, solution=True)
    sc.check_mul_add(WrongSignDiv, OurAddLayer)
    table = sc.progress("Skeleton", "Relu", "WrongSignDiv", "Tanh")
    text = repr(table)
    assert "Skeleton  yours: not done" in text.replace("      ", "  ")
    assert "solution: PASS" in text and "not checked" in text and "FAIL" in text
    assert table.passed == [] and text.endswith("0 of 4 passed by your own code.")
    sc.check_activation(Tanh)
    assert sc.progress("Tanh").passed == ["Tanh"]
    forget()
