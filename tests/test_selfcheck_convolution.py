"""common.selfcheck.convolution judges right: correct alternatives PASS (loops, einsum, float32, lists),
the usual convolution and pooling slips FAIL with the hint that names them, skeletons say NOT DONE
YET, and nothing the learner's code raises escapes. The learner's attempts of notebook 10
(tests/attempts/10.py) are replayed through the notebook's own check cells."""
import ast
import importlib.util
from pathlib import Path

import numpy as np
import pytest

from common.fast_layers import FastConvolution, FastPooling
from common.layers import Convolution, Pooling
from common.selfcheck import progress
from common.selfcheck.convolution import (
    check_conv_forward,
    check_convolution,
    check_pooling,
    convolution_by_definition,
    pooled,
)
from common.selfcheck.progress import forget

ATTEMPTS_FILE = Path(__file__).resolve().parent / "attempts" / "10.py"


def load_attempts():
    spec = importlib.util.spec_from_file_location("attempts_10", ATTEMPTS_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.ATTEMPTS


def replay(code, check):
    """Run the learner's code, then the check cell; the value of its last line (the verdict)."""
    namespace = {}
    exec(compile(code, "<learner>", "exec"), namespace)  # noqa: S102 - the test's own attempt data
    tree = ast.parse(check)
    last = ast.Expression(tree.body.pop().value)
    exec(compile(tree, "<check>", "exec"), namespace)  # noqa: S102
    return eval(compile(last, "<check>", "eval"), namespace)  # noqa: S307


ATTEMPTS = load_attempts()

# The hint each wrong attempt must get (a part of its text), by exercise and label.
HINTS = {
    "output_size": {
        "the book's fraction without the floor": "output_size(28, 5, 2, 2) gave 14.5, expected 14",
        "padding added on one side only": "output_size(28, 5, 1, 2) gave 26, expected 28",
        "the first position not counted (+1 missing)": "output_size(4, 3, 1, 0) gave 1, expected 2",
        "padding ignored": "output_size(28, 5, 1, 2) gave 24, expected 28",
        "the +1 inside the division": "output_size(7, 3, 2, 1) gave 3, expected 4",
        "rounded instead of floored": "output_size(9, 2, 2, 0) gave 5, expected 4",
    },
    "conv_forward": {
        "reshaped straight to (N, FN, OH, OW)": "reshape to (N, OH, OW, FN) first",
        "the bias forgotten": "the bias is missing",
        "the filters reshaped to (C*FH*FW, FN) directly": "the filters are laid out wrong",
        "the filter axis left last": "the filter axis is last",
        "the output size counted without stride and padding": "call im2col with the stride and pad",
        "im2col called without stride and pad": "call im2col with the stride and pad",
        "a true convolution: the filters flipped": "the filters are flipped",
        "centres x in place (x -= x.mean())": "changed its argument x in place",
    },
    "MyConvolution": {
        "dW reshaped without the transpose": "transpose it to (FN, C*FH*FW) before reshaping",
        "dout reshaped without moving the filter axis last": "without moving the filter axis last",
        "returns the gradient of col, without col2im": "col2im adds each row back",
        "db as the mean over the windows": "db is the mean over the windows",
        "dW and db divided by the batch size": "3 times too small",
        "db summed over the batch only": "sum dout over every axis but the filter axis",
        "col2im without forward's padding": "col2im takes the input's shape and the window size, stride and pad",
        "dcol with col_W not transposed": "the matrix shapes do not fit",
        "dx with the wrong sign": "hint: it has the wrong sign",
        "scales the kept col in place, so a second backward differs": "a second backward(dout) gave a different",
        "an __init__ that raises": "raised ValueError: too many values to unpack",
        "an instance passed instead of the class": "pass the class itself",
    },
    "MyMaxPooling": {
        "a loop that assigns (=) where windows overlap": "add them (+=), do not assign (=)",
        "dout spread in its own (N, C, OH, OW) order": "transpose dout to that order",
        "the gradient to every position of the window": "only its maximum changed the output",
        "the window's gradient spread evenly (average pooling's)": "as average pooling does",
        "returns the window rows without col2im": "col2im adds each row back",
        "ones where dout belongs": "backward ignores dout",
        "writes into dout (ReLU's in-place habit)": "changed the gradient array it was given",
        "col2im per channel, rows in the wrong order": "give col2im x's shape",
    },
    "AvgPooling": {
        "padding ignored": "count the output size with the padding",
        "backward forgets the 1/k": "give it 1/k of the window's gradient",
        "the mean over the values that are not padding": "padding counts as zeros in the mean",
        "the rows reshaped straight to (N, C, OH, OW)": "reshape to (N, OH, OW, C)",
        "a loop that assigns (=) where windows overlap": "add them (+=), do not assign (=)",
        "backward ignores dout": "backward ignores dout",
        "the maximum where the mean was asked": "this is max pooling",
        "an __init__ with the wrong signature": "raised TypeError",
    },
}


def test_every_exercise_has_correct_alternatives_and_at_least_three_wrong_attempts():
    for exercise in dict.fromkeys(a[0] for a in ATTEMPTS):
        verdicts = [a[2] for a in ATTEMPTS if a[0] == exercise]
        assert verdicts.count("PASS") >= 3 and verdicts.count("FAIL") >= 3, exercise


@pytest.mark.parametrize("attempt", ATTEMPTS, ids=lambda a: f"{a[0]}: {a[1]}")
def test_the_notebooks_checks_judge_each_attempt_right(attempt):
    exercise, label, expected, code, check = attempt
    result = replay(code, check)
    text = repr(result)
    assert result.status == expected, text
    if expected == "FAIL":
        assert HINTS[exercise][label] in text, text
    else:
        assert "FAIL" not in text and "hint" not in text


def test_the_definition_is_the_taught_convolution():
    rng = np.random.default_rng(0)
    for x_shape, W_shape, stride, pad in [((2, 3, 7, 7), (4, 3, 3, 3), 1, 0), ((1, 2, 8, 5), (3, 2, 2, 3), 2, 1),
                                          ((3, 1, 6, 6), (2, 1, 5, 5), 3, 2)]:
        x, W, b = rng.standard_normal(x_shape), rng.standard_normal(W_shape), rng.standard_normal(W_shape[0])
        np.testing.assert_allclose(convolution_by_definition(x, W, b, stride, pad),
                                   Convolution(W, b, stride, pad).forward(x), rtol=1e-12, atol=1e-12)
        np.testing.assert_array_equal(pooled(x, 2, 3, stride, pad, "max"), Pooling(2, 3, stride, pad).forward(x))


@pytest.mark.parametrize("result", [
    lambda: check_convolution(Convolution),
    lambda: check_convolution(FastConvolution),
    lambda: check_pooling(Pooling, kind="max"),
    lambda: check_pooling(FastPooling, kind="max"),
], ids=["Convolution", "FastConvolution", "Pooling", "FastPooling"])
def test_the_library_layers_taught_and_fast_pass(result):
    r = result()
    assert r.passed and r.max_error < 1e-8, repr(r)


def test_max_pooling_is_no_average_and_the_reverse():
    assert check_pooling(Pooling, kind="average").status == "FAIL"
    with pytest.raises(ValueError, match="kind must be 'max' or 'average'"):
        check_pooling(Pooling, kind="mean")


class SkeletonConv:
    def __init__(self, W, b, stride=1, pad=0):
        self.W = W

    def forward(self, x):
        raise NotImplementedError("your code here")

    def backward(self, dout):
        raise NotImplementedError("your code here")


def skeleton_forward(x, W, b, stride=1, pad=0):
    raise NotImplementedError("your code here")


@pytest.mark.parametrize("result", [
    lambda: check_conv_forward(skeleton_forward),
    lambda: check_convolution(SkeletonConv),
    lambda: check_pooling(SkeletonConv, kind="average"),
], ids=["conv_forward", "convolution", "pooling"])
def test_a_skeleton_is_not_done_yet(result):
    text = repr(result())
    assert text.startswith("NOT DONE YET") and "NotImplementedError" in text


class Broken:
    """Raises everywhere a learner's class can: attributes, properties, forward, backward."""

    def __init__(self, *args):
        pass

    @property
    def W(self):
        raise RuntimeError("no W")

    def forward(self, x):
        raise ZeroDivisionError("in forward")

    def backward(self, dout):
        raise KeyError("in backward")


class ForwardOnlyNaN(Convolution):
    def forward(self, x):
        return np.full_like(super().forward(x), np.nan)


class WrongShapeBackward(Convolution):
    def backward(self, dout):
        super().backward(dout)
        return np.zeros(3)


@pytest.mark.parametrize("check", [
    lambda c: check_convolution(c), lambda c: check_pooling(c, kind="max"), lambda c: check_pooling(c, kind="average"),
    lambda c: check_conv_forward(c)], ids=["convolution", "max", "average", "conv_forward"])
@pytest.mark.parametrize("learner", [Broken, ForwardOnlyNaN, WrongShapeBackward, 42, "Convolution", None],
                         ids=["raises", "nan", "wrong-shape", "int", "str", "None"])
def test_nothing_the_learner_passes_escapes(check, learner):
    result = check(learner)
    assert result.status in ("FAIL", "NOT DONE YET"), repr(result)


def test_a_conv_forward_that_returns_nothing_usable_fails_with_a_reason():
    text = repr(check_conv_forward(lambda x, W, b, stride=1, pad=0: None))
    assert text.startswith("FAIL") and "None" in text
    text = repr(check_conv_forward(lambda x, W, b, stride=1, pad=0: "out"))
    assert text.startswith("FAIL") and "not an array of numbers" in text


def test_progress_records_the_learners_verdict_apart_from_the_solutions():
    forget()
    check_convolution(SkeletonConv)
    check_convolution(Convolution, solution=True)
    table = repr(progress("SkeletonConv", "Convolution"))
    assert "SkeletonConv  yours: not done" in table and "solution: PASS" in table
    forget()
