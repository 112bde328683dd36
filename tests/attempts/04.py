"""A learner's attempts at the exercises of notebook 04 (activation layers), as data for a replay.

ATTEMPTS: (exercise name, label, expected verdict "PASS" or "FAIL", code, check). `code` defines the
learner's names (with its own imports); `check` is the notebook's own check cell, whose last line is
the check call (an expression whose value is the verdict). Run `code`, then `check`, in one fresh
namespace. The correct alternatives are written differently from the notebook's solutions; the
wrong ones are the usual slips.
"""

RELU_CHECK = """\
from common.functions import relu
from common.selfcheck.activations import check_activation_layer

check_activation_layer(MyRelu, relu)
"""

SIGMOID_CHECK = """\
from common.functions import sigmoid
from common.selfcheck.activations import check_activation_layer

check_activation_layer(MySigmoid, sigmoid)
"""

TANH_CHECK = """\
import numpy as np
from common.selfcheck.activations import check_activation_layer

check_activation_layer(Tanh, np.tanh)
"""

LEAKY_RELU_CHECK = """\
import numpy as np
from common.selfcheck.activations import check_activation_layer


def leaky_relu(x):  # the forward pass asked for, with alpha = 0.01
    return np.where(x > 0, x, 0.01 * x)


check_activation_layer(LeakyRelu, leaky_relu)
"""

SIGMOID_PREDICTIONS_CHECK = """\
from common.graph_examples import backward_from_output, sigmoid_graph
from common.selfcheck.stepper import check_predictions
from common.stepper import GraphStepper

sigmoid_quiz = GraphStepper(backward_from_output(sigmoid_graph(0.5)), predict=True)
check_predictions(sigmoid_quiz, sigmoid_predictions)
"""

ATTEMPTS = [
    # ---------- MyRelu ----------
    ("MyRelu", "keeps x, multiplies by the boolean (x > 0)", "PASS", """\
import numpy as np

class MyRelu:
    def forward(self, x):
        self.x = x
        return np.maximum(x, 0)

    def backward(self, dout):
        return dout * (self.x > 0)
""", RELU_CHECK),
    ("MyRelu", "the book's code on a copy of dout", "PASS", """\
import numpy as np

class MyRelu:
    def __init__(self):
        self.mask = None

    def forward(self, x):
        self.mask = (x <= 0)
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        dx = dout.copy()
        dx[self.mask] = 0
        return dx
""", RELU_CHECK),
    ("MyRelu", "float32 throughout", "PASS", """\
import numpy as np

class MyRelu:
    def forward(self, x):
        x = np.asarray(x, dtype=np.float32)
        self.positive = x > 0
        return np.where(self.positive, x, np.float32(0))

    def backward(self, dout):
        return np.where(self.positive, dout, 0).astype(np.float32)
""", RELU_CHECK),
    ("MyRelu", "a loop over every element, returned as nested lists", "PASS", """\
import numpy as np

class MyRelu:
    def forward(self, x):
        self.shape_x = x.shape
        self.keep = [v > 0 for v in x.ravel()]
        return np.array([v if v > 0 else 0.0 for v in x.ravel()]).reshape(x.shape)

    def backward(self, dout):
        flat = [d if k else 0.0 for d, k in zip(dout.ravel(), self.keep)]
        return np.array(flat).reshape(self.shape_x).tolist()
""", RELU_CHECK),
    ("MyRelu", "the book's in-place dout[mask] = 0", "FAIL", """\
import numpy as np

class MyRelu:
    def forward(self, x):
        self.mask = x <= 0
        return np.maximum(x, 0)

    def backward(self, dout):
        dout[self.mask] = 0
        return dout
""", RELU_CHECK),
    ("MyRelu", "the mask inverted", "FAIL", """\
import numpy as np

class MyRelu:
    def forward(self, x):
        self.mask = x <= 0
        return np.maximum(x, 0)

    def backward(self, dout):
        return np.where(self.mask, dout, 0)
""", RELU_CHECK),
    ("MyRelu", "returns the local derivative, ignoring dout", "FAIL", """\
import numpy as np

class MyRelu:
    def forward(self, x):
        self.x = x
        return np.maximum(x, 0)

    def backward(self, dout):
        return (self.x > 0).astype(float)
""", RELU_CHECK),
    ("MyRelu", "masks by the sign of dout instead of x", "FAIL", """\
import numpy as np

class MyRelu:
    def forward(self, x):
        return np.maximum(x, 0)

    def backward(self, dout):
        return np.where(dout > 0, dout, 0)
""", RELU_CHECK),
    ("MyRelu", "forward zeroes the caller's x in place", "FAIL", """\
import numpy as np

class MyRelu:
    def forward(self, x):
        self.mask = x <= 0
        x[self.mask] = 0
        return x

    def backward(self, dout):
        return np.where(self.mask, 0, dout)
""", RELU_CHECK),
    ("MyRelu", "forgets to keep the mask in forward", "FAIL", """\
import numpy as np

class MyRelu:
    def forward(self, x):
        mask = x <= 0
        return np.where(mask, 0, x)

    def backward(self, dout):
        return np.where(self.mask, 0, dout)
""", RELU_CHECK),
    ("MyRelu", "min instead of max, with a backward that matches it", "FAIL", """\
import numpy as np

class MyRelu:
    def forward(self, x):
        self.mask = x >= 0
        return np.minimum(x, 0)

    def backward(self, dout):
        return np.where(self.mask, 0, dout)
""", RELU_CHECK),
    # ---------- MySigmoid ----------
    ("MySigmoid", "node by node: dout * y**2 * exp(-x), keeping x and y", "PASS", """\
import numpy as np

class MySigmoid:
    def forward(self, x):
        self.x = x
        self.y = 1.0 / (1.0 + np.exp(-x))
        return self.y

    def backward(self, dout):
        return dout * self.y ** 2 * np.exp(-self.x)
""", SIGMOID_CHECK),
    ("MySigmoid", "keeps x only and recomputes sigmoid in backward", "PASS", """\
import numpy as np
from common.functions import sigmoid

class MySigmoid:
    def forward(self, x):
        self.x = x.copy()
        return sigmoid(x)

    def backward(self, dout):
        s = sigmoid(self.x)
        return s * (1 - s) * dout
""", SIGMOID_CHECK),
    ("MySigmoid", "float32 output and gradient", "PASS", """\
import numpy as np

class MySigmoid:
    def forward(self, x):
        self.out = (1 / (1 + np.exp(-x))).astype(np.float32)
        return self.out

    def backward(self, dout):
        return (dout * self.out * (1 - self.out)).astype(np.float32)
""", SIGMOID_CHECK),
    ("MySigmoid", "the four nodes' local derivatives multiplied one by one", "PASS", """\
import numpy as np

class MySigmoid:
    def forward(self, x):
        self.e = np.exp(-x)
        self.u = 1 + self.e
        return 1 / self.u

    def backward(self, dout):
        d_u = dout * (-1 / self.u ** 2)   # the / node
        d_e = d_u * 1                     # the +1 node
        d_w = d_e * self.e                # the exp node
        return d_w * -1                   # the x(-1) node
""", SIGMOID_CHECK),
    ("MySigmoid", "forgets dout", "FAIL", """\
import numpy as np

class MySigmoid:
    def forward(self, x):
        self.out = 1 / (1 + np.exp(-x))
        return self.out

    def backward(self, dout):
        return self.out * (1 - self.out)
""", SIGMOID_CHECK),
    ("MySigmoid", "a factor y missing: dout * (1 - y)", "FAIL", """\
import numpy as np

class MySigmoid:
    def forward(self, x):
        self.out = 1 / (1 + np.exp(-x))
        return self.out

    def backward(self, dout):
        return dout * (1 - self.out)
""", SIGMOID_CHECK),
    ("MySigmoid", "the x(-1) node forgotten: the wrong sign", "FAIL", """\
import numpy as np

class MySigmoid:
    def forward(self, x):
        self.out = 1 / (1 + np.exp(-x))
        return self.out

    def backward(self, dout):
        return -dout * self.out * (1 - self.out)
""", SIGMOID_CHECK),
    ("MySigmoid", "exp(x) where the exp node saw -x", "FAIL", """\
import numpy as np

class MySigmoid:
    def forward(self, x):
        self.x, self.out = x, 1 / (1 + np.exp(-x))
        return self.out

    def backward(self, dout):
        return dout * self.out ** 2 * np.exp(self.x)
""", SIGMOID_CHECK),
    ("MySigmoid", "dout *= y * (1 - y), in place", "FAIL", """\
import numpy as np

class MySigmoid:
    def forward(self, x):
        self.out = 1 / (1 + np.exp(-x))
        return self.out

    def backward(self, dout):
        dout *= self.out * (1 - self.out)
        return dout
""", SIGMOID_CHECK),
    ("MySigmoid", "backward overwrites the y that forward kept", "FAIL", """\
import numpy as np

class MySigmoid:
    def forward(self, x):
        self.out = 1 / (1 + np.exp(-x))
        return self.out

    def backward(self, dout):
        self.out = self.out * (1 - self.out)
        return dout * self.out
""", SIGMOID_CHECK),
    ("MySigmoid", "1 / (1 + exp(x)) forward, with a backward that matches it", "FAIL", """\
import numpy as np

class MySigmoid:
    def forward(self, x):
        self.out = 1 / (1 + np.exp(x))
        return self.out

    def backward(self, dout):
        return -dout * self.out * (1 - self.out)
""", SIGMOID_CHECK),
    # ---------- Tanh ----------
    ("Tanh", "1 / cosh(x)**2, keeping x", "PASS", """\
import numpy as np

class Tanh:
    def forward(self, x):
        self.x = x
        return np.tanh(x)

    def backward(self, dout):
        return dout / np.cosh(self.x) ** 2
""", TANH_CHECK),
    ("Tanh", "through the sigmoid: tanh(x) = 2 sigmoid(2x) - 1", "PASS", """\
import numpy as np
from common.functions import sigmoid

class Tanh:
    def forward(self, x):
        self.s = sigmoid(2 * x)
        return 2 * self.s - 1

    def backward(self, dout):
        return dout * 4 * self.s * (1 - self.s)
""", TANH_CHECK),
    ("Tanh", "(1 - y)(1 + y), float32", "PASS", """\
import numpy as np

class Tanh:
    def forward(self, x):
        self.y = np.tanh(x).astype(np.float32)
        return self.y

    def backward(self, dout):
        return ((1 - self.y) * (1 + self.y) * dout).astype(np.float32)
""", TANH_CHECK),
    ("Tanh", "1 - y, the square forgotten", "FAIL", """\
import numpy as np

class Tanh:
    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, dout):
        return dout * (1 - self.out)
""", TANH_CHECK),
    ("Tanh", "1 + y**2, a sign slip", "FAIL", """\
import numpy as np

class Tanh:
    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, dout):
        return dout * (1 + self.out ** 2)
""", TANH_CHECK),
    ("Tanh", "1 - x**2: the input where the output belongs", "FAIL", """\
import numpy as np

class Tanh:
    def forward(self, x):
        self.x = x
        return np.tanh(x)

    def backward(self, dout):
        return dout * (1 - self.x ** 2)
""", TANH_CHECK),
    ("Tanh", "ignores dout", "FAIL", """\
import numpy as np

class Tanh:
    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, dout):
        return 1 - self.out ** 2
""", TANH_CHECK),
    ("Tanh", "dout *= 1 - y**2, in place", "FAIL", """\
import numpy as np

class Tanh:
    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, dout):
        dout *= 1 - self.out ** 2
        return dout
""", TANH_CHECK),
    # ---------- LeakyRelu ----------
    ("LeakyRelu", "keeps x and picks the slope in backward", "PASS", """\
import numpy as np

class LeakyRelu:
    def __init__(self, alpha=0.01):
        self.alpha = alpha

    def forward(self, x):
        self.x = x
        return np.maximum(x, self.alpha * x)

    def backward(self, dout):
        return np.where(self.x > 0, dout, self.alpha * dout)
""", LEAKY_RELU_CHECK),
    ("LeakyRelu", "keeps an array of slopes (1 or alpha)", "PASS", """\
import numpy as np

class LeakyRelu:
    def __init__(self, alpha=0.01):
        self.alpha = alpha

    def forward(self, x):
        self.slope = np.where(x > 0, 1.0, self.alpha)
        return self.slope * x

    def backward(self, dout):
        return self.slope * dout
""", LEAKY_RELU_CHECK),
    ("LeakyRelu", "the book's style on a copy: dx[mask] *= alpha", "PASS", """\
import numpy as np

class LeakyRelu:
    def __init__(self, alpha=0.01):
        self.alpha = alpha
        self.mask = None

    def forward(self, x):
        self.mask = x <= 0
        out = x.copy()
        out[self.mask] *= self.alpha
        return out

    def backward(self, dout):
        dx = dout.copy()
        dx[self.mask] *= self.alpha
        return dx
""", LEAKY_RELU_CHECK),
    ("LeakyRelu", "ReLU's backward: 0 where x <= 0, alpha forgotten", "FAIL", """\
import numpy as np

class LeakyRelu:
    def __init__(self, alpha=0.01):
        self.alpha = alpha

    def forward(self, x):
        self.mask = x <= 0
        return np.where(self.mask, self.alpha * x, x)

    def backward(self, dout):
        return np.where(self.mask, 0, dout)
""", LEAKY_RELU_CHECK),
    ("LeakyRelu", "the slope on the wrong side, in forward and backward alike", "FAIL", """\
import numpy as np

class LeakyRelu:
    def __init__(self, alpha=0.01):
        self.alpha = alpha

    def forward(self, x):
        self.mask = x > 0
        return np.where(self.mask, self.alpha * x, x)

    def backward(self, dout):
        return np.where(self.mask, self.alpha * dout, dout)
""", LEAKY_RELU_CHECK),
    ("LeakyRelu", "the book's dout[mask] *= alpha, in place", "FAIL", """\
import numpy as np

class LeakyRelu:
    def __init__(self, alpha=0.01):
        self.alpha = alpha

    def forward(self, x):
        self.mask = x <= 0
        return np.where(self.mask, self.alpha * x, x)

    def backward(self, dout):
        dout[self.mask] *= self.alpha
        return dout
""", LEAKY_RELU_CHECK),
    ("LeakyRelu", "the forward's value alpha * x where the slope alpha belongs", "FAIL", """\
import numpy as np

class LeakyRelu:
    def __init__(self, alpha=0.01):
        self.alpha = alpha

    def forward(self, x):
        self.x = x
        return np.where(x > 0, x, self.alpha * x)

    def backward(self, dout):
        return np.where(self.x > 0, dout, self.alpha * self.x * dout)
""", LEAKY_RELU_CHECK),
    ("LeakyRelu", "returns the slopes, ignoring dout", "FAIL", """\
import numpy as np

class LeakyRelu:
    def __init__(self, alpha=0.01):
        self.alpha = alpha

    def forward(self, x):
        self.mask = x <= 0
        return np.where(self.mask, self.alpha * x, x)

    def backward(self, dout):
        return np.where(self.mask, self.alpha, 1.0)
""", LEAKY_RELU_CHECK),
    # ---------- sigmoid_predictions (the stepper's 4 questions, from the / node back to x) ----------
    ("sigmoid_predictions", "typed to 4 decimals, as the stepper's drawing shows them", "PASS", """\
def sigmoid_predictions():
    return [-0.3875, -0.3875, -0.235, 0.235]
""", SIGMOID_PREDICTIONS_CHECK),
    ("sigmoid_predictions", "a loop over the local derivatives, right to left, as a NumPy array", "PASS", """\
import numpy as np

def sigmoid_predictions():
    x = 0.5
    u = 1 + np.exp(-x)
    local = [-1 / u**2, 1.0, np.exp(-x), -1.0]   # /, +1, exp, ×-1
    grads, upstream = [], 1.0
    for d in local:
        upstream = upstream * d
        grads.append(upstream)
    return np.array(grads)
""", SIGMOID_PREDICTIONS_CHECK),
    ("sigmoid_predictions", "y(1 - y) for the last one, a tuple, float32", "PASS", """\
import numpy as np

def sigmoid_predictions():
    y = np.float32(1 / (1 + np.exp(-0.5)))
    return (-y * y, -y * y, -y * y * np.float32(np.exp(-0.5)), y * (1 - y))
""", SIGMOID_PREDICTIONS_CHECK),
    ("sigmoid_predictions", "the / node's derivative without its minus sign", "FAIL", """\
import numpy as np

def sigmoid_predictions():
    y = 1 / (1 + np.exp(-0.5))
    return [y**2, y**2, y**2 * np.exp(-0.5), -(y**2) * np.exp(-0.5)]
""", SIGMOID_PREDICTIONS_CHECK),
    ("sigmoid_predictions", "1/u's derivative taken as -1/u (the square forgotten)", "FAIL", """\
import numpy as np

def sigmoid_predictions():
    u = 1 + np.exp(-0.5)
    g = -1 / u
    return [g, g, g * np.exp(-0.5), -g * np.exp(-0.5)]
""", SIGMOID_PREDICTIONS_CHECK),
    ("sigmoid_predictions", "exp's derivative at the wrong point, exp(x) instead of exp(-x)", "FAIL", """\
import numpy as np

def sigmoid_predictions():
    y = 1 / (1 + np.exp(-0.5))
    return [-y**2, -y**2, -y**2 * np.exp(0.5), y**2 * np.exp(0.5)]
""", SIGMOID_PREDICTIONS_CHECK),
    ("sigmoid_predictions", "the forward values instead of the gradients", "FAIL", """\
def sigmoid_predictions():
    return [0.6225, 1.6065, 0.6065, -0.5]
""", SIGMOID_PREDICTIONS_CHECK),
    ("sigmoid_predictions", "in the forward order, from x to the / node", "FAIL", """\
def sigmoid_predictions():
    return [0.235, -0.235, -0.3875, -0.3875]
""", SIGMOID_PREDICTIONS_CHECK),
    ("sigmoid_predictions", "the ×-1 node left out: 3 values", "FAIL", """\
def sigmoid_predictions():
    return [-0.3875, -0.3875, -0.235]
""", SIGMOID_PREDICTIONS_CHECK),
    ("sigmoid_predictions", "rounded to 2 decimals, outside the 0.1 % the task states", "FAIL", """\
def sigmoid_predictions():
    return [-0.39, -0.39, -0.24, 0.24]
""", SIGMOID_PREDICTIONS_CHECK),
]
