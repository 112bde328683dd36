"""A learner's attempts at the exercises of notebook 02 (backward through the graph), as data for a replay.

ATTEMPTS: (exercise name, label, expected verdict "PASS" or "FAIL", code, check). `code` defines the
learner's names (with its own imports); `check` is the notebook's own check cell, whose last line is
the check call (an expression whose value is the verdict). Run `code`, then `check`, in one fresh
namespace. The correct alternatives are written differently from the notebook's solutions; the
wrong ones are the usual slips.
"""

APPLE_ORANGE_CHECK = """\
from common.selfcheck import check_gradient


def price_of(apple, apple_num, orange, orange_num, tax):   # the forward pass only: the check differentiates it
    return (apple * apple_num + orange * orange_num) * tax


shop_points = [(100.0, 2.0, 150.0, 3.0, 1.1), (120.0, 4.0, 80.0, 5.0, 1.08), (1.5, -2.0, 0.5, 3.0, 0.9)]
check_gradient(apple_orange_grads, price_of, shop_points)
"""

PREDICT_CHECK = """\
from common.graph_examples import JA_NAMES, apple_orange_graph, backward_from_output
from common.stepper import GraphStepper
from common.selfcheck.stepper import check_predictions

apple_orange_quiz = GraphStepper(backward_from_output(apple_orange_graph()), names={"ja": JA_NAMES}, predict=True)
check_predictions(apple_orange_quiz, apple_orange_predictions)
"""

FORK_CHECK = """\
from common.selfcheck import check_gradient

check_gradient(grad_z, lambda x, y: (x + y) * (x - y), [(3.0, 1.0), (-1.5, 2.0), (0.5, 0.25)])
"""

DIV_CHECK = """\
from common.selfcheck import check_gradient

people_points = [(100.0, 2.0, 1.1, 3.0), (120.0, 5.0, 1.08, 4.0), (80.0, 3.0, 1.1, 2.5)]
check_gradient(per_person_grads, lambda apple, apple_num, tax, people: apple * apple_num * tax / people, people_points)
"""

FORWARD = """\
    apple_price = apple * apple_num
    orange_price = orange * orange_num
    all_price = apple_price + orange_price
    price = all_price * tax
    dprice = 1.0
"""

ATTEMPTS = [
    # ---------- apple_orange_grads ----------
    ("apple_orange_grads", "the book's order, returned as a list", "PASS", """\
def apple_orange_grads(apple, apple_num, orange, orange_num, tax):
""" + FORWARD + """\
    dall_price = dprice * tax
    dtax = dprice * all_price
    dapple_price = dall_price
    dorange_price = dall_price
    dorange, dorange_num = dorange_price * orange_num, dorange_price * orange
    dapple, dapple_num = dapple_price * apple_num, dapple_price * apple
    return [dapple, dapple_num, dorange, dorange_num, dtax]
""", APPLE_ORANGE_CHECK),
    ("apple_orange_grads", "through the real layers, as a NumPy array", "PASS", """\
import numpy as np
from common.layers import AddLayer, MulLayer

def apple_orange_grads(apple, apple_num, orange, orange_num, tax):
    mul_apple, mul_orange, add, mul_tax = MulLayer(), MulLayer(), AddLayer(), MulLayer()
    mul_tax.forward(add.forward(mul_apple.forward(apple, apple_num), mul_orange.forward(orange, orange_num)), tax)
    dall, dtax = mul_tax.backward(1.0)
    da, do = add.backward(dall)
    return np.array([*mul_apple.backward(da), *mul_orange.backward(do), dtax])
""", APPLE_ORANGE_CHECK),
    ("apple_orange_grads", "float32", "PASS", """\
import numpy as np

def apple_orange_grads(apple, apple_num, orange, orange_num, tax):
    a, an, o, on, t = np.float32([apple, apple_num, orange, orange_num, tax])
    dall_price = t
    return dall_price * an, dall_price * a, dall_price * on, dall_price * o, a * an + o * on
""", APPLE_ORANGE_CHECK),
    ("apple_orange_grads", "the + node halves the gradient between its branches", "FAIL", """\
def apple_orange_grads(apple, apple_num, orange, orange_num, tax):
""" + FORWARD + """\
    dall_price, dtax = dprice * tax, dprice * all_price
    dapple_price, dorange_price = dall_price / 2, dall_price / 2
    return (dapple_price * apple_num, dapple_price * apple, dorange_price * orange_num, dorange_price * orange,
            dtax)
""", APPLE_ORANGE_CHECK),
    ("apple_orange_grads", "the tax node's gradient not carried into the branches", "FAIL", """\
def apple_orange_grads(apple, apple_num, orange, orange_num, tax):
""" + FORWARD + """\
    dtax = dprice * all_price
    return apple_num, apple, orange_num, orange, dtax
""", APPLE_ORANGE_CHECK),
    ("apple_orange_grads", "no swap at the branch nodes", "FAIL", """\
def apple_orange_grads(apple, apple_num, orange, orange_num, tax):
""" + FORWARD + """\
    dall_price, dtax = dprice * tax, dprice * all_price
    return dall_price * apple, dall_price * apple_num, dall_price * orange, dall_price * orange_num, dtax
""", APPLE_ORANGE_CHECK),
    ("apple_orange_grads", "no swap at the tax node", "FAIL", """\
def apple_orange_grads(apple, apple_num, orange, orange_num, tax):
""" + FORWARD + """\
    dall_price, dtax = dprice * all_price, dprice * tax
    return dall_price * apple_num, dall_price * apple, dall_price * orange_num, dall_price * orange, dtax
""", APPLE_ORANGE_CHECK),
    ("apple_orange_grads", "dtax returned first", "FAIL", """\
def apple_orange_grads(apple, apple_num, orange, orange_num, tax):
""" + FORWARD + """\
    dall_price, dtax = dprice * tax, dprice * all_price
    return dtax, dall_price * apple_num, dall_price * apple, dall_price * orange_num, dall_price * orange
""", APPLE_ORANGE_CHECK),
    ("apple_orange_grads", "the tax's derivative forgotten (four values)", "FAIL", """\
def apple_orange_grads(apple, apple_num, orange, orange_num, tax):
""" + FORWARD + """\
    dall_price = dprice * tax
    return dall_price * apple_num, dall_price * apple, dall_price * orange_num, dall_price * orange
""", APPLE_ORANGE_CHECK),

    # ---------- grad_z ----------
    ("grad_z", "each node in a line of its own, a list", "PASS", """\
def grad_z(x, y):
    s, d = x + y, x - y
    dz = 1.0
    ds = dz * d
    dd = dz * s
    dx = ds + dd
    dy = ds - dd
    return [dx, dy]
""", FORK_CHECK),
    ("grad_z", "simplified to x**2 - y**2 first (allowed, not the point)", "PASS", """\
import numpy as np

def grad_z(x, y):
    return np.array([2 * x, -2 * y])
""", FORK_CHECK),
    ("grad_z", "the - node's dy taken as +1", "FAIL", """\
def grad_z(x, y):
    s, d = x + y, x - y
    ds, dd = d, s
    return ds + dd, ds + dd
""", FORK_CHECK),
    ("grad_z", "the fork rule forgotten: only the path through s", "FAIL", """\
def grad_z(x, y):
    s, d = x + y, x - y
    ds, dd = d, s
    return ds, ds
""", FORK_CHECK),
    ("grad_z", "the fork rule forgotten: only the path through d", "FAIL", """\
def grad_z(x, y):
    s, d = x + y, x - y
    ds, dd = d, s
    return dd, -dd
""", FORK_CHECK),
    ("grad_z", "the × node without the swap", "FAIL", """\
def grad_z(x, y):
    s, d = x + y, x - y
    ds, dd = s, d
    return ds + dd, ds - dd
""", FORK_CHECK),

    # ---------- per_person_grads ----------
    ("per_person_grads", "dpeople from the result, a tuple of floats", "PASS", """\
def per_person_grads(apple, apple_num, tax, people):
    apple_price = apple * apple_num
    price = apple_price * tax
    per_person = price / people
    dprice = 1.0 / people
    dpeople = -per_person / people
    return dprice * tax * apple_num, dprice * tax * apple, dprice * apple_price, dpeople
""", DIV_CHECK),
    ("per_person_grads", "the / node written as × (1 / people)", "PASS", """\
def per_person_grads(apple, apple_num, tax, people):
    apple_price = apple * apple_num
    price = apple_price * tax
    inverse = 1 / people                 # a 1/x node
    per_person = price * inverse         # a × node
    dprice, dinverse = inverse, price    # × node: swap
    dpeople = dinverse * (-1 / people ** 2)
    dapple_price, dtax = dprice * tax, dprice * apple_price
    return [dapple_price * apple_num, dapple_price * apple, dtax, dpeople]
""", DIV_CHECK),
    ("per_person_grads", "dz/dy without the minus sign", "FAIL", """\
def per_person_grads(apple, apple_num, tax, people):
    apple_price = apple * apple_num
    price = apple_price * tax
    dprice, dpeople = 1 / people, price / people ** 2
    return dprice * tax * apple_num, dprice * tax * apple, dprice * apple_price, dpeople
""", DIV_CHECK),
    ("per_person_grads", "dz/dy as -1 / y**2 (x forgotten)", "FAIL", """\
def per_person_grads(apple, apple_num, tax, people):
    apple_price = apple * apple_num
    price = apple_price * tax
    dprice, dpeople = 1 / people, -1 / people ** 2
    return dprice * tax * apple_num, dprice * tax * apple, dprice * apple_price, dpeople
""", DIV_CHECK),
    ("per_person_grads", "the / node's 1/y not passed on to the × nodes", "FAIL", """\
def per_person_grads(apple, apple_num, tax, people):
    apple_price = apple * apple_num
    price = apple_price * tax
    dpeople = -price / people ** 2
    return tax * apple_num, tax * apple, apple_price, dpeople
""", DIV_CHECK),
    ("per_person_grads", "dz/dx taken as y", "FAIL", """\
def per_person_grads(apple, apple_num, tax, people):
    apple_price = apple * apple_num
    price = apple_price * tax
    dprice, dpeople = people, -price / people ** 2
    return dprice * tax * apple_num, dprice * tax * apple, dprice * apple_price, dpeople
""", DIV_CHECK),
    ("apple_orange_predictions", "the values typed to 4 digits", "PASS", """\
def apple_orange_predictions():
    return [1.1, 650, 1.1, 1.1, 3.3, 165, 2.2, 110]
""", PREDICT_CHECK),
    ("apple_orange_predictions", "a tuple of float32 values, computed", "PASS", """\
import numpy as np

def apple_orange_predictions():
    tax, all_price = np.float32(1.1), np.float32(650)
    return tuple(np.float32(v) for v in (tax, all_price, tax, tax, tax * 3, tax * 150, tax * 2, tax * 100))
""", PREDICT_CHECK),
    ("apple_orange_predictions", "each x node's inputs swapped (the own input, not the other)", "FAIL", """\
def apple_orange_predictions():
    return [650, 1.1, 1.1, 1.1, 165, 3.3, 110, 2.2]
""", PREDICT_CHECK),
    ("apple_orange_predictions", "the upstream 1 everywhere", "FAIL", """\
def apple_orange_predictions():
    return [1, 650, 1, 1, 3, 150, 2, 100]
""", PREDICT_CHECK),
    ("apple_orange_predictions", "715 for tax (the price, not the all price)", "FAIL", """\
def apple_orange_predictions():
    return [1.1, 715, 1.1, 1.1, 3.3, 165, 2.2, 110]
""", PREDICT_CHECK),
    ("apple_orange_predictions", "the right values in another order", "FAIL", """\
def apple_orange_predictions():
    return [1.1, 650, 1.1, 1.1, 2.2, 110, 3.3, 165]
""", PREDICT_CHECK),
    ("apple_orange_predictions", "the + node halves its upstream gradient between the branches", "FAIL", """\
def apple_orange_predictions():
    return [1.1, 650, 0.55, 0.55, 1.65, 82.5, 1.1, 55]
""", PREDICT_CHECK),
    ("apple_orange_predictions", "fractions, as worked out on paper", "PASS", """\
from fractions import Fraction

def apple_orange_predictions():
    tax = Fraction(11, 10)
    return [tax, 650, tax, tax, tax * 3, tax * 150, tax * 2, tax * 100]
""", PREDICT_CHECK),
]
