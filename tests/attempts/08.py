"""A learner's attempts at the exercises of notebook 08 (automatic differentiation), as data for a
replay.

ATTEMPTS: (exercise name, label, expected verdict "PASS" or "FAIL", code, check). `code` defines the
learner's names (with its own imports); `check` is the notebook's own check cell, whose last line is
the check call (an expression whose value is the verdict), after the imports the notebook made in
earlier cells. Run `code`, then `check`, in one fresh namespace. The correct alternatives are
written differently from the notebook's solutions; the wrong ones are the usual slips.
"""

ORDER_CHECK = """\
from common.selfcheck.training import check_backward_order

check_backward_order(backward_order)
"""

MUL_CHECK = """\
import numpy as np
from common.selfcheck import check_function

rng = np.random.default_rng(5)
a0, b0 = rng.uniform(-2, 2, (2, 1, 3)), rng.uniform(-2, 2, (4, 1))
check_function(MyMul, a0, b0)
"""

SIN_CHECK = """\
from common.selfcheck import check_function

check_function(Sin, [[0.1, 1.0, 2.0, -2.5]])
"""


def mul(backward, forward="        self.a, self.b = a, b\n        return a * b\n", helpers=""):
    return ("import numpy as np\nfrom common.autograd import Function\n\n" + helpers
            + "class MyMul(Function):\n    def forward(self, a, b):\n" + forward
            + "\n    def backward(self, gy):\n" + backward)


def sin(backward, forward="        self.x = x\n        return np.sin(x)\n"):
    return ("import numpy as np\nfrom common.autograd import Function\n\nclass Sin(Function):\n"
            "    def forward(self, x):\n" + forward + "\n    def backward(self, gy):\n" + backward)


SUM_TO = """\
def sum_to(g, shape):
    while g.ndim > len(shape):          # the axes broadcasting put in front
        g = g.sum(axis=0)
    for axis, n in enumerate(shape):    # the axes it stretched from length 1
        if n == 1 and g.shape[axis] != 1:
            g = g.sum(axis=axis, keepdims=True)
    return g


"""

ATTEMPTS = [
    # ---------- backward_order ----------
    ("backward_order", "depth first with an explicit stack, then reversed", "PASS", """\
def backward_order(y):
    order, seen, stack = [], set(), [(y.creator, False)]
    while stack:
        f, done = stack.pop()
        if done:
            order.append(f)
        elif f is not None and f not in seen:
            seen.add(f)
            stack.append((f, True))
            for x in f.inputs:
                stack.append((x.creator, False))
    order.reverse()
    return order
""", ORDER_CHECK),
    ("backward_order", "counting the users of each function (Kahn's algorithm)", "PASS", """\
def backward_order(y):
    users, todo, found = {}, [y.creator], set()
    while todo:
        f = todo.pop()
        if f in found:
            continue
        found.add(f)
        for x in f.inputs:
            if x.creator is not None:
                users[x.creator] = users.get(x.creator, 0) + 1
                todo.append(x.creator)
    ready, order = [y.creator], []
    while ready:
        f = ready.pop()
        order.append(f)
        for x in f.inputs:
            if x.creator is not None:
                users[x.creator] -= 1
                if users[x.creator] == 0:
                    ready.append(x.creator)
    return order
""", ORDER_CHECK),
    ("backward_order", "recursion that inserts at the front, returned as a tuple", "PASS", """\
def backward_order(y):
    order, seen = [], set()

    def visit(f):
        if f is not None and f not in seen:
            seen.add(f)
            for x in f.inputs:
                visit(x.creator)
            order.insert(0, f)

    visit(y.creator)
    return tuple(order)
""", ORDER_CHECK),
    ("backward_order", "a plain stack: discovery order", "FAIL", """\
def backward_order(y):
    order, stack, seen = [], [y.creator], {y.creator}
    while stack:
        f = stack.pop()
        order.append(f)
        for x in f.inputs:
            if x.creator is not None and x.creator not in seen:
                seen.add(x.creator)
                stack.append(x.creator)
    return order
""", ORDER_CHECK),
    ("backward_order", "breadth first from the output", "FAIL", """\
from collections import deque

def backward_order(y):
    order, queue, seen = [], deque([y.creator]), {y.creator}
    while queue:
        f = queue.popleft()
        order.append(f)
        for x in f.inputs:
            if x.creator is not None and x.creator not in seen:
                seen.add(x.creator)
                queue.append(x.creator)
    return order
""", ORDER_CHECK),
    ("backward_order", "depth first, appending before the inputs (pre-order)", "FAIL", """\
def backward_order(y):
    order, seen = [], set()

    def visit(f):
        if f is None or f in seen:
            return
        seen.add(f)
        order.append(f)
        for x in f.inputs:
            visit(x.creator)

    visit(y.creator)
    return order
""", ORDER_CHECK),
    ("backward_order", "the recording order, not reversed", "FAIL", """\
def backward_order(y):
    order, seen = [], set()

    def visit(f):
        if f is None or f in seen:
            return
        seen.add(f)
        for x in f.inputs:
            visit(x.creator)
        order.append(f)

    visit(y.creator)
    return order
""", ORDER_CHECK),
    ("backward_order", "sorted by generation after all", "FAIL", """\
def backward_order(y):
    found, todo = [], [y.creator]
    while todo:
        f = todo.pop()
        if f is not None and f not in found:
            found.append(f)
            todo.extend(x.creator for x in f.inputs)
    return sorted(found, key=lambda f: -f.generation)
""", ORDER_CHECK),
    ("backward_order", "no set of visited functions", "FAIL", """\
def backward_order(y):
    order = []

    def visit(f):
        if f is None:
            return
        for x in f.inputs:
            visit(x.creator)
        order.append(f)

    visit(y.creator)
    return order[::-1]
""", ORDER_CHECK),
    ("backward_order", "follows only the first input of each function", "FAIL", """\
def backward_order(y):
    order, f = [], y.creator
    while f is not None:
        order.append(f)
        f = f.inputs[0].creator
    return order
""", ORDER_CHECK),
    ("backward_order", "lists the variables instead of the functions", "FAIL", """\
def backward_order(y):
    order, seen = [], set()

    def visit(v):
        if id(v) in seen or v.creator is None:
            return
        seen.add(id(v))
        for x in v.creator.inputs:
            visit(x)
        order.append(v)

    visit(y)
    return order[::-1]
""", ORDER_CHECK),

    # ---------- MyMul ----------
    ("MyMul", "a sum_to helper with a while loop for the leading axes", "PASS", mul(
        "        return sum_to(gy * self.b, self.a.shape), sum_to(gy * self.a, self.b.shape)\n", helpers=SUM_TO),
     MUL_CHECK),
    ("MyMul", "both inputs broadcast in forward, shapes kept, sums over the stretched axes", "PASS", mul("""\
        ga, gb = gy * self.B, gy * self.A
        lead_a, lead_b = gy.ndim - len(self.a_shape), gy.ndim - len(self.b_shape)
        ga = ga.sum(axis=tuple(range(lead_a)))
        gb = gb.sum(axis=tuple(range(lead_b)))
        ga = ga.sum(axis=tuple(k for k, n in enumerate(self.a_shape) if n == 1), keepdims=True)
        gb = gb.sum(axis=tuple(k for k, n in enumerate(self.b_shape) if n == 1), keepdims=True)
        return ga, gb
""", forward="""\
        self.a_shape, self.b_shape = a.shape, b.shape
        self.A, self.B = np.broadcast_arrays(a, b)
        return self.A * self.B
"""), MUL_CHECK),
    ("MyMul", "the engine's own sum_to_shape", "PASS", mul("""\
        return sum_to_shape(gy * self.b, self.a.shape), sum_to_shape(gy * self.a, self.b.shape)
""", helpers="from common.autograd import sum_to_shape\n\n"), MUL_CHECK),
    ("MyMul", "no sum: gradients of y's shape", "FAIL", mul("        return gy * self.b, gy * self.a\n"), MUL_CHECK),
    ("MyMul", "summed without keepdims", "FAIL", mul("""\
        return (gy * self.b).sum(axis=1), (gy * self.a).sum(axis=(0, 2))
"""), MUL_CHECK),
    ("MyMul", "the inputs swapped", "FAIL", mul("        return sum_to(gy * self.a, self.a.shape), sum_to(gy * self.b, self.b.shape)\n",
                                               helpers=SUM_TO), MUL_CHECK),
    ("MyMul", "the mean over the copies instead of the sum", "FAIL", mul("""\
        ga = (gy * self.b).mean(axis=1, keepdims=True)
        gb = (gy * self.a).mean(axis=(0, 2), keepdims=True).reshape(self.b.shape)
        return ga, gb
"""), MUL_CHECK),
    ("MyMul", "only the leading axes summed", "FAIL", mul("""\
        ga, gb = gy * self.b, gy * self.a
        while ga.ndim > self.a.ndim:
            ga = ga.sum(axis=0)
        while gb.ndim > self.b.ndim:
            gb = gb.sum(axis=0)
        return ga, gb
"""), MUL_CHECK),
    ("MyMul", "gy multiplied in place", "FAIL", mul("""\
        ga = sum_to(gy * self.b, self.a.shape)
        gy *= self.a
        return ga, sum_to(gy, self.b.shape)
""", helpers=SUM_TO), MUL_CHECK),
    ("MyMul", "gy ignored", "FAIL", mul("""\
        ones = np.ones(np.broadcast(self.a, self.b).shape)
        return sum_to(ones * self.b, self.a.shape), sum_to(ones * self.a, self.b.shape)
""", helpers=SUM_TO), MUL_CHECK),

    # ---------- Sin ----------
    ("Sin", "cos as sin shifted by pi/2", "PASS", sin("        return gy * np.sin(self.x + np.pi / 2)\n"), SIN_CHECK),
    ("Sin", "the slope computed in forward and kept", "PASS", sin("        return self.slope * gy\n", forward="""\
        self.slope = np.cos(x)
        return np.sin(x)
"""), SIN_CHECK),
    ("Sin", "a copy of x kept, the gradient as a new float32 array", "PASS", sin(
        "        return (np.cos(self.x) * gy).astype(np.float32)\n",
        forward="        self.x = x.copy()\n        return np.sin(x)\n"), SIN_CHECK),
    ("Sin", "the slope from the output, sqrt(1 - y**2): the sign lost", "FAIL", sin(
        "        return gy * np.sqrt(1 - self.y ** 2)\n", forward="        self.y = np.sin(x)\n        return self.y\n"),
     SIN_CHECK),
    ("Sin", "-cos x: the sign of the derivative of cos", "FAIL", sin("        return -gy * np.cos(self.x)\n"), SIN_CHECK),
    ("Sin", "gy ignored", "FAIL", sin("        return np.cos(self.x)\n"), SIN_CHECK),
    ("Sin", "gy multiplied in place", "FAIL", sin("        gy *= np.cos(self.x)\n        return gy\n"), SIN_CHECK),
    ("Sin", "the cos of the output", "FAIL", sin(
        "        return gy * np.cos(self.y)\n", forward="        self.y = np.sin(x)\n        return self.y\n"),
     SIN_CHECK),
    ("Sin", "sin again, not its derivative", "FAIL", sin("        return gy * np.sin(self.x)\n"), SIN_CHECK),
    ("MyMul", "gradients computed in float32", "PASS", mul("""\
        g32 = gy.astype(np.float32)
        ga = np.sum(g32 * self.b.astype(np.float32), axis=1, keepdims=True)
        gb = np.sum(g32 * self.a.astype(np.float32), axis=(0, 2), keepdims=True).reshape(self.b.shape)
        return ga, gb
"""), MUL_CHECK),
]
