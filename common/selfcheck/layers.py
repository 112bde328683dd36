"""Self-checks of a learner's layers: forward values where they are known, and every
gradient of backward against the gradient check of common.gradient (numerical_gradient,
relative_error), with backward run twice and every input checked unchanged after each call.
"""
import warnings

import numpy as np

from common.functions import softmax, softmax_loss
from common.gradient import FLOAT32_STEP, layer_gradients
from common.layers import BatchNormalization
from common.selfcheck.core import (
    CheckResult,
    Failed,
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

NUMERICAL = "numerical_gradient (h=1e-4)"  # h=1e-2 for float32 (FLOAT32_STEP)


class Guarded:
    """A learner's layer whose every call goes through run(): an exception becomes a verdict,
    backward's list becomes a tuple, and an input or dout changed in place stops the check."""

    def __init__(self, name, layer):
        self.name, self.layer = name, layer

    def forward(self, *inputs, **kwargs):
        copies = [np.array(x, copy=True) for x in inputs]
        out = run(f"{self.name}.forward", self.layer.forward, *inputs, **kwargs)
        for x, copy in zip(inputs, copies):
            problems = []
            if not unchanged(f"{self.name}.forward", x, copy, problems, what="input"):
                raise Failed(problems[0])
        if out is None:
            raise Failed(f"{self.name}.forward returned None: return the output array")
        return out

    def backward(self, dout, *args):
        given = np.array(dout, copy=True)
        grads = run(f"{self.name}.backward", self.layer.backward, dout, *args)
        problems = []
        if not unchanged(f"{self.name}.backward", dout, given, problems):
            raise Failed(problems[0])
        if isinstance(grads, list):  # [dx, dy] of a two-input layer, or the rows of one dx
            grads = np.asarray(grads) if np.shape(grads) == np.shape(dout) else tuple(grads)
        return grads

    def __getattr__(self, attribute):  # W, b, dW, ... of the learner's layer
        try:
            return getattr(self.layer, attribute)
        except AttributeError:
            raise
        except Exception:  # noqa: BLE001 - a property of the learner's that raises: a verdict
            return run(f"{self.name}.{attribute}", getattr, self.layer, attribute)


def gradients_of(name, make_layer, inputs, params=(), shape_hint=None, forward_kwargs=None, reference=None,
                 n=None, reference_tolerance=None):
    """Check one layer on one set of inputs. inputs: the arrays forward takes (x, or x and y);
    params: names of its arrays (W, b, ...) whose gradients backward stores as d<name>;
    reference: a function of the inputs giving forward's right output, if known.
    Returns (errors, problems, tolerance)."""
    forward_kwargs = forward_kwargs or {}
    layer = Guarded(name, make(name, make_layer))
    problems, errors = [], {}
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = layer.forward(*inputs, **forward_kwargs)
        if reference is not None and not compare("forward's output", out, reference(*inputs), problems, {},
                                                 shape_hint, tolerance=reference_tolerance):
            return errors, problems, tolerance_of(out)
        dout = random_dout(np.shape(out))
        first = layer.backward(dout.copy())
        first = first if isinstance(first, tuple) else (first,)
        names = ["dx", "dy"][: len(inputs)]
        if len(first) != len(inputs):
            problems.append(f"backward returned {len(first)} gradient(s), expected {len(inputs)} ({', '.join(names)})")
            return errors, problems, tolerance_of(out)
        missing = [p for p in params if getattr(layer.layer, "d" + p, None) is None]
        for p in missing:
            near = [a for a in vars(layer.layer) if a.lower() == "d" + p.lower() and a != "d" + p]
            problems.append(f"backward did not set self.d{p}" + (f" (found {near[0]}: names are case-sensitive)"
                                                                  if near else ""))
        if missing:
            return errors, problems, tolerance_of(out)
        kept = [np.array(g, copy=True) for g in first] + [np.array(getattr(layer, "d" + p), copy=True) for p in params]
        second = layer.backward(dout.copy())
        second = second if isinstance(second, tuple) else (second,)
        again = list(second) + [getattr(layer, "d" + p) for p in params]
        changed = [g for g, a, b in zip(names + ["d" + p for p in params], kept, again)
                   if np.shape(a) != np.shape(b) or not np.allclose(np.asarray(a, float), np.asarray(b, float),
                                                                    rtol=1e-12, atol=0, equal_nan=True)]
        if changed:
            problems.append(f"a second backward(dout) gave a different {changed[0]}\n    hint: backward changed "
                            "what forward kept on self (self.out, self.mask, ...): read it, do not write into it")
            return errors, problems, tolerance_of(out)
        h = FLOAT32_STEP if np.asarray(out).dtype.itemsize < 8 else 1e-4
        analytic, numerical = layer_gradients(layer, list(inputs), dout, h=h, **forward_kwargs)
    tolerance = tolerance_of(out, *first)
    for key in analytic:
        gname = "d" + key
        compare(gname, analytic[key], numerical[key], problems, errors, shape_hint, n, tolerance)
    return errors, problems, tolerance


def layer_check(name, make_layer, forms, params=(), shape_hint=None, optional_tensor=False, **options):
    """Check a layer on each (label, inputs) form in turn, stopping at the first that fails; say which."""
    errors, problems, notes, checked, tolerance = {}, [], [], [], None
    for label, inputs in forms:
        try:
            e, p, tol = gradients_of(name, make_layer, [x.copy() for x in inputs], params, shape_hint,
                                     n=len(inputs[0]), **options)
        except Failed as failed:
            if optional_tensor and label.startswith("tensor") and f"{name}.forward raised" in str(failed):
                notes.append(f"{label} not handled by forward (fine for 2-D data; flatten x to (N, D) "
                             "and reshape dx back to take images)")
                continue
            raise Failed(f"on {label}: {failed}") from None
        checked.append(label)
        tolerance = max(tolerance or 0, tol)
        suffix = f" ({label.split()[0]})" if len(forms) > 1 else ""
        errors.update({k + suffix: v for k, v in e.items()})
        problems += [f"on {label}: {q}" for q in p]
        if p:
            break
    grads = ", ".join(dict.fromkeys(k.split(" (")[0] for k in errors)) or "the gradients"
    low = (tolerance or tolerance_of()) > tolerance_of()
    numerical = f"numerical_gradient (h={FLOAT32_STEP:g})" if low else NUMERICAL
    compared = f"{grads} on " + " and ".join(checked) + f" against {numerical}, backward run twice"
    result = CheckResult(name, compared, errors, problems, tolerance=tolerance or tolerance_of())
    if notes and result.passed:
        result.compared += "; " + "; ".join(notes)
    return result


def check_mul_add(mul_class, add_class):
    """Two two-input layers, forward(x, y) and backward(dout) -> (dx, dy): MulLayer and AddLayer
    (or DivLayer, SubLayer, ...). y stays in 0.8 <= |y| <= 2, away from a division's pole."""
    rng = np.random.default_rng(1)
    x, y = away_from_zero(rng, (2, 3), 0.5, 2.0), away_from_zero(rng, (2, 3), 0.8, 2.0)
    results = [verdict(name_of(c), lambda c=c: layer_check(name_of(c), c, [("x, y of shape (2, 3)", (x, y))]))
               for c in (mul_class, add_class)]
    name = f"{name_of(mul_class)} and {name_of(add_class)}"
    for r in results:
        if r.status != "PASS" and r.status != "FAIL":
            return CheckResult(name, status=r.status, detail=r.detail)
    errors = {f"{r.name} {k}": v for r in results for k, v in r.errors.items()}
    problems = [f"{r.name}: {p}" for r in results for p in r.problems]
    return CheckResult(name, f"dx, dy of both on x, y (2, 3) against {NUMERICAL}, backward run twice", errors, problems,
                       tolerance=max(r.tolerance for r in results))


def check_activation(layer_class):
    """An activation layer (Relu, Sigmoid, Tanh, LeakyRelu, ...): forward(x), backward(dout) -> dx,
    on 2-D input (4, 5), then tensor input (2, 3, 4), with 0.2 <= |x| <= 3 (away from ReLU's kink)."""
    rng = np.random.default_rng(3)
    forms = [("2-D input (4, 5)", (away_from_zero(rng, (4, 5), 0.2, 3.0),)),
             ("tensor input (2, 3, 4)", (away_from_zero(rng, (2, 3, 4), 0.2, 3.0),))]
    name = name_of(layer_class)
    return verdict(name, lambda: layer_check(name, layer_class, forms))


def _affine_shape_hint(name, actual, expected):
    if name == "dW" and actual == expected[::-1]:
        return "dW is transposed: it has the shape of W (D, M), as x.T @ dout has"
    if name == "db" and actual != expected and (len(actual) == 1 or actual[-1:] == expected):
        return f"db must have the shape of b {expected}: one number per column, summed over the batch (axis 0)"
    if name == "dx" and np.prod(actual) == np.prod(expected):
        return f"dx has the right values but the wrong shape: reshape it back to the input's shape {expected}"
    return None


def check_affine(layer_class):
    """Affine(W, b) with dW and db: on 2-D input (4, 6) first, then on tensor input (4, 2, 3),
    which the book's common/layers.py version flattens (the 5.6.2 version need not)."""
    rng = np.random.default_rng(4)
    W, b = rng.standard_normal((6, 3)), rng.standard_normal(3)
    forms = [("2-D input (4, 6)", (rng.standard_normal((4, 6)),)),
             ("tensor input (4, 2, 3)", (rng.standard_normal((4, 2, 3)),))]
    name = name_of(layer_class)

    def affine(x):
        return x.reshape(len(x), -1) @ W + b

    return verdict(name, lambda: layer_check(name, lambda: make(name, layer_class, W.copy(), b.copy()), forms,
                                             ("W", "b"), _affine_shape_hint, optional_tensor=True,
                                             reference=affine))


def check_softmax_with_loss(layer_class):
    """SoftmaxWithLoss: forward(x, t one-hot) -> the mean loss, also for the scores + 1000 (the
    same loss: a softmax that does not subtract the maximum overflows there); backward(dout) ->
    dout * (softmax(x) - t) / N, with dout = 1 and dout = 2.5, against the exact values."""
    name = name_of(layer_class)

    def body():
        rng = np.random.default_rng(6)
        problems, errors, tolerance = [], {}, tolerance_of()
        base = rng.standard_normal((5, 4)) * 2
        for label, shift in (("scores (5, 4)", 0.0), ("the same scores + 1000 (exp(1000) overflows)", 1000.0)):
            x, labels = base + shift, np.array([0, 3, 1, 1, 2])
            t = np.eye(4)[labels]
            layer = Guarded(name, make(name, layer_class))
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                loss = layer.forward(x, t)
                exact = softmax_loss(x, labels)
                if not compare("the loss", loss, exact, problems, {}, tolerance=1e-5):  # admits log(y + 1e-7)
                    problems[-1] = f"on {label}: " + problems[-1] + (
                        "\n    hint: subtract each row's maximum before exp: exp(1000) overflows to infinity"
                        if shift else "")
                    break
                first = None
                for dout in (1, 1, 2.5):
                    dx = layer.backward(dout)
                    tolerance = max(tolerance, tolerance_of(dx))
                    if first is not None and dout == 1:  # backward(1) again: the same, or it changed its state
                        if not np.array_equal(np.asarray(dx, float), first):
                            problems.append(f"on {label}: a second backward(1) gave a different dx\n    hint: backward "
                                            "changed what forward kept (self.y -= self.t?): compute a new array")
                            break
                        continue
                    local = []
                    if not compare("dx", dx, dout * (softmax(x) - t) / len(x), local, errors, n=len(x),
                                   tolerance=tolerance):
                        if dout != 1 and compare("dx", dx, (softmax(x) - t) / len(x), [], {}, tolerance=tolerance):
                            local[0] = local[0].split("\n    hint:")[0] + (
                                "\n    hint: backward ignores dout: multiply by it (the book's assumes dout = 1, "
                                "true only when the loss is the last node)")
                        problems.append(f"on {label}, dout={dout}: " + local[0])
                        break
                    first = np.array(dx, dtype=float, copy=True)
            if problems:
                break
        return CheckResult(name, "the loss of scores (5, 4) and of the same + 1000, one-hot t; dx with dout 1 "
                           "and 2.5, against the exact dout * (softmax(x) - t) / N", errors, problems,
                           tolerance=tolerance)
    return verdict(name, body)


def check_batchnorm(layer_class):
    """BatchNormalization(gamma, beta) in training mode: the output, then dx, dgamma, dbeta on
    x (6, 4); then inference (train_flg=False) after three training batches must use the
    running statistics, as the book's do (momentum 0.9, from zeros)."""
    rng = np.random.default_rng(12)
    gamma, beta = rng.uniform(0.5, 1.5, 4), rng.standard_normal(4)
    x = rng.standard_normal((6, 4)) * 3 + 1
    name = name_of(layer_class)

    def normalised(x, ddof=0):
        return gamma * (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0, ddof=ddof) + 1e-6) + beta

    def body():
        result = layer_check(name, lambda: make(name, layer_class, gamma.copy(), beta.copy()),
                             [("training, x (6, 4)", (x,))], ("gamma", "beta"), forward_kwargs={"train_flg": True},
                             reference=normalised, reference_tolerance=1e-4)  # any small eps
        problems = result.problems
        if problems and "forward's output is wrong" in problems[0]:
            layer = make(name, layer_class, gamma.copy(), beta.copy())
            out = np.asarray(run(f"{name}.forward", layer.forward, x.copy(), True), dtype=np.float64)
            if out.shape == x.shape and np.allclose(out, normalised(x, ddof=1), rtol=1e-4):
                problems[0] += ("\n    hint: the variance divides by N - 1 (ddof=1): batch normalisation "
                                "divides by N (np.var's default, ddof=0)")
        if not problems:
            layer = make(name, layer_class, gamma.copy(), beta.copy())
            for _ in range(3):
                run(f"{name}.forward", layer.forward, x.copy(), True)
            whole = np.asarray(run(f"{name}.forward", layer.forward, x.copy(), False), dtype=np.float64)
            first = np.asarray(run(f"{name}.forward", layer.forward, x[:2].copy(), False), dtype=np.float64)
            reference = BatchNormalization(gamma.copy(), beta.copy())
            for _ in range(3):
                reference.forward(x, True)
            if whole.shape != x.shape or not np.allclose(whole[:2], first, rtol=1e-10, atol=1e-12):
                problems.append("with train_flg=False the output of a row depends on the rest of the batch"
                                "\n    hint: at inference normalise with running_mean and running_var, "
                                "not the batch's own mean and variance")
            elif not np.allclose(whole, reference.forward(x, False), rtol=1e-4, atol=1e-6):  # any small eps
                problems.append(
                    "at inference the output differs from normalising with the book's running statistics"
                    "\n    hint: in training update running_mean = momentum * running_mean + (1 - momentum) * mu "
                    "(and running_var with var), from zeros, momentum 0.9; at inference divide by "
                    "np.sqrt(running_var + eps)")
        return CheckResult(name, f"training on x (6, 4): the output, and dx, dgamma, dbeta against {NUMERICAL}; "
                           "inference after 3 batches against the book's running statistics",
                           result.errors, problems, tolerance=result.tolerance)
    return verdict(name, body)


def check_dropout(layer_class, dropout_ratio=0.3, inverted=None):
    """Dropout(dropout_ratio): training drops about that fraction, a new mask per call, and backward
    passes dout only where the unit was kept (with forward's scale); inference matches training on
    average: the book's x * (1 - ratio), or x for inverted dropout (which scales by 1 / (1 - ratio)
    in training). inverted=True or False asks for that kind; None accepts either."""
    name = name_of(layer_class)

    def body():
        rng = np.random.default_rng(13)
        x = away_from_zero(rng, (200, 50), 0.5, 2.0)
        layer = Guarded(name, make(name, layer_class, dropout_ratio))
        raw = layer.forward(x, True)
        low = np.asarray(raw).dtype == np.float32  # float32 keeps about 7 digits: compare at 1e-5
        rtol = 1e-5 if low else 1e-9
        out = np.asarray(raw, dtype=np.float64)
        problems, errors = [], {}
        if out.shape != x.shape:
            raise Failed(f"forward returned shape {out.shape}, expected {x.shape}")
        scale = out / x  # 0 where dropped, the training scale where kept
        kept = scale != 0
        dropped = 1 - kept.mean()
        if abs(dropped - dropout_ratio) > 0.03:
            problems.append(f"training dropped {dropped:.1%} of the units, expected about {dropout_ratio:.0%}"
                            "\n    hint: keep a unit where a uniform random number exceeds dropout_ratio")
        train_scale = float(np.median(scale[kept])) if kept.any() else 1.0
        if not np.allclose(scale[kept], train_scale, rtol=rtol):
            problems.append("kept units are not all scaled alike")
        dout = away_from_zero(rng, x.shape, 0.5, 1.5)
        dx = layer.backward(dout)
        if not compare("dx", dx, dout * scale, problems, errors):
            problems[-1] += "\n    hint: pass the gradient only where forward kept the unit, with forward's scale"
        again = np.asarray(layer.forward(x, True), dtype=np.float64)
        if again.shape == x.shape and np.array_equal(again != 0, kept):
            problems.append("a second training forward dropped the same units\n    hint: draw a new mask on "
                            "every training forward")
        infer = np.asarray(layer.forward(x, False), dtype=np.float64)
        expected = x * train_scale * (1 - dropout_ratio)
        if infer.shape != x.shape or not np.allclose(infer, expected, rtol=rtol):
            problems.append(f"with train_flg=False expected x * {train_scale * (1 - dropout_ratio):.3g} (the mean "
                            "of the training output)\n    hint: the book scales by (1 - dropout_ratio) at "
                            "inference; inverted dropout scales by 1 / (1 - dropout_ratio) in training instead")
        kind = "the book's" if np.isclose(train_scale, 1, rtol=rtol) else "inverted"
        if inverted is not None and not problems and (kind == "inverted") != inverted:
            want = "inverted dropout" if inverted else "the book's dropout"
            problems.append(f"this is {kind} dropout, {want} was asked for\n    hint: "
                            + ("scale the kept units by 1 / (1 - dropout_ratio) in training and pass x unchanged "
                               "at inference" if inverted else "keep units unscaled in training and multiply by "
                               "(1 - dropout_ratio) at inference"))
        return CheckResult(name, f"{kind} dropout, x (200, 50), dropped {dropped:.1%}, a new mask per call; "
                           "dx against dout * mask; inference against the training mean"
                           + (" (float32: to 1e-5)" if low else ""), errors, problems, tolerance=tolerance_of(raw))
    return verdict(name, body)

