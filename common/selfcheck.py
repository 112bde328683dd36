"""One-call self-checks for a reader's own implementation of a layer or network.

Each check builds small float64 inputs, runs forward and backward, and
compares the backward pass with numerical_gradient. It returns a CheckResult,
which displays as one PASS or FAIL line with the maximum relative error.

    check_activation(MyRelu)                       # PASS MyRelu: ...
"""
import inspect

import numpy as np

from common.functions import softmax_loss
from common.gradient import check_layer, numerical_gradient, relative_error

TOLERANCE = 1e-7


class CheckResult:
    """PASS when every relative error is at most TOLERANCE and nothing else went wrong.

    errors: {name: max relative error}; problems: sentences saying what went wrong;
    detail: what the line reports instead of the relative errors (for checks without them).
    """

    def __init__(self, name, errors=None, problems=(), detail=None):
        self.name, self.errors, self.problems = name, dict(errors or {}), list(problems)
        self.max_error = max(self.errors.values(), default=0.0)
        self.passed = self.max_error <= TOLERANCE and not self.problems
        self.detail = detail or (f"max relative error {self.max_error:.1e} (tolerance {TOLERANCE:.0e}; "
                                 + ", ".join(f"{k} {v:.1e}" for k, v in self.errors.items()) + ")")

    def __repr__(self):
        verdict = "PASS" if self.passed else "FAIL"
        return "\n".join([f"{verdict} {self.name}: {self.detail}", *(f"  - {p}" for p in self.problems)])


def _inputs(seed, shape):
    """float64 values with |x| >= 0.1: no kink of ReLU within the numerical step."""
    x = np.random.default_rng(seed).standard_normal(shape)
    return np.where(np.abs(x) < 0.1, 0.5, x)


def _check(name, layer, *inputs, **kwargs):
    """check_layer plus a check that backward leaves its dout argument alone."""
    problems = []
    errors = check_layer(layer, *inputs, **kwargs)
    out = layer.forward(*inputs, **kwargs)
    dout = np.ones_like(out) * 0.5
    layer.backward(dout)
    if not np.all(dout == 0.5):
        problems.append("backward changed the dout array it was given; compute a new array instead")
    return CheckResult(name, errors, problems)


def check_mul_add(mul_class, add_class):
    """MulLayer and AddLayer: forward(x, y), backward(dout) -> (dx, dy)."""
    x, y = _inputs(1, (2, 3)), _inputs(2, (2, 3))
    mul, add = _check(mul_class.__name__, mul_class(), x, y), _check(add_class.__name__, add_class(), x, y)
    errors = {f"{mul.name} {k}": v for k, v in mul.errors.items()}
    errors.update({f"{add.name} {k}": v for k, v in add.errors.items()})
    return CheckResult(f"{mul.name} and {add.name}", errors, mul.problems + add.problems)


def check_activation(layer_class):
    """An activation layer such as Relu or Sigmoid: forward(x), backward(dout) -> dx."""
    return _check(layer_class.__name__, layer_class(), _inputs(3, (4, 5)) * 2)


def check_affine(layer_class):
    """Affine(W, b) with dW and db, on a tensor input (N, 2, 3) that it must flatten."""
    rng = np.random.default_rng(4)
    layer = layer_class(rng.standard_normal((6, 3)), rng.standard_normal(3))
    result = _check(layer_class.__name__, layer, _inputs(5, (4, 2, 3)))
    if layer.backward(np.ones((4, 3))).shape != (4, 2, 3):
        result.problems.append("backward must return dx in the input's shape (4, 2, 3)")
    return CheckResult(result.name, result.errors, result.problems)


def check_softmax_with_loss(layer_class):
    """SoftmaxWithLoss: forward(x, t) -> loss (mean over the batch), backward(dout=1) -> dx."""
    x, t = _inputs(6, (5, 4)), np.array([0, 3, 1, 1, 2])
    one_hot = np.eye(4)[t]
    layer = layer_class()
    problems = []
    loss = layer.forward(x, one_hot)
    if not np.isclose(loss, softmax_loss(x, t), rtol=1e-6):
        problems.append(f"forward gave loss {float(loss):.6f}, expected {float(softmax_loss(x, t)):.6f}")
    dx = layer.backward(1)
    numerical = numerical_gradient(lambda _: layer.forward(x, one_hot), x)
    return CheckResult(layer_class.__name__, {"x": relative_error(dx, numerical)}, problems)


def check_convolution(layer_class):
    """Convolution(W, b, stride, pad) with dW and db, at stride 2 and pad 1 on (2, 2, 7, 7) input."""
    rng = np.random.default_rng(9)
    layer = layer_class(rng.standard_normal((3, 2, 3, 3)), rng.standard_normal(3), 2, 1)
    return _check(layer_class.__name__, layer, _inputs(10, (2, 2, 7, 7)))


def check_pooling(layer_class):
    """Pooling(pool_h, pool_w, stride, pad): 2x2 windows at stride 2 and 3x3 at stride 1."""
    x = np.abs(_inputs(11, (2, 3, 6, 6))) + 0.1  # positive: a padded zero never wins a window
    first, second = _check(layer_class.__name__, layer_class(2, 2, 2, 0), x), \
        _check(layer_class.__name__, layer_class(3, 3, 1, 1), x)
    errors = {"2x2 stride 2": first.errors["x"], "3x3 stride 1 pad 1": second.errors["x"]}
    return CheckResult(layer_class.__name__, errors, first.problems + second.problems)


def check_network(network_class):
    """A two-layer network with the book's API: params, gradient, numerical_gradient."""
    net = network_class(input_size=12, hidden_size=6, output_size=4, weight_init_std=0.1)
    x, t = 0.5 + np.random.default_rng(7).random((3, 12)), np.eye(4)[[0, 2, 3]]
    backprop, numerical = net.gradient(x, t), net.numerical_gradient(x, t)
    errors = {k: relative_error(backprop[k], numerical[k]) for k in numerical}
    return CheckResult(network_class.__name__, errors)


def show_source(obj):
    """Print the real source of a class or function from common (what runs is what is shown)."""
    print(inspect.getsource(obj).rstrip())


def check_training(train_function):
    """A training loop train_function(network, x, t, iters, batch_size, lr, rng) -> list of
    per-iteration losses, run on a small problem that a correct loop learns (3 Gaussian blobs)."""
    from common.two_layer_net import TwoLayerNet

    rng = np.random.default_rng(8)
    labels = rng.integers(0, 3, 300)
    x = 3.0 * np.eye(3, 6)[labels] + rng.standard_normal((300, 6))
    t = np.eye(3)[labels]
    net = TwoLayerNet(6, 10, 3, weight_init_std=0.1, rng=rng)
    before = float(net.loss(x, t))
    losses = list(train_function(net, x, t, 300, 20, 0.1, rng))
    after, accuracy = float(net.loss(x, t)), net.accuracy(x, t)
    problems = []
    if len(losses) != 300:
        problems.append(f"expected 300 losses (one per iteration), got {len(losses)}")
    if not after < before / 2:
        problems.append(f"the loss went from {before:.3f} to only {after:.3f}: are the parameters updated in place?")
    if accuracy < 0.9:
        problems.append(f"accuracy {accuracy:.2f} after training, expected at least 0.9")
    return CheckResult(train_function.__name__, problems=problems,
                       detail=f"loss {before:.3f} -> {after:.3f}, accuracy {accuracy:.2f}")


def check_function(function, *inputs, seed=0):
    """An autograd Function subclass, or any callable on Variables, at the given inputs:
    the engine's gradient of sum(f(*inputs) * dout) against numerical_gradient."""
    from common.autograd import Function, Variable

    is_class = isinstance(function, type) and issubclass(function, Function)
    f = (lambda *xs: function()(*xs)) if is_class else function
    arrays = [np.array(x, dtype=np.float64) for x in inputs]
    variables = [Variable(a) for a in arrays]
    y = f(*variables)
    dout = np.random.default_rng(seed).standard_normal(y.shape)
    y.grad = dout.copy()
    y.backward()
    errors = {}
    for k, (a, v) in enumerate(zip(arrays, variables)):
        numerical = numerical_gradient(lambda _: float(np.sum(f(*[Variable(b) for b in arrays]).data * dout)), a)
        errors[f"x{k}"] = relative_error(v.grad, numerical)
    return CheckResult(getattr(function, "__name__", "function"), errors)


def check_optimizer(optimizer_class, steps=2000, **settings):
    """An optimizer with update(params, grads): does it drive the convex quadratic
    0.5 * sum(c * (W - target)**2), with unequal curvatures c, to its minimum, in place?"""
    target, curvature = np.array([[1.5, -2.0], [0.5, 3.0]]), np.array([[1.0, 0.2], [2.0, 0.5]])
    W = np.zeros((2, 2))
    params, optimizer = {"W": W}, optimizer_class(**settings)
    for _ in range(steps):
        optimizer.update(params, {"W": curvature * (params["W"] - target)})
    distance = float(np.max(np.abs(params["W"] - target)))
    problems = []
    if params["W"] is not W:
        problems.append("update replaced params['W'] with a new array; update it in place (-=, +=)")
    if not distance < 1e-2:
        problems.append(f"after {steps} steps W is {distance:.3g} from the minimum (at most 0.01 expected)")
    return CheckResult(optimizer_class.__name__, problems=problems,
                       detail=f"{distance:.1e} from the minimum after {steps} steps")
