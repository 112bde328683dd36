"""Self-checks of a learner's regularization: the gradient of weight decay (book 6.4.2).

    check_weight_decay(weight_decay_grads)

judges a function weight_decay_grads(params, grads, lam) -> a new dict of gradients: for
every name in grads, the gradient of the penalised loss L + 0.5 * lam * sum(W**2) (summed
over every weight matrix W1, W2, ...; biases and BatchNorm's gamma and beta are not in the
penalty), where grads holds backprop's dL/dparams. It runs the function on the book's
networks and compares its result with numerical_gradient (common.gradient, h=1e-4) of the
penalised loss and with the networks' own weight_decay_lambda gradients.
"""
from collections.abc import Mapping

import numpy as np

from common.gradient import FLOAT32_TOLERANCE, GRADIENT_CHECK_TOLERANCE, numerical_gradient
from common.multi_layer_net import MultiLayerNet
from common.multi_layer_net_extend import MultiLayerNetExtend
from common.selfcheck.core import CheckResult, Failed, as_numbers, compare, name_of, run, verdict
from common.selfcheck.progress import graded

FLOAT32_RTOL = 1e-5
"""float32 results against the book network's gradient: float32 keeps about 7 digits (check_values
judges float32 at 1e-5 too)."""

# (label, short label, network class, options, lam, dtype, seed): where the lesson bites: a lam that is not the
# usual 0.1 (a hard-coded lam fails), three weight matrices (decaying only W1 fails), BatchNorm's
# gamma and beta (not weights; beta away from 0), float32 parameters. The seeds give inputs on which
# numerical_gradient of a correct result is within 1e-8 of it on every element (measured; an element
# near 0 would magnify the difference through the relative error's 1e-8 floor); the biases in front
# of a BatchNorm have gradient 0 exactly and are compared with the book network's only.
CASES = [
    ("MultiLayerNet 12-7-5-4, lam 0.1", "lam 0.1", MultiLayerNet, {}, 0.1, np.float64, 53),
    ("MultiLayerNet 12-7-5-4, lam 0.37", "lam 0.37", MultiLayerNet, {}, 0.37, np.float64, 5),
    ("MultiLayerNetExtend with BatchNorm (gamma, beta), lam 0.2", "BatchNorm", MultiLayerNetExtend,
     {"use_batchnorm": True}, 0.2, np.float64, 55),
    ("float32 parameters, lam 0.1", "float32", MultiLayerNet, {}, 0.1, np.float32, 7),
]


def networks(cls, options, lam, dtype, seed):
    """The network without weight decay and the same one with weight_decay_lambda=lam (equal
    parameter values), sigmoid units so that the loss is smooth; every b, gamma, beta drawn
    with 0.5 <= |value| <= 1.5 (so that decaying one of them shows)."""
    def build(decay):
        return cls(12, [7, 5], 4, activation="sigmoid", weight_init_std=0.8, weight_decay_lambda=decay,
                   dtype=dtype, rng=np.random.default_rng(seed), **options)
    plain, book = build(0), build(lam)
    rng = np.random.default_rng(seed + 100)
    for key, value in plain.params.items():
        if not key.startswith("W"):
            value[...] = rng.uniform(0.5, 1.5, value.shape) * rng.choice([-1.0, 1.0], value.shape)
        book.params[key][...] = value
    return plain, book


def penalised_loss(net, x, t, lam):
    """loss(x, t) of net (built without weight decay) + 0.5 * lam * sum(W**2) over its weights, as
    a function for numerical_gradient (which nudges net's parameter arrays in place)."""
    def loss(_):
        penalty = sum(0.5 * lam * np.sum(W.astype(np.float64) ** 2) for k, W in net.params.items() if k[0] == "W")
        return float(net.loss(x, t, train_flg=True)) + penalty
    return loss


def diagnose_weight(added, result, W, lam):
    """What the learner did to a weight's gradient, if it is a recognisable mistake, else None.
    added: their result minus backprop's gradient; result: their result (float64)."""
    want = lam * W
    if np.allclose(added, 0, rtol=0, atol=1e-12):
        return "nothing was added to backprop's gradient", "every weight matrix is in the penalty, so every " \
            "W's gradient gets the derivative of its part of the penalty"
    if np.allclose(result, want, rtol=1e-6, atol=1e-12):
        return "it is the penalty's gradient alone", "add it to backprop's gradient (grads[...]): the gradient " \
            "of L + penalty is the sum of the two gradients"
    for value, text in ((lam * W**2, "lam * W**2"), (0.5 * lam * W**2, "0.5 * lam * W**2, the penalty's terms")):
        if np.allclose(added, value, rtol=1e-6, atol=1e-12):
            return f"the term added is {text}", "differentiate 0.5 * lam * w**2 with respect to w, one weight " \
                "at a time"
    if np.allclose(added, lam * np.sign(W), rtol=1e-6, atol=1e-12):
        return "the term added is lam * sign(W), the gradient of an L1 penalty lam * sum(|W|)", \
            "this penalty is 0.5 * lam * sum(W**2): differentiate w**2"
    if W.size > 1 and np.ptp(added) <= 1e-9 * np.max(np.abs(added)):
        return "the same number was added to every element", "the penalty's derivative has one number per " \
            "weight, W's shape, not a sum over W"
    k = float(np.sum(added * want)) / float(np.sum(want * want))
    if np.max(np.abs(added - k * want)) > 1e-6 * np.max(np.abs(want)):
        return None
    if np.isclose(k, 1, rtol=1e-4):
        return None if np.isclose(k, 1, rtol=1e-12) else (
            f"the term added is lam * W to {-np.log10(abs(k - 1)):.0f} digits only",
            "was lam or W rounded, to float32 perhaps? compute in the parameters' own dtype")
    for factor, text, hint in ((2, "twice the penalty's derivative", "the 0.5 in 0.5 * lam * sum(W**2) is there "
                                "to cancel the 2 of the derivative of w**2"),
                               (0.5, "half the penalty's derivative", "the derivative of w**2 is 2 * w, and "
                                "0.5 * 2 = 1"),
                               (-1, "the penalty's derivative with the wrong sign", "the penalty is added to the "
                                "loss, so its gradient is added too (the optimizer's minus comes later)")):
        if np.isclose(k, factor):
            return f"the term added is {text}", hint
    return f"the term added is {k * lam:.4g} * W, but lam is {lam:g}", "use the lam the function is given"


def diagnose(key, result, grad, W, lam):
    """(problem, hint) for the result of params[key]'s gradient if it is a recognisable mistake."""
    added = result - grad
    if key[0] == "W":
        return diagnose_weight(added, result, W, lam)
    if not np.allclose(added, 0, rtol=0, atol=1e-12):
        kind = "BatchNorm's " + key.rstrip("0123456789") if key.startswith(("gamma", "beta")) else "a bias"
        return f"its gradient was changed, but {key} is {kind}, not a weight", "weight decay penalises the " \
            "weight matrices W1, W2, ... only, as the book's networks do: pass the other gradients through"
    return None


def unchanged_inputs(name, given, kept):
    """A problem sentence if the learner changed grads or params (dict or arrays), else None."""
    for what in ("grads", "params"):
        now, then = given[what], kept[what]
        changed = [k for k in then if not isinstance(now.get(k), np.ndarray) or now[k].shape != then[k].shape
                   or not np.array_equal(now[k], then[k])]
        if changed or set(now) != set(then):
            which = f"{what}['{changed[0]}']" if changed else what
            return (f"{name} changed {which} in place\n    hint: build a new dict of new arrays and leave both "
                    "dicts as they were given: grads' arrays are the layers' own dW and db, params' are the "
                    "network's weights" + ("" if what == "grads" else " (moving them is the optimizer's job)"))
    return None


def check_case(function, name, case):
    """Run the learner's function on one case; (problems, errors, low) where low is True if it
    returned float32 for float64 parameters (judged at float32's tolerance then)."""
    label, _, cls, options, lam, dtype, seed = case
    plain, book = networks(cls, options, lam, dtype, seed)
    rng = np.random.default_rng(seed)
    x, t = rng.uniform(-1, 1, (5, 12)).astype(dtype), rng.integers(0, 4, 5)
    grads = {k: np.array(v, copy=True) for k, v in plain.gradient(x, t).items()}
    expected = {k: np.asarray(v, dtype=np.float64) for k, v in book.gradient(x, t).items()}
    kept = {"grads": grads, "params": {k: np.array(v, copy=True) for k, v in plain.params.items()}}
    given = {what: {k: np.array(v, copy=True) for k, v in arrays.items()} for what, arrays in kept.items()}
    out = run(f"{name}(params, grads, {lam:g})", function, given["params"], given["grads"], lam)
    changed = unchanged_inputs(name, given, kept)
    if out is None:
        raise Failed(f"on {label}: {name} returned None\n    hint: return the new dict of gradients"
                     + (" (it changed grads in place instead)" if changed else ""))
    if not isinstance(out, Mapping):
        raise Failed(f"on {label}: {name} returned a {type(out).__name__}, expected a dict like grads "
                     "(name -> array)")
    if changed:
        return [changed], {}, False
    missing, extra = [k for k in grads if k not in out], [str(k) for k in out if k not in grads]
    if missing or extra:
        return ["the result's names differ from grads': " + "; ".join(
            ([f"no {', '.join(missing)}"] if missing else []) + ([f"extra {', '.join(extra)}"] if extra else []))
            + "\n    hint: return one gradient for every name in grads, under the same names"], {}, False
    problems, errors, found, low = [], {}, {}, False
    for key in grads:
        array, problem = as_numbers(key, out[key])
        if problem is None and array.shape == grads[key].shape and np.all(np.isfinite(array)):
            result = array.astype(np.float64)
            precise = array.dtype.itemsize >= 8 and dtype == np.float64
            low = low or (array.dtype.kind == "f" and not precise and dtype == np.float64)
            rtol = 1e-7 if precise else FLOAT32_RTOL
            if np.allclose(result, expected[key], rtol=rtol, atol=1e-12 if precise else 1e-7):
                if dtype == np.float64 and np.max(np.abs(expected[key])) > 1e-12:  # b before a BatchNorm: 0
                    compare(key, out[key], numerical_gradient(penalised_loss(plain, x, t, lam), plain.params[key]),
                            problems, errors)
                continue
            mistake = diagnose(key, result, grads[key].astype(np.float64), kept["params"][key].astype(np.float64),
                               lam)
            if mistake:
                found.setdefault(mistake, []).append(key)
                continue
        if dtype == np.float64:
            reference = numerical_gradient(penalised_loss(plain, x, t, lam), plain.params[key])
            if compare(key, out[key], reference, problems, errors):
                problems.append(f"{key} differs from {cls.__name__}(weight_decay_lambda={lam:g}).gradient's")
        else:
            compare(key, out[key], expected[key], problems, {}, tolerance=FLOAT32_RTOL)
    for (problem, hint), keys in found.items():
        problems.append(f"{', '.join(keys)}: {problem}\n    hint: {hint}")
    return problems, errors, low


def _check(function, name):
    if not callable(function):
        raise Failed(f"expected a function, got a {type(function).__name__}: pass the function itself, without "
                     f"calling it ({name}, not {name}(params, grads, lam))")
    problems, errors, low = [], {}, False
    for case in CASES:
        case_problems, case_errors, case_low = check_case(function, name, case)
        errors.update({f"{k} ({case[1]})": v for k, v in case_errors.items()})
        low = low or case_low
        if case_problems:
            problems = [f"on {case[0]}: {p}" for p in case_problems[:3]]
            break
    compared = ("MultiLayerNet at lam 0.1 and 0.37, with BatchNorm at 0.2, and float32: every gradient against "
                "numerical_gradient (h=1e-4) of loss + 0.5 * lam * sum(W**2) and the networks' own "
                "weight_decay_lambda gradient; params and grads unchanged")
    return CheckResult(name, compared, errors, problems,
                       tolerance=FLOAT32_TOLERANCE if low else GRADIENT_CHECK_TOLERANCE)


@graded
def check_weight_decay(function, name=None):
    """weight_decay_grads(params, grads, lam) -> a new dict: for every name in grads, the gradient of
    L + 0.5 * lam * sum(W**2) over the weight matrices W1, W2, ... (grads: backprop's dL/dparams).
    Run on MultiLayerNet 12-7-5-4 (sigmoid) at lam 0.1 and 0.37, on MultiLayerNetExtend with BatchNorm
    at lam 0.2 (gamma and beta are not weights) and on float32 parameters; each result is compared
    with numerical_gradient (h=1e-4) of the penalised loss and with the network's own
    weight_decay_lambda gradient (float32 at 1e-5). params and grads must stay unchanged."""
    name = name or name_of(function)
    return verdict(name, lambda: _check(function, name))
