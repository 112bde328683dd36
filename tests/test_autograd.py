"""The autograd engine: every function against numerical gradients, broadcasting,
accumulation, generation order, several outputs, no-grad mode, and the exact
results of notebook 08."""
import inspect
import subprocess
import sys

import numpy as np
import pytest

import common.autograd as core
import common.autograd_ops as F
from common.autograd import Config, Variable, no_grad
from common.gradient import GRADIENT_CHECK_TOLERANCE as TOLERANCE
from common.selfcheck import check_function
from common.two_layer_net import TwoLayerNet

rng = np.random.default_rng(1)
POSITIVE = 0.5 + rng.random((2, 3))
CASES = {
    "add broadcast": (lambda a, b: a + b, [rng.standard_normal((2, 3)), rng.standard_normal(3)]),
    "sub broadcast": (lambda a, b: a - b, [rng.standard_normal((2, 3)), rng.standard_normal((2, 1))]),
    "mul broadcast": (lambda a, b: a * b, [rng.standard_normal((2, 3)), rng.standard_normal((1, 3))]),
    "mul by 0-d": (lambda a, b: a * b, [rng.standard_normal((2, 3)), np.array(1.7)]),
    "div broadcast": (lambda a, b: a / b, [rng.standard_normal((2, 3)), 0.5 + rng.random(3)]),
    "neg": (lambda a: -a, [rng.standard_normal((2, 3))]),
    "pow 3": (lambda a: a**3, [np.array([[-1.5, 0.7, 1.2], [2.0, -0.8, 1.1]])]),
    "pow 0.5": (lambda a: a**0.5, [POSITIVE]),
    "exp": (F.exp, [rng.standard_normal((2, 3))]),
    "log": (F.log, [POSITIVE]),
    "reciprocal": (lambda a: F.Reciprocal()(a), [POSITIVE]),
    "scale": (lambda a: F.Scale(-2.5)(a), [rng.standard_normal((2, 3))]),
    "shift": (lambda a: F.Shift(1.5)(a) * a, [rng.standard_normal((2, 3))]),
    "reshape": (lambda a: a.reshape(3, 2) * np.arange(6.0).reshape(3, 2), [rng.standard_normal((2, 3))]),
    "reshape tuple": (lambda a: a.reshape((3, 2)) * np.arange(6.0).reshape(3, 2), [rng.standard_normal((2, 3))]),
    "transpose": (lambda a: a.T, [rng.standard_normal((2, 3))]),
    "transpose axes": (lambda a: a.transpose(2, 0, 1), [rng.standard_normal((2, 3, 4))]),
    "transpose tuple": (lambda a: a.transpose((2, 0, 1)), [rng.standard_normal((2, 3, 4))]),
    "transpose negative axes": (lambda a: a.transpose(-1, 0, 1), [rng.standard_normal((2, 3, 4))]),
    "sum all": (lambda a: a.sum(), [rng.standard_normal((2, 3))]),
    "sum axis": (lambda a: a.sum(axis=0), [rng.standard_normal((2, 3))]),
    "sum axes": (lambda a: a.sum(axis=(0, 2)), [rng.standard_normal((2, 3, 4))]),
    "sum keepdims": (lambda a: a.sum(axis=-1, keepdims=True), [rng.standard_normal((2, 3))]),
    "broadcast_to": (lambda a: F.broadcast_to(a, (4, 2, 3)), [rng.standard_normal((2, 1))]),
    "sum_to": (lambda a: F.sum_to(a, (1, 3)), [rng.standard_normal((4, 2, 3))]),
    "matmul": (lambda x, W: x @ W, [rng.standard_normal((2, 3)), rng.standard_normal((3, 4))]),
    "split": (lambda a: (lambda p, q: p * 2.0 + q * q)(*F.split(a, [1])), [rng.standard_normal((2, 3))]),
    "relu": (F.relu, [np.where(np.abs(g := rng.standard_normal((2, 3))) < 0.05, 0.5, g)]),
    "log_softmax": (F.log_softmax, [rng.standard_normal((3, 4)) * 3]),
    "softmax_cross_entropy": (lambda x: F.softmax_cross_entropy(x, np.eye(4)[[0, 2, 3]]), [rng.standard_normal((3, 4))]),
}


@pytest.mark.parametrize("name", CASES)
def test_gradient_check(name):
    f, arrays = CASES[name]
    result = check_function(f, *arrays)
    assert result.passed and result.max_error <= TOLERANCE, result


def test_every_operation_has_a_gradient_check():
    used = set()
    for f, arrays in CASES.values():
        stack = [f(*[Variable(a) for a in arrays])]
        while stack:
            func = stack.pop().creator
            if func is not None:
                used.add(type(func))
                stack.extend(func.inputs)
    defined = {c for module in (core, F) for _, c in inspect.getmembers(module, inspect.isclass)
               if issubclass(c, core.Function) and c is not core.Function}
    assert defined - used == set()


def test_reshape_and_transpose_take_numpy_s_argument_forms():
    a = np.arange(24.0).reshape(2, 3, 4)
    x = Variable(a)
    for axes in [(), (None,), ((2, 0, 1),), (2, 0, 1), ([2, 0, 1],), (-1, 0, 1)]:
        np.testing.assert_array_equal(x.transpose(*axes).data, a.transpose(*axes))
    for shape in [(6, 4), ((6, 4),), ([6, 4],), (24,), (-1,), ((-1, 4),)]:
        np.testing.assert_array_equal(x.reshape(*shape).data, a.reshape(*shape))
    np.testing.assert_array_equal(F.transpose(x, (1, 0, 2)).data, np.transpose(a, (1, 0, 2)))


def test_the_results_of_notebook_08():
    x0, x1 = Variable(np.array([[1.0, 2, 3], [4, 5, 6]])), Variable(np.array([[10.0, 20, 30], [40, 50, 60]]))
    y = x0 + x1
    y.backward()
    assert y.data.tolist() == [[11, 22, 33], [44, 55, 66]]
    assert x0.grad.tolist() == x1.grad.tolist() == [[1, 1, 1], [1, 1, 1]]
    for f, value in ((lambda v: v.reshape(6), [1, 2, 3, 4, 5, 6]), (lambda v: v.T, [[1, 4], [2, 5], [3, 6]]),
                     (lambda v: v.sum(), 21)):
        x = Variable(np.array([[1.0, 2, 3], [4, 5, 6]]))
        y = f(x)
        y.backward()
        assert y.data.tolist() == value and x.grad.tolist() == [[1, 1, 1], [1, 1, 1]]
    x, W = Variable(rng.standard_normal((2, 3))), Variable(rng.standard_normal((3, 4)))
    y = x @ W
    y.backward()
    assert (y.shape, x.grad.shape, W.grad.shape) == ((2, 4), (2, 3), (3, 4))
    x = Variable(np.array([[1.0, 2, 3], [4, 5, 6]]))
    a, b = F.split(x, [1])
    y = a + b
    y.backward()
    assert y.data.tolist() == [[5, 7, 9]] and x.grad.tolist() == [[1, 1, 1], [1, 1, 1]]


def test_a_variable_used_twice_accumulates():
    x = Variable(np.array(3.0))
    y = x * x + x
    y.backward()
    assert y.data == 12 and x.grad == 7  # 2x + 1


class PassOn(F.Function):
    """a + b whose backward hands the very array gy to both inputs (as Add does)."""

    def forward(self, a, b):
        return a + b

    def backward(self, gy):
        return gy, gy


def test_accumulating_never_writes_into_a_gradient_array_it_was_given():
    a, b = Variable(np.array([1.0, 2.0])), Variable(np.array([3.0, 4.0]))
    y = PassOn()(a, b)
    y.backward(retain_grad=True)
    assert a.grad is y.grad and b.grad is y.grad  # one array, shared
    y = PassOn()(a, b)
    y.backward(retain_grad=True)  # accumulates into a.grad and b.grad: += would change both at once
    assert a.grad.tolist() == b.grad.tolist() == [2, 2] and y.grad.tolist() == [1, 1]
    x = Variable(np.array([5.0]))
    seed = np.array([3.0])
    y = PassOn()(x, x)
    y.grad = seed
    y.backward()
    assert x.grad.tolist() == [6] and seed.tolist() == [3]


def test_a_backward_with_the_wrong_shape_or_number_of_gradients_is_named():
    class NoSumTo(F.Function):
        def forward(self, a, b):
            return a + b

        def backward(self, gy):
            return gy, gy  # b was broadcast: its gradient must be summed back to (3,)

    class OneForTwo(NoSumTo):
        def backward(self, gy):
            return gy

    with pytest.raises(ValueError, match=r"NoSumTo.backward returned a gradient of shape \(2, 3\) for its input 1 of shape \(3,\)"):
        NoSumTo()(Variable(np.ones((2, 3))), Variable(np.ones(3))).backward()
    with pytest.raises(ValueError, match=r"OneForTwo.backward returned 1 gradients for 2 inputs"):
        OneForTwo()(Variable(np.ones(3)), Variable(np.ones(3))).backward()


def test_float32_stays_float32():
    x = Variable(np.ones((2, 3), dtype=np.float32))
    y = (x * x).sum()
    y.backward()
    assert y.dtype == x.grad.dtype == np.float32


@pytest.mark.parametrize("first", ["common.autograd", "common.autograd_ops"])
def test_the_operators_come_with_variable_whatever_is_imported_first(first):
    code = (f"import sys, numpy as np, {first}\n"
            "from common.autograd import Variable\n"
            "x = Variable(np.array([[1.0, 2.0]]))\n"
            "y = (2 * x + x / 2 - 1 - (-x) ** 2) @ x.T + x.reshape(2, 1).transpose(1, 0).sum()\n"
            "y.backward()\n"
            "print(y.data.item(), x.grad.tolist(), 'common.autograd_ops' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    # x = (a, b): y = (2.5a - 1 - a^2) a + (2.5b - 1 - b^2) b + a + b; dy/da = 5a - 1 - 3a^2 + 1
    assert out == ["3.5", "[[2.0,", "-2.0]]", str(first == "common.autograd_ops")]


def test_generation_order_on_a_diamond():
    # a = x^2 feeds y twice: a's gradient must be complete before it is passed on to x.
    x = Variable(np.array(2.0))
    a = x**2
    y = a * a + a
    y.backward()
    assert x.grad == 36  # d/dx (x^4 + x^2) = 4x^3 + 2x at 2


def test_intermediate_gradients_are_dropped_unless_retained():
    x = Variable(np.array(2.0))
    a = F.exp(x)
    y = a * 3
    y.backward()
    assert a.grad is None and x.grad == pytest.approx(3 * np.exp(2))
    x.cleargrad()
    y = (a := F.exp(x)) * 3
    y.backward(retain_grad=True)
    assert a.grad == 3


def test_no_grad_records_nothing():
    x = Variable(np.ones(3))
    with no_grad():
        y = x * 2
    assert y.creator is None and Config.enable_backprop
    z = x * 2
    assert z.creator is not None


def test_python_numbers_on_either_side():
    x = Variable(np.array(4.0))
    y = 2 * x - 1 + 1 / x - (3 - x) / 2
    assert (np.ones((1, 1)) @ Variable(np.ones((1, 1)))).shape == (1, 1)
    y.backward()
    assert y.data == pytest.approx(8 - 1 + 0.25 + 0.5)
    assert x.grad == pytest.approx(2 - 1 / 16 + 0.5)


def test_check_function_takes_a_function_class_and_catches_a_wrong_backward():
    class Square(F.Function):
        def forward(self, x):
            self.x = x
            return x * x

        def backward(self, gy):
            return gy * self.x  # forgot the 2
    assert check_function(F.Exp, [[0.5, -1.0]]).passed
    assert not check_function(Square, [[0.5, -1.0]]).passed


def test_a_non_array_is_refused_with_advice():
    with pytest.raises(TypeError, match=r"Variable needs an ndarray, got float: use np.array"):
        Variable(3.0)


def test_two_layer_net_gradient_equals_layer_backprop():
    net = TwoLayerNet(20, 8, 5, weight_init_std=0.3, rng=np.random.default_rng(2))
    x = np.random.default_rng(3).random((6, 20))
    t = np.eye(5)[[0, 1, 2, 3, 4, 0]]
    expected = net.gradient(x, t)
    params = {k: Variable(v.copy()) for k, v in net.params.items()}
    hidden = F.relu(x @ params["W1"] + params["b1"])
    loss = F.softmax_cross_entropy(hidden @ params["W2"] + params["b2"], t)
    loss.backward()
    assert float(loss.data) == pytest.approx(float(net.lastLayer.loss), rel=1e-12)
    for key, value in params.items():
        np.testing.assert_allclose(value.grad, expected[key], rtol=0, atol=1e-12)
