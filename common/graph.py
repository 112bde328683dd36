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
        self.name = name
        self.value = value
        self.op = op                # the symbol drawn in its circle; None for an input
        self.inputs = list(inputs)  # the nodes whose values it takes, in order
        self.layer = layer          # what computes it: forward, and backward to fill edge_grads
        self.grad = None            # d output / d this node
        self.edge_grads = None      # after backward: the gradient sent to each input along its edge
        self.edge_values = None     # the value along each input edge, where it is not that input's value

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


class Log:
    """y = log(x) for x > 0, elementwise; dx = dy / x."""

    def forward(self, x):
        self.x = x
        return np.log(x)

    def backward(self, dout):
        return dout / self.x


class Graph:
    def __init__(self):
        self.nodes = []    # in the order they were computed
        self.outputs = {}  # name -> node, the results drawn at the right end

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

    Leaves become inputs (named by Variable.name, by names[id(variable)], or x0,
    x1, ...); every Function becomes one operation node. Values are the
    Variables' own; the gradient on each edge is the one the function's backward
    returned for that input, kept when backward ran with retain_grad=True
    (nothing is recomputed). A function with several outputs (split) is one node
    whose value is the tuple of its outputs; an edge leaving it carries the
    output it stands for.
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
    g, nodes, leaves = Graph(), {}, 0  # nodes: id(Variable or Function) -> Node
    for var in order:
        func = var.creator
        if func is None:
            name = var.name or names.get(id(var)) or f"x{leaves}"
            leaves += 1
            node = nodes[id(var)] = g.input(name, var.data)
            node.grad = var.grad
        elif id(func) not in nodes:  # func's first output: one node for the function
            symbol = SYMBOLS.get(type(func).__name__, type(func).__name__.lower())
            node = Node(var.name or symbol, var.data, symbol, [node_of(x, nodes) for x in func.inputs], func)
            node.grad = var.grad
            if len(func.outputs) > 1:
                outs = [y() for y in func.outputs]  # None where an output is no longer alive
                node.name = symbol
                node.value = tuple(None if y is None else y.data for y in outs)
                node.grad = tuple(None if y is None else y.grad for y in outs)
            node.edge_grads = func.input_grads  # what its backward returned for each input
            node.edge_values = [x.data for x in func.inputs]  # from a split: the piece, not the tuple
            nodes[id(func)] = node
            g.nodes.append(node)
    g.output(node_of(output, nodes), output.name or "y")
    return g


def node_of(var, nodes):
    """The Node that computed var: its own for a leaf, its creator's otherwise."""
    return nodes[id(var.creator if var.creator is not None else var)]
