"""A learner's attempts at the exercises of notebook 01 (computational graphs), as data for a replay.

ATTEMPTS: (exercise name, label, expected verdict "PASS" or "FAIL", code, check). `code` defines the
learner's names (with its own imports); `check` is the notebook's own check cell, whose last line is
the check call (an expression whose value is the verdict), with the definitions it needs from the
cells above it. Run `code`, then `check`, in one fresh namespace. The correct alternatives are written
differently from the notebook's solutions; the wrong ones are the usual slips.
"""

RUNS_CHECK = """\
import numpy as np
from common.gradient import numerical_gradient
from common.selfcheck import check_values


def counted_runs(kinds):                          # the grader: count the calls, do not compute
    calls = []

    def price(values):                            # values: price, number, price, number, ..., tax
        calls.append(1)
        return values[:-1:2] @ values[1:-1:2] * values[-1]

    numerical_gradient(price, np.ones(2 * kinds + 1))
    return len(calls)


check_values(forward_runs, counted_runs, [(1,), (2,), (5,), (100,)])
"""

DISCOUNT_CHECK = """\
from common.selfcheck import check_values


def price_of(apple, apple_num, orange, orange_num, tax):
    return (apple * apple_num + orange * orange_num) * tax


def discount_reference(apple, apple_num, orange, orange_num, discount, tax):   # the grader
    return price_of(apple, apple_num, orange, orange_num, tax) - (1 - discount) * orange * orange_num * tax


shops = [(100, 2, 150, 3, 0.95, 1.1), (120, 1, 80, 4, 0.9, 1.08), (100, 0, 150, 3, 0.5, 1.0), (90, 5, 60, 0, 0.8, 1.1)]
check_values(discount_price, discount_reference, shops)
"""

GRAPH_CHECK = """\
from common.selfcheck.graphs import check_graph


def price_of(apple, apple_num, orange, orange_num, tax):
    return (apple * apple_num + orange * orange_num) * tax


def delivery_reference(apple, apple_num, orange, orange_num, delivery, tax):   # the grader
    return price_of(apple, apple_num, orange, orange_num, tax) + delivery * tax


delivery_shops = [(100, 2, 150, 3, 300, 1.1), (120, 1, 80, 4, 250, 1.08), (90, 5, 60, 7, 500, 1.25)]
check_graph(delivery_graph, delivery_reference, delivery_shops)
"""

ATTEMPTS = [
    # ---------- forward_runs ----------
    ("forward_runs", "one formula: 4 kinds + 2", "PASS", """\
def forward_runs(kinds):
    return 4 * kinds + 2
""", RUNS_CHECK),
    ("forward_runs", "a loop over the inputs, two runs each", "PASS", """\
def forward_runs(kinds):
    runs = 0
    for _ in range(2 * kinds + 1):
        runs += 2
    return runs
""", RUNS_CHECK),
    ("forward_runs", "a float and a NumPy integer", "PASS", """\
import numpy as np

def forward_runs(kinds):
    return np.int64(2) * (2.0 * kinds + 1)
""", RUNS_CHECK),
    ("forward_runs", "the tax forgotten", "FAIL", """\
def forward_runs(kinds):
    return 2 * (2 * kinds)
""", RUNS_CHECK),
    ("forward_runs", "one run per input", "FAIL", """\
def forward_runs(kinds):
    return 2 * kinds + 1
""", RUNS_CHECK),
    ("forward_runs", "a forward difference's count (one base run, one per input)", "FAIL", """\
def forward_runs(kinds):
    return (2 * kinds + 1) + 1
""", RUNS_CHECK),
    ("forward_runs", "counted per kind, not per input", "FAIL", """\
def forward_runs(kinds):
    return 2 * kinds + 2
""", RUNS_CHECK),

    # ---------- discount_price ----------
    ("discount_price", "one line, the discount on the unit price", "PASS", """\
def discount_price(apple, apple_num, orange, orange_num, discount, tax):
    return (apple * apple_num + orange * discount * orange_num) * tax
""", DISCOUNT_CHECK),
    ("discount_price", "each branch taxed, then added", "PASS", """\
def discount_price(apple, apple_num, orange, orange_num, discount, tax):
    apple_taxed = apple * apple_num * tax
    orange_taxed = orange * orange_num * discount * tax
    return apple_taxed + orange_taxed
""", DISCOUNT_CHECK),
    ("discount_price", "float32 throughout", "PASS", """\
import numpy as np

def discount_price(apple, apple_num, orange, orange_num, discount, tax):
    a, an, o, on, d, t = (np.float32(v) for v in (apple, apple_num, orange, orange_num, discount, tax))
    return (a * an + o * on * d) * t
""", DISCOUNT_CHECK),
    ("discount_price", "the discount on the whole bill", "FAIL", """\
def discount_price(apple, apple_num, orange, orange_num, discount, tax):
    return (apple * apple_num + orange * orange_num) * discount * tax
""", DISCOUNT_CHECK),
    ("discount_price", "multiplied by the amount taken off (1 - discount)", "FAIL", """\
def discount_price(apple, apple_num, orange, orange_num, discount, tax):
    return (apple * apple_num + orange * orange_num * (1 - discount)) * tax
""", DISCOUNT_CHECK),
    ("discount_price", "the discount on the apples", "FAIL", """\
def discount_price(apple, apple_num, orange, orange_num, discount, tax):
    return (apple * apple_num * discount + orange * orange_num) * tax
""", DISCOUNT_CHECK),
    ("discount_price", "the discount subtracted as yen", "FAIL", """\
def discount_price(apple, apple_num, orange, orange_num, discount, tax):
    return (apple * apple_num + orange * orange_num - discount) * tax
""", DISCOUNT_CHECK),
    ("discount_price", "the tax forgotten", "FAIL", """\
def discount_price(apple, apple_num, orange, orange_num, discount, tax):
    return apple * apple_num + orange * orange_num * discount
""", DISCOUNT_CHECK),

    # ---------- delivery_graph ----------
    ("delivery_graph", "the fee added to the apples first, nodes in another order", "PASS", """\
from common.graph import Graph

def delivery_graph(apple, apple_num, orange, orange_num, delivery, tax):
    g = Graph()
    tax_node = g.input("tax", tax)
    fee = g.input("delivery", delivery)
    o = g.mul(g.input("orange", orange), g.input("orange num", orange_num))
    a = g.mul(g.input("apple", apple), g.input("apple num", apple_num))
    total = g.add(o, g.add(a, fee))
    g.output(g.mul(tax_node, total), "price")
    return g
""", GRAPH_CHECK),
    ("delivery_graph", "the fee taxed in a node of its own (tax forks)", "PASS", """\
from common.graph import Graph

def delivery_graph(apple, apple_num, orange, orange_num, delivery, tax):
    g = Graph()
    a, an = g.input("apple", apple), g.input("apple num", apple_num)
    o, on = g.input("orange", orange), g.input("orange num", orange_num)
    d, t = g.input("delivery", delivery), g.input("tax", tax)
    fruit = g.mul(g.add(g.mul(a, an), g.mul(o, on)), t, name="fruit with tax")
    fee = g.mul(d, t, name="delivery with tax")
    g.output(g.add(fruit, fee, name="price"), "price")
    return g
""", GRAPH_CHECK),
    ("delivery_graph", "returns the output node, built with g.apply and the layers", "PASS", """\
from common.graph import Graph
from common.layers import AddLayer, MulLayer

def delivery_graph(apple, apple_num, orange, orange_num, delivery, tax):
    g = Graph()
    names = ["apple", "apple num", "orange", "orange num", "delivery", "tax"]
    a, an, o, on, d, t = [g.input(n, v) for n, v in zip(names, (apple, apple_num, orange, orange_num, delivery, tax))]
    fruit = g.apply("+", AddLayer(), g.apply("×", MulLayer(), a, an), g.apply("×", MulLayer(), o, on))
    price = g.apply("×", MulLayer(), g.apply("+", AddLayer(), fruit, d), t)
    return g.output(price, "price")
""", GRAPH_CHECK),
    ("delivery_graph", "float32 inputs", "PASS", """\
import numpy as np
from common.graph import Graph

def delivery_graph(apple, apple_num, orange, orange_num, delivery, tax):
    g = Graph()
    f = np.float32
    a, an = g.input("apple", f(apple)), g.input("apple num", f(apple_num))
    o, on = g.input("orange", f(orange)), g.input("orange num", f(orange_num))
    d, t = g.input("delivery", f(delivery)), g.input("tax", f(tax))
    total = g.add(g.add(g.mul(a, an), g.mul(o, on)), d)
    g.output(g.mul(total, t), "price")
    return g
""", GRAPH_CHECK),
    ("delivery_graph", "the apple price computed outside the graph", "FAIL", """\
from common.graph import Graph

def delivery_graph(apple, apple_num, orange, orange_num, delivery, tax):
    g = Graph()
    apple_price = g.input("apple price", apple * apple_num)
    o, on = g.input("orange", orange), g.input("orange num", orange_num)
    d, t = g.input("delivery", delivery), g.input("tax", tax)
    total = g.add(g.add(apple_price, g.mul(o, on)), d)
    g.output(g.mul(total, t), "price")
    return g
""", GRAPH_CHECK),
    ("delivery_graph", "our shop's numbers typed in", "FAIL", """\
from common.graph import Graph

def delivery_graph(apple, apple_num, orange, orange_num, delivery, tax):
    g = Graph()
    a, an = g.input("apple", 100), g.input("apple num", 2)
    o, on = g.input("orange", 150), g.input("orange num", 3)
    d, t = g.input("delivery", delivery), g.input("tax", tax)
    total = g.add(g.add(g.mul(a, an), g.mul(o, on)), d)
    g.output(g.mul(total, t), "price")
    return g
""", GRAPH_CHECK),
    ("delivery_graph", "the fee added after the tax", "FAIL", """\
from common.graph import Graph

def delivery_graph(apple, apple_num, orange, orange_num, delivery, tax):
    g = Graph()
    a, an = g.input("apple", apple), g.input("apple num", apple_num)
    o, on = g.input("orange", orange), g.input("orange num", orange_num)
    d, t = g.input("delivery", delivery), g.input("tax", tax)
    taxed = g.mul(g.add(g.mul(a, an), g.mul(o, on)), t)
    g.output(g.add(taxed, d), "price")
    return g
""", GRAPH_CHECK),
    ("delivery_graph", "the tax recorded twice, once for each use", "FAIL", """\
from common.graph import Graph

def delivery_graph(apple, apple_num, orange, orange_num, delivery, tax):
    g = Graph()
    a, an = g.input("apple", apple), g.input("apple num", apple_num)
    o, on = g.input("orange", orange), g.input("orange num", orange_num)
    d = g.input("delivery", delivery)
    fruit = g.mul(g.add(g.mul(a, an), g.mul(o, on)), g.input("tax", tax))
    fee = g.mul(d, g.input("tax", tax))
    g.output(g.add(fruit, fee), "price")
    return g
""", GRAPH_CHECK),
    ("delivery_graph", "g.output forgotten", "FAIL", """\
from common.graph import Graph

def delivery_graph(apple, apple_num, orange, orange_num, delivery, tax):
    g = Graph()
    a, an = g.input("apple", apple), g.input("apple num", apple_num)
    o, on = g.input("orange", orange), g.input("orange num", orange_num)
    d, t = g.input("delivery", delivery), g.input("tax", tax)
    g.mul(g.add(g.add(g.mul(a, an), g.mul(o, on)), d), t)
    return g
""", GRAPH_CHECK),
    ("delivery_graph", "returns the price, not the graph", "FAIL", """\
from common.graph import Graph

def delivery_graph(apple, apple_num, orange, orange_num, delivery, tax):
    g = Graph()
    a, an = g.input("apple", apple), g.input("apple num", apple_num)
    o, on = g.input("orange", orange), g.input("orange num", orange_num)
    d, t = g.input("delivery", delivery), g.input("tax", tax)
    price = g.output(g.mul(g.add(g.add(g.mul(a, an), g.mul(o, on)), d), t), "price")
    return price.value
""", GRAPH_CHECK),
    ("delivery_graph", "the orange price recorded but the orange input added instead", "FAIL", """\
from common.graph import Graph

def delivery_graph(apple, apple_num, orange, orange_num, delivery, tax):
    g = Graph()
    a, an = g.input("apple", apple), g.input("apple num", apple_num)
    o, on = g.input("orange", orange), g.input("orange num", orange_num)
    d, t = g.input("delivery", delivery), g.input("tax", tax)
    g.mul(o, on, name="orange price")
    total = g.add(g.add(g.mul(a, an), o), d)
    g.output(g.mul(total, t), "price")
    return g
""", GRAPH_CHECK),
    ("delivery_graph", "the delivery fee left out", "FAIL", """\
from common.graph import Graph

def delivery_graph(apple, apple_num, orange, orange_num, delivery, tax):
    g = Graph()
    a, an = g.input("apple", apple), g.input("apple num", apple_num)
    o, on = g.input("orange", orange), g.input("orange num", orange_num)
    t = g.input("tax", tax)
    g.output(g.mul(g.add(g.mul(a, an), g.mul(o, on)), t), "price")
    return g
""", GRAPH_CHECK),
]
