"""A computational graph recorded from a real computation, for drawing.

Every operation node runs a real layer: MulLayer and AddLayer from common.layers, or
one of the autograd engine's one-input operations (Exp, Log, Reciprocal, Scale, Shift
from common.autograd_ops, whose forward and backward are a layer's), so the values a
figure shows are the values the layers computed, forward and backward. graph_of turns
what the autograd engine recorded into such a Graph. The example graphs of the series
are in common.graph_examples.

    g = Graph()
    apple, num, tax = g.input("apple", 100), g.input("apple num", 2), g.input("tax", 1.1)
    price = g.output(g.mul(g.mul(apple, num), tax), "price")
    g.backward(price)          # fills node.grad for every node
    draw_graph(g)              # common.draw
"""
from common.autograd import output_grads
from common.autograd_ops import Exp, Log, Reciprocal, Scale, Shift  # noqa: F401 (the one-input nodes)
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
    x1, ...); every Function becomes one operation node. Values are the Variables' own,
    gradients those kept by backward(retain_grad=True); the gradient on each edge is what
    the function's backward gives for that input from its outputs' gradients (asked
    again here: a backward only reads what its forward kept). A function with several
    outputs (split) is one node whose value is the tuple of its outputs; an edge leaving
    it carries the output it stands for. A Function may name its own symbol (its attribute symbol).
    """
    names = names or {}
    g, nodes, leaves = Graph(), {}, 0  # nodes: id(Variable or Function) -> Node
    for var in _dependencies_first(output):
        func = var.creator
        if func is None:
            name = var.name or names.get(id(var)) or f"x{leaves}"
            leaves += 1
            node = nodes[id(var)] = g.input(name, var.data)
            node.grad = var.grad
        elif id(func) not in nodes:  # func's first output: one node for the function
            symbol = getattr(func, "symbol", None) or SYMBOLS.get(type(func).__name__, type(func).__name__.lower())
            node = Node(var.name or symbol, var.data, symbol, [node_of(x, nodes) for x in func.inputs], func)
            outs = [y() for y in func.outputs]  # None where an output is no longer alive
            node.grad = var.grad
            if len(outs) > 1:
                node.name = symbol
                node.value = tuple(None if y is None else y.data for y in outs)
                node.grad = tuple(None if y is None else y.grad for y in outs)
            node.edge_grads = _edge_grads(func, outs)
            node.edge_values = [x.data for x in func.inputs]  # from a split: the piece, not the tuple
            nodes[id(func)] = node
            g.nodes.append(node)
    g.output(node_of(output, nodes), output.name or "y")
    return g


def _dependencies_first(output):
    """Every Variable output depends on, each after all it depends on (an iterative depth-first
    walk: a graph of thousands of operations needs no recursion)."""
    order, done, stack = [], set(), [(output, False)]
    while stack:
        var, expanded = stack.pop()
        if id(var) in done:
            continue
        if expanded:  # everything var depends on is in order by now
            done.add(id(var))
            order.append(var)
            continue
        stack.append((var, True))
        for x in reversed(var.creator.inputs if var.creator else []):
            if id(x) not in done:
                stack.append((x, False))
    return order


def _edge_grads(func, outs):
    """What func.backward sends to each input, or None when its outputs kept no gradient
    (backward ran without retain_grad, or has not run)."""
    if all(y is None or y.grad is None for y in outs):
        return None
    gxs = func.backward(*output_grads(func))
    return gxs if isinstance(gxs, tuple) else (gxs,)


def node_of(var, nodes):
    """The Node that computed var: its own for a leaf, its creator's otherwise."""
    return nodes[id(var.creator if var.creator is not None else var)]
