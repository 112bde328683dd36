"""A learner's attempts at the exercises of notebook 05 (Affine, Softmax-with-Loss, softmax's backward
pass), as data for a replay.

ATTEMPTS: (exercise name, label, expected verdict "PASS" or "FAIL", code, check). `code` defines the
learner's names (with its own imports); `check` is the notebook's own check cell, whose last line is
the check call (an expression whose value is the verdict). Run `code`, then `check`, in one fresh
namespace. The correct alternatives are written differently from the notebook's solutions; the
wrong ones are the usual slips.
"""

AFFINE_CHECK = """\
from common.selfcheck import check_affine

check_affine(MyAffine)
"""

SOFTMAX_WITH_LOSS_CHECK = """\
from common.selfcheck import check_softmax_with_loss

check_softmax_with_loss(MySoftmaxWithLoss)
"""

SOFTMAX_BACKWARD_CHECK = """\
from common.selfcheck.activations import check_softmax_backward

check_softmax_backward(softmax_backward)
"""

SWL_PREDICTIONS_CHECK = """\
import numpy as np
from common.graph import Exp, Graph, Log, Reciprocal, Scale
from common.selfcheck.stepper import check_predictions
from common.stepper import GraphStepper

a = np.array([0.3, 2.9, 4.0])
t = np.array([0.0, 1.0, 0.0])
k3 = (1, 2, 3)
g = Graph()
A = [g.input(f"a{k}", a[k - 1]) for k in k3]
E = [g.apply("exp", Exp(), node, name=f"e{k}") for k, node in zip(k3, A)]
e1_plus_e2 = g.add(E[0], E[1], name="e1 + e2")
S = g.add(e1_plus_e2, E[2], name="S")
inv_S = g.apply("/", Reciprocal(), S, name="1/S")
Y = [g.mul(e, inv_S, name=f"y{k}") for k, e in zip(k3, E)]
LOG = [g.apply("log", Log(), y, name=f"log y{k}") for k, y in zip(k3, Y)]
TERMS = [g.apply(f"×−t{k}", Scale(-t[k - 1]), node, name=f"-t{k} log y{k}") for k, node in zip(k3, LOG)]
first_two = g.add(TERMS[0], TERMS[1], name="first two terms")
L = g.output(g.add(first_two, TERMS[2], name="L"), "L")
g.backward(L)

swl_quiz = GraphStepper(g, predict=["y1", "y2", "y3", "1/S", "S", "a1", "a2", "a3"])
check_predictions(swl_quiz, swl_predictions)
"""

SETUP = '''import numpy as np

a = np.array([0.3, 2.9, 4.0])   # as the notebook's graph cell defines them
t = np.array([0.0, 1.0, 0.0])
'''

ATTEMPTS = [
    # ---------- MyAffine ----------
    ("MyAffine", "the book's 5.6.2 layer with np.dot", "PASS", """\
import numpy as np

class MyAffine:
    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        self.x = x
        return np.dot(x, self.W) + self.b

    def backward(self, dout):
        dx = np.dot(dout, self.W.T)
        self.dW = np.dot(self.x.T, dout)
        self.db = np.sum(dout, axis=0)
        return dx
""", AFFINE_CHECK),
    ("MyAffine", "loops over the batch: a sum of one-row gradients", "PASS", """\
import numpy as np

class MyAffine:
    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, dout):
        self.dW = np.zeros_like(self.W)
        self.db = np.zeros_like(self.b)
        for x_row, d_row in zip(self.x, dout):
            self.dW += np.outer(x_row, d_row)
            self.db += d_row
        return np.array([self.W @ d_row for d_row in dout])
""", AFFINE_CHECK),
    ("MyAffine", "einsum, and it flattens tensor input", "PASS", """\
import numpy as np

class MyAffine:
    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        self.shape = x.shape
        self.x = x.reshape(len(x), -1)
        return np.einsum("nd,dm->nm", self.x, self.W) + self.b

    def backward(self, dout):
        self.dW = np.einsum("nd,nm->dm", self.x, dout)
        self.db = dout.sum(0)
        return np.einsum("nm,dm->nd", dout, self.W).reshape(self.shape)
""", AFFINE_CHECK),
    ("MyAffine", "float32 throughout", "PASS", """\
import numpy as np

class MyAffine:
    def __init__(self, W, b):
        self.W, self.b = W.astype(np.float32), b.astype(np.float32)

    def forward(self, x):
        self.x = x.astype(np.float32)
        return self.x @ self.W + self.b

    def backward(self, dout):
        dout = dout.astype(np.float32)
        self.dW = self.x.T @ dout
        self.db = dout.sum(axis=0)
        return dout @ self.W.T
""", AFFINE_CHECK),
    ("MyAffine", "dW transposed: dout.T @ x", "FAIL", """\
import numpy as np

class MyAffine:
    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, dout):
        self.dW = dout.T @ self.x
        self.db = dout.sum(axis=0)
        return dout @ self.W.T
""", AFFINE_CHECK),
    ("MyAffine", "db summed over axis 1", "FAIL", """\
import numpy as np

class MyAffine:
    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, dout):
        self.dW = self.x.T @ dout
        self.db = dout.sum(axis=1)
        return dout @ self.W.T
""", AFFINE_CHECK),
    ("MyAffine", "db averaged over the batch", "FAIL", """\
import numpy as np

class MyAffine:
    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, dout):
        self.dW = self.x.T @ dout
        self.db = dout.mean(axis=0)
        return dout @ self.W.T
""", AFFINE_CHECK),
    ("MyAffine", "db = dout, no sum at all", "FAIL", """\
import numpy as np

class MyAffine:
    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, dout):
        self.dW = self.x.T @ dout
        self.db = dout
        return dout @ self.W.T
""", AFFINE_CHECK),
    ("MyAffine", "dW divided by the batch size", "FAIL", """\
import numpy as np

class MyAffine:
    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, dout):
        self.dW = self.x.T @ dout / len(dout)
        self.db = dout.sum(axis=0)
        return dout @ self.W.T
""", AFFINE_CHECK),
    ("MyAffine", "dx = dout @ W, W not transposed", "FAIL", """\
import numpy as np

class MyAffine:
    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, dout):
        self.dW = self.x.T @ dout
        self.db = dout.sum(axis=0)
        return dout @ self.W
""", AFFINE_CHECK),
    ("MyAffine", "forward does not keep x", "FAIL", """\
import numpy as np

class MyAffine:
    def __init__(self, W, b):
        self.W, self.b = W, b
        self.x = None

    def forward(self, x):
        return x @ self.W + self.b

    def backward(self, dout):
        self.dW = self.x.T @ dout
        self.db = dout.sum(axis=0)
        return dout @ self.W.T
""", AFFINE_CHECK),
    ("MyAffine", "dW accumulated over calls (+=)", "FAIL", """\
import numpy as np

class MyAffine:
    def __init__(self, W, b):
        self.W, self.b = W, b
        self.dW = np.zeros_like(W)

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, dout):
        self.dW += self.x.T @ dout
        self.db = dout.sum(axis=0)
        return dout @ self.W.T
""", AFFINE_CHECK),
    ("MyAffine", "updates W inside backward", "FAIL", """\
import numpy as np

class MyAffine:
    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, dout):
        dx = dout @ self.W.T
        self.dW = self.x.T @ dout
        self.db = dout.sum(axis=0)
        self.W -= 0.1 * self.dW
        return dx
""", AFFINE_CHECK),
    # ---------- MySoftmaxWithLoss ----------
    ("MySoftmaxWithLoss", "the book's layer, times dout", "PASS", """\
import numpy as np
from common.functions import cross_entropy_error, softmax

class MySoftmaxWithLoss:
    def forward(self, x, t):
        self.t = t
        self.y = softmax(x)
        self.loss = cross_entropy_error(self.y, self.t)
        return self.loss

    def backward(self, dout=1):
        batch_size = self.t.shape[0]
        return dout * (self.y - self.t) / batch_size
""", SOFTMAX_WITH_LOSS_CHECK),
    ("MySoftmaxWithLoss", "its own stable softmax and log(y + 1e-7)", "PASS", """\
import numpy as np

class MySoftmaxWithLoss:
    def forward(self, x, t):
        e = np.exp(x - x.max(axis=1, keepdims=True))
        self.y, self.t = e / e.sum(axis=1, keepdims=True), t
        return -np.sum(t * np.log(self.y + 1e-7)) / len(x)

    def backward(self, dout=1):
        return (self.y - self.t) * (dout / len(self.y))
""", SOFTMAX_WITH_LOSS_CHECK),
    ("MySoftmaxWithLoss", "a loop over the rows, labels from the one-hot t", "PASS", """\
import numpy as np
from common.functions import log_softmax

class MySoftmaxWithLoss:
    def forward(self, x, t):
        self.labels = t.argmax(axis=1)
        self.log_y = log_softmax(x)
        return -sum(row[k] for row, k in zip(self.log_y, self.labels)) / len(x)

    def backward(self, dout=1):
        dx = np.exp(self.log_y)
        for n, k in enumerate(self.labels):
            dx[n, k] -= 1
        return dx * dout / len(dx)
""", SOFTMAX_WITH_LOSS_CHECK),
    ("MySoftmaxWithLoss", "float32", "PASS", """\
import numpy as np
from common.functions import log_softmax

class MySoftmaxWithLoss:
    def forward(self, x, t):
        x = x.astype(np.float32)
        log_y = log_softmax(x)
        self.y, self.t = np.exp(log_y), t.astype(np.float32)
        return -np.sum(self.t * log_y) / len(x)

    def backward(self, dout=1):
        return (np.float32(dout) * (self.y - self.t) / len(self.y)).astype(np.float32)
""", SOFTMAX_WITH_LOSS_CHECK),
    ("MySoftmaxWithLoss", "the book's backward: ignores dout", "FAIL", """\
import numpy as np
from common.functions import cross_entropy_error, softmax

class MySoftmaxWithLoss:
    def forward(self, x, t):
        self.t, self.y = t, softmax(x)
        return cross_entropy_error(self.y, t)

    def backward(self, dout=1):
        return (self.y - self.t) / self.t.shape[0]
""", SOFTMAX_WITH_LOSS_CHECK),
    ("MySoftmaxWithLoss", "no division by the batch size", "FAIL", """\
import numpy as np
from common.functions import cross_entropy_error, softmax

class MySoftmaxWithLoss:
    def forward(self, x, t):
        self.t, self.y = t, softmax(x)
        return cross_entropy_error(self.y, t)

    def backward(self, dout=1):
        return dout * (self.y - self.t)
""", SOFTMAX_WITH_LOSS_CHECK),
    ("MySoftmaxWithLoss", "softmax without the max subtraction", "FAIL", """\
import numpy as np

class MySoftmaxWithLoss:
    def forward(self, x, t):
        e = np.exp(x)
        self.y, self.t = e / e.sum(axis=1, keepdims=True), t
        return -np.sum(t * np.log(self.y + 1e-7)) / len(x)

    def backward(self, dout=1):
        return dout * (self.y - self.t) / len(self.y)
""", SOFTMAX_WITH_LOSS_CHECK),
    ("MySoftmaxWithLoss", "t - y: the wrong sign", "FAIL", """\
import numpy as np
from common.functions import log_softmax, softmax

class MySoftmaxWithLoss:
    def forward(self, x, t):
        self.y, self.t = softmax(x), t
        return -np.sum(t * log_softmax(x)) / len(x)

    def backward(self, dout=1):
        return dout * (self.t - self.y) / len(self.y)
""", SOFTMAX_WITH_LOSS_CHECK),
    ("MySoftmaxWithLoss", "the loss summed over the batch, not averaged", "FAIL", """\
import numpy as np
from common.functions import log_softmax, softmax

class MySoftmaxWithLoss:
    def forward(self, x, t):
        self.y, self.t = softmax(x), t
        return -np.sum(t * log_softmax(x))

    def backward(self, dout=1):
        return dout * (self.y - self.t) / len(self.y)
""", SOFTMAX_WITH_LOSS_CHECK),
    ("MySoftmaxWithLoss", "y - t computed in place in self.y", "FAIL", """\
import numpy as np
from common.functions import log_softmax, softmax

class MySoftmaxWithLoss:
    def forward(self, x, t):
        self.y, self.t = softmax(x), t
        return -np.sum(t * log_softmax(x)) / len(x)

    def backward(self, dout=1):
        self.y -= self.t
        return dout * self.y / len(self.y)
""", SOFTMAX_WITH_LOSS_CHECK),
    ("MySoftmaxWithLoss", "the scores x where y belongs: (x - t) / N", "FAIL", """\
import numpy as np
from common.functions import log_softmax

class MySoftmaxWithLoss:
    def forward(self, x, t):
        self.x, self.t = x, t
        return -np.sum(t * log_softmax(x)) / len(x)

    def backward(self, dout=1):
        return dout * (self.x - self.t) / len(self.x)
""", SOFTMAX_WITH_LOSS_CHECK),
    ("MySoftmaxWithLoss", "divides by the number of classes", "FAIL", """\
import numpy as np
from common.functions import log_softmax, softmax

class MySoftmaxWithLoss:
    def forward(self, x, t):
        self.y, self.t = softmax(x), t
        return -np.sum(t * log_softmax(x)) / len(x)

    def backward(self, dout=1):
        return dout * (self.y - self.t) / self.t.shape[1]
""", SOFTMAX_WITH_LOSS_CHECK),
    # ---------- softmax_backward ----------
    ("softmax_backward", "the Jacobian of each row, built and multiplied", "PASS", """\
import numpy as np

def softmax_backward(y, g):
    rows = [(np.diag(r) - np.outer(r, r)) @ h for r, h in zip(np.atleast_2d(y), np.atleast_2d(g))]
    return np.reshape(rows, np.shape(y))
""", SOFTMAX_BACKWARD_CHECK),
    ("softmax_backward", "expanded: y * g - y * (g . y)", "PASS", """\
import numpy as np

def softmax_backward(y, g):
    dot = (g * y).sum(axis=-1, keepdims=True)
    return y * g - y * dot
""", SOFTMAX_BACKWARD_CHECK),
    ("softmax_backward", "a loop over the rows, element by element, as a list", "PASS", """\
def softmax_backward(y, g):
    if y.ndim == 1:
        dot = sum(gi * yi for gi, yi in zip(g, y))
        return [yj * (gj - dot) for yj, gj in zip(y, g)]
    return [softmax_backward(row_y, row_g) for row_y, row_g in zip(y, g)]
""", SOFTMAX_BACKWARD_CHECK),
    ("softmax_backward", "float32", "PASS", """\
import numpy as np

def softmax_backward(y, g):
    y, g = y.astype(np.float32), g.astype(np.float32)
    return y * (g - np.sum(g * y, axis=-1, keepdims=True))
""", SOFTMAX_BACKWARD_CHECK),
    ("softmax_backward", "y * g: the -y y^T part of the Jacobian forgotten", "FAIL", """\
def softmax_backward(y, g):
    return y * g
""", SOFTMAX_BACKWARD_CHECK),
    ("softmax_backward", "the factor y forgotten", "FAIL", """\
import numpy as np

def softmax_backward(y, g):
    return g - np.sum(g * y, axis=-1, keepdims=True)
""", SOFTMAX_BACKWARD_CHECK),
    ("softmax_backward", "the wrong sign", "FAIL", """\
import numpy as np

def softmax_backward(y, g):
    return y * (np.sum(g * y, axis=-1, keepdims=True) - g)
""", SOFTMAX_BACKWARD_CHECK),
    ("softmax_backward", "axis=1: fails on one row", "FAIL", """\
import numpy as np

def softmax_backward(y, g):
    return y * (g - np.sum(g * y, axis=1, keepdims=True))
""", SOFTMAX_BACKWARD_CHECK),
    ("softmax_backward", "no keepdims", "FAIL", """\
import numpy as np

def softmax_backward(y, g):
    return y * (g - np.sum(g * y, axis=-1))
""", SOFTMAX_BACKWARD_CHECK),
    ("softmax_backward", "summed over the batch (axis 0)", "FAIL", """\
import numpy as np

def softmax_backward(y, g):
    return y * (g - np.sum(g * y, axis=0, keepdims=True))
""", SOFTMAX_BACKWARD_CHECK),
    ("softmax_backward", "the whole array summed: one g . y for the batch", "FAIL", """\
import numpy as np

def softmax_backward(y, g):
    return y * (g - np.sum(g * y))
""", SOFTMAX_BACKWARD_CHECK),
    ("softmax_backward", "writes into g", "FAIL", """\
import numpy as np

def softmax_backward(y, g):
    g -= np.sum(g * y, axis=-1, keepdims=True)
    return y * g
""", SOFTMAX_BACKWARD_CHECK),
    ("softmax_backward", "takes softmax of y again, as if y were the scores", "FAIL", """\
import numpy as np
from common.functions import softmax

def softmax_backward(y, g):
    s = softmax(y)
    return s * (g - np.sum(g * s, axis=-1, keepdims=True))
""", SOFTMAX_BACKWARD_CHECK),
    # ---------- swl_predictions (the stepper's 11 questions on appendix A's graph) ----------
    ("swl_predictions", "typed to 4 decimals, as the stepper's drawing shows them", "PASS", """\
def swl_predictions():
    return [0, -4.0784, 0, 0, -74.1222, 0, -74.1222, 0.0135, 0.7366, -0.7548, 0.0182]
""", SWL_PREDICTIONS_CHECK),
    ("swl_predictions", "with the fused results: -t/y, -t*S, -S, 1/S, y - t (common.functions.softmax)", "PASS", SETUP + """\
from common.functions import softmax

def swl_predictions():
    y, S = softmax(a), np.exp(a).sum()
    to_y, to_inv_S = -t / y, -t * S
    d_a = y - t
    return [to_y[2], to_y[1], to_y[0], to_inv_S[2], to_inv_S[1], to_inv_S[0], -S, 1 / S, d_a[2], d_a[1], d_a[0]]
""", SWL_PREDICTIONS_CHECK),
    ("swl_predictions", "node by node in a loop from the right, float32", "PASS", SETUP + """\
def swl_predictions():
    e = np.exp(a).astype(np.float32)
    S = e.sum()
    out, to_y, to_inv_S = [], {}, []
    for k in (2, 1, 0):
        to_y[k] = -t[k] * 1 / (e[k] / S)
        out.append(to_y[k])
    for k in (2, 1, 0):
        to_inv_S.append(to_y[k] * e[k])
    out += to_inv_S + [sum(to_inv_S)]
    to_S = sum(to_inv_S) * (-1 / S**2)
    out.append(to_S)
    for k in (2, 1, 0):
        out.append((to_S + to_y[k] / S) * e[k])
    return out
""", SWL_PREDICTIONS_CHECK),
    ("swl_predictions", "the fork at 1/S not summed: one edge's gradient, the last to come back", "FAIL", SETUP + """\
def swl_predictions():
    e = np.exp(a)
    S = e.sum()
    to_y = -t / (e / S)
    to_inv_S = to_y * e
    whole = to_inv_S[0]                    # only y1's edge
    to_S = whole * -1 / S**2
    to_a = (to_S + to_y / S) * e
    return [*to_y[::-1], *to_inv_S[::-1], whole, to_S, *to_a[::-1]]
""", SWL_PREDICTIONS_CHECK),
    ("swl_predictions", "the forks at e_k not summed: a gets only the × node's path", "FAIL", SETUP + """\
def swl_predictions():
    e = np.exp(a)
    S = e.sum()
    to_y = -t / (e / S)
    to_inv_S = to_y * e
    to_S = to_inv_S.sum() * -1 / S**2
    to_a = (to_y / S) * e                  # the + node's path, to_S, forgotten
    return [*to_y[::-1], *to_inv_S[::-1], to_inv_S.sum(), to_S, *to_a[::-1]]
""", SWL_PREDICTIONS_CHECK),
    ("swl_predictions", "the × nodes' inputs swapped: 1/S gets upstream times 1/S", "FAIL", SETUP + """\
def swl_predictions():
    e = np.exp(a)
    S = e.sum()
    to_y = -t / (e / S)
    to_inv_S = to_y / S                    # should be times e_k, the other input
    to_S = to_inv_S.sum() * -1 / S**2
    to_a = (to_S + to_y / S) * e
    return [*to_y[::-1], *to_inv_S[::-1], to_inv_S.sum(), to_S, *to_a[::-1]]
""", SWL_PREDICTIONS_CHECK),
    ("swl_predictions", "the / node's derivative without its minus sign", "FAIL", SETUP + """\
def swl_predictions():
    e = np.exp(a)
    S = e.sum()
    to_y = -t / (e / S)
    to_inv_S = to_y * e
    to_S = to_inv_S.sum() / S**2
    to_a = (to_S + to_y / S) * e
    return [*to_y[::-1], *to_inv_S[::-1], to_inv_S.sum(), to_S, *to_a[::-1]]
""", SWL_PREDICTIONS_CHECK),
    ("swl_predictions", "log's derivative as 1/y without the -t_k from the ×(-t_k) node", "FAIL", SETUP + """\
def swl_predictions():
    e = np.exp(a)
    S = e.sum()
    y = e / S
    to_y = 1 / y
    to_inv_S = to_y * e
    to_S = to_inv_S.sum() * -1 / S**2
    to_a = (to_S + to_y / S) * e
    return [*to_y[::-1], *to_inv_S[::-1], to_inv_S.sum(), to_S, *to_a[::-1]]
""", SWL_PREDICTIONS_CHECK),
    ("swl_predictions", "in the order a1, a2, a3 (and y1, y2, y3) instead of the stepper's", "FAIL", SETUP + """\
def swl_predictions():
    y, S = np.exp(a) / np.exp(a).sum(), np.exp(a).sum()
    return [*(-t / y), *(-t * S), -S, 1 / S, *(y - t)]
""", SWL_PREDICTIONS_CHECK),
]
