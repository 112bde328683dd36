"""Self-checks of a learner's networks, training loops and optimizers."""
import warnings

import numpy as np

from common.gradient import FLOAT32_NETWORK_TOLERANCE, FLOAT32_STEP, GRADIENT_CHECK_TOLERANCE, numerical_gradient
from common.selfcheck.core import CheckResult, Failed, compare, make, name_of, run, verdict


def _layers_of(net):
    layers = getattr(net, "layers", None)
    values = layers.values() if isinstance(layers, dict) else layers if isinstance(layers, (list, tuple)) else []
    last = [getattr(net, a) for a in ("lastLayer", "last_layer", "last") if hasattr(net, a)]
    return [layer for layer in [*values, *last[:1]] if hasattr(layer, "forward")]


class _Counter:
    """Counts the calls of net.loss, net.predict and every layer's forward while it is on."""

    def __init__(self, net):
        self.calls = 0
        self.patched = []
        for owner, attribute in [(net, "loss"), (net, "predict")] + [(layer, "forward") for layer in _layers_of(net)]:
            original = getattr(owner, attribute, None)
            if callable(original):
                def counted(*args, _original=original, **kwargs):
                    self.calls += 1
                    return _original(*args, **kwargs)
                setattr(owner, attribute, counted)
                self.patched.append((owner, attribute))

    def remove(self):
        for owner, attribute in self.patched:
            owner.__dict__.pop(attribute, None)


def _set_params(name, net, rng, x):
    """Fixed float64 values for every parameter of the learner's net (in place), W ~ 0.3 N(0, 1) and
    b ~ 0.1 N(0, 1); for a chain of W1, b1, W2, ... the first draw whose every pre-activation is
    at least 0.02 from ReLU's kink (the numerical gradient is then smooth)."""
    params = getattr(net, "params", None)
    if not isinstance(params, dict) or not params:
        raise Failed(f"{name} has no params dict: keep the parameters in self.params (W1, b1, ...)")
    for key, value in params.items():
        if not isinstance(value, np.ndarray) or value.dtype.kind != "f":
            raise Failed(f"params['{key}'] is not a floating NumPy array (got {type(value).__name__}): "
                         "keep float arrays in params")
    layers = sorted(int(k[1:]) for k in params if k[0] == "W" and k[1:].isdigit())
    for _ in range(200):
        values = {k: rng.standard_normal(v.shape) * (0.3 if k.startswith("W") else 0.1) for k, v in params.items()}
        h, smooth = x, True
        for i in layers[:-1]:
            W, b = values.get(f"W{i}"), values.get(f"b{i}", 0)
            if W is None or W.ndim != 2 or h.shape[1] != W.shape[0]:
                break
            z = h @ W + b
            smooth = smooth and float(np.min(np.abs(z))) > 0.02
            h = np.maximum(z, 0)
        if smooth:
            break
    for key, value in values.items():
        params[key][...] = value
    return params


def check_network(network_class, hidden_size=6):
    """A network with the book's API: network_class(input_size=12, hidden_size, output_size=4,
    weight_init_std=0.1) with params W1, b1, ... (two layers or more), loss(x, t) and gradient(x, t).
    Every gradient is compared with numerical_gradient (h=1e-4) of the network's own loss();
    gradient() run twice must give the same, must be a backward pass (not a numerical gradient:
    its loss and layers are counted), and must not change x or t."""
    name = name_of(network_class)

    def body():
        rng = np.random.default_rng(7)
        x, t = 0.5 + rng.random((3, 12)), np.eye(4)[[0, 2, 3]]
        net = make(name, network_class, input_size=12, hidden_size=hidden_size, output_size=4,
                   weight_init_std=0.1)
        params = _set_params(name, net, rng, x)
        x_given, t_given = x.copy(), t.copy()
        counter = _Counter(net)
        try:
            grads = run(f"{name}.gradient", net.gradient, x_given, t_given)
        finally:
            calls = counter.calls
            counter.remove()
        problems, errors = [], {}
        if not isinstance(grads, dict):
            raise Failed(f"gradient returned a {type(grads).__name__}, expected a dict like params")
        if not (np.array_equal(x, x_given) and np.array_equal(t, t_given)):
            problems.append("gradient changed x or t in place")
        if calls > 3 * len(counter.patched):
            problems.append(f"gradient() ran the forward pass {calls} times: that is a numerical gradient\n"
                            "    hint: run forward once, then backward through the layers in reverse order")
        kept = {k: np.array(v, copy=True) for k, v in grads.items() if isinstance(v, np.ndarray)}
        again = run(f"{name}.gradient", net.gradient, x, t)
        for key, value in kept.items():
            if isinstance(again, dict) and not np.array_equal(np.asarray(again.get(key)), value):
                problems.append(f"a second gradient(x, t) gave a different {key}\n    hint: compute each gradient "
                                "anew (=) instead of adding to the last one (+=)")
                break

        def loss(_):
            return float(run(f"{name}.loss", net.loss, x, t))

        low = any(v.dtype.itemsize < 8 for v in params.values())  # float32: a larger step, float32's tolerance
        h, tolerance = (FLOAT32_STEP, FLOAT32_NETWORK_TOLERANCE) if low else (1e-4, GRADIENT_CHECK_TOLERANCE)
        for key in params:
            reference = numerical_gradient(loss, params[key], h)
            compare(key, kept.get(key, grads.get(key)), reference, problems, errors, n=len(x), tolerance=tolerance)
        wrong = [k for k in errors if errors[k] > tolerance]
        last = max((int(k[1:]) for k in params if k[0] == "W" and k[1:].isdigit()), default=0)
        if wrong and all(k[1:].isdigit() and int(k[1:]) < last for k in wrong):
            problems.append(f"the last layer's gradients are right but {', '.join(wrong)} are wrong\n    hint: the "
                            "gradient goes wrong between the Affine layers: check the activation's backward "
                            "(ReLU's mask?) and the order of the layers in backward")
        return CheckResult(name, f"gradient() against numerical_gradient (h={h:g}) of loss(), run twice, one "
                           "forward pass", errors, problems, tolerance=tolerance)
    return verdict(name, body)


def check_training(train_function):
    """A training loop train_function(network, x, t, iters, batch_size, lr, rng) -> list of
    per-iteration losses, run on a small problem that a correct loop learns (3 Gaussian blobs)."""
    from common.two_layer_net import TwoLayerNet

    name = name_of(train_function)

    def body():
        rng = np.random.default_rng(8)
        labels = rng.integers(0, 3, 300)
        x = 3.0 * np.eye(3, 6)[labels] + rng.standard_normal((300, 6))
        t = np.eye(3)[labels]
        net = TwoLayerNet(6, 10, 3, weight_init_std=0.1, rng=rng)
        before = float(net.loss(x, t))
        x_given, t_given = x.copy(), t.copy()
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            losses = run(name, train_function, net, x_given, t_given, 300, 20, 0.1, rng)
        losses = list(losses) if isinstance(losses, (list, tuple, np.ndarray)) else []
        after, accuracy = float(net.loss(x, t)), net.accuracy(x, t)
        problems = []
        if not (np.array_equal(x, x_given) and np.array_equal(t, t_given)):
            problems.append("the loop changed x or t in place")
        if len(losses) != 300:
            problems.append(f"expected 300 losses (one per iteration), got {len(losses)}")
        if not after < before / 2:
            problems.append(f"the loss went from {before:.3f} to only {after:.3f}\n    hint: are the parameters "
                            "updated in place, by the learning rate times their gradient?")
        if accuracy < 0.9:
            problems.append(f"accuracy {accuracy:.2f} after training, expected at least 0.9")
        return CheckResult(name, f"300 iterations on 3 blobs: loss {before:.3f} -> {after:.3f}, accuracy "
                           f"{accuracy:.2f}", problems=problems)
    return verdict(name, body)


def check_optimizer(optimizer_class, reference=None, steps=2000, **settings):
    """An optimizer with update(params, grads) on a dict of two arrays: does it drive the convex
    quadratic 0.5 * sum(c * (p - target)**2), with unequal curvatures c, to its minimum, in place?
    With reference (e.g. common.optimizer.Momentum), its first 20 steps must also be the
    reference's, with the same settings, and two instances must keep separate state."""
    name = name_of(optimizer_class)

    def body():
        target = {"W": np.array([[1.5, -2.0], [0.5, 3.0]]), "b": np.array([0.5, -1.0])}
        curvature = {"W": np.array([[1.0, 0.2], [2.0, 0.5]]), "b": np.array([1.5, 0.3])}

        def gradient(params):
            return {k: curvature[k] * (params[k] - target[k]) for k in params}

        params = {k: np.zeros_like(v) for k, v in target.items()}
        arrays = dict(params)
        optimizer = make(name, optimizer_class, **settings)
        other = make(name, optimizer_class, **settings)  # its state must not be shared with the first
        mirror = {k: np.zeros_like(v) for k, v in target.items()}
        ours = reference(**settings) if reference is not None else None
        ours_params = {k: np.zeros_like(v) for k, v in target.items()}
        problems = []
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for step in range(steps):
                grads = gradient(params)
                given = {k: g.copy() for k, g in grads.items()}
                run(f"{name}.update", optimizer.update, params, grads)
                if any(not np.array_equal(grads[k], given[k]) for k in grads):
                    problems.append("update changed the gradients it was given\n    hint: compute new arrays "
                                    "(lr * grads[key]) instead of writing into grads: they are the layers' own dW")
                    break
                if not all(np.all(np.isfinite(params[k])) for k in params):
                    problems.append(f"the parameters became infinite or NaN at step {step + 1}: the updates "
                                    "diverge\n    hint: step against the gradient (a minus sign), scaled by lr")
                    break
                if step < 20:
                    run(f"{name}.update", other.update, mirror, gradient(mirror))
                if ours is not None and step < 20:
                    ours.update(ours_params, gradient(ours_params))
                    far = [k for k in params if not np.allclose(params[k], ours_params[k], rtol=1e-9, atol=1e-12)]
                    if far and not problems:
                        k = far[0]
                        got, want = params[k].ravel(), ours_params[k].ravel()
                        close = np.allclose(got, want, rtol=1e-6)
                        problems.append(f"step {step + 1} differs from {reference.__name__}'s: {k} is "
                                        f"{np.array2string(got, precision=10 if close else 4)}, expected "
                                        f"{np.array2string(want, precision=10 if close else 4)}"
                                        + ("\n    hint: they differ after the 7th digit: is the state float32?"
                                           if close else ""))
                if step == 19 and not all(np.array_equal(params[k], mirror[k]) for k in params):
                    problems.append("two optimizers with the same settings took different steps\n    hint: keep "
                                    "the state (velocity, moments) on self, one entry per parameter, not shared")
        distance = max(float(np.max(np.abs(params[k] - target[k]))) for k in params)
        if any(params[k] is not arrays[k] for k in params):
            problems.append("update replaced a parameter array with a new one\n    hint: update it in place "
                            "(-=, +=): the layers hold these very arrays")
        elif not problems and not distance < 1e-2:
            problems.append(f"after {steps} steps the parameters are {distance:.3g} from the minimum "
                            "(at most 0.01 expected)")
        compared = f"{steps} steps on a quadratic: {distance:.1e} from the minimum" + \
            (f"; the first 20 steps against {reference.__name__}" if reference is not None else "")
        return CheckResult(name, compared, problems=problems)
    return verdict(name, body)
