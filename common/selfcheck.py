"""One-call self-checks of a learner's own layers, networks, functions and loops.

Each check runs your code on small float64 inputs chosen away from kinks and
poles, compares it with a reference whose own error is far below the
tolerance (the exact gradient where it is known, else a fourth-order central
difference), and returns a result that displays as one line:

    PASS MyRelu: 2-D input (4, 5) and tensor input (2, 3, 4) ...; max relative error 3.1e-11 ...
    FAIL MyAffine: ...
      - dW has shape (3, 6), expected (6, 3)
        hint: dW is transposed: dW = x.T @ dout has the shape of W
    NOT DONE YET: MyAffine: MyAffine.backward still raises NotImplementedError: ...

An exception from your code never escapes a check: it is reported with the
line of your code that raised it.
"""
import inspect

import numpy as np

from common.check_tools import (
    NOT_DONE,
    PASS,
    TOLERANCE,
    CheckResult,
    Failed,
    away_from_zero,
    compare,
    numerical_reference,
    run,
    unchanged,
    verdict,
)
from common.functions import softmax, softmax_loss
from common.gradient import numerical_gradient
from common.layers import BatchNormalization

__all__ = ["CheckResult", "check_mul_add", "check_activation", "check_affine", "check_softmax_with_loss",
           "check_network", "check_training", "check_function", "check_optimizer", "check_convolution",
           "check_pooling", "check_batchnorm", "check_dropout", "check_values", "check_gradient",
           "show_source", "PASS", "NOT_DONE"]


def _name(obj):
    return getattr(obj, "__name__", type(obj).__name__)


def _layer_gradients(name, layer, inputs, params=(), shape_hint=None, n=None, **kwargs):
    """Forward, backward with a random dout, and every gradient against the numerical reference.

    inputs: the arrays forward takes (x, or x and y); params: names of arrays on the layer
    (W, b, ...) whose gradients backward stores as d<name>. Returns (errors, problems).
    """
    originals = [np.array(x, copy=True) for x in inputs]
    out = run(f"{name}.forward", layer.forward, *inputs, **kwargs)
    if out is None:
        raise Failed(f"{name}.forward returned None: return the output array")
    problems, errors = [], {}
    for x, original in zip(inputs, originals):
        unchanged(f"{name}.forward", x, original, problems, what="input")
    if problems:  # the numerical reference would run on the changed input
        return errors, problems
    dout = np.random.default_rng(0).uniform(0.5, 1.5, np.shape(out)) * np.random.default_rng(1).choice(
        [-1.0, 1.0], np.shape(out))
    given = dout.copy()
    grads = run(f"{name}.backward", layer.backward, given)
    unchanged(f"{name}.backward", given, dout, problems)
    grads = grads if isinstance(grads, tuple) else (grads,)
    names = ["dx", "dy"][: len(inputs)]
    if len(grads) != len(inputs):
        problems.append(f"backward returned {len(grads)} gradient(s), expected {len(inputs)} ({', '.join(names)})")
        return errors, problems

    def forward():
        return run(f"{name}.forward", layer.forward, *inputs, **kwargs)

    for gname, x, g in zip(names, inputs, grads):
        compare(gname, g, numerical_reference(forward, x, dout), problems, errors, shape_hint, n)
    for p in params:
        g = getattr(layer, "d" + p, None)
        if g is None:
            near = [a for a in vars(layer) if a.lower() == "d" + p.lower() and a != "d" + p]
            hint = f" (found {near[0]}: names are case-sensitive)" if near else ""
            problems.append(f"backward did not set self.d{p}{hint}")
            continue
        compare("d" + p, g, numerical_reference(forward, getattr(layer, p), dout), problems, errors, shape_hint, n)
    return errors, problems


def _two_forms(name, make_layer, forms, params=(), shape_hint=None, optional_tensor=False):
    """Check a layer on each (label, inputs) form in turn, stopping at the first that fails; say which."""
    errors, problems, notes, checked = {}, [], [], []
    for label, inputs in forms:
        try:
            e, p = _layer_gradients(name, make_layer(), inputs, params, shape_hint, n=len(inputs[0]))
        except Failed as failed:
            if optional_tensor and label.startswith("tensor") and f"{name}.forward raised" in str(failed):
                notes.append(f"{label} not handled by forward (fine for 2-D data; flatten x to (N, D) "
                             "and reshape dx back to take images)")
                continue
            raise Failed(f"on {label}: {failed}") from None
        checked.append(label)
        suffix = f" ({label.split()[0]})" if len(forms) > 1 else ""
        errors.update({k + suffix: v for k, v in e.items()})
        problems += [f"on {label}: {q}" for q in p]
        if p:
            break
    compared = " and ".join(checked) + ", against a 4th-order numerical gradient"
    result = CheckResult(name, errors, problems, compared=compared)
    if notes and result.passed:
        result.detail += "; " + "; ".join(notes)
    return result


def check_mul_add(mul_class, add_class):
    """Two two-input layers, forward(x, y) and backward(dout) -> (dx, dy): MulLayer and AddLayer
    (or DivLayer, SubLayer, ...). y stays in 0.5 <= |y| <= 2, away from a division's pole."""
    rng = np.random.default_rng(1)
    x, y = away_from_zero(rng, (2, 3), 0.5, 2.0), away_from_zero(rng, (2, 3), 0.5, 2.0)
    results = [verdict(_name(c), lambda c=c: _two_forms(_name(c), c, [("2-D input (2, 3)", (x.copy(), y.copy()))]))
               for c in (mul_class, add_class)]
    name = f"{_name(mul_class)} and {_name(add_class)}"
    for r in results:
        if r.status == NOT_DONE:
            return CheckResult(name, status=NOT_DONE, detail=r.detail)
    errors = {f"{r.name} {k}": v for r in results for k, v in r.errors.items()}
    problems = [f"{r.name}: {p}" for r in results for p in r.problems]
    return CheckResult(name, errors, problems, compared="x, y of shape (2, 3) against a 4th-order numerical gradient")


def check_activation(layer_class):
    """An activation layer (Relu, Sigmoid, Tanh, LeakyRelu, ...): forward(x), backward(dout) -> dx,
    on 2-D input (4, 5), then tensor input (2, 3, 4), with 0.2 <= |x| <= 3 (away from ReLU's kink)."""
    rng = np.random.default_rng(3)
    forms = [("2-D input (4, 5)", (away_from_zero(rng, (4, 5), 0.2, 3.0),)),
             ("tensor input (2, 3, 4)", (away_from_zero(rng, (2, 3, 4), 0.2, 3.0),))]
    name = _name(layer_class)
    return verdict(name, lambda: _two_forms(name, layer_class, forms))


def _affine_shape_hint(name, actual, expected):
    if name == "dW" and actual == expected[::-1]:
        return "dW is transposed: dW = x.T @ dout has the shape of W (D, M)"
    if name == "db" and len(actual) == 1:
        return f"db must have the shape of b {expected}: sum dout over the batch, axis 0 (not axis 1)"
    if name == "dx" and np.prod(actual) == np.prod(expected):
        return f"dx has the right values but the wrong shape: reshape it back to the input's shape {expected}"
    if name == "dx" and actual == (expected[0], 3):
        return "dx = dout @ W.T has the shape of x: did you use W instead of W.T?"
    return None


def check_affine(layer_class):
    """Affine(W, b) with dW and db: on 2-D input (4, 6) first, then on tensor input (4, 2, 3),
    which the book's common/layers.py version flattens (the 5.6.2 version need not)."""
    rng = np.random.default_rng(4)
    W, b = rng.standard_normal((6, 3)), rng.standard_normal(3)
    forms = [("2-D input (4, 6)", (rng.standard_normal((4, 6)),)),
             ("tensor input (4, 2, 3)", (rng.standard_normal((4, 2, 3)),))]
    name = _name(layer_class)
    return verdict(name, lambda: _two_forms(name, lambda: layer_class(W.copy(), b.copy()), forms, ("W", "b"),
                                            _affine_shape_hint, optional_tensor=True))


def check_softmax_with_loss(layer_class):
    """SoftmaxWithLoss: forward(x, t one-hot) -> mean loss; backward(dout=1) -> (softmax(x) - t) / N,
    compared with the exact values."""
    name = _name(layer_class)

    def body():
        x, labels = np.random.default_rng(6).standard_normal((5, 4)) * 2, np.array([0, 3, 1, 1, 2])
        t = np.eye(4)[labels]
        layer = run(f"{name}()", layer_class)
        problems, errors = [], {}
        loss, exact = run(f"{name}.forward", layer.forward, x, t), softmax_loss(x, labels)
        if not np.isclose(np.asarray(loss, dtype=np.float64), exact, rtol=1e-5):  # the book's log(y + 1e-7) is within
            problems.append(f"forward gave loss {loss!r}, expected {exact:.6f} (the mean cross-entropy over the batch)")
        dx = run(f"{name}.backward", layer.backward, 1)
        compare("dx", dx, (softmax(x) - t) / len(x), problems, errors, n=len(x))
        return CheckResult(name, errors, problems,
                           compared="dx for x (5, 4) and one-hot t, against the exact (softmax(x) - t) / N")
    return verdict(name, body)


def check_convolution(layer_class):
    """Convolution(W, b, stride, pad) with dW and db, at stride 2 and pad 1 on (2, 2, 7, 7) input."""
    rng = np.random.default_rng(9)
    W, b = rng.standard_normal((3, 2, 3, 3)), rng.standard_normal(3)
    name = _name(layer_class)
    forms = [("input (2, 2, 7, 7)", (rng.standard_normal((2, 2, 7, 7)),))]
    return verdict(name, lambda: _two_forms(name, lambda: layer_class(W.copy(), b.copy(), 2, 1), forms, ("W", "b")))


def check_pooling(layer_class):
    """Pooling(pool_h, pool_w, stride, pad): 2x2 windows at stride 2, and 3x3 at stride 1 with pad 1.
    The inputs are distinct positive values 0.01 apart, so no window's maximum changes within the step."""
    values = np.random.default_rng(11).permutation(2 * 3 * 6 * 6).reshape(2, 3, 6, 6) * 0.01 + 0.1
    name = _name(layer_class)
    forms_2 = [("2x2 windows, stride 2", (values.copy(),))]
    forms_3 = [("3x3 windows, stride 1, pad 1", (values.copy(),))]

    def body():
        first = _two_forms(name, lambda: layer_class(2, 2, 2, 0), forms_2)
        second = _two_forms(name, lambda: layer_class(3, 3, 1, 1), forms_3)
        return CheckResult(name, {"2x2 stride 2": first.max_error, "3x3 stride 1 pad 1": second.max_error},
                           first.problems + second.problems, compared="x (2, 3, 6, 6) against a numerical gradient")
    return verdict(name, body)


def check_batchnorm(layer_class):
    """BatchNormalization(gamma, beta) in training mode: dx, dgamma, dbeta on x (6, 4); then inference
    (train_flg=False) must use the running statistics, so each row's output is independent of the batch."""
    rng = np.random.default_rng(12)
    gamma, beta = rng.uniform(0.5, 1.5, 4), rng.standard_normal(4)
    x = rng.standard_normal((6, 4)) * 2 + 1
    name = _name(layer_class)

    def body():
        result = _two_forms(name, lambda: layer_class(gamma.copy(), beta.copy()), [("training, x (6, 4)", (x,))],
                            ("gamma", "beta"))
        layer = run(f"{name}()", layer_class, gamma.copy(), beta.copy())
        for _ in range(3):
            run(f"{name}.forward", layer.forward, x, True)
        whole = np.asarray(run(f"{name}.forward", layer.forward, x, False))
        first = np.asarray(run(f"{name}.forward", layer.forward, x[:2], False))
        if whole.shape != x.shape or not np.allclose(whole[:2], first, rtol=1e-10, atol=1e-12):
            result.problems.append("with train_flg=False the output of a row depends on the rest of the batch"
                                   "\n    hint: at inference normalise with running_mean and running_var, "
                                   "not the batch's own mean and variance")
        else:  # after the same three training batches, the book's running statistics
            reference = BatchNormalization(gamma.copy(), beta.copy())
            for _ in range(3):
                reference.forward(x, True)
            if not np.allclose(whole, reference.forward(x, False), rtol=1e-4, atol=1e-6):  # any small eps
                result.problems.append(
                    "at inference the output differs from normalising with the book's running statistics"
                    "\n    hint: in training update running_mean = momentum * running_mean + (1 - momentum) * mu "
                    "(and running_var with var), from zeros, momentum 0.9; at inference divide by "
                    "np.sqrt(running_var + eps)")
        return CheckResult(name, result.errors, result.problems,
                           compared="training on x (6, 4) against a 4th-order numerical gradient, then inference "
                                    "after three training batches against the book's running statistics")
    return verdict(name, body)


def check_dropout(layer_class, dropout_ratio=0.3):
    """Dropout(dropout_ratio): training drops about that fraction and backward passes dout only where the
    unit was kept (with the same scale as forward); inference matches training on average: the book's
    x * (1 - ratio), or x for inverted dropout (which scales by 1 / (1 - ratio) in training)."""
    name = _name(layer_class)

    def body():
        rng = np.random.default_rng(13)
        x = away_from_zero(rng, (200, 50), 0.5, 2.0)
        layer = run(f"{name}()", layer_class, dropout_ratio)
        out = np.asarray(run(f"{name}.forward", layer.forward, x, True), dtype=np.float64)
        problems, errors = [], {}
        if out.shape != x.shape:
            raise Failed(f"forward returned shape {out.shape}, expected {x.shape}")
        scale = out / x  # 0 where dropped, the training scale where kept
        kept = scale != 0
        dropped = 1 - kept.mean()
        if abs(dropped - dropout_ratio) > 0.03:
            problems.append(f"training dropped {dropped:.1%} of the units, expected about {dropout_ratio:.0%}"
                            "\n    hint: keep a unit where rand > dropout_ratio")
        train_scale = float(np.median(scale[kept])) if kept.any() else 1.0
        if not np.allclose(scale[kept], train_scale):
            problems.append("kept units are not all scaled alike")
        dout = away_from_zero(rng, x.shape, 0.5, 1.5)
        given = dout.copy()
        dx = run(f"{name}.backward", layer.backward, given)
        unchanged(f"{name}.backward", given, dout, problems)
        if not compare("dx", dx, dout * scale, problems, errors):
            problems[-1] += "\n    hint: pass the gradient only where forward kept the unit: dout * mask"
        infer = np.asarray(run(f"{name}.forward", layer.forward, x, False), dtype=np.float64)
        expected = x * train_scale * (1 - dropout_ratio)
        if infer.shape != x.shape or not np.allclose(infer, expected, rtol=1e-9):
            problems.append(f"with train_flg=False expected x * {train_scale * (1 - dropout_ratio):.3g} (the mean "
                            "of the training output)\n    hint: the book scales by (1 - dropout_ratio) at "
                            "inference; inverted dropout scales by 1 / (1 - dropout_ratio) in training instead")
        kind = "the book's" if np.isclose(train_scale, 1) else "inverted"
        return CheckResult(name, errors, problems,
                           compared=f"{kind} dropout, x (200, 50), dropped {dropped:.1%}; dx against dout * mask")
    return verdict(name, body)


def _set_params(name, net, rng, x):
    """Give the learner's two-layer net fixed float64 parameters (in place), with every hidden
    pre-activation at least 0.05 from ReLU's kink, so the numerical gradient is smooth."""
    params = getattr(net, "params", None)
    shapes = {"W1": (12, 6), "b1": (6,), "W2": (6, 4), "b2": (4,)}
    for key, shape in shapes.items():
        if not isinstance(params, dict) or key not in params:
            raise Failed(f"{name} has no params['{key}']: keep the parameters in a dict self.params")
        if np.shape(params[key]) != shape:
            raise Failed(f"params['{key}'] has shape {np.shape(params[key])}, expected {shape}")
    for _ in range(1000):
        W1, b1 = rng.standard_normal((12, 6)) * 0.3, rng.standard_normal(6) * 0.1
        if np.min(np.abs(x @ W1 + b1)) > 0.05:
            break
    values = {"W1": W1, "b1": b1, "W2": rng.standard_normal((6, 4)) * 0.5, "b2": rng.standard_normal(4) * 0.1}
    for key, value in values.items():
        params[key][...] = value
    return params


def check_network(network_class):
    """A two-layer network with the book's API (params W1 b1 W2 b2, loss, gradient): its backprop
    gradient against a numerical gradient of its own loss, computed here with
    common.gradient.numerical_gradient (Richardson-extrapolated: error about 1e-11)."""
    name = _name(network_class)

    def body():
        rng = np.random.default_rng(7)
        x, t = 0.5 + rng.random((3, 12)), np.eye(4)[[0, 2, 3]]
        net = run(f"{name}(12, 6, 4)", network_class, input_size=12, hidden_size=6, output_size=4,
                  weight_init_std=0.1)
        params = _set_params(name, net, rng, x)
        grads = run(f"{name}.gradient", net.gradient, x, t)
        if not isinstance(grads, dict):
            raise Failed(f"gradient returned a {type(grads).__name__}, expected a dict like params")
        problems, errors = [], {}

        def loss(_):
            return float(run(f"{name}.loss", net.loss, x, t))

        for key in ("W1", "b1", "W2", "b2"):
            coarse, fine = (numerical_gradient(loss, params[key], h) for h in (2e-3, 1e-3))
            reference = (4 * fine - coarse) / 3  # Richardson: the h**2 error terms cancel
            compare(key, grads.get(key), reference, problems, errors, n=len(x))
        if set(errors) >= {"W2", "b2"} and max(errors["W2"], errors["b2"]) <= TOLERANCE < errors.get("W1", 0):
            problems.append("W2 and b2 are right but W1 is wrong\n    hint: the gradient goes wrong between "
                            "the two Affine layers: check the activation's backward (ReLU's mask?)")
        return CheckResult(name, errors, problems, compared="gradient() against the numerical gradient of loss()")
    return verdict(name, body)


def check_training(train_function):
    """A training loop train_function(network, x, t, iters, batch_size, lr, rng) -> list of
    per-iteration losses, run on a small problem that a correct loop learns (3 Gaussian blobs)."""
    from common.two_layer_net import TwoLayerNet

    name = _name(train_function)

    def body():
        rng = np.random.default_rng(8)
        labels = rng.integers(0, 3, 300)
        x = 3.0 * np.eye(3, 6)[labels] + rng.standard_normal((300, 6))
        t = np.eye(3)[labels]
        net = TwoLayerNet(6, 10, 3, weight_init_std=0.1, rng=rng)
        before = float(net.loss(x, t))
        losses = list(run(name, train_function, net, x, t, 300, 20, 0.1, rng) or [])
        after, accuracy = float(net.loss(x, t)), net.accuracy(x, t)
        problems = []
        if len(losses) != 300:
            problems.append(f"expected 300 losses (one per iteration), got {len(losses)}")
        if not after < before / 2:
            problems.append(f"the loss went from {before:.3f} to only {after:.3f}\n    hint: are the parameters "
                            "updated in place (params[key] -= lr * grads[key])?")
        if accuracy < 0.9:
            problems.append(f"accuracy {accuracy:.2f} after training, expected at least 0.9")
        return CheckResult(name, problems=problems, detail=f"loss {before:.3f} -> {after:.3f}, accuracy {accuracy:.2f}")
    return verdict(name, body)


def check_function(function, *inputs, seed=0):
    """An autograd Function subclass, or any callable on Variables, at the given inputs:
    the engine's gradient of sum(f(*inputs) * dout) against a 4th-order numerical gradient;
    a backward must not modify the gradient it is given."""
    from common.autograd import Function, Variable

    name = _name(function)
    is_class = isinstance(function, type) and issubclass(function, Function)

    call = (lambda *xs: function()(*xs)) if is_class else function

    def f(*xs):
        return run(name, call, *xs)

    def body():
        arrays = [np.array(x, dtype=np.float64) for x in inputs]
        variables = [Variable(a.copy()) for a in arrays]
        y = f(*variables)
        dout = np.random.default_rng(seed).uniform(0.5, 1.5, y.shape)
        given = dout.copy()
        y.grad = given
        run(f"{name} (the backward pass)", y.backward)
        problems, errors = [], {}
        unchanged(f"{name}.backward", given, dout, problems)
        for k, (a, v) in enumerate(zip(arrays, variables)):
            reference = numerical_reference(lambda: f(*[Variable(b) for b in arrays]).data, a, dout)
            compare(f"x{k}", v.grad, reference, problems, errors)
        return CheckResult(name, errors, problems, compared="the engine's gradients against a numerical gradient")
    return verdict(name, body)


def check_optimizer(optimizer_class, steps=2000, **settings):
    """An optimizer with update(params, grads): does it drive the convex quadratic
    0.5 * sum(c * (W - target)**2), with unequal curvatures c, to its minimum, in place?"""
    name = _name(optimizer_class)

    def body():
        target, curvature = np.array([[1.5, -2.0], [0.5, 3.0]]), np.array([[1.0, 0.2], [2.0, 0.5]])
        W = np.zeros((2, 2))
        params = {"W": W}
        optimizer = run(f"{name}()", optimizer_class, **settings)
        for _ in range(steps):
            run(f"{name}.update", optimizer.update, params, {"W": curvature * (params["W"] - target)})
        distance = float(np.max(np.abs(params["W"] - target)))
        problems = []
        if params["W"] is not W:
            problems.append("update replaced params['W'] with a new array\n    hint: update it in place (-=, +=)")
        if not distance < 1e-2:
            problems.append(f"after {steps} steps W is {distance:.3g} from the minimum (at most 0.01 expected)")
        return CheckResult(name, problems=problems, detail=f"{distance:.1e} from the minimum after {steps} steps")
    return verdict(name, body)


def _short(value):
    """repr of a number or a small array; of a large array its shape, dtype and first values."""
    if isinstance(value, np.ndarray) and value.size > 12:
        first = np.array2string(value.ravel()[:4], precision=4, separator=", ")[:-1]
        return f"array(shape {value.shape}, {value.dtype}: {first}, ...])"
    return repr(value)


def _first_difference(got, expected):
    """' (first difference at (i, j): got a, expected b)' for same-shape arrays, else ''."""
    got, expected = np.asarray(got), np.asarray(expected)
    if got.shape != expected.shape or got.size <= 12 or got.dtype.kind not in "biuf":
        return ""
    far = ~np.isclose(got.astype(np.float64), expected, rtol=1e-9, atol=1e-12)
    if not far.any():
        return ""
    where = np.unravel_index(np.argmax(far), got.shape)
    index = tuple(map(int, where))
    return f" (first difference at {index}: got {got[where].item()!r}, expected {expected[where].item()!r})"


def check_values(function, reference, cases, name=None):
    """function(*case) against reference(*case) for each case (a tuple of arguments), to 1e-9."""
    name = name or _name(function)

    def body():
        problems = []
        for case in cases:
            got = run(name, function, *case)
            expected = reference(*case)
            try:
                same = np.allclose(np.asarray(got, dtype=np.float64), expected, rtol=1e-9, atol=1e-12)
            except (TypeError, ValueError):
                same = False
            if not same:
                args = ", ".join(map(_short, case))
                problems.append(f"{name}({args}) gave {_short(got)}, expected {_short(expected)}"
                                f"{_first_difference(got, expected)}")
        return CheckResult(name, problems=problems, detail=f"{len(cases)} cases compared")
    return verdict(name, body)


def check_gradient(gradient_function, f, points, name=None):
    """gradient_function(*point) -> the partial derivatives of f(*point) (a tuple, one per argument),
    against a 4th-order numerical gradient of f at each point (a tuple of numbers)."""
    name = name or _name(gradient_function)

    def body():
        problems, errors = [], {}
        for point in points:
            got = run(name, gradient_function, *point)
            got = got if isinstance(got, (tuple, list)) else (got,)
            x = np.array(point, dtype=np.float64)
            reference = numerical_reference(lambda x=x: np.asarray(f(*x)), x, 1.0)
            label = "at (" + ", ".join(f"{p:g}" for p in point) + ")"
            if len(got) != len(point):
                problems.append(f"{label}: returned {len(got)} value(s), expected {len(point)} partial derivatives")
                continue
            compare(label, np.array(got, dtype=np.float64), reference, problems, errors)
        return CheckResult(name, errors, problems, compared=f"{len(points)} points against a numerical gradient")
    return verdict(name, body)


class Source:
    """A listing that displays with syntax colouring in Jupyter and as plain text elsewhere."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return self.text

    def _repr_html_(self):
        from pygments import highlight
        from pygments.formatters import HtmlFormatter
        from pygments.lexers import PythonLexer

        html = highlight(self.text, PythonLexer(), HtmlFormatter(noclasses=True, nowrap=True))
        return f'<pre style="white-space: pre-wrap; line-height: 1.3">{html}</pre>'


def show_source(obj):
    """Show the real source of a class or function from common (what runs is what is shown)."""
    text = inspect.getsource(obj).rstrip()
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        get_ipython = None
    if get_ipython is None or get_ipython() is None:
        print(text)
    else:
        display(Source(text))
