"""common.selfcheck.gradcheck judges right: a learner's own gradient check must give common.gradient's
numbers (correct alternatives PASS, the usual slips FAIL with the hint that names them), a three-layer
network is held to its architecture and its gradients, lines asked for by name are compared one by one
with the first wrong line named and no fused shortcut passing, skeletons say NOT DONE YET, and nothing
the learner's code raises escapes. The attempts of notebooks 06 and 06b (tests/attempts/06.py, 06b.py)
are replayed through the notebooks' own check cells, each wrong one with its hint."""
import ast
import importlib.util
from pathlib import Path

import numpy as np
import pytest

import common.autograd_ops as F
from common.autograd import Function, Variable
from common.gradient import check_layer, layer_gradients, numerical_gradient, relative_error
from common.layers import Affine, Relu, Sigmoid, SoftmaxWithLoss
from common.selfcheck import check_values, progress
from common.selfcheck.gradcheck import (
    NETWORK_LINES,
    _agrees,
    _errors,
    _layer_cases,
    check_backward_lines,
    check_gradient_check,
    check_lines,
    check_three_layer_net,
    network_backward,
    network_cases,
)
from common.selfcheck.progress import forget
from common.two_layer_net import TwoLayerNet

ATTEMPTS = Path(__file__).resolve().parent / "attempts"


def load_attempts(stem):
    spec = importlib.util.spec_from_file_location(f"attempts_{stem}", ATTEMPTS / f"{stem}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.ATTEMPTS


def replay(code, check):
    """Run the learner's code, then the check cell; the value of its last line (the verdict)."""
    namespace = {}
    np.random.seed(0)
    exec(compile(code, "<learner>", "exec"), namespace)  # noqa: S102 - the test's own attempt data
    tree = ast.parse(check)
    last = ast.Expression(tree.body.pop().value)
    exec(compile(tree, "<check>", "exec"), namespace)  # noqa: S102
    return eval(compile(last, "<check>", "eval"), namespace)  # noqa: S307


# The hint each wrong attempt must get (a part of its text), by exercise and label.
HINTS = {
    "MyTwoLayerNet": {
        "the ReLU skipped in the backward pass": "check the activation's backward",
        "the numerical gradient posing as backpropagation": "that is a numerical gradient",
        "no forward pass first": "call forward first",
        "the layers in forward order": "expected dout of shape",
        "gradients added up over calls": "instead of adding to the last one",
        "dL/dL taken as the batch size": "divide by the batch size N = 3",
        "the layers' gradients swapped": "W1 has shape (6, 4), expected (12, 6)",
        "an instance passed instead of the class": "without parentheses",
    },
    "my_gradient_check": {
        "dout left out of the scalar": "which leaves out dout",
        "the numerical gradient of copies": "your numerical gradient there is all zeros",
        "backward run after the nudges": "a backward pass run after the nudges",
        "the mean relative error": "they are the mean over the elements",
        "no floor under the denominator": "the division needs its floor",
        "a one-sided difference": "a one-sided difference",
        "nudged elements never put back": "your check left layer.W changed",
        "a step of 1e-2": "a step h = 1e-2",
        "only the input checked": "no relative error for W, b",
        "the per-element errors returned": "is not one number",
        "the graded check's own driver": "calls layer_gradients, the check it is graded against",
        "a list of numbers": "returned a list, expected a dict",
    },
    "ThreeLayerNet": {
        "the layers built on copies of params": "use the arrays of params themselves",
        "W3 and b3 not collected": "W3 is None",
        "the second ReLU skipped in the backward pass": "check the activation's backward",
        "W2 shaped (hidden, output) from the two-layer constructor": "params['W2'] is not an array of shape (6, 6)",
        "a constructor that raises": "raised KeyError: 'b3'",
        "the middle ReLU left out of the network": "the second ReLU is missing",
    },
    "backward_lines": {
        "the fork at u: only the path through exp": "the first wrong line is du (the line of e = exp(u)",
        "the fork at u: only the path through the picking": "the first wrong line is du",
        "the subtraction's sign not flipped": "the first wrong line is dpicked",
        "the mean's 1/N forgotten": "divide by the batch size N = 4",
        "log's derivative as log": "the first wrong line is dse (the line of lse = log(se))",
        "dW2 transposed": "dW2 has shape (3, 5), expected (5, 3)",
        "ReLU's mask forgotten": "the first wrong line is dz1 (the line of h = max(z1, 0))",
        "the bias summed over the wrong axis": "db1 has shape (4,), expected (5,)",
        "dX from dh, before ReLU's mask": "the first wrong line is dX",
        "the fused shortcut for the loss's lines": "no dl, dlse, dpicked, dse, de, du, dm in the dict",
        "a tuple of the gradients": "returned a tuple, expected a dict",
        "an in-place sign flip that changes dl too": "dl holds the value of dpicked, a later line",
        "the ReLU applied to X in place": "changed its argument X in place",
    },
    "softmax_ce_backward": {
        "the fused formula for du alone": "returned a ndarray, expected a dict",
        "the fused formula, named du": "no dl, dq, dy, dse, de in the dict",
        "the fork at e: the path through the sum left out": "the first wrong line is de",
        "the denominator's gradient not summed over the row": "dse has shape (4, 3), expected (4, 1)",
        "-log's derivative without the minus": "wrong sign",
        "the scatter written into the softmax itself": "the first wrong line is dy",
    },
    "tanh_net_backward": {
        "ReLU's mask kept": "the first wrong line is dz1",
        "the derivative taken as 1 - h": "the first wrong line is dz1",
        "the lines fused into dW1": "returned a ndarray, expected a dict",
        "dW1 transposed": "dW1 has shape (5, 6), expected (6, 5)",
        "dh through W2 untransposed": "the matrix shapes do not fit",
    },
    "softmax_ce_jvp": {
        "the directional derivative by the fused VJP": "returned a float64, expected a dict",
        "the quotient rule with a plus": "the first wrong line is y_dot",
        "the denominator held fixed": "the first wrong line is y_dot",
        "the sum instead of the mean": "divide by the batch size N = 4",
        "exp's tangent as exp(u_dot)": "the first wrong line is e_dot",
    },
}

CASES = [(stem, *attempt) for stem in ("06", "06b") for attempt in load_attempts(stem)]


@pytest.mark.parametrize("stem, exercise, label, expected, code, check", CASES,
                         ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in CASES])
def test_each_attempt_is_judged_right_with_its_hint(stem, exercise, label, expected, code, check):
    result = replay(code, check)
    text = repr(result)
    assert result.status == expected, text
    if expected == "FAIL":
        assert HINTS[exercise][label] in text, text
        if exercise != "MyTwoLayerNet":  # check_network's messages list every parameter
            assert len(text) < 800, text


def test_every_wrong_attempt_has_a_hint_to_meet():
    labels = {(c[1], c[2]) for c in CASES if c[3] == "FAIL"}
    assert labels == {(e, label) for e, hints in HINTS.items() for label in hints}


def test_the_attempts_count():
    kinds = [c[3] for c in CASES]
    assert kinds.count("PASS") >= 20 and kinds.count("FAIL") >= 50, (kinds.count("PASS"), kinds.count("FAIL"))


# ---------- the gradient check of one's own ----------

def test_the_checks_own_numbers_are_check_layers():
    layer, x = Affine(np.arange(15.0).reshape(5, 3) / 7, np.ones(3)), np.linspace(-1, 1, 20).reshape(4, 5)
    dout = np.random.default_rng(0).standard_normal((4, 3))
    assert _errors(lambda: Affine(layer.W.copy(), layer.b.copy()), x, dout) == check_layer(layer, x)


def test_a_check_by_hand_gives_check_layers_very_number():
    layer, x = Sigmoid(), np.linspace(-2, 2, 12).reshape(3, 4)
    by_check = check_layer(layer, x)
    dout = np.random.default_rng(0).standard_normal((3, 4))
    layer.forward(x)
    dx = layer.backward(dout)
    by_hand = relative_error(dx, numerical_gradient(lambda _: np.sum(layer.forward(x) * dout), x))
    assert by_hand == by_check["x"]


def test_the_broken_layers_are_broken_and_the_correct_ones_correct():
    for label, make_layer, x, dout in _layer_cases():
        errors = _errors(make_layer, x, dout)
        assert (max(errors.values()) > 0.1) == label.startswith(("a Sigmoid whose", "an Affine whose")), (label, errors)
        analytic, _ = layer_gradients(make_layer(), [x.copy()], dout)
        assert set(errors) == set(analytic)


@pytest.mark.parametrize("mine, theirs, same", [
    (0.5, 0.5, True), (0.504, 0.5, True), (0.52, 0.5, False), (3e-11, 1e-11, True), (2e-10, 1e-11, False),
    (5e-12, 0.0, True), (3e-11, 0.0, False), (2e-6, 1e-10, False), (float("nan"), 1e-10, False)])
def test_the_same_number_within_1_percent_or_the_order_of_rounding_noise(mine, theirs, same):
    assert _agrees(mine, theirs) == same


def test_a_gradient_check_that_is_not_a_function_or_raises_is_a_verdict():
    assert "expected a function" in repr(check_gradient_check(42))

    def raises(layer, x, dout):
        return {"x": 1 / 0}

    text = repr(check_gradient_check(raises))
    assert text.startswith("FAIL") and "ZeroDivisionError" in text and "1 / 0" in text

    def skeleton(layer, x, dout):
        raise NotImplementedError("your code here")

    assert repr(check_gradient_check(skeleton)).startswith("NOT DONE YET")


def test_a_gradient_check_returning_odd_values_fails_without_raising():
    for value in (None, "x", {"x": "small"}, {"x": [1e-10, 2e-10]}, {"x": object()}):
        result = check_gradient_check(lambda layer, x, dout, value=value: value)
        assert result.status == "FAIL", repr(result)


# ---------- the three-layer network ----------

class ThreeLayerNet(TwoLayerNet):
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        super().__init__(input_size, hidden_size, hidden_size, weight_init_std)
        self.params["W3"] = weight_init_std * np.random.randn(hidden_size, output_size)
        self.params["b3"] = np.zeros(output_size)
        self.layers["Relu2"] = Relu()
        self.layers["Affine3"] = Affine(self.params["W3"], self.params["b3"])

    def gradient(self, x, t):
        self.loss(x, t)
        dout = self.lastLayer.backward(1)
        for layer in reversed(self.layers.values()):
            dout = layer.backward(dout)
        return {key: getattr(self.layers["Affine" + key[1]], "d" + key[0]) for key in self.params}


class TwoLayersOnly(TwoLayerNet):
    pass


class NoFirstRelu(ThreeLayerNet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.layers["Relu1"]


class RaisingInit(ThreeLayerNet):
    def __init__(self, *args, **kwargs):
        raise ValueError("a typo in __init__")


def test_the_three_layer_net_passes_and_says_what_was_compared():
    result = check_three_layer_net(ThreeLayerNet)
    assert result.passed and "the loss of Affine, ReLU, Affine, ReLU, Affine" in repr(result), repr(result)


def test_a_network_of_another_architecture_fails_with_its_name():
    assert "params['W2'] is not an array of shape (6, 6)" in repr(check_three_layer_net(TwoLayersOnly))
    assert "the first ReLU is missing" in repr(check_three_layer_net(NoFirstRelu))


def test_the_three_layer_check_never_lets_the_learners_errors_out():
    text = repr(check_three_layer_net(RaisingInit))
    assert text.startswith("FAIL") and 'raise ValueError("a typo in __init__")' in text
    assert "without parentheses" in repr(check_three_layer_net(ThreeLayerNet(12, 6, 4)))

    class Skeleton(TwoLayerNet):
        def __init__(self, *args, **kwargs):
            raise NotImplementedError("your code here")

    assert repr(check_three_layer_net(Skeleton)).startswith("NOT DONE YET")


# ---------- lines by name ----------

class RowMax(Function):
    def forward(self, s):
        self.where = (s == s.max(axis=1, keepdims=True)).astype(s.dtype)
        return s.max(axis=1, keepdims=True)

    def backward(self, gm):
        return gm * self.where


def engine_gradients(X, t, W1, b1, W2, b2):
    """Every intermediate's gradient of notebook 06b's forward lines, by the autograd engine."""
    v = {n: Variable(a.copy()) for n, a in (("X", X), ("W1", W1), ("b1", b1), ("W2", W2), ("b2", b2))}
    v["a1"] = v["X"] @ v["W1"]
    v["z1"] = v["a1"] + v["b1"]
    v["h"] = F.relu(v["z1"])
    v["a2"] = v["h"] @ v["W2"]
    v["s"] = v["a2"] + v["b2"]
    v["m"] = RowMax()(v["s"])
    v["u"] = v["s"] - v["m"]
    v["e"] = F.exp(v["u"])
    v["se"] = v["e"].sum(axis=1)
    v["lse"] = F.log(v["se"])
    v["picked"] = (v["u"] * np.eye(W2.shape[1])[t]).sum(axis=1)
    v["l"] = v["lse"] - v["picked"]
    v["L"] = v["l"].sum() / len(X)
    v["L"].backward(retain_grad=True)
    return {"d" + name: var.grad for name, var in v.items()}


@pytest.mark.parametrize("case", network_cases(), ids=["case 1", "case 2", "case 3"])
def test_the_reference_lines_are_the_engines_and_the_layers(case):
    X, t, W1, b1, W2, b2 = case
    ours, engine = network_backward(*case), engine_gradients(*case)
    assert list(ours) == list(NETWORK_LINES)
    for name, value in ours.items():
        assert np.shape(value) == np.shape(engine[name]) and relative_error(value, engine[name]) < 1e-12, name
    net = TwoLayerNet(W1.shape[0], W1.shape[1], W2.shape[1])
    for key, value in (("W1", W1), ("b1", b1), ("W2", W2), ("b2", b2)):
        net.params[key][...] = value
    grads = net.gradient(X, t)
    for key in grads:
        assert relative_error(grads[key], ours["d" + key]) < 1e-12, key
    last = SoftmaxWithLoss()
    last.forward(net.predict(X), t)
    assert relative_error(last.backward(1), ours["ds"]) < 1e-12


def test_the_reference_lines_have_both_signs_at_relu():
    for X, _, W1, b1, *_ in network_cases():
        z1 = X @ W1 + b1
        assert (z1 > 0).any() and (z1 < 0).any()


def messages_of(result):
    return "\n".join(result.problems)


def test_a_failing_line_is_named_briefly_without_the_arguments():
    def wrong_dse(X, t, W1, b1, W2, b2):
        g = network_backward(X, t, W1, b1, W2, b2)
        g["dse"] = 2 * g["dse"]
        return g

    result = check_backward_lines(wrong_dse)
    text = messages_of(result)
    assert "case 1 (N 4, D 6, H 5, C 3): the first wrong line is dse" in text and "2 times too large" in text
    assert len(result.problems) == 1 and len(text) < 300 and "array" not in text and "[[" not in text


def test_a_float32_answer_passes_at_float32_tolerance_and_says_so():
    def as_float32(*case):
        return {k: np.asarray(v, dtype=np.float32) for k, v in network_backward(*case).items()}

    result = check_backward_lines(as_float32)
    assert result.passed and "float32's" in repr(result), repr(result)


def test_check_lines_never_lets_the_learners_errors_out():
    def reference(x):
        return {"dy": 2 * x}

    for function in (lambda x: None, lambda x: {"dy": "two x"}, lambda x: {"dy": Variable(2 * x)},
                     lambda x: {"dy": [[1, 2]]}, lambda x: 1 / 0, lambda x: {"dy": np.full(3, np.nan)}):
        result = check_lines(function, reference, [(np.ones(3),)], name="f")
        assert result.status == "FAIL", repr(result)


def test_check_lines_names_the_case_by_its_first_array_and_keeps_extra_names():
    def reference(u, t):
        return {"du": u * 3}

    def mine(u, t):
        return {"du": u * 3, "dnote": "extra names are ignored"}

    assert check_lines(mine, reference, [(np.ones((2, 3)), np.array([0, 1]))]).passed
    text = repr(check_lines(lambda u, t: {"du": -3 * u}, reference, [(np.ones((2, 3)), np.array([0, 1]))]))
    assert "case 1 (u of shape (2, 3)): the first wrong line is du" in text and "wrong sign" in text


def test_the_skeletons_are_not_done_yet():
    def skeleton(*args):
        raise NotImplementedError("your backward lines here")

    assert repr(check_backward_lines(skeleton)).startswith("NOT DONE YET")
    assert repr(check_lines(skeleton, lambda x: {"dx": x}, [(np.ones(2),)])).startswith("NOT DONE YET")


def test_the_verdicts_are_recorded_for_the_progress_cell():
    forget()
    check_backward_lines(network_backward)
    check_lines(lambda x: {"dx": x}, lambda x: {"dx": x}, [(np.ones(2),)], name="lines", solution=True)
    table = repr(progress("network_backward", "lines"))
    assert "network_backward  yours: PASS" in table and "solution: PASS" in table
    forget()


# ---------- check_values, as notebook 06b used it: large arrays by their shape ----------

def test_check_values_shows_arrays_of_more_than_6_values_by_their_shape_only():
    rng = np.random.default_rng(6)
    net = (rng.standard_normal((4, 6)), np.array([0, 2, 1, 2]), rng.standard_normal((6, 5)), rng.standard_normal(5),
           rng.standard_normal((5, 3)), rng.standard_normal(3))
    text = repr(check_values(lambda X, t, W1, b1, W2, b2: 2 * X.T @ np.ones((4, 5)),
                             lambda X, t, W1, b1, W2, b2: X.T @ np.ones((4, 5)), [net], name="f"))
    assert "f(case 1: (4, 6), (4,), (6, 5), (5,), (5, 3), (3,))" in text  # the case and its shapes, not its numbers
    assert str(net[0][0, 0])[:6] not in text and len(text) < 400
