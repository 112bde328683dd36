"""The example graphs of the series, recorded by common.graph: the notebooks show them and
figures/draw_figures.py draws them; JA_NAMES holds the book's Japanese names for their nodes,
for the Japanese edition's figures and steppers."""
from common.autograd_ops import Exp, Reciprocal, Scale, Shift
from common.graph import Graph, backward_from_output  # noqa: F401 (with the examples, as the notebooks use it)

JA_NAMES = {  # the book's words, figures 5-2 to 5-17
    "apple": "りんご", "apple num": "りんごの個数", "orange": "みかん", "orange num": "みかんの個数",
    "tax": "消費税", "price": "支払金額", "apple price": "りんごの価格", "orange price": "みかんの価格",
    "all price": "合計金額",
}


def apple_graph():
    """2 apples at 100 each, tax 1.1 -> price 220."""
    g = Graph()
    apple, num, tax = g.input("apple", 100), g.input("apple num", 2), g.input("tax", 1.1)
    g.output(g.mul(g.mul(apple, num, name="apple price"), tax, name="price"), "price")
    return g


def apple_orange_graph():
    """2 apples at 100 and 3 oranges at 150, tax 1.1 -> price 715."""
    g = Graph()
    apple, apple_num = g.input("apple", 100), g.input("apple num", 2)
    orange, orange_num = g.input("orange", 150), g.input("orange num", 3)
    tax = g.input("tax", 1.1)
    apple_price = g.mul(apple, apple_num, name="apple price")
    orange_price = g.mul(orange, orange_num, name="orange price")
    total = g.add(apple_price, orange_price, name="all price")
    g.output(g.mul(total, tax, name="price"), "price")
    return g


def sigmoid_graph(x=0.5):
    """y = 1 / (1 + exp(-x)) as the nodes ×-1, exp, +1 and /."""
    g = Graph()
    node = g.input("x", x)
    node = g.apply("×-1", Scale(-1), node)
    node = g.apply("exp", Exp(), node)
    node = g.apply("+1", Shift(1), node)
    g.output(g.apply("/", Reciprocal(), node), "y")
    return g


def node_graph(op, x=2.0, y=3.0):
    """One add ("+") or multiply ("×") node on inputs x and y."""
    g = Graph()
    a, b = g.input("x", x), g.input("y", y)
    g.output(g.add(a, b) if op == "+" else g.mul(a, b), "z")
    return g
