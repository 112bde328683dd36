"""Self-checks of notebooks 06 and 06b: a gradient check that the learner writes, graded
against the one of common.gradient, and derivations written line by line, each line's
value asked for by name.

    check_gradient_check(my_gradient_check)   my_gradient_check(layer, x, dout) -> {name: relative error}
                                              must give common.gradient's numbers on correct and broken layers
    check_lines(function, reference, cases)   function(*case) -> {name: value} of every line, compared with
                                              reference(*case) name by name in the reference's order;
                                              the first wrong line is named
    check_backward_lines(backward_lines)      the two-layer network's backward pass, one line per forward line
    check_three_layer_net(ThreeLayerNet)      Affine, ReLU, Affine, ReLU, Affine (its loss), then check_network
"""
import inspect
import types
import warnings
from collections.abc import Mapping

import numpy as np

from common.functions import softmax_loss
from common.gradient import (
    GRADIENT_CHECK_TOLERANCE,
    PARAM_GRADS,
    layer_gradients,
    numerical_gradient,
    relative_error,
    relative_errors,
)
from common.layers import Affine, Relu, Sigmoid
from common.selfcheck.core import (
    FAIL,
    PASS,
    CheckResult,
    Failed,
    away_from_zero,
    compare,
    make,
    name_of,
    run,
    tolerance_of,
    unchanged,
    verdict,
)
from common.selfcheck.networks import check_network
from common.selfcheck.progress import graded

# ---------- a gradient check of one's own: the same numbers as common.gradient's ----------


class _SigmoidMissingFactor(Sigmoid):
    """A broken Sigmoid: backward forgets the factor (1 - out)."""

    def backward(self, dout):
        return dout * self.out


class _AffineFirstRowBias(Affine):
    """A broken Affine: db is the first sample's dout instead of the sum over the batch."""

    def backward(self, dout):
        dx = super().backward(dout)
        self.db = np.array(dout[0], dtype=np.float64)
        return dx


def _layer_cases():
    """(label, make_layer, x, dout): correct and broken layers, each made afresh on demand; dout
    positive and not all ones (0.5 to 2), so that each usual mistake gives numbers of its own."""
    rng = np.random.default_rng(21)
    W, b = rng.standard_normal((5, 3)), rng.standard_normal(3)
    x_affine = rng.standard_normal((4, 5))
    x_sigmoid = away_from_zero(rng, (3, 4), 0.2, 3.0)
    x_relu = away_from_zero(rng, (3, 4), 0.2, 3.0)  # some dx exactly 0 on both sides: the floor counts
    cases = [("a correct Affine, x (4, 5), W (5, 3)", lambda: Affine(W.copy(), b.copy()), x_affine),
             ("a correct Sigmoid, x (3, 4)", Sigmoid, x_sigmoid),
             ("a correct Relu, x (3, 4)", Relu, x_relu),
             ("a Sigmoid whose backward forgets a factor", _SigmoidMissingFactor, x_sigmoid),
             ("an Affine whose db is wrong", lambda: _AffineFirstRowBias(W.copy(), b.copy()), x_affine)]
    return [(label, make_layer, x, rng.uniform(0.5, 2.0, make_layer().forward(x).shape))
            for label, make_layer, x in cases]


def _arrays_of(layer):
    return ["x"] + [p for p in PARAM_GRADS if isinstance(getattr(layer, p, None), np.ndarray)]


def _errors(make_layer, x, dout, variant=None):
    """{name: relative error} for one layer: the check's own (variant None: layer_gradients and
    relative_error of common.gradient, as check_layer computes them), or those of a usual mistake
    (a key of _MISTAKES), for the hints."""
    layer, x = make_layer(), x.copy()
    if variant is None:
        analytic, numerical = layer_gradients(layer, [x], dout)
        return {k: relative_error(analytic[k], numerical[k]) for k in analytic}
    weight = np.ones_like(dout) if variant == "dout ignored" else dout

    def loss(_=None):
        return float(np.sum(layer.forward(x) * weight))

    def numerical(array):
        if variant == "forward difference":
            grad = np.zeros_like(array)
            for i in np.ndindex(array.shape):
                saved, base = array[i], loss()
                array[i] = saved + 1e-4
                grad[i] = (loss() - base) / 1e-4
                array[i] = saved
            return grad
        return numerical_gradient(loss, array, h=float(variant[4:]) if variant.startswith("h = ") else 1e-4)

    arrays = {k: x if k == "x" else getattr(layer, k) for k in _arrays_of(layer)}
    if variant == "backward last":
        loss()
        numbers = {k: numerical(a) for k, a in arrays.items()}
        analytic = {"x": layer.backward(dout), **{k: getattr(layer, PARAM_GRADS[k]) for k in arrays if k != "x"}}
    else:
        layer.forward(x)
        analytic = {"x": layer.backward(dout), **{k: np.copy(getattr(layer, PARAM_GRADS[k])) for k in arrays
                                                  if k != "x"}}
        numbers = {k: numerical(a) for k, a in arrays.items()}
    if variant == "mean":
        return {k: float(np.mean(relative_errors(analytic[k], numbers[k]))) for k in arrays}
    return {k: relative_error(analytic[k], numbers[k]) for k in arrays}


_MISTAKES = {
    "dout ignored": "they are the numbers of L = sum(forward(x)), which leaves out dout: backward(dout) is the "
                    "gradient of the scalar sum(forward(x) * dout)",
    "forward difference": "they are the numbers of a one-sided difference (f(x + h) - f(x)) / h: take the central "
                          "difference, as numerical_gradient does",
    **{f"h = {h}": f"they are the numbers of a step h = {h}: take numerical_gradient's h = 1e-4"
       for h in ("1e-2", "1e-3", "1e-5", "1e-6")},
    "backward last": "they are the numbers of a backward pass run after the nudges: each nudge runs forward "
                     "again and the layer keeps the last one; run backward right after a forward at x itself",
    "mean": "they are the mean over the elements: the relative error of an array is the largest of its elements'",
}


def _agrees(mine, theirs):
    """The same relative error: within 1 % where it measures a real difference (1e-6 or more);
    below, where it is rounding noise that a faithful check reproduces only in its order of
    magnitude, within a factor of 10 (both under 1e-11 counts as the same: no difference)."""
    if not np.isfinite(mine) or mine < 0:
        return False
    if theirs >= 1e-6:
        return abs(mine - theirs) <= 1e-2 * theirs
    if mine >= 1e-6:
        return False
    if min(mine, theirs) < 1e-12:
        return max(mine, theirs) < 1e-11
    return 0.1 <= mine / theirs <= 10


def _same(mine, theirs):
    return set(mine) == set(theirs) and all(_agrees(mine[k], theirs[k]) for k in theirs)


def _hint(seen):
    """The usual mistake whose numbers are the learner's on every layer seen, or a pointer.
    seen: [(make_layer, x, dout, mine, theirs)]."""
    mine, theirs = next(s for s in seen if not _same(s[3], s[4]))[3:]
    nan = [k for k in mine if not np.isfinite(mine[k])]
    if nan:
        return (f"the relative error of {nan[0]} is {mine[nan[0]]}: where both gradients are 0 the division needs "
                "its floor, max(1e-8, |a| + |b|)")
    for variant, text in _MISTAKES.items():
        if all(_same(m, _errors(mk, xx, d, variant)) for mk, xx, d, m, _ in seen):
            return text
    zeros = [k for k in mine if abs(mine[k] - 1) < 1e-9 and theirs[k] < 1e-3]
    if zeros:
        return (f"a relative error of exactly 1 for {', '.join(zeros)}: your numerical gradient there is all zeros; "
                "nudge the array the layer computes with (x itself, layer.W, layer.b), in place, not a copy")
    return ("compare your numbers step by step with the check's: the same dout, numerical_gradient (h = 1e-4) of "
            "the same scalar, and relative_error of backward's gradient against it")


def _uses(function, names):
    """The names of `names` that the function's code (nested functions included) refers to."""
    found, codes = set(), [getattr(function, "__code__", None)]
    while codes:
        code = codes.pop()
        if code is not None:
            found |= set(code.co_names) & names
            codes += [c for c in code.co_consts if isinstance(c, types.CodeType)]
    return found


def _number(value):
    """A relative error given as a float, a NumPy scalar or a one-element array, else None."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return float(array.reshape(-1)[0]) if array.size == 1 else None


def _check_gradient_check(function):
    name = name_of(function)

    def body():
        if not callable(function):
            raise Failed(f"expected a function my_gradient_check(layer, x, dout), got {type(function).__name__}")
        borrowed = _uses(function, {"layer_gradients", "check_layer"})
        if borrowed:
            raise Failed(f"{name} calls {', '.join(sorted(borrowed))}, the check it is graded against: write the "
                         "check yourself, with numerical_gradient and relative_error")
        problems, seen, differs = [], [], None  # differs: the index of the first "yours differ"
        for label, make_layer, x, dout in _layer_cases():
            layer = make_layer()
            kept = {p: np.array(getattr(layer, p), copy=True) for p in _arrays_of(layer) if p != "x"}
            x_given, dout_given = x.copy(), dout.copy()
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                got = run(name, function, layer, x_given, dout_given)
            changed = [f"layer.{p}" for p in kept if not np.array_equal(getattr(layer, p), kept[p])] + \
                [n for n, a, b in (("x", x_given, x), ("dout", dout_given, dout)) if not np.array_equal(a, b)]
            theirs = _errors(make_layer, x, dout)
            if changed:
                problems.append(f"on {label}: your check left {changed[0]} changed\n    hint: put each nudged "
                                "element back (numerical_gradient does), and never write into x or dout")
                break
            if not isinstance(got, Mapping):
                problems.append(f"on {label}: returned a {type(got).__name__}, expected a dict "
                                f"{{name: relative error}} with the names {', '.join(theirs)}")
                break
            named = {str(k)[1:] if str(k)[1:] in theirs and str(k)[:1] == "d" else str(k): v for k, v in got.items()}
            missing = [k for k in theirs if k not in named]
            if missing:
                problems.append(f"on {label}: no relative error for {', '.join(missing)}\n    hint: check the "
                                "input x and every parameter array the layer has (W, b, ...), named as they are")
                break
            mine = {k: _number(named[k]) for k in theirs}
            bad = [k for k, v in mine.items() if v is None]
            if bad:
                problems.append(f"on {label}: the relative error of {bad[0]} is not one number "
                                f"({type(named[bad[0]]).__name__})\n    hint: the relative error of an array is "
                                "the largest of its elements': one number per array")
                break
            seen.append((make_layer, x, dout, mine, theirs))
            if not _same(mine, theirs) and differs is None:
                differs = len(problems)
                wrong = [k for k in theirs if not _agrees(mine[k], theirs[k])]
                shown = ", ".join(f"{k} {mine[k]:.2e} (the check's {theirs[k]:.2e})" for k in wrong)
                problems.append(f"on {label}: yours differ: {shown}")
        if differs is not None:
            problems[differs] += "\n    hint: " + _hint(seen)
        return CheckResult(name, f"your relative errors on {len(_layer_cases())} layers (3 correct, 2 broken) "
                           "against common.gradient's: numerical_gradient (h=1e-4) and relative_error, for "
                           "the same dout", problems=problems)
    return verdict(name, body)


# ---------- a three-layer network (notebook 06) ----------

THREE_LAYERS = "Affine, ReLU, Affine, ReLU, Affine, Softmax-with-Loss"


def _three_layer_loss(p, x, labels, relus=(True, True)):
    """The loss of Affine, ReLU, Affine, ReLU, Affine, Softmax-with-Loss (relus: which ReLU is there)."""
    h = x @ p["W1"] + p["b1"]
    h = np.maximum(h, 0) if relus[0] else h
    h = h @ p["W2"] + p["b2"]
    h = np.maximum(h, 0) if relus[1] else h
    return softmax_loss(h @ p["W3"] + p["b3"], labels)


def _check_three_layer_net(network_class):
    """A three-layer network with the book's API, ThreeLayerNet(input_size, hidden_size, output_size,
    weight_init_std): its loss must be that of Affine, ReLU, Affine, ReLU, Affine, Softmax-with-Loss for
    params W1 (12, 6), b1 (6,), W2 (6, 6), b2 (6,), W3 (6, 4), b3 (4,) set in place, then every gradient
    passes check_network (against numerical_gradient, run twice, one forward pass)."""
    name = name_of(network_class)

    def body():
        net = make(name, network_class, input_size=12, hidden_size=6, output_size=4, weight_init_std=0.1)
        params = getattr(net, "params", None)
        shapes = {"W1": (12, 6), "b1": (6,), "W2": (6, 6), "b2": (6,), "W3": (6, 4), "b3": (4,)}
        wrong = [k for k, shape in shapes.items() if not isinstance(params, Mapping)
                 or not isinstance(params.get(k), np.ndarray) or params[k].shape != shape]
        if wrong:
            raise Failed(f"params['{wrong[0]}'] is not an array of shape {shapes[wrong[0]]}: keep "
                         + ", ".join(f"{k} {v}" for k, v in shapes.items()) + " in params")
        rng = np.random.default_rng(41)
        values = {k: rng.standard_normal(shape) * (0.6 if k[0] == "W" else 0.3) for k, shape in shapes.items()}
        for k, v in values.items():
            params[k][...] = v
        x, labels = rng.standard_normal((5, 12)), np.array([0, 3, 1, 2, 3])
        loss = float(run(f"{name}.loss", net.loss, x, np.eye(4)[labels]))
        if not np.isclose(loss, _three_layer_loss(values, x, labels), rtol=1e-6):
            found = [text for relus, text in (((True, False), "the second ReLU is missing"),
                                              ((False, True), "the first ReLU is missing"),
                                              ((False, False), "both ReLUs are missing"))
                     if np.isclose(loss, _three_layer_loss(values, x, labels, relus), rtol=1e-6)]
            hint = found[0] if found else "do the layers use the arrays of params themselves, in this order?"
            right = _three_layer_loss(values, x, labels)
            raise Failed(f"the loss is {loss:.6g}, not that of {THREE_LAYERS} ({right:.6g}) with the values "
                         f"the check put in params\n    hint: {hint}")
        result = check_network(network_class)
        if result.status != PASS and result.status != FAIL:
            return result
        return CheckResult(name, f"the loss of {THREE_LAYERS}; " + result.compared, result.errors, result.problems,
                           status=result.status, tolerance=result.tolerance)
    return verdict(name, body)


# ---------- lines asked for by name ----------

def _arguments(function, count):
    try:
        names = [p for p in inspect.signature(function).parameters][:count]
    except (TypeError, ValueError):
        names = []
    return names if len(names) == count else [f"argument {k + 1}" for k in range(count)]


def _label(k, case, names):
    arrays = [(n, np.shape(a)) for n, a in zip(names, case) if isinstance(a, np.ndarray)]
    return f"case {k}" + (f" ({arrays[0][0]} of shape {arrays[0][1]})" if arrays else "")


def _overwritten(got, expected, key):
    """The later lines whose value got[key] holds, in an array it shares with theirs: a later line
    wrote into it in place (dpicked = dl; dpicked *= -1 changes dl)."""
    value, order = got[key], list(expected)
    if not isinstance(value, np.ndarray):
        return []
    later = order[order.index(key) + 1:]
    return [k for k in later if isinstance(got.get(k), np.ndarray) and np.shares_memory(got[k], value)
            and np.shape(value) == np.shape(expected[k]) and np.allclose(value, expected[k], rtol=1e-7, atol=0)]


def _check_lines(function, reference, cases, name=None, lines=None, labels=None, against="the reference"):
    """function(*case) -> a dict of named values, one per line (a gradient or a tangent each),
    against reference(*case) -> a dict of the same names, compared name by name in the reference's
    order, to float64's 1e-7 (float32's 1e-3, and the verdict says so); the first wrong one is
    named. A missing name fails: a fused formula that skips the lines does not pass. lines: {name:
    the forward line it belongs to}, for the messages; labels: a short name for each case (default:
    its number and the first array's shape); against: what the reference is, for the verdict.
    Arguments must stay unchanged."""
    name = name or name_of(function)

    def body():
        problems, errors, tolerances, count = [], {}, [], 0
        for k, case in enumerate(cases, start=1):
            names = _arguments(reference, len(case))
            label = labels[k - 1] if labels else _label(k, case, names)
            given = tuple(np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in case)
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                got = run(name, function, *given)
            expected = reference(*tuple(np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in case))
            count = len(expected)
            changed = [n for n, a, b in zip(names, given, case) if not unchanged(name, a, b, [])]
            if changed:
                problems.append(f"{label}: {name} changed its argument {changed[0]} in place\n    hint: compute "
                                "new arrays instead of writing into the ones given: the caller still needs them")
                break
            if not isinstance(got, Mapping):
                problems.append(f"{label}: {name} returned a {type(got).__name__}, expected a dict of every line's "
                                f"value by name: {', '.join(expected)}\n    hint: each line is checked on its own, "
                                "so a formula that fuses them does not pass here")
                break
            missing = [key for key in expected if key not in got]
            if missing:
                problems.append(f"{label}: no {', '.join(missing)} in the dict {name} returned\n    hint: write "
                                "one line per forward line and return each by name; a fused formula that skips "
                                "lines does not pass here")
                break
            for key, value in expected.items():
                local, error = [], {}
                tolerance = tolerance_of(got[key] if isinstance(got[key], np.ndarray) else None)
                tolerances.append(tolerance)
                if not compare(key, got[key], value, local, error, n=len(case[0]) if np.ndim(case[0]) else None,
                               tolerance=tolerance):
                    where = f" (the line of {lines[key]})" if lines and key in lines else ""
                    later = _overwritten(got, expected, key)
                    found = local[0].split("\n    hint:")[0] if later else local[0]
                    problems.append(f"{label}: the first wrong line is {key}{where}: {found}" + (
                        f"\n    hint: {key} holds the value of {later[0]}, a later line, in the same array: that "
                        f"line wrote into it in place (+=, *=, [...] =); give {later[0]} a new array" if later else ""))
                    break
                errors[key] = max(errors.get(key, 0.0), error[key])
            if problems:
                break
        s = "s" if len(cases) != 1 else ""
        return CheckResult(name, f"{count} lines, each by name, on {len(cases)} case{s}, against {against}",
                           {} if problems else errors, problems,
                           tolerance=max(tolerances, default=GRADIENT_CHECK_TOLERANCE))
    return verdict(name, body)


# ---------- the two-layer network, line by line (notebook 06b) ----------

NETWORK_LINES = {  # each gradient, with the forward line whose backward line gives it
    "dl": "L = l.mean()", "dlse": "l = lse - picked", "dpicked": "l = lse - picked", "dse": "lse = log(se)",
    "de": "se = e.sum(axis=1)", "du": "e = exp(u) and picked = u[rows, t]: u is a fork", "dm": "u = s - m",
    "ds": "u = s - m and m = s.max(axis=1): s is a fork", "da2": "s = a2 + b2", "db2": "s = a2 + b2",
    "dW2": "a2 = h @ W2", "dh": "a2 = h @ W2", "dz1": "h = max(z1, 0)", "da1": "z1 = a1 + b1",
    "db1": "z1 = a1 + b1", "dW1": "a1 = X @ W1", "dX": "a1 = X @ W1",
}


def network_backward(X, t, W1, b1, W2, b2):
    """The reference: every gradient of the two-layer network's backward pass, by name (see
    NETWORK_LINES), for the forward lines of notebook 06b (t: labels (N,))."""
    N, rows = len(X), np.arange(len(X))
    a1 = X @ W1
    z1 = a1 + b1
    h = np.maximum(z1, 0)
    s = h @ W2 + b2
    m = s.max(axis=1, keepdims=True)
    e = np.exp(s - m)
    se = e.sum(axis=1)
    g = {"dl": np.full(N, 1.0 / N)}
    g["dlse"], g["dpicked"] = g["dl"], -g["dl"]
    g["dse"] = g["dlse"] / se
    g["de"] = np.repeat(g["dse"][:, None], e.shape[1], axis=1)
    g["du"] = g["de"] * e
    g["du"][rows, t] += g["dpicked"]
    g["dm"] = -g["du"].sum(axis=1, keepdims=True)
    g["ds"] = g["du"] + (s == m) * g["dm"]
    g["da2"], g["db2"] = g["ds"], g["ds"].sum(axis=0)
    g["dW2"], g["dh"] = h.T @ g["ds"], g["ds"] @ W2.T
    g["dz1"] = g["dh"] * (z1 > 0)
    g["da1"], g["db1"] = g["dz1"], g["dz1"].sum(axis=0)
    g["dW1"], g["dX"] = X.T @ g["dz1"], g["dz1"] @ W1.T
    return g


def network_cases():
    """Three small networks (N, D, H, C): (4, 6, 5, 3), (3, 4, 7, 5), (5, 3, 4, 2); hidden units of
    both signs, non-zero biases, labels that repeat."""
    rng = np.random.default_rng(31)
    cases = []
    for N, D, H, C in ((4, 6, 5, 3), (3, 4, 7, 5), (5, 3, 4, 2)):
        X = rng.standard_normal((N, D))
        t = rng.integers(0, C, N)
        cases.append((X, t, 0.5 * rng.standard_normal((D, H)), 0.1 * rng.standard_normal(H),
                      0.5 * rng.standard_normal((H, C)), 0.1 * rng.standard_normal(C)))
    return cases


def _check_backward_lines(function):
    """function(X, t, W1, b1, W2, b2) -> {"dl": ..., ..., "dX": ...}: the backward line of every
    forward line of notebook 06b, each gradient by name (NETWORK_LINES), on three networks."""
    cases = network_cases()
    labels = [f"case {k} (N {len(X)}, D {W1.shape[0]}, H {W1.shape[1]}, C {W2.shape[1]})"
              for k, (X, t, W1, b1, W2, b2) in enumerate(cases, start=1)]
    return _check_lines(function, network_backward, cases, name=name_of(function), lines=NETWORK_LINES,
                        labels=labels, against="the exact gradients")


check_gradient_check = graded(_check_gradient_check)
check_lines = graded(_check_lines)
check_backward_lines = graded(_check_backward_lines)
check_three_layer_net = graded(_check_three_layer_net)

__all__ = ["check_gradient_check", "check_three_layer_net", "check_lines", "check_backward_lines",
           "network_backward", "network_cases", "NETWORK_LINES"]
