"""A computational graph recorded from a real computation, for drawing.

Every operation node runs a real layer (MulLayer and AddLayer from
common.layers, or one of the one-input nodes below), so the values a figure
shows are the values the layers computed, forward and backward.

    g = Graph()
    apple, num, tax = g.input("apple", 100), g.input("apple num", 2), g.input("tax", 1.1)
    price = g.output(g.mul(g.mul(apple, num), tax), "price")
    g.backward(price)          # fills node.grad for every node
    draw_graph(g)              # common.draw
"""
import numpy as np

from common.layers import AddLayer, MulLayer


class Node:
    """A value in the graph: an input (op is None) or the output of an operation."""

    def __init__(self, name, value, op=None, inputs=(), layer=None):
        self.name, self.value, self.op, self.inputs, self.layer = name, value, op, list(inputs), layer
        self.grad = None        # d output / d this node
        self.edge_grads = None  # after backward: the gradient sent to each input along its edge

    def __repr__(self):
        return f"Node({self.name!r}, value={self.value!r}, grad={self.grad!r})"


class Scale:
    """y = c * x (drawn as a node labelled "×c"); dx = c * dy."""

    def __init__(self, c):
        self.c = c

    def forward(self, x):
        return self.c * x

    def backward(self, dout):
        return self.c * dout


class Shift:
    """y = x + c (drawn as "+c"); dx = dy."""

    def __init__(self, c):
        self.c = c

    def forward(self, x):
        return x + self.c

    def backward(self, dout):
        return dout


class Exp:
    """y = exp(x); dx = dy * y."""

    def forward(self, x):
        self.out = np.exp(x)
        return self.out

    def backward(self, dout):
        return dout * self.out


class Reciprocal:
    """y = 1 / x (drawn as "/"); dx = -dy * y**2."""

    def forward(self, x):
        self.out = 1 / x
        return self.out

    def backward(self, dout):
        return -dout * self.out**2


class Graph:
    def __init__(self):
        self.nodes, self.outputs = [], {}

    def input(self, name, value):
        node = Node(name, value)
        self.nodes.append(node)
        return node

    def apply(self, symbol, layer, *inputs, name=None):
        """A node that runs layer.forward on the inputs' values; symbol labels it."""
        node = Node(name or symbol, layer.forward(*(i.value for i in inputs)), symbol, inputs, layer)
        self.nodes.append(node)
        return node

    def mul(self, a, b, name=None):
        return self.apply("×", MulLayer(), a, b, name=name)

    def add(self, a, b, name=None):
        return self.apply("+", AddLayer(), a, b, name=name)

    def output(self, node, name):
        """Mark node as a result called name (drawn at the right end)."""
        self.outputs[name] = node
        return node

    def backward(self, node, dout=1):
        """Backpropagate dout from node: every node gets .grad, the derivative of node by it."""
        for n in self.nodes:
            n.grad = n.edge_grads = None
        node.grad = dout
        for n in reversed(self.nodes):  # nodes are recorded in forward order
            if n.op is None or n.grad is None:
                continue
            grads = n.layer.backward(n.grad)
            grads = grads if isinstance(grads, tuple) else (grads,)
            n.edge_grads = grads
            for i, g in zip(n.inputs, grads):
                i.grad = g if i.grad is None else i.grad + g


# --- the examples of the series ---------------------------------------------------------------

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


def backward_from_output(g, dout=1):
    """Run g.backward from its (only) output and return g."""
    (out,) = g.outputs.values()
    g.backward(out, dout)
    return g


SYMBOLS = {"Add": "+", "Sub": "−", "Mul": "×", "Div": "/", "Neg": "−x", "Exp": "exp", "Log": "log",
           "MatMul": "@", "Sum": "sum", "Reshape": "reshape", "Transpose": "T", "Relu": "relu"}


def graph_of(output, names=None):
    """A Graph (for common.draw) of what an autograd Variable was computed from.

    Leaves become inputs (named by Variable.name, or x0, x1, ...); every Function
    becomes an operation node; values and gradients are the Variables' own (run
    backward with retain_grad=True to see the intermediate ones).
    """
    names = names or {}
    order, seen = [], set()

    def visit(var):  # depth first: a variable after everything it depends on
        if id(var) in seen:
            return
        seen.add(id(var))
        for x in (var.creator.inputs if var.creator else []):
            visit(x)
        order.append(var)
    visit(output)
    g, nodes, leaves = Graph(), {}, 0
    for var in order:
        if var.creator is None:
            name = var.name or names.get(id(var)) or f"x{leaves}"
            leaves += 1
            node = g.input(name, var.data)
        else:
            func = var.creator
            symbol = SYMBOLS.get(type(func).__name__, type(func).__name__.lower())
            node = Node(var.name or symbol, var.data, symbol, [nodes[id(x)] for x in func.inputs], func)
            if var.grad is not None:  # what backward sent along each input edge
                grads = func.backward(var.grad)
                node.edge_grads = grads if isinstance(grads, tuple) else (grads,)
            g.nodes.append(node)
        node.grad = var.grad
        nodes[id(var)] = node
    g.output(nodes[id(output)], output.name or "y")
    return g
