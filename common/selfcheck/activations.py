"""Self-checks of a learner's activations: an activation layer whose forward pass is a given
function (check_activation_layer), and softmax's backward pass on its own (check_softmax_backward).

Both use the machinery of common.selfcheck.core and the gradient check of common.gradient
(numerical_gradient, h=1e-4; relative_error), so a learner who repeats a check by hand gets
the check's number.
"""
import warnings

import numpy as np

from common.functions import softmax
from common.gradient import layer_gradients, numerical_gradient
from common.selfcheck.core import (
    CheckResult,
    Failed,
    as_numbers,
    away_from_zero,
    compare,
    make,
    name_of,
    random_dout,
    run,
    tolerance_of,
    unchanged,
    verdict,
)
from common.selfcheck.layers import NUMERICAL, layer_check
from common.selfcheck.progress import graded


class _OneGradient:
    """A learner's one-input layer whose backward may return its gradient as a list (of rows) or a
    one-element list or tuple: each is taken as the array it holds."""

    def __init__(self, layer):
        self.layer = layer

    def forward(self, x):
        return self.layer.forward(x)

    def backward(self, dout):
        grad = self.layer.backward(dout)
        if isinstance(grad, (list, tuple)) and len(grad) == 1:
            return grad[0]
        if isinstance(grad, list) and np.shape(grad) == np.shape(dout):
            return np.asarray(grad)
        return grad

    def __getattr__(self, attribute):
        return getattr(self.layer, attribute)


def _check_activation_layer(layer_class, function, name=None):
    """An activation layer layer_class() whose forward(x) must equal function(x) (np.tanh,
    common.functions.relu, ...), for any shape, and whose backward(dout) -> dx is checked against
    numerical_gradient: on 2-D input (4, 5), then tensor input (2, 3, 4), with 0.2 <= |x| <= 3
    (away from ReLU's kink), a dout that is not ones, backward run twice, x and dout unchanged.
    The forward is compared first, so a forward and a backward that are wrong together fail."""
    rng = np.random.default_rng(3)
    forms = [("2-D input (4, 5)", (away_from_zero(rng, (4, 5), 0.2, 3.0),)),
             ("tensor input (2, 3, 4)", (away_from_zero(rng, (2, 3, 4), 0.2, 3.0),))]
    name = name or name_of(layer_class)

    def body():
        result = layer_check(name, lambda: _OneGradient(make(name, layer_class)), forms,
                             reference=lambda x: function(np.array(x, copy=True)))
        result.compared = "the output and " + result.compared
        for k, problem in enumerate(result.problems):
            if problem.startswith(f"on {forms[0][0]}: dx is wrong") and "hint:" not in problem \
                    and _ignores_dout(name, layer_class, forms[0][1][0]):
                result.problems[k] += ("\n    hint: backward ignores dout: the chain rule multiplies the "
                                       "gradient from above by the local derivative")
        return result

    return verdict(name, body)


def _ignores_dout(name, layer_class, x):
    """True if the learner's backward(dout) gives the local derivative dy/dx whatever dout is."""
    try:
        layer = _OneGradient(make(name, layer_class))
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = layer.forward(x.copy())
            dx = np.asarray(layer.backward(random_dout(np.shape(out))), dtype=np.float64)
            _, numerical = layer_gradients(layer, [x.copy()], np.ones(np.shape(out)))
        return dx.shape == x.shape and bool(np.allclose(dx, numerical["x"], rtol=1e-5, atol=1e-8))
    except Exception:  # noqa: BLE001 - the learner's code: no hint then, and nothing escapes
        return False


def _softmax_cases():
    """(label, scores a, upstream gradient g): one row of the book's scores (section 3.5.1), and a
    batch (4, 5) whose rows differ, with a g that is not ones."""
    batch = np.random.default_rng(21).standard_normal((4, 5))
    return [("one row a = [0.3, 2.9, 4.0]", np.array([0.3, 2.9, 4.0]), np.array([0.5, -1.0, 2.0])),
            ("a batch (4, 5)", batch, random_dout(batch.shape, seed=22))]


def _check_softmax_backward(function, name=None):
    """function(y, g) -> dL/da, where y = softmax(a) is (C,) or (N, C), one distribution per row,
    and g = dL/dy has y's shape, against numerical_gradient of L(a) = sum(g * softmax(a)), on one
    row, then on a batch (4, 5). y and g must stay unchanged. A tuple, list or float32 array of the
    right numbers counts (float32 at float32's tolerance)."""
    name = name or name_of(function)

    def body():
        problems, errors, tolerance = [], {}, tolerance_of()
        for label, a, g in _softmax_cases():
            y = softmax(a)
            given_y, given_g = y.copy(), g.copy()
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    got = run(f"{name}(y, g)", function, given_y, given_g)
                except Failed as failed:
                    raise Failed(f"on {label}: {_with_hint(str(failed), a.ndim)}") from None
            local = []
            for what, now, before in (("y", given_y, y), ("g", given_g, g)):
                if not unchanged(f"{name}(y, g)", now, before, local, what="input"):
                    local[-1] = local[-1].replace("its input array", f"its argument {what}")
            if local:
                problems += [f"on {label}: {p}" for p in local]
                break
            if isinstance(got, (tuple, list)) and len(got) == 1 and np.shape(got) != np.shape(a):
                got = got[0]  # (dx,): one gradient in a tuple
            array, _ = as_numbers("dL/da", got)
            tolerance = max(tolerance, tolerance_of(array))
            numerical = numerical_gradient(lambda v, g=g: float(np.sum(g * softmax(v))), a.copy())
            case_errors = {}
            if not compare("dL/da", got, numerical, local, case_errors):
                hint = ""
                if a.ndim == 2 and problems == [] and "has shape" not in local[0]:
                    hint = ("\n    hint: right for one row, wrong for a batch: sum within each row "
                            "(axis=-1, keepdims=True), so that each row uses its own g . y")
                problems.append(f"on {label}: {local[0]}{hint}")
            errors.update({f"dL/da ({label.split(' a =')[0]})": e for e in case_errors.values()})
            if problems:
                break
        compared = f"dL/da on one row and on a batch (4, 5) against {NUMERICAL} of sum(g * softmax(a)), " \
                   "y and g unchanged"
        return CheckResult(name, compared, errors, problems, tolerance=tolerance)

    return verdict(name, body)


def _with_hint(message, ndim):
    """The message of an exception raised by the learner's softmax backward, with the hint that fits
    the two usual causes (an axis that one row lacks, a row sum that lost its axis) in place of the
    generic one."""
    if ndim == 1 and "axis" in message:
        hint = ("one row has only axis 0: use axis=-1, the last axis, which is the classes' axis of (C,) "
                "and (N, C) alike")
    elif ndim == 2 and "broadcast" in message:
        hint = ("a sum over axis -1 of (N, C) has shape (N,); keepdims=True keeps it (N, 1), which "
                "broadcasts against (N, C), one value per row")
    else:
        return message
    return message.split("\n    hint:")[0] + "\n    hint: " + hint


check_activation_layer = graded(_check_activation_layer)
check_softmax_backward = graded(_check_softmax_backward)
