"""A learner's attempts at the exercises of notebook 06 (the two-layer network and the gradient check),
as data for a replay.

ATTEMPTS: (exercise name, label, expected verdict "PASS" or "FAIL", code, check). `code` defines the
learner's names (with its own imports); `check` is the notebook's own check cell, whose last line is
the check call (an expression whose value is the verdict). Run `code`, then `check`, in one fresh
namespace. The correct alternatives are written differently from the notebook's solutions (the book's
list and reverse, named layers, a loop of its own, another formula that is the same, float32 numbers,
...); the wrong ones are the usual slips.
"""

NET_CHECK = """\
from common.selfcheck import check_network

check_network(MyTwoLayerNet)
"""

GRADCHECK_CHECK = """\
from common.selfcheck.gradcheck import check_gradient_check

check_gradient_check(my_gradient_check)
"""

THREE_CHECK = """\
from common.selfcheck.gradcheck import check_three_layer_net

check_three_layer_net(ThreeLayerNet)
"""

NET = """\
import numpy as np
from common.two_layer_net import TwoLayerNet

"""

GRADCHECK = """\
import numpy as np
from common.gradient import numerical_gradient, relative_error


def params(layer):
    return [name for name in ("W", "b") if hasattr(layer, name)]

"""

THREE = """\
import numpy as np
from common.layers import Affine, Relu
from common.two_layer_net import TwoLayerNet

"""

THREE_SOLUTION_INIT = """\
class ThreeLayerNet(TwoLayerNet):
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        super().__init__(input_size, hidden_size, hidden_size, weight_init_std)
        self.params["W3"] = weight_init_std * np.random.randn(hidden_size, output_size)
        self.params["b3"] = np.zeros(output_size)
        self.layers["Relu2"] = Relu()
        self.layers["Affine3"] = Affine(self.params["W3"], self.params["b3"])
"""

THREE_LOOP = """\
    def gradient(self, x, t):
        self.loss(x, t)
        dout = self.lastLayer.backward(1)
        for layer in reversed(self.layers.values()):
            dout = layer.backward(dout)
        return {key: getattr(self.layers["Affine" + key[1]], "d" + key[0]) for key in self.params}
"""

ATTEMPTS = [
    # ---------- MyTwoLayerNet.gradient ----------
    ("MyTwoLayerNet", "the book's list and reverse()", "PASS", NET + """\
class MyTwoLayerNet(TwoLayerNet):
    def gradient(self, x, t):
        self.loss(x, t)
        dout = 1
        dout = self.lastLayer.backward(dout)
        layers = list(self.layers.values())
        layers.reverse()
        for layer in layers:
            dout = layer.backward(dout)
        grads = {}
        grads["W1"], grads["b1"] = self.layers["Affine1"].dW, self.layers["Affine1"].db
        grads["W2"], grads["b2"] = self.layers["Affine2"].dW, self.layers["Affine2"].db
        return grads
""", NET_CHECK),
    ("MyTwoLayerNet", "each layer by name, last to first", "PASS", NET + """\
class MyTwoLayerNet(TwoLayerNet):
    def gradient(self, x, t):
        self.loss(x, t)
        d_scores = self.lastLayer.backward(1.0)
        d_hidden = self.layers["Affine2"].backward(d_scores)
        d_pre = self.layers["Relu1"].backward(d_hidden)
        self.layers["Affine1"].backward(d_pre)
        a1, a2 = self.layers["Affine1"], self.layers["Affine2"]
        return dict(W1=a1.dW, b1=a1.db, W2=a2.dW, b2=a2.db)
""", NET_CHECK),
    ("MyTwoLayerNet", "copies of the gradients, read from a loop over the keys", "PASS", NET + """\
class MyTwoLayerNet(TwoLayerNet):
    def gradient(self, x, t):
        self.predict(x)
        self.lastLayer.forward(self.predict(x), t)
        g = self.lastLayer.backward()
        for name in ["Affine2", "Relu1", "Affine1"]:
            g = self.layers[name].backward(g)
        return {p + i: getattr(self.layers["Affine" + i], "d" + p).copy() for i in "12" for p in "Wb"}
""", NET_CHECK),
    ("MyTwoLayerNet", "the ReLU skipped in the backward pass", "FAIL", NET + """\
class MyTwoLayerNet(TwoLayerNet):
    def gradient(self, x, t):
        self.loss(x, t)
        dout = self.lastLayer.backward(1)
        dout = self.layers["Affine2"].backward(dout)
        self.layers["Affine1"].backward(dout)
        return {"W1": self.layers["Affine1"].dW, "b1": self.layers["Affine1"].db,
                "W2": self.layers["Affine2"].dW, "b2": self.layers["Affine2"].db}
""", NET_CHECK),
    ("MyTwoLayerNet", "the numerical gradient posing as backpropagation", "FAIL", NET + """\
class MyTwoLayerNet(TwoLayerNet):
    def gradient(self, x, t):
        return self.numerical_gradient(x, t)
""", NET_CHECK),
    ("MyTwoLayerNet", "no forward pass first", "FAIL", NET + """\
class MyTwoLayerNet(TwoLayerNet):
    def gradient(self, x, t):
        dout = self.lastLayer.backward(1)
        for layer in reversed(self.layers.values()):
            dout = layer.backward(dout)
        return {"W1": self.layers["Affine1"].dW, "b1": self.layers["Affine1"].db,
                "W2": self.layers["Affine2"].dW, "b2": self.layers["Affine2"].db}
""", NET_CHECK),
    ("MyTwoLayerNet", "the layers in forward order", "FAIL", NET + """\
class MyTwoLayerNet(TwoLayerNet):
    def gradient(self, x, t):
        self.loss(x, t)
        dout = self.lastLayer.backward(1)
        for layer in self.layers.values():
            dout = layer.backward(dout)
        return {"W1": self.layers["Affine1"].dW, "b1": self.layers["Affine1"].db,
                "W2": self.layers["Affine2"].dW, "b2": self.layers["Affine2"].db}
""", NET_CHECK),
    ("MyTwoLayerNet", "gradients added up over calls", "FAIL", NET + """\
class MyTwoLayerNet(TwoLayerNet):
    def gradient(self, x, t):
        self.loss(x, t)
        dout = self.lastLayer.backward(1)
        for layer in reversed(self.layers.values()):
            dout = layer.backward(dout)
        if not hasattr(self, "grads"):
            self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.grads["W1"] += self.layers["Affine1"].dW
        self.grads["b1"] += self.layers["Affine1"].db
        self.grads["W2"] += self.layers["Affine2"].dW
        self.grads["b2"] += self.layers["Affine2"].db
        return self.grads
""", NET_CHECK),
    ("MyTwoLayerNet", "dL/dL taken as the batch size", "FAIL", NET + """\
class MyTwoLayerNet(TwoLayerNet):
    def gradient(self, x, t):
        self.loss(x, t)
        dout = self.lastLayer.backward(len(x))
        for layer in reversed(self.layers.values()):
            dout = layer.backward(dout)
        return {"W1": self.layers["Affine1"].dW, "b1": self.layers["Affine1"].db,
                "W2": self.layers["Affine2"].dW, "b2": self.layers["Affine2"].db}
""", NET_CHECK),
    ("MyTwoLayerNet", "the layers' gradients swapped", "FAIL", NET + """\
class MyTwoLayerNet(TwoLayerNet):
    def gradient(self, x, t):
        self.loss(x, t)
        dout = self.lastLayer.backward(1)
        for layer in reversed(self.layers.values()):
            dout = layer.backward(dout)
        return {"W1": self.layers["Affine2"].dW, "b1": self.layers["Affine2"].db,
                "W2": self.layers["Affine1"].dW, "b2": self.layers["Affine1"].db}
""", NET_CHECK),
    ("MyTwoLayerNet", "an instance passed instead of the class", "FAIL", NET + """\
class MyTwoLayerNet(TwoLayerNet):
    def gradient(self, x, t):
        self.loss(x, t)
        dout = self.lastLayer.backward(1)
        for layer in reversed(self.layers.values()):
            dout = layer.backward(dout)
        return {"W1": self.layers["Affine1"].dW, "b1": self.layers["Affine1"].db,
                "W2": self.layers["Affine2"].dW, "b2": self.layers["Affine2"].db}


MyTwoLayerNet = MyTwoLayerNet(12, 6, 4)
""", NET_CHECK),

    # ---------- my_gradient_check ----------
    ("my_gradient_check", "the core's functions, backward's gradients copied", "PASS", GRADCHECK + """\
def my_gradient_check(layer, x, dout):
    layer.forward(x)
    analytic = {"x": layer.backward(dout)}
    for name in params(layer):
        analytic[name] = getattr(layer, "d" + name).copy()
    f = lambda _: np.sum(layer.forward(x) * dout)
    errors = {}
    for name, grad in analytic.items():
        target = x if name == "x" else getattr(layer, name)
        errors[name] = relative_error(grad, numerical_gradient(f, target))
    return errors
""", GRADCHECK_CHECK),
    ("my_gradient_check", "a central-difference loop and the formula of its own", "PASS", GRADCHECK + """\
def my_gradient_check(layer, x, dout):
    layer.forward(x)
    grads = {"x": layer.backward(dout)}
    grads.update({name: getattr(layer, "d" + name) for name in params(layer)})
    result = {}
    for name, grad in grads.items():
        array = x if name == "x" else getattr(layer, name)
        numeric = np.zeros_like(array)
        it = np.nditer(array, flags=["multi_index"])
        while not it.finished:
            i = it.multi_index
            old = array[i]
            array[i] = old + 1e-4
            up = np.dot(layer.forward(x).ravel(), dout.ravel())
            array[i] = old - 1e-4
            down = np.dot(layer.forward(x).ravel(), dout.ravel())
            array[i] = old
            numeric[i] = (up - down) / 2 / 1e-4
            it.iternext()
        result[name] = np.max(np.abs(grad - numeric) / np.maximum(1e-8, np.abs(grad) + np.abs(numeric)))
    return result
""", GRADCHECK_CHECK),
    ("my_gradient_check", "the names dx, dW, db and float32 numbers", "PASS", GRADCHECK + """\
def my_gradient_check(layer, x, dout):
    out = layer.forward(x)
    dx = layer.backward(dout)
    loss = lambda _: float((layer.forward(x) * dout).sum())
    found = {"dx": np.float32(relative_error(dx, numerical_gradient(loss, x)))}
    if hasattr(layer, "W"):
        dW, db = layer.dW, layer.db
        found["dW"] = np.float32(relative_error(dW, numerical_gradient(loss, layer.W)))
        found["db"] = np.float32(relative_error(db, numerical_gradient(loss, layer.b)))
    return found
""", GRADCHECK_CHECK),
    ("my_gradient_check", "every parameter array found by name, errors by hand", "PASS", GRADCHECK + """\
def my_gradient_check(layer, x, dout):
    def L():
        return float(np.sum(dout * layer.forward(x)))

    L()
    dx = layer.backward(dout)
    pairs = {"x": (dx, x)}
    for name in ("W", "b", "gamma", "beta"):
        array = getattr(layer, name, None)
        if isinstance(array, np.ndarray):
            pairs[name] = (getattr(layer, "d" + name), array)
    out = {}
    for name, (a, array) in pairs.items():
        b = numerical_gradient(lambda _: L(), array)
        out[name] = float((np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-8)).max())
    return out
""", GRADCHECK_CHECK),
    ("my_gradient_check", "dout left out of the scalar", "FAIL", GRADCHECK + """\
def my_gradient_check(layer, x, dout):
    layer.forward(x)
    grads = {"x": layer.backward(dout), **{name: getattr(layer, "d" + name) for name in params(layer)}}
    f = lambda _: np.sum(layer.forward(x))
    return {name: relative_error(g, numerical_gradient(f, x if name == "x" else getattr(layer, name)))
            for name, g in grads.items()}
""", GRADCHECK_CHECK),
    ("my_gradient_check", "the numerical gradient of copies", "FAIL", GRADCHECK + """\
def my_gradient_check(layer, x, dout):
    layer.forward(x)
    grads = {"x": layer.backward(dout), **{name: getattr(layer, "d" + name) for name in params(layer)}}
    f = lambda _: np.sum(layer.forward(x) * dout)
    return {name: relative_error(g, numerical_gradient(f, (x if name == "x" else getattr(layer, name)).copy()))
            for name, g in grads.items()}
""", GRADCHECK_CHECK),
    ("my_gradient_check", "backward run after the nudges", "FAIL", GRADCHECK + """\
def my_gradient_check(layer, x, dout):
    f = lambda _: np.sum(layer.forward(x) * dout)
    layer.forward(x)
    numerical = {"x": numerical_gradient(f, x), **{n: numerical_gradient(f, getattr(layer, n)) for n in params(layer)}}
    dx = layer.backward(dout)
    analytic = {"x": dx, **{n: getattr(layer, "d" + n) for n in params(layer)}}
    return {n: relative_error(analytic[n], numerical[n]) for n in analytic}
""", GRADCHECK_CHECK),
    ("my_gradient_check", "the mean relative error", "FAIL", GRADCHECK + """\
def my_gradient_check(layer, x, dout):
    layer.forward(x)
    grads = {"x": layer.backward(dout), **{name: getattr(layer, "d" + name) for name in params(layer)}}
    f = lambda _: np.sum(layer.forward(x) * dout)
    errors = {}
    for name, a in grads.items():
        b = numerical_gradient(f, x if name == "x" else getattr(layer, name))
        errors[name] = np.mean(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)))
    return errors
""", GRADCHECK_CHECK),
    ("my_gradient_check", "no floor under the denominator", "FAIL", GRADCHECK + """\
def my_gradient_check(layer, x, dout):
    layer.forward(x)
    grads = {"x": layer.backward(dout), **{name: getattr(layer, "d" + name) for name in params(layer)}}
    f = lambda _: np.sum(layer.forward(x) * dout)
    errors = {}
    for name, a in grads.items():
        b = numerical_gradient(f, x if name == "x" else getattr(layer, name))
        errors[name] = np.max(np.abs(a - b) / (np.abs(a) + np.abs(b)))
    return errors
""", GRADCHECK_CHECK),
    ("my_gradient_check", "a one-sided difference", "FAIL", GRADCHECK + """\
def my_gradient_check(layer, x, dout):
    layer.forward(x)
    grads = {"x": layer.backward(dout), **{name: getattr(layer, "d" + name).copy() for name in params(layer)}}
    loss = lambda: np.sum(layer.forward(x) * dout)
    errors = {}
    for name, a in grads.items():
        array = x if name == "x" else getattr(layer, name)
        b = np.zeros_like(array)
        for i in np.ndindex(array.shape):
            base = loss()
            array[i] += 1e-4
            b[i] = (loss() - base) / 1e-4
            array[i] -= 1e-4
        errors[name] = relative_error(a, b)
    return errors
""", GRADCHECK_CHECK),
    ("my_gradient_check", "nudged elements never put back", "FAIL", GRADCHECK + """\
def my_gradient_check(layer, x, dout):
    layer.forward(x)
    grads = {"x": layer.backward(dout), **{name: getattr(layer, "d" + name).copy() for name in params(layer)}}
    loss = lambda: np.sum(layer.forward(x) * dout)
    errors = {}
    for name, a in grads.items():
        array = x if name == "x" else getattr(layer, name)
        b = np.zeros_like(array)
        for i in np.ndindex(array.shape):
            old = array[i]
            array[i] = old + 1e-4
            up = loss()
            array[i] = old - 1e-4
            b[i] = (up - loss()) / 2e-4
        errors[name] = relative_error(a, b)
    return errors
""", GRADCHECK_CHECK),
    ("my_gradient_check", "a step of 1e-2", "FAIL", GRADCHECK + """\
def my_gradient_check(layer, x, dout):
    layer.forward(x)
    grads = {"x": layer.backward(dout), **{name: getattr(layer, "d" + name) for name in params(layer)}}
    f = lambda _: np.sum(layer.forward(x) * dout)
    return {name: relative_error(g, numerical_gradient(f, x if name == "x" else getattr(layer, name), h=1e-2))
            for name, g in grads.items()}
""", GRADCHECK_CHECK),
    ("my_gradient_check", "only the input checked", "FAIL", GRADCHECK + """\
def my_gradient_check(layer, x, dout):
    layer.forward(x)
    dx = layer.backward(dout)
    return {"x": relative_error(dx, numerical_gradient(lambda _: np.sum(layer.forward(x) * dout), x))}
""", GRADCHECK_CHECK),
    ("my_gradient_check", "the per-element errors returned", "FAIL", GRADCHECK + """\
from common.gradient import relative_errors


def my_gradient_check(layer, x, dout):
    layer.forward(x)
    grads = {"x": layer.backward(dout), **{name: getattr(layer, "d" + name) for name in params(layer)}}
    f = lambda _: np.sum(layer.forward(x) * dout)
    return {name: relative_errors(g, numerical_gradient(f, x if name == "x" else getattr(layer, name)))
            for name, g in grads.items()}
""", GRADCHECK_CHECK),
    ("my_gradient_check", "the graded check's own driver", "FAIL", GRADCHECK + """\
from common.gradient import layer_gradients


def my_gradient_check(layer, x, dout):
    analytic, numerical = layer_gradients(layer, [x], dout)
    return {name: relative_error(analytic[name], numerical[name]) for name in analytic}
""", GRADCHECK_CHECK),
    ("my_gradient_check", "a list of numbers", "FAIL", GRADCHECK + """\
def my_gradient_check(layer, x, dout):
    layer.forward(x)
    grads = [(x, layer.backward(dout))] + [(getattr(layer, n), getattr(layer, "d" + n)) for n in params(layer)]
    f = lambda _: np.sum(layer.forward(x) * dout)
    return [relative_error(g, numerical_gradient(f, a)) for a, g in grads]
""", GRADCHECK_CHECK),

    # ---------- ThreeLayerNet ----------
    ("ThreeLayerNet", "on TwoLayerNet, the notebook's loop", "PASS", THREE + THREE_SOLUTION_INIT + "\n" + THREE_LOOP,
     THREE_CHECK),
    ("ThreeLayerNet", "from scratch, a list of layers and the book's names", "PASS", THREE + """\
from common.layers import SoftmaxWithLoss


class ThreeLayerNet:
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        sizes = [input_size, hidden_size, hidden_size, output_size]
        self.params = {}
        for i in range(1, 4):
            self.params[f"W{i}"] = weight_init_std * np.random.randn(sizes[i - 1], sizes[i])
            self.params[f"b{i}"] = np.zeros(sizes[i])
        p = self.params
        self.layers = [Affine(p["W1"], p["b1"]), Relu(), Affine(p["W2"], p["b2"]), Relu(), Affine(p["W3"], p["b3"])]
        self.lastLayer = SoftmaxWithLoss()

    def predict(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def loss(self, x, t):
        return self.lastLayer.forward(self.predict(x), t)

    def gradient(self, x, t):
        self.loss(x, t)
        dout = self.lastLayer.backward(1)
        for layer in self.layers[::-1]:
            dout = layer.backward(dout)
        affines = self.layers[0::2]
        grads = {}
        for i, layer in enumerate(affines, start=1):
            grads[f"W{i}"], grads[f"b{i}"] = layer.dW, layer.db
        return grads
""", THREE_CHECK),
    ("ThreeLayerNet", "an OrderedDict of its own, the last layer named last_layer", "PASS", THREE + """\
from collections import OrderedDict

from common.layers import SoftmaxWithLoss


class ThreeLayerNet:
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        shapes = {"W1": (input_size, hidden_size), "W2": (hidden_size, hidden_size), "W3": (hidden_size, output_size)}
        self.params = {}
        for k, shape in shapes.items():
            self.params[k] = weight_init_std * np.random.randn(*shape)
            self.params["b" + k[1]] = np.zeros(shape[1])
        self.layers = OrderedDict()
        for i in "123":
            self.layers["Affine" + i] = Affine(self.params["W" + i], self.params["b" + i])
            if i != "3":
                self.layers["Relu" + i] = Relu()
        self.last_layer = SoftmaxWithLoss()

    def loss(self, x, t):
        for layer in self.layers.values():
            x = layer.forward(x)
        return self.last_layer.forward(x, t)

    def gradient(self, x, t):
        self.loss(x, t)
        dout = self.last_layer.backward()
        for layer in list(self.layers.values())[::-1]:
            dout = layer.backward(dout)
        grads = {}
        for i in "123":
            grads["W" + i] = self.layers["Affine" + i].dW
            grads["b" + i] = self.layers["Affine" + i].db
        return grads
""", THREE_CHECK),
    ("ThreeLayerNet", "the layers built on copies of params", "FAIL", THREE + """\
class ThreeLayerNet(TwoLayerNet):
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        super().__init__(input_size, hidden_size, hidden_size, weight_init_std)
        self.params["W3"] = weight_init_std * np.random.randn(hidden_size, output_size)
        self.params["b3"] = np.zeros(output_size)
        self.layers["Relu2"] = Relu()
        self.layers["Affine3"] = Affine(self.params["W3"].copy(), self.params["b3"].copy())
""" + "\n" + THREE_LOOP, THREE_CHECK),
    ("ThreeLayerNet", "W3 and b3 not collected", "FAIL", THREE + THREE_SOLUTION_INIT + """
    def gradient(self, x, t):
        self.loss(x, t)
        dout = self.lastLayer.backward(1)
        for layer in reversed(self.layers.values()):
            dout = layer.backward(dout)
        return {"W1": self.layers["Affine1"].dW, "b1": self.layers["Affine1"].db,
                "W2": self.layers["Affine2"].dW, "b2": self.layers["Affine2"].db}
""", THREE_CHECK),
    ("ThreeLayerNet", "the second ReLU skipped in the backward pass", "FAIL", THREE + THREE_SOLUTION_INIT + """
    def gradient(self, x, t):
        self.loss(x, t)
        dout = self.lastLayer.backward(1)
        for name in ("Affine3", "Affine2", "Relu1", "Affine1"):
            dout = self.layers[name].backward(dout)
        return {key: getattr(self.layers["Affine" + key[1]], "d" + key[0]) for key in self.params}
""", THREE_CHECK),
    ("ThreeLayerNet", "W2 shaped (hidden, output) from the two-layer constructor", "FAIL", THREE + """\
class ThreeLayerNet(TwoLayerNet):
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        super().__init__(input_size, hidden_size, output_size, weight_init_std)
        self.params["W3"] = weight_init_std * np.random.randn(hidden_size, output_size)
        self.params["b3"] = np.zeros(output_size)
        self.layers["Relu2"] = Relu()
        self.layers["Affine3"] = Affine(self.params["W3"], self.params["b3"])
""" + "\n" + THREE_LOOP, THREE_CHECK),
    ("ThreeLayerNet", "a constructor that raises", "FAIL", THREE + """\
class ThreeLayerNet(TwoLayerNet):
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        super().__init__(input_size, hidden_size, hidden_size, weight_init_std)
        self.params["W3"] = weight_init_std * np.random.randn(output_size, hidden_size)
        self.layers["Affine3"] = Affine(self.params["W3"], self.params["b3"])
""" + "\n" + THREE_LOOP, THREE_CHECK),
    ("ThreeLayerNet", "the middle ReLU left out of the network", "FAIL", THREE + """\
class ThreeLayerNet(TwoLayerNet):
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        super().__init__(input_size, hidden_size, hidden_size, weight_init_std)
        self.params["W3"] = weight_init_std * np.random.randn(hidden_size, output_size)
        self.params["b3"] = np.zeros(output_size)
        self.layers["Affine3"] = Affine(self.params["W3"], self.params["b3"])
""" + "\n" + THREE_LOOP, THREE_CHECK),
    ("ThreeLayerNet", "float32 parameters", "PASS", THREE + """\
class ThreeLayerNet(TwoLayerNet):
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        super().__init__(input_size, hidden_size, hidden_size, weight_init_std, dtype=np.float32)
        self.params["W3"] = (weight_init_std * np.random.randn(hidden_size, output_size)).astype(np.float32)
        self.params["b3"] = np.zeros(output_size, dtype=np.float32)
        self.layers["Relu2"] = Relu()
        self.layers["Affine3"] = Affine(self.params["W3"], self.params["b3"])
""" + "\n" + THREE_LOOP, THREE_CHECK),
]
