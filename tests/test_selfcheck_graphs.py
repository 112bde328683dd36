"""common.selfcheck.graphs judges right: check_graph (notebook 01's recorded graph) and
check_two_input_layer (notebook 03's DivLayer and MaxLayer). Correct alternatives PASS, the usual
slips FAIL with the hint that names them, skeletons say NOT DONE YET, and nothing the learner's
code raises escapes. The learner's attempts of notebooks 01-03 (tests/attempts/01.py, 02.py, 03.py)
are replayed through the notebooks' own check cells, each wrong one with the hint it must get."""
import ast
import importlib.util
import warnings
from pathlib import Path

import numpy as np
import pytest

from common.graph import Graph
from common.layers import AddLayer, MulLayer
from common.selfcheck import progress
from common.selfcheck.graphs import check_graph, check_two_input_layer
from common.selfcheck.progress import forget

ATTEMPTS_DIR = Path(__file__).resolve().parent / "attempts"


def load_attempts(stem):
    spec = importlib.util.spec_from_file_location(f"attempts_{stem}", ATTEMPTS_DIR / f"{stem}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [(stem, *attempt) for attempt in module.ATTEMPTS]


def replay(code, check):
    """Run the learner's code, then the check cell, in one fresh namespace; the verdict of its last line."""
    namespace = {"__name__": "__main__"}
    tree = ast.parse(check)
    last = ast.Expression(tree.body.pop().value)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        exec(compile(code, "<learner>", "exec"), namespace)  # noqa: S102 - the test's own attempt data
        exec(compile(tree, "<check>", "exec"), namespace)  # noqa: S102
        return eval(compile(last, "<check>", "eval"), namespace)  # noqa: S307


ATTEMPTS = load_attempts("01") + load_attempts("02") + load_attempts("03")

# The hint each wrong attempt must get (a part of its text), by exercise and label.
HINTS = {
    "apple_orange_predictions": {
        "each x node's inputs swapped (the own input, not the other)": "that is the gradient sent to tax",
        "the upstream 1 everywhere": "that is the upstream gradient, unchanged",
        "715 for tax (the price, not the all price)": "that is a value of the forward pass, not a gradient",
        "the right values in another order": "these are the right values in another order",
        "the + node halves its upstream gradient between the branches": "a + node passes the upstream gradient on unchanged",
    },
    "forward_runs": {
        "the tax forgotten": "forward_runs(1) gave 4, expected 6",
        "one run per input": "forward_runs(1) gave 3, expected 6",
        "a forward difference's count (one base run, one per input)": "forward_runs(2) gave 6, expected 10",
        "counted per kind, not per input": "forward_runs(5) gave 12, expected 22",
    },
    "discount_price": {
        "the discount on the whole bill": "gave 679.25, expected 690.25",
        "multiplied by the amount taken off (1 - discount)": "gave 244.75, expected 690.25",
        "the discount on the apples": "gave 704, expected 690.25",
        "the discount subtracted as yen": "gave 713.955, expected 690.25",
        "the tax forgotten": "gave 627.5, expected 690.25",
    },
    "delivery_graph": {
        "the apple price computed outside the graph": "input node 'apple price' holds 200, which is none of the",
        "our shop's numbers typed in": "a number typed in: record the arguments (apple, apple_num, orange, "
                                       "orange_num) instead",
        "the fee added after the tax": "the output 'price' is 1015, expected 1045",
        "the tax recorded twice, once for each use": "the argument tax is 2 input nodes",
        "g.output forgotten": "g.output(node, \"price\")",
        "returns the price, not the graph": "returned the number 1045, not the Graph",
        "the orange price recorded but the orange input added instead": "'orange price' lead nowhere",
        "the delivery fee left out": "the argument delivery (300) is not an input of your graph",
    },
    "apple_orange_grads": {
        "the + node halves the gradient between its branches": "df/dapple is 1.1, expected 2.2",
        "the tax node's gradient not carried into the branches": "df/dapple is 2, expected 2.2",
        "no swap at the branch nodes": "df/dapple is 110, expected 2.2",
        "no swap at the tax node": "df/dtax is 1.1, expected 650",
        "dtax returned first": "df/dapple is 650, expected 2.2",
        "the tax's derivative forgotten (four values)": "returned 4 value(s), expected 5 partial derivatives",
    },
    "grad_z": {
        "the - node's dy taken as +1": "df/dy is wrong",
        "the fork rule forgotten: only the path through s": "df/dx is wrong",
        "the fork rule forgotten: only the path through d": "df/dx is wrong",
        "the × node without the swap": "df/dy is 2, expected -2",
    },
    "per_person_grads": {
        "dz/dy without the minus sign": "df/dpeople is wrong",
        "dz/dy as -1 / y**2 (x forgotten)": "df/dpeople is wrong",
        "the / node's 1/y not passed on to the × nodes": "df/dapple is wrong",
        "dz/dx taken as y": "df/dapple is wrong",
    },
    "DivLayer": {
        "MulLayer copied (forward x * y)": "forward's output is wrong",
        "dz/dy without the minus sign": "dy is wrong",
        "dz/dy as -1 / y**2 (x forgotten)": "dy is wrong",
        "the multiply rule's swap: dx = dout * y": "dx is wrong",
        "backward ignores dout": "backward ignores dout",
        "divides dout in place": "changed the gradient array it was given",
        "forward keeps nothing": "forward must keep on self what backward needs",
        "an __init__ that raises": "DivLayer() raised TypeError",
        "an instance passed instead of the class": "pass the class itself",
        "backward returns dx only": "backward returned 1 gradient(s), expected 2",
    },
    "MaxLayer": {
        "x > y: the tie goes to y": "the task says x wins a tie",
        "x >= y and y >= x: both win a tie": "counted twice",
        "the gradient sent to the input that lost": "dx and dy are swapped",
        "the whole gradient to both inputs (an add node's rule)": "dy is wrong",
        "backward ignores dout": "backward ignores dout",
        "min instead of max": "forward's output is wrong",
        "zeroes dout in place for dx": "changed the gradient array it was given",
    },
    "bag_gradients": {
        "num gets only the apple layer's share": "df/dnum is 110, expected 115.5",
        "num's second share overwrites the first": "df/dnum is 5.5, expected 115.5",
        "the × layers fed 1 instead of the gradient from above": "df/dapple is 2, expected 2.2",
        "the tax layer's outputs swapped": "df/dtax is 1.1, expected 210",
        "one MulLayer reused for both products": "df/dnum is 11, expected 115.5",
    },
}


@pytest.mark.parametrize("notebook, exercise, label, expected, code, check", ATTEMPTS,
                         ids=[f"{a[0]}-{a[1]}-{a[2]}" for a in ATTEMPTS])
def test_the_attempt_is_judged_right_with_its_hint(notebook, exercise, label, expected, code, check):
    result = replay(code, check)
    assert result.status == expected, f"{notebook} {exercise}: {label}:\n{result!r}"
    if expected == "FAIL":
        assert HINTS[exercise][label] in repr(result), repr(result)


def test_every_wrong_attempt_has_its_hint_and_there_are_enough_attempts():
    for exercise in {a[1] for a in ATTEMPTS}:
        mine = [a for a in ATTEMPTS if a[1] == exercise]
        wrong = {a[2] for a in mine if a[3] == "FAIL"}
        assert wrong == set(HINTS[exercise]), exercise
        assert len(wrong) >= 3 and any(a[3] == "PASS" for a in mine), exercise


# ---------- check_graph ----------

def price(apple, apple_num, orange, orange_num, delivery, tax):
    return (apple * apple_num + orange * orange_num + delivery) * tax


SHOPS = [(100, 2, 150, 3, 300, 1.1), (120, 1, 80, 4, 250, 1.08), (90, 5, 60, 7, 500, 1.25)]
NAMES = ["apple", "apple num", "orange", "orange num", "delivery", "tax"]


def delivery_graph(apple, apple_num, orange, orange_num, delivery, tax):
    g = Graph()
    a, an, o, on, d, t = (g.input(n, v) for n, v in zip(NAMES, (apple, apple_num, orange, orange_num, delivery, tax)))
    total = g.add(g.add(g.mul(a, an), g.mul(o, on)), d)
    g.output(g.mul(total, t), "price")
    return g


def test_a_right_graph_passes_and_says_what_was_compared():
    result = check_graph(delivery_graph, price, SHOPS)
    assert result.status == "PASS", repr(result)
    assert "3 cases" in repr(result) and "5 operation nodes: 2 +, 3 ×" in repr(result)


def test_a_graph_in_a_tuple_with_its_output_passes():
    def both(*args):
        g = delivery_graph(*args)
        return g, g.outputs["price"]
    assert check_graph(both, price, SHOPS).status == "PASS"


def test_the_skeleton_is_not_done_and_errors_are_verdicts():
    def skeleton(*args):
        g = Graph()  # noqa: F841 - as in the notebook's skeleton
        raise NotImplementedError("your code here")

    def raises(*args):
        raise ValueError("oops")

    def tampered(*args):
        g = delivery_graph(*args)
        g.outputs["price"].inputs.append("not a node")
        return g

    def changed_value(*args):
        g = delivery_graph(*args)
        g.outputs["price"].value = 1.0
        return g

    assert check_graph(skeleton, price, SHOPS).status == "NOT DONE YET"
    assert "raised ValueError: oops" in repr(check_graph(raises, price, SHOPS))
    assert check_graph(tampered, price, SHOPS).status == "FAIL"
    assert "but its inputs give" in repr(check_graph(changed_value, price, SHOPS))
    assert check_graph(42, price, SHOPS).status == "FAIL"  # not a function: a verdict, not an exception


def test_two_outputs_and_a_node_of_another_graph_fail():
    def two_outputs(*args):
        g = delivery_graph(*args)
        g.output(g.nodes[0], "apple")
        return g

    def foreign(apple, apple_num, orange, orange_num, delivery, tax):
        other = Graph()
        g = Graph()
        a = other.input("apple", apple)
        an, o, on = g.input("apple num", apple_num), g.input("orange", orange), g.input("orange num", orange_num)
        d, t = g.input("delivery", delivery), g.input("tax", tax)
        g.output(g.mul(g.add(g.add(g.mul(a, an), g.mul(o, on)), d), t), "price")
        return g

    assert "2 outputs" in repr(check_graph(two_outputs, price, SHOPS))
    assert "is not in the Graph you returned" in repr(check_graph(foreign, price, SHOPS))


def test_cases_whose_arguments_repeat_are_the_graders_error():
    with pytest.raises(ValueError, match="differ"):
        check_graph(delivery_graph, price, [(100, 2, 100, 3, 300, 1.1)])


# ---------- check_two_input_layer ----------

def test_the_librarys_layers_pass_against_their_functions():
    assert check_two_input_layer(MulLayer, np.multiply).status == "PASS"
    assert check_two_input_layer(AddLayer, np.add).status == "PASS"


def test_both_routes_of_a_max_are_tried():
    """The arrays the check uses hold places where x wins and places where y wins."""
    from common.selfcheck.graphs import _inputs
    x, y = _inputs("x")
    assert (x > y).sum() >= 2 and (y > x).sum() >= 2 and np.min(np.abs(x - y)) >= 0.1


def test_a_min_layer_with_ties_to_y_passes_with_tie_y():
    class MinLayer:
        def forward(self, x, y):
            self.x_wins = x < y
            return np.minimum(x, y)

        def backward(self, dout):
            return np.where(self.x_wins, dout, 0.0), np.where(self.x_wins, 0.0, dout)

    assert check_two_input_layer(MinLayer, np.minimum, tie="y").status == "PASS"
    assert "the gradient went to y; the task says x wins a tie" in \
        repr(check_two_input_layer(MinLayer, np.minimum, tie="x"))


def test_a_skeleton_is_not_done_and_a_bad_tie_is_the_graders_error():
    class Skeleton:
        def forward(self, x, y):
            raise NotImplementedError("your code here")

        def backward(self, dout):
            raise NotImplementedError("your code here")

    assert check_two_input_layer(Skeleton, np.divide).status == "NOT DONE YET"
    with pytest.raises(ValueError, match="tie"):
        check_two_input_layer(MulLayer, np.multiply, tie="z")


def test_a_forward_that_writes_into_its_input_fails():
    class InPlaceDiv:
        def forward(self, x, y):
            self.y = y
            x /= y
            self.out = x
            return x

        def backward(self, dout):
            return dout / self.y, -dout * self.out / self.y

    assert "changed its input array in place" in repr(check_two_input_layer(InPlaceDiv, np.divide))


def test_a_backward_that_changes_its_state_fails_on_the_second_call():
    class Forgetful:
        def forward(self, x, y):
            self.x, self.y = x, y
            return x / y

        def backward(self, dout):
            self.y = self.y * 2
            return dout / self.y * 2, -dout * self.x / (self.y / 2) ** 2

    assert "a second backward(dout) gave a different" in repr(check_two_input_layer(Forgetful, np.divide))


def test_the_verdicts_are_recorded_for_progress():
    forget()

    class DivLayer:
        def forward(self, x, y):
            self.x, self.y = x, y
            return x / y

        def backward(self, dout):
            return dout / self.y, -dout * self.x / self.y ** 2

    check_two_input_layer(DivLayer, np.divide)
    check_graph(delivery_graph, price, SHOPS, solution=True)
    table = repr(progress("DivLayer", "delivery_graph"))
    assert "DivLayer        yours: PASS" in table and "solution: PASS" in table
    forget()
