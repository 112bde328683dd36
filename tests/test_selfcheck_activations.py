"""common.selfcheck.activations judges right: check_activation_layer (notebook 04's ReLU, Sigmoid,
Tanh and LeakyReLU exercises) and check_softmax_backward (notebook 05's softmax backward). Correct
alternatives PASS with a wide margin, the usual slips FAIL with the hint that names them, skeletons
say NOT DONE YET, and nothing the learner's code raises escapes."""
import numpy as np
import pytest

from common.functions import relu, sigmoid, softmax
from common.layers import Relu, Sigmoid
from common.selfcheck import progress
from common.selfcheck.activations import check_activation_layer, check_softmax_backward
from common.selfcheck.progress import forget


def leaky_relu(x):
    return np.where(x > 0, x, 0.01 * x)


# ---------- check_activation_layer: correct alternatives ----------

class KeepsX:
    def forward(self, x):
        self.x = x
        return np.maximum(x, 0)

    def backward(self, dout):
        return dout * (self.x > 0)


class NodeByNodeSigmoid:
    def forward(self, x):
        self.e = np.exp(-x)
        self.u = 1 + self.e
        return 1 / self.u

    def backward(self, dout):
        return -(dout * -1 / self.u ** 2) * self.e


class CoshTanh:
    def forward(self, x):
        self.x = x
        return np.tanh(x)

    def backward(self, dout):
        return dout / np.cosh(self.x) ** 2


class SlopeLeakyRelu:
    def __init__(self, alpha=0.01):
        self.alpha = alpha

    def forward(self, x):
        self.slope = np.where(x > 0, 1.0, self.alpha)
        return self.slope * x

    def backward(self, dout):
        return self.slope * dout


class Float32Tanh:
    def forward(self, x):
        self.y = np.tanh(x).astype(np.float32)
        return self.y

    def backward(self, dout):
        return ((1 - self.y) * (1 + self.y) * dout).astype(np.float32)


class ListRelu(KeepsX):
    def forward(self, x):
        return super().forward(x).tolist()

    def backward(self, dout):
        return super().backward(dout).tolist()


class OneTupleRelu(KeepsX):
    def backward(self, dout):
        return (super().backward(dout),)


class OneListRelu(KeepsX):
    def backward(self, dout):
        return [super().backward(dout)]


@pytest.mark.parametrize("layer, function", [
    (Relu, relu), (KeepsX, relu), (Sigmoid, sigmoid), (NodeByNodeSigmoid, sigmoid), (CoshTanh, np.tanh),
    (SlopeLeakyRelu, leaky_relu), (ListRelu, relu), (OneTupleRelu, relu), (OneListRelu, relu),
], ids=["relu", "keeps-x", "sigmoid", "node-by-node-sigmoid", "cosh-tanh", "slope-leaky-relu", "lists",
        "one-tuple", "one-list"])
def test_a_correct_activation_layer_passes_with_a_wide_margin(layer, function):
    result = check_activation_layer(layer, function)
    text = repr(result)
    assert result.passed, text
    assert result.max_error < 1e-8, text
    assert "the output and dx on 2-D input (4, 5) and tensor input (2, 3, 4) against numerical_gradient" in text


def test_a_correct_float32_activation_layer_passes_at_float32_tolerance_and_says_so():
    result = check_activation_layer(Float32Tanh, np.tanh)
    assert result.passed and "float32's 1e-03" in repr(result), repr(result)


# ---------- check_activation_layer: the usual slips ----------

class InPlaceRelu(KeepsX):
    def backward(self, dout):
        dout[self.x <= 0] = 0
        return dout


class IgnoresDoutSigmoid:
    def forward(self, x):
        self.out = sigmoid(x)
        return self.out

    def backward(self, dout):
        return self.out * (1 - self.out)


class WrongSignSigmoid(IgnoresDoutSigmoid):
    def backward(self, dout):
        return -dout * self.out * (1 - self.out)


class TwiceTanh(CoshTanh):
    def backward(self, dout):
        return 2 * dout / np.cosh(self.x) ** 2


class MinRelu:
    """Wrong forward and a backward that matches it: check_activation alone would pass it."""

    def forward(self, x):
        self.mask = x >= 0
        return np.minimum(x, 0)

    def backward(self, dout):
        return np.where(self.mask, 0, dout)


class SlopeOnTheWrongSide(SlopeLeakyRelu):
    def forward(self, x):
        self.slope = np.where(x > 0, self.alpha, 1.0)
        return self.slope * x


class ForgetfulRelu:
    def forward(self, x):
        return np.maximum(x, 0)

    def backward(self, dout):
        return np.where(self.mask, 0, dout)


class InPlaceForwardRelu(KeepsX):
    def forward(self, x):
        self.x = x.copy()
        x[x <= 0] = 0
        return x


class StateChangingSigmoid(IgnoresDoutSigmoid):
    def backward(self, dout):
        self.out = self.out * (1 - self.out)
        return dout * self.out


class ReluBackwardInLeakyRelu(SlopeLeakyRelu):
    def backward(self, dout):
        return np.where(self.slope == 1.0, dout, 0)


@pytest.mark.parametrize("layer, function, expected", [
    (InPlaceRelu, relu, "changed the gradient array it was given"),
    (IgnoresDoutSigmoid, sigmoid, "backward ignores dout"),
    (WrongSignSigmoid, sigmoid, "wrong sign"),
    (TwiceTanh, np.tanh, "factor 2 too many"),
    (MinRelu, relu, "forward's output is wrong"),
    (SlopeOnTheWrongSide, leaky_relu, "forward's output is wrong"),
    (ForgetfulRelu, relu, "forward must keep on self what backward needs"),
    (InPlaceForwardRelu, relu, "forward changed its input array in place"),
    (StateChangingSigmoid, sigmoid, "a second backward(dout) gave a different dx"),
    (ReluBackwardInLeakyRelu, leaky_relu, "dx is wrong"),
], ids=["in-place-dout", "ignores-dout", "sign", "factor-2", "min-relu", "wrong-side", "forgot-mask",
        "in-place-x", "state-changed", "alpha-forgotten"])
def test_a_usual_activation_slip_fails_with_its_hint(layer, function, expected):
    result = check_activation_layer(layer, function)
    assert result.status == "FAIL" and expected in repr(result), repr(result)


def test_the_ignored_dout_hint_is_given_only_where_dout_is_ignored():
    assert "ignores dout" not in repr(check_activation_layer(WrongSignSigmoid, sigmoid))
    assert "ignores dout" not in repr(check_activation_layer(ReluBackwardInLeakyRelu, leaky_relu))


# ---------- check_activation_layer: nothing escapes ----------

class RaisingInit:
    def __init__(self):
        raise ValueError("a typo in __init__")


class RaisingBackward(KeepsX):
    def backward(self, dout):
        return dout * self.undefined


class NoneForward:
    def forward(self, x):
        self.x = x

    def backward(self, dout):
        return dout


class Skeleton:
    def forward(self, x):
        raise NotImplementedError("your code here")

    def backward(self, dout):
        raise NotImplementedError("your code here")


class HalfDone(KeepsX):
    def backward(self, dout):
        raise NotImplementedError("your code here")


def test_an_exception_in_init_is_a_verdict_that_quotes_the_line():
    text = repr(check_activation_layer(RaisingInit, relu))
    assert text.startswith("FAIL") and 'raise ValueError("a typo in __init__")' in text


def test_an_instance_is_told_to_drop_the_parentheses():
    text = repr(check_activation_layer(KeepsX(), relu))
    assert text.startswith("FAIL") and "without parentheses" in text


def test_other_learner_errors_are_verdicts():
    assert "has no attribute 'undefined'" in repr(check_activation_layer(RaisingBackward, relu))
    assert "forward returned None" in repr(check_activation_layer(NoneForward, relu))


@pytest.mark.parametrize("layer", [Skeleton, HalfDone])
def test_a_skeleton_is_not_done_yet(layer):
    text = repr(check_activation_layer(layer, relu))
    assert text.startswith("NOT DONE YET: ") and "NotImplementedError" in text


# ---------- check_softmax_backward ----------

def by_row_sum(y, g):
    return y * (g - np.sum(g * y, axis=-1, keepdims=True))


def by_jacobian(y, g):
    rows = [(np.diag(r) - np.outer(r, r)) @ h for r, h in zip(np.atleast_2d(y), np.atleast_2d(g))]
    return np.reshape(rows, np.shape(y))


def by_loops(y, g):  # nested lists
    if y.ndim == 1:
        dot = sum(gi * yi for gi, yi in zip(g, y))
        return [yj * (gj - dot) for yj, gj in zip(y, g)]
    return [by_loops(r, h) for r, h in zip(y, g)]


def in_a_tuple(y, g):
    return (by_row_sum(y, g),)


def in_float32(y, g):
    return by_row_sum(y.astype(np.float32), g.astype(np.float32))


@pytest.mark.parametrize("function", [by_row_sum, by_jacobian, by_loops, in_a_tuple],
                         ids=["row-sum", "jacobian", "loops", "tuple"])
def test_a_correct_softmax_backward_passes_with_a_wide_margin(function):
    result = check_softmax_backward(function)
    text = repr(result)
    assert result.passed, text
    assert result.max_error < 1e-8, text
    assert "on one row and on a batch (4, 5) against numerical_gradient" in text


def test_a_float32_softmax_backward_passes_at_float32_tolerance_and_says_so():
    result = check_softmax_backward(in_float32)
    assert result.passed and "float32's 1e-03" in repr(result), repr(result)


def no_correction(y, g):
    return y * g


def wrong_sign(y, g):
    return -by_row_sum(y, g)


def axis_1(y, g):
    return y * (g - np.sum(g * y, axis=1, keepdims=True))


def no_keepdims(y, g):
    return y * (g - np.sum(g * y, axis=-1))


def axis_0(y, g):
    return y * (g - np.sum(g * y, axis=0, keepdims=True))


def into_g(y, g):
    g -= np.sum(g * y, axis=-1, keepdims=True)
    return y * g


def into_y(y, g):
    y *= g - np.sum(g * y, axis=-1, keepdims=True)
    return y


def softmax_again(y, g):
    s = softmax(y)
    return s * (g - np.sum(g * s, axis=-1, keepdims=True))


def transposed(y, g):
    return by_row_sum(y, g).T


@pytest.mark.parametrize("function, expected", [
    (no_correction, "dL/da is wrong"),
    (wrong_sign, "wrong sign"),
    (axis_1, "use axis=-1"),
    (no_keepdims, "keepdims=True keeps it (N, 1)"),
    (axis_0, "right for one row, wrong for a batch"),
    (into_g, "changed its argument g in place"),
    (into_y, "changed its argument y in place"),
    (softmax_again, "dL/da is wrong"),
    (transposed, "dL/da has shape (5, 4), expected (4, 5)"),
], ids=["no-correction", "sign", "axis-1", "no-keepdims", "axis-0", "into-g", "into-y", "softmax-again",
        "transposed"])
def test_a_usual_softmax_backward_slip_fails_with_its_hint(function, expected):
    result = check_softmax_backward(function)
    assert result.status == "FAIL" and expected in repr(result), repr(result)


def test_the_keepdims_hint_replaces_the_generic_one():
    text = repr(check_softmax_backward(no_keepdims))
    assert text.count("hint:") == 1


def test_softmax_backward_errors_and_skeletons_are_verdicts():
    def raises(y, g):
        return y @ g @ g

    def returns_none(y, g):
        pass

    def skeleton(y, g):
        raise NotImplementedError("your code here")

    assert repr(check_softmax_backward(raises)).startswith("FAIL")
    assert "is None" in repr(check_softmax_backward(returns_none))
    assert repr(check_softmax_backward(skeleton)).startswith("NOT DONE YET: ")
    assert "is a str" in repr(check_softmax_backward(lambda y, g: "y - t"))


def test_the_checks_record_their_verdicts_for_progress():
    forget()
    check_activation_layer(Skeleton, relu)
    check_activation_layer(KeepsX, relu, solution=True)
    check_softmax_backward(by_row_sum)
    text = repr(progress("Skeleton", "KeepsX", "by_row_sum"))
    assert "yours: not done" in text and "solution: PASS" in text and "1 of 3 passed" in text
    forget()
