"""graph_of: the autograd engine's recorded graph, with the values and gradients
its forward and backward passes computed, drawn by common.draw."""
import matplotlib.pyplot as plt
import numpy as np
import pytest

import common.autograd_ops as F
from common.autograd import Variable
from common.draw import draw_graph
from common.graph import graph_of


def drawn_labels(graph):
    fig = draw_graph(graph)
    labels = [t.get_text() for t in fig.axes[0].texts]
    plt.close(fig)
    return labels


def test_graph_of_draws_the_recorded_computation():
    x, y = Variable(np.array(2.0), name="x"), Variable(np.array(3.0), name="y")
    z = x * y + F.exp(x)
    z.backward(retain_grad=True)
    g = graph_of(z)
    assert [n.op for n in g.nodes] == [None, None, "×", "exp", "+"]
    assert [n.name for n in g.nodes if n.op is None] == ["x", "y"]
    assert float(g.nodes[0].grad) == pytest.approx(3 + np.exp(2))
    mul, exp = g.nodes[2], g.nodes[3]
    assert [float(e) for e in mul.edge_grads] == [3, 2] and float(exp.edge_grads[0]) == pytest.approx(np.exp(2))
    assert {"×", "exp", "+", "3", "2", "7.3891"} <= set(drawn_labels(g))


def test_split_is_one_node_and_its_edges_carry_what_backward_computed():
    x = Variable(np.array([[1.0, 2, 3], [4, 5, 6]]), name="x")
    a, b = F.split(x, [1])
    y = a * 2.0 + b * b
    y.backward(retain_grad=True)
    g = graph_of(y)
    assert graph_of(y).nodes[-1].edge_grads[0].tolist() == g.nodes[-1].edge_grads[0].tolist()  # asking again changes nothing
    (split,) = [n for n in g.nodes if n.op == "split"]
    (edge,) = split.edge_grads
    assert edge.shape == (2, 3) and edge.tolist() == x.grad.tolist() == [[2, 2, 2], [8, 10, 12]]
    assert [v.tolist() for v in split.value] == [[[1, 2, 3]], [[4, 5, 6]]]
    uses = [n for n in g.nodes if split in n.inputs]
    assert sorted([v.tolist() for n in uses for i, v in zip(n.inputs, n.edge_values) if i is split]) == \
        [[[1, 2, 3]], [[4, 5, 6]], [[4, 5, 6]]]  # b * b: b along two edges
    assert sorted(e.tolist() for n in uses for i, e in zip(n.inputs, n.edge_grads) if i is split) == \
        [[[2, 2, 2]], [[4, 5, 6]], [[4, 5, 6]]]
    labels = drawn_labels(g)
    assert labels.count(str(np.array([[4.0, 5, 6]]))) == 4  # b's two edges, forward and backward
    assert str(np.array([[2.0, 2, 2], [8, 10, 12]])) in labels


def test_without_retain_grad_only_the_leaves_have_gradients():
    x = Variable(np.array(2.0), name="x")
    y = F.exp(x) * 3
    y.backward()
    g = graph_of(y)
    assert [n.edge_grads for n in g.nodes] == [None, None, None, None]
    assert float(g.nodes[0].grad) == pytest.approx(3 * np.exp(2))


def test_log_node_backward_matches_a_central_difference():
    from common.graph import Log  # the engine's Log, recorded by the drawings too

    x, dout, h = np.array([0.2, 1.0, 3.5]), np.array([1.5, -0.5, 2.0]), 1e-5
    node = Log()
    assert np.allclose(node.forward(x), np.log(x))
    numerical = dout * (np.log(x + h) - np.log(x - h)) / (2 * h)
    assert np.allclose(node.backward(dout), numerical, rtol=1e-8)


def test_a_piece_of_a_split_that_no_longer_exists_gets_a_zero_gradient():
    x = Variable(np.arange(6.0).reshape(2, 3), name="x")
    y = F.split(x, [1])[0] * 3.0  # the second piece is collected at once
    y.backward(retain_grad=True)
    assert x.grad.tolist() == [[3, 3, 3], [0, 0, 0]]
    (split,) = [n for n in graph_of(y).nodes if n.op == "split"]
    assert split.edge_grads[0].tolist() == [[3, 3, 3], [0, 0, 0]]


def test_a_graph_of_thousands_of_operations_is_drawn_without_recursion():
    x = Variable(np.array(1.0), name="x")
    y = x
    for _ in range(3000):
        y = y * 1.0001
    y.backward(retain_grad=True)
    g = graph_of(y)
    assert len(g.nodes) == 3000 + 3001  # x, 3000 constants, 3000 products
    assert float(g.nodes[0].grad) == pytest.approx(1.0001 ** 3000)


def test_a_variable_used_by_an_operation_and_its_input_comes_after_both():
    x = Variable(np.array(2.0), name="x")
    y = x * F.exp(x) + x  # x feeds exp, the product and the sum
    y.backward(retain_grad=True)
    g = graph_of(y)
    position = {id(n): k for k, n in enumerate(g.nodes)}
    for node in g.nodes:
        assert all(position[id(i)] < position[id(node)] for i in node.inputs), node.name
    assert float(g.nodes[0].grad) == pytest.approx(np.exp(2) + 2 * np.exp(2) + 1)
