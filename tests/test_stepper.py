"""The graph stepper (common.stepper) and its view (common.stepper_view): the steps derived from
recorded graphs, the rule lines with their numbers in both languages, the bounds, predict mode,
the drawing of every step (common.draw) and the static player's HTML. The grading of a learner's
predictions is in tests/test_selfcheck_stepper.py."""
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import common.autograd_ops as F
from common.autograd import Function, Variable
from common.autograd_ops import Exp, Log, Reciprocal, Scale
from common.draw import draw_graph, edge_keys, fmt
from common.graph import Graph, backward_from_output, graph_of
from common.graph_examples import JA_NAMES, apple_graph, apple_orange_graph, node_graph, sigmoid_graph
from common.stepper import GraphStepper, parse_prediction, value_text
from common.stepper_view import Drawing, StepperView, player_data

ROOT = Path(__file__).resolve().parent.parent
ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{6,16}\b")


def fork_graph():
    """Notebook 02's graph with the tax applied to apples and oranges apart: tax feeds two nodes."""
    g = Graph()
    apple, apple_num = g.input("apple", 100), g.input("apple num", 2)
    tax = g.input("tax", 1.1)
    orange, orange_num = g.input("orange", 150), g.input("orange num", 3)
    apple_taxed = g.mul(g.mul(apple, apple_num, name="apple price"), tax, name="apple with tax")
    orange_taxed = g.mul(g.mul(orange, orange_num, name="orange price"), tax, name="orange with tax")
    g.output(g.add(apple_taxed, orange_taxed, name="price"), "price")
    g.backward(g.outputs["price"])
    return g


def softmax_loss_graph():
    """Notebook 05's Softmax-with-Loss graph (appendix A) at a = (0.3, 2.9, 4.0), t = (0, 1, 0)."""
    a, t, k3 = np.array([0.3, 2.9, 4.0]), np.array([0.0, 1.0, 0.0]), (1, 2, 3)
    g = Graph()
    A = [g.input(f"a{k}", a[k - 1]) for k in k3]
    E = [g.apply("exp", Exp(), node, name=f"e{k}") for k, node in zip(k3, A)]
    S = g.add(g.add(E[0], E[1], name="e1 + e2"), E[2], name="S")
    inv_S = g.apply("/", Reciprocal(), S, name="1/S")
    Y = [g.mul(e, inv_S, name=f"y{k}") for k, e in zip(k3, E)]
    logs = [g.apply("log", Log(), y, name=f"log y{k}") for k, y in zip(k3, Y)]
    terms = [g.apply(f"×−t{k}", Scale(-t[k - 1]), node, name=f"-t{k} log y{k}") for k, node in zip(k3, logs)]
    L = g.output(g.add(g.add(terms[0], terms[1], name="first two terms"), terms[2], name="L"), "L")
    g.backward(L)
    return g


class RowMax(Function):
    def forward(self, s):
        self.where = (s == s.max(axis=1, keepdims=True)).astype(s.dtype)
        return s.max(axis=1, keepdims=True)

    def backward(self, gm):
        return gm * self.where


def network_graph():
    """A graph like notebook 06b's: two-layer network and softmax cross-entropy on 4 samples, by the
    autograd engine, every Variable named. Returns (graph, the Variables by name)."""
    rng = np.random.default_rng(0)
    N, D, H, C = 4, 6, 5, 3
    v = {"X": rng.standard_normal((N, D)), "W1": 0.5 * rng.standard_normal((D, H)), "b1": 0.1 * rng.standard_normal(H),
         "W2": 0.5 * rng.standard_normal((H, C)), "b2": 0.1 * rng.standard_normal(C),
         "onehot": np.eye(C)[[0, 2, 1, 2]], "N": np.array(float(N))}
    v = {name: Variable(value, name=name) for name, value in v.items()}
    v["a1"] = v["X"] @ v["W1"]
    v["z1"] = v["a1"] + v["b1"]
    v["h"] = F.relu(v["z1"])
    v["s"] = v["h"] @ v["W2"] + v["b2"]
    v["m"] = RowMax()(v["s"])
    v["u"] = v["s"] - v["m"]
    v["lse"] = F.log(F.exp(v["u"]).sum(axis=1))
    v["picked"] = (v["u"] * v["onehot"]).sum(axis=1)
    v["L"] = (v["lse"] - v["picked"]).sum() / v["N"]
    for name, var in v.items():
        var.name = name
    v["L"].backward(retain_grad=True)
    return graph_of(v["L"]), v


def stepper_of(make, **kwargs):
    return GraphStepper(backward_from_output(make()), names={"ja": JA_NAMES}, **kwargs)


# --- the arrows run one way -----------------------------------------------------------------------

def test_the_state_module_loads_no_view():
    """common.stepper (the state) and common.selfcheck.stepper (the grading) import no view, widget or
    plotting module, not even on first use: the view imports the state, never the other way."""
    code = ("import sys\n"
            "from common.graph_examples import apple_orange_graph, backward_from_output\n"
            "from common.stepper import GraphStepper\n"
            "from common.selfcheck.stepper import check_predictions\n"
            "s = GraphStepper(backward_from_output(apple_orange_graph()), predict=True)\n"
            "s.goto(5); s.predict(1.1); repr(s); s.frame(); s.state(); check_predictions(s, lambda: [1.1] * 8)\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'ipywidgets', 'IPython') "
            "or m == 'common.stepper_view'))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", done.stdout


# --- the steps ------------------------------------------------------------------------------------

def test_apple_steps_and_rule_lines():
    s = stepper_of(apple_graph)
    assert [st.kind for st in s.steps] == ["start", "forward", "forward", "output", "edge", "edge", "edge", "edge"]
    assert [s.rule(k) for k in range(s.last + 1)] == [
        "start: the inputs are known: apple = 100, apple num = 2, tax = 1.1; step forward to compute each node",
        "apple price = apple × apple num = 100 × 2 = 200",
        "price = apple price × tax = 200 × 1.1 = 220",
        "backward starts at the output: d price / d price = 1",
        "back through × (price) to apple price: upstream 1 × the other input 1.1 = 1.1",
        "back through × (price) to tax: upstream 1 × the other input 200 = 200",
        "back through × (apple price) to apple: upstream 1.1 × the other input 2 = 2.2",
        "back through × (apple price) to apple num: upstream 1.1 × the other input 100 = 110",
    ]


def test_known_values_grow_step_by_step():
    s = stepper_of(apple_graph)
    start = s.state(0)
    assert start.values == (("apple", "100"), ("apple num", "2"), ("tax", "1.1")) and start.gradients == ()
    assert dict(s.state(1).values)["apple price"] == "200" and "price" not in dict(s.state(1).values)
    assert s.state(2).phase == "forward" and s.state(2).gradients == ()
    assert s.state(3).phase == "backward" and s.state(3).gradients == (("price", "1"),)
    after = s.state(5)
    assert after.edge == ("tax", "price") and after.node == "price"
    assert dict(after.gradients) == {"price": "1", "apple price": "1.1", "tax": "200"}
    assert dict(s.state(s.last).gradients) == {"price": "1", "apple price": "1.1", "tax": "200", "apple": "2.2",
                                               "apple num": "110"}


def test_frames_show_only_what_is_known():
    g = backward_from_output(apple_graph())
    s = GraphStepper(g)
    apple, num, tax, apple_price, price = g.nodes
    start = s.frame(0)
    assert start.forward == {(apple_price, 0), (apple_price, 1), (price, 1)} and start.backward == frozenset()
    first = s.frame(1)
    assert (price, 0) in first.forward and (price, "price") not in first.forward
    assert first.highlight == {apple_price, (apple_price, 0), (apple_price, 1)}
    assert s.frame(3).backward == {(price, "price")}
    assert s.frame(5).backward == {(price, "price"), (price, 0), (price, 1)}
    assert s.frame(5).highlight == {price, (price, 1)}
    assert set(s.frame(s.last).forward) == set(edge_keys(g))


def test_the_steps_come_from_the_recorded_values():
    g = Graph()
    apple, num, tax = g.input("apple", 150), g.input("apple num", 4), g.input("tax", 1.08)
    g.output(g.mul(g.mul(apple, num, name="apple price"), tax, name="price"), "price")
    g.backward(g.outputs["price"], 2.0)
    s = GraphStepper(g)
    assert s.rule(2) == "price = apple price × tax = 600 × 1.08 = 648"
    assert s.rule(3) == "backward starts at the output price with the upstream gradient 2"
    assert s.rule(6) == "back through × (apple price) to apple: upstream 2.16 × the other input 4 = 8.64"
    edges = [st for st in s.steps if st.kind == "edge"]
    assert [st.value for st in edges] == [n.edge_grads[k] for n in reversed(g.nodes) if n.op
                                          for k in range(len(n.inputs))]


def test_apple_orange_gives_the_books_numbers():
    s = stepper_of(apple_orange_graph)
    assert s.rule(4) == "price = all price × tax = 650 × 1.1 = 715"
    assert s.rule(8) == "back through + (all price) to apple price: an add node passes the upstream gradient on " \
                        "unchanged: 1.1"
    assert dict(s.state(s.last).gradients) == {"price": "1", "all price": "1.1", "tax": "650", "orange price": "1.1",
                                               "apple price": "1.1", "orange": "3.3", "orange num": "165",
                                               "apple": "2.2", "apple num": "110"}


def test_a_fork_sums_its_edges_right_after_the_last_one_comes_back():
    g = fork_graph()
    s = GraphStepper(g)
    kinds = [st.kind for st in s.steps]
    assert kinds.count("sum") == 1
    k = kinds.index("sum")
    tax = next(n for n in g.nodes if n.name == "tax")
    assert s.steps[k - 1].kind == "edge" and s.target(k - 1) is tax and s.target(k) is tax
    assert s.rule(k) == "tax feeds 2 nodes, so its gradient is the sum of the gradients on its edges: 200 + 450 = 650"
    assert s.frame(k).notes == {tax: "Σ = 650"} and s.frame(k - 1).notes == {}
    assert dict(s.state(k - 1).gradients).get("tax") is None and dict(s.state(k).gradients)["tax"] == "650"
    assert s.frame(k).highlight >= {tax, *((c, j) for c, j in s.users[id(tax)])}


def test_sigmoid_chain_ends_in_y_times_one_minus_y():
    s = GraphStepper(backward_from_output(sigmoid_graph(0.5)))
    assert s.rule(1) == "the ×-1 node: 0.5 × (-1) = -0.5"
    assert s.rule(2) == "the exp node: exp(-0.5) = 0.6065"
    assert s.rule(6) == "back through / to the +1 node: −upstream × y², y its own output: −1 × 0.6225² = -0.3875"
    assert s.rule(9) == "back through ×-1 to x: upstream (-0.235) × (-1) = 0.235"
    y = 1 / (1 + np.exp(-0.5))
    assert s.steps[-1].value == pytest.approx(y * (1 - y))


def test_softmax_with_loss_backpropagates_y_minus_t():
    s = GraphStepper(softmax_loss_graph())
    rules = [s.rule(k) for k in range(s.last + 1)]
    assert "1/S feeds 3 nodes, so its gradient is the sum of the gradients on its edges: 0 + (-74.1222) + 0 = " \
           "-74.1222" in rules
    assert "back through log (log y2) to y2: upstream / x: (-1) / 0.2452 = -4.0784" in rules
    assert [st.kind for st in s.steps].count("sum") == 4  # 1/S and e1, e2, e3 each feed two or three nodes
    a = np.array([0.3, 2.9, 4.0])
    y_minus_t = np.exp(a) / np.exp(a).sum() - np.array([0, 1, 0])
    last = {s.target(k).name: s.steps[k].value for k in range(s.last - 2, s.last + 1)}
    assert [last[f"a{k}"] for k in (1, 2, 3)] == pytest.approx(y_minus_t)
    assert rules[-1] == "back through exp (e1) to a1: upstream × exp(x), its own output: 0.0135 × 1.3499 = 0.0182"


def test_a_network_graph_by_the_autograd_engine():
    g, v = network_graph()
    s = GraphStepper(g)
    rules = {s.rule(k) for k in range(s.last + 1)}
    ops = [n for n in g.nodes if n.op]
    sums = sum(st.kind == "sum" for st in s.steps)
    assert len(s.steps) == 1 + len(ops) + 1 + sum(len(n.inputs) for n in ops) + sums  # start, forward, output, edges
    assert "a1 = X @ W1 = (4, 6) @ (6, 5) = " + value_text(v["a1"].data) in rules
    assert any(r.startswith("back through + (z1) to b1: an add node passes the upstream gradient on unchanged: (5,)")
               and r.endswith("summed to the shape (5,) of b1, which was broadcast") for r in rules)
    assert any(r.startswith("back through @ (a1) to W1: Xᵀ @ upstream: (4, 6)ᵀ @ (4, 5) = (6, 5)") for r in rules)
    assert any(r.startswith("back through rowmax (m) to s: RowMax.backward sends (4, 3)") for r in rules)
    assert any(r.startswith("u feeds 2 nodes") for r in rules) and any(r.startswith("s feeds 2 nodes") for r in rules)
    assert "h = max(0, z1) = " + value_text(v["h"].data) in rules  # arrays: the names say it, not their shapes
    leaves = {s.target(k).name: st.value for k, st in enumerate(s.steps) if st.kind == "edge"}
    for name in ("X", "W1", "b1", "W2", "b2"):
        np.testing.assert_array_equal(leaves[name], v[name].grad)


def test_value_text_summarises_arrays():
    assert value_text(220.00000000000003) == "220" and value_text(np.array(1.6065306597)) == "1.6065"
    assert value_text(np.array([0.0182, -0.7548, 0.7366])) == "[0.0182, -0.7548, 0.7366]"
    assert value_text(np.arange(12.0).reshape(4, 3)) == "(4, 3) [0, 1, 2, …]"
    assert value_text(-0.0) == "0"
    assert value_text(-1.3877787807814457e-17) == "0" and value_text(np.array([1e-17, 2.0, -3e-12])) == "[0, 2, 0]"
    assert value_text(0.00012346) == "0.0001235"  # small but real: 4 significant digits


# --- bounds and bad input -------------------------------------------------------------------------

def test_goto_step_and_back_keep_to_the_steps():
    s = stepper_of(apple_graph)
    with pytest.raises(ValueError, match=r"there is no step -1: the steps are 0 \(the start\) to 7"):
        s.goto(-1)
    with pytest.raises(ValueError, match="there is no step 8"):
        s.goto(8)
    for bad in ("x", 2.0, True, None):
        with pytest.raises(TypeError, match="a step number is an int from 0 to 7"):
            s.goto(bad)
    with pytest.raises(ValueError, match="there is no step 8"):
        s.rule(8)
    with pytest.raises(ValueError, match="there is no step -1"):
        s.state(-1)
    with pytest.raises(ValueError, match="already at step 0, the start"):
        s.back()
    assert s.goto(np.int64(7)).step == 7
    with pytest.raises(ValueError, match=r"already at the last step \(7\)"):
        s.step()
    assert s.back().step == 6 and s.step().step == 7 and s.position == 7


def test_bad_graphs_are_refused_with_the_fix():
    with pytest.raises(ValueError, match="run its backward pass first"):
        GraphStepper(apple_graph())
    g = backward_from_output(apple_graph())
    g.output(g.nodes[3], "apple price")
    with pytest.raises(ValueError, match="one output; this one has 2"):
        GraphStepper(g)
    with pytest.raises(TypeError, match="needs a common.graph.Graph"):
        GraphStepper([1, 2])
    with pytest.raises(TypeError, match=r"names must map a language"):
        GraphStepper(backward_from_output(apple_graph()), names=JA_NAMES)
    with pytest.raises(ValueError, match=r"names has languages \['fr'\]"):
        GraphStepper(backward_from_output(apple_graph()), names={"fr": {}})
    with pytest.raises(TypeError, match="StepperView shows a common.stepper.GraphStepper"):
        StepperView(apple_graph())


def test_text_forms_are_plain_and_fixed():
    s = stepper_of(apple_graph)
    s.goto(5)
    assert repr(s) == (
        "GraphStepper of price: 2 forward and 5 backward steps\n"
        "step 5 of 7 (backward): back through × (price) to tax: upstream 1 × the other input 200 = 200\n"
        "  values: apple 100, apple num 2, tax 1.1, apple price 200, price 220\n"
        "  gradients: price 1, apple price 1.1, tax 200")
    assert not ADDRESS.search(repr(s)) and str(s.state()) == repr(s.state())
    assert str(s.state(language="ja")).splitlines()[2] == "  勾配: 支払金額 1, りんごの価格 1.1, 消費税 200"


# --- predict mode ---------------------------------------------------------------------------------

APPLE_ORANGE = (1.1, 650, 1.1, 1.1, 3.3, 165, 2.2, 110)


def test_predict_mode_asks_before_each_backward_value():
    s = stepper_of(apple_orange_graph, predict=True)
    assert s.asked == list(range(6, 14)) and s.frontier == 5
    assert s.goto(5).step == 5  # forward steps and the output's 1 are free
    with pytest.raises(ValueError, match=r"step 6 asks for a prediction first: predict the gradient that the × node "
                                         r"\(price\) sends back to all price"):
        s.step()
    with pytest.raises(ValueError, match="step 6 asks for a prediction first"):
        s.goto(9)
    assert s.asking() and s.state().question == "predict the gradient that the × node (price) sends back to all price"
    assert s.frame().question == (s.steps[6].node, 0) and s.frame(5, asking=False).question is None
    assert s.predict("1.1") == "right: upstream 1 × the other input 1.1 = 1.1"
    assert s.position == 6 and s.state().question == "predict the gradient that the × node (price) sends back to tax"


def test_a_wrong_value_gets_a_hint_then_the_answer():
    s = stepper_of(apple_orange_graph, predict=True)
    s.predict(1.1)
    verdict = s.predict(1.1)  # the gradient to all price again, at tax: a × node's inputs swapped
    assert verdict == ("wrong: 1.1 is not it; hint: that is the gradient sent to all price; a × node sends back the "
                       "upstream gradient times the other input (the upstream gradient is the red value on the edge "
                       "that leaves the node)")
    assert s.position == 6 and s.pending() == 7  # not shown yet
    assert s.predict(-650).startswith("wrong twice: the answer is 650: upstream 1 × the other input 650 = 650")
    assert s.position == 7 and s.score().shown == 1
    assert s.predict(-1.1).startswith("wrong: -1.1 is not it; hint: the size is right, the sign is not; a + node")
    assert s.predict("1.1") == "right on the second try: an add node passes the upstream gradient on unchanged: 1.1"
    assert s.score().first == 1 and s.score().second == 1 and s.score().left == 5
    assert s.score().text() == "score: 1 right the first time, 1 on the second try, 1 shown, of 8 (5 still to predict)"


def test_usual_mistakes_are_named():
    s = stepper_of(apple_orange_graph, predict=True)
    s.goto(5)
    for guess, note in ((-1.1, "the size is right, the sign is not; "), (650, "that is the gradient sent to tax; "),
                        (1, "that is the upstream gradient, unchanged; "), (2.5, "")):
        assert s.mistake(6, guess) == note
    assert s.mistake(12, 3.3) == ""  # orange's gradient at apple: no usual mistake
    f = GraphStepper(fork_graph(), predict=True)
    k = next(j for j in f.asked if f.steps[j].kind == "sum")
    assert f.mistake(k, 200) == f.mistake(k, 450) == "that is the gradient on one of its edges only; "
    q = GraphStepper(backward_from_output(sigmoid_graph(0.5)), predict=True)
    assert q.mistake(q.asked[0], 1.6065) == q.mistake(q.asked[0], 0.6225) == "that is a value of the forward pass, " \
        "not a gradient; "  # the value on the edge, and the node's own output
    assert all(not np.isclose(value, q.steps[k].value) for k in q.asked for value, _ in q.mistakes(k))
    assert s.mistake(6, 650, "ja") == "それは 消費税 へ戻る勾配です。"


def test_predictions_that_are_not_numbers_do_not_count():
    s = stepper_of(apple_orange_graph, predict=True)
    for bad in ("abc", "", "  ", True, None, "1/3", "nan", [1, 2], "inf"):
        with pytest.raises(ValueError):
            s.predict(bad)
    with pytest.raises(ValueError, match="'abc' is not a number: type one such as 2.2"):
        s.predict("abc")
    assert s.tries[6] == 0
    assert s.predict("１．１").startswith("right")  # full-width digits, as a Japanese keyboard types them
    assert s.predict("6.5e2").startswith("right") and s.predict(np.float32(1.1)).startswith("right")
    assert parse_prediction("−1") == -1.0 and parse_prediction(" 2.5 ") == 2.5


def test_within_the_tolerance_of_four_decimals():
    s = GraphStepper(softmax_loss_graph(), predict=True)
    answers = [float(s.steps[k].value) for k in s.asked]
    for k, answer in zip(s.asked, answers):
        assert s.predict(float(f"{answer:.4f}")).startswith("right"), (k, answer)
    assert s.score().first == len(s.asked) and s.pending() is None
    with pytest.raises(ValueError, match="nothing left to predict"):
        s.predict(1)
    s.restart()
    assert s.predict(1.0015).startswith("wrong")  # 0.15 % off the first answer, 1
    assert s.predict("1.0009").startswith("right")  # 0.09 % off


def test_predict_mode_asks_for_numbers_only():
    g = Graph()
    x, y = g.input("x", np.array([1.0, 2.0])), g.input("y", np.array([3.0, -1.0]))
    g.output(g.mul(x, y, name="z"), "z")
    g.backward(g.outputs["z"], np.ones(2))
    with pytest.raises(ValueError, match=r"predict mode asks for numbers, and the gradient sent to 'x' has the shape "
                                         r"\(2,\)"):
        GraphStepper(g, predict=True)
    with pytest.raises(ValueError, match="predict mode is off"):
        GraphStepper(g).predict(1)


@pytest.mark.parametrize("mutant", [
    (1.1, 650, 1.1, 1.1, 3.3, 165, 110, 110),     # apple and apple num swapped: the other input, not its own
    (1.1, 715, 1.1, 1.1, 3.3, 165, 2.2, 110),     # the forward value instead of the gradient
    (1, 1, 1, 1, 1, 1, 1, 1),                      # the upstream gradient passed on unchanged everywhere
])
def test_a_typical_wrong_session_shows_answers(mutant):
    s = stepper_of(apple_orange_graph, predict=True)
    for value in mutant:  # each wrong value typed twice, as a learner who is sure of it would
        while s.pending() is not None and s.predict(value).startswith("wrong:"):
            pass
    assert s.pending() is None and s.score().shown >= 1 and s.position == s.last
    assert s.restart().step == 0 and s.score().left == 8 and s.tries[6] == 0


def test_the_sigmoid_and_fork_sessions_as_the_notebooks_run_them():
    s = GraphStepper(backward_from_output(sigmoid_graph(0.5)), predict=True)
    for value in (-0.3875, -0.3875, -0.235, 0.235):
        assert s.predict(value).startswith("right")
    assert s.score().first == 4
    f = GraphStepper(fork_graph(), predict=True)
    for value in (1, 1, 1.1, 450, 3.3, 165, 1.1, 200, 650, 2.2, 110):
        assert f.predict(value).startswith("right"), f.question(f.pending())
    assert f.score().first == 11


SOFTMAX_LOSS_ASKED = ["y1", "y2", "y3", "1/S", "S", "a1", "a2", "a3"]
SOFTMAX_LOSS_ANSWERS = (0, -4.0784, 0, 0, -74.1222, 0, -74.1222, 0.0135, 0.7366, -0.7548, 0.0182)


def test_predict_mode_can_ask_for_chosen_nodes_only():
    s = GraphStepper(softmax_loss_graph(), predict=SOFTMAX_LOSS_ASKED)
    assert len(s.asked) == len(SOFTMAX_LOSS_ANSWERS) and s.frontier == 25  # the steps before are free
    assert s.goto(25).step == 25
    assert s.state().question == "predict the gradient that the log node (log y3) sends back to y3"
    for value in SOFTMAX_LOSS_ANSWERS:
        assert s.predict(value).startswith("right"), s.question(s.pending())
    assert s.position == s.last and s.score().first == 11
    with pytest.raises(TypeError, match="a list of node names"):
        GraphStepper(softmax_loss_graph(), predict="a1")
    with pytest.raises(ValueError, match=r"predict names no node of the graph: \['a4'\]"):
        GraphStepper(softmax_loss_graph(), predict=["a1", "a4"])
    with pytest.raises(ValueError, match="predict names no node"):
        GraphStepper(softmax_loss_graph(), predict=[])
    with pytest.raises(ValueError, match="asks for nothing"):
        GraphStepper(softmax_loss_graph(), predict=["L"])  # the output: its 1 is given, never asked


def test_listeners_hear_every_change():
    s = stepper_of(apple_orange_graph, predict=True)
    heard = []
    s.listeners.append(lambda stepper: heard.append(stepper.position))
    s.step()
    s.goto(5)
    s.predict(2)  # a wrong try changes the score line, not the step
    s.predict(1.1)
    s.restart()
    assert heard == [1, 5, 5, 6, 0]


# --- Japanese -------------------------------------------------------------------------------------

def test_japanese_names_and_rules():
    s = stepper_of(apple_orange_graph, predict=True)
    s.goto(5)
    assert s.rule(4, "ja") == "支払金額 = 合計金額 × 消費税 = 650 × 1.1 = 715"
    assert s.rule(7, "ja") == "× ノード（支払金額）から 消費税 へ: 上流の勾配 1 × もう一方の入力 650 = 650"
    assert s.rule(8, "ja") == "+ ノード（合計金額）から りんごの価格 へ: 加算ノードは上流から伝わる勾配をそのまま流す: 1.1"
    assert s.state(0, "ja").values[0] == ("りんご", "100") and s.state(0, "ja").question is None
    assert s.state(language="ja").question == "× ノード（支払金額）から 合計金額 へ戻る勾配を予想してください"
    assert s.predict(2, "ja").startswith("不正解: 2 ではありません。ヒント: 乗算ノードは、上流の勾配にもう一方の入力を掛けて返す")
    assert s.predict("１．１", "ja") == "2回目で正解: 上流の勾配 1 × もう一方の入力 1.1 = 1.1"
    assert "得点: 1回目で正解 0、2回目で正解 1" in s.state(language="ja").score
    f = GraphStepper(fork_graph(), names={"ja": JA_NAMES})
    assert "消費税 は 2 つのノードに分岐しているので、勾配は各エッジの勾配の和: 200 + 450 = 650" in \
        [f.rule(k, "ja") for k in range(f.last + 1)]


# --- the drawing (common.draw) --------------------------------------------------------------------

def test_draw_graph_with_tag_draws_every_element_of_a_step_in_the_same_layout():
    import matplotlib.pyplot as plt
    g = backward_from_output(node_graph("×"))
    full = draw_graph(g)
    x, y, z = g.nodes
    tagged = draw_graph(g, names={"x": "エックス"}, notes={x: "Σ = 3"}, tag="t")
    texts = {t.get_gid(): t.get_text() for t in tagged.axes[0].texts if t.get_gid()}
    assert texts == {"t-f0": "2", "t-b0": "3", "t-q0": "?", "t-f1": "3", "t-b1": "2", "t-q1": "?", "t-f2": "6",
                     "t-b2": "1", "t-q2": "?", "t-s0": "Σ = 3"}
    marks = {p.get_gid() for p in tagged.axes[0].patches if p.get_gid()}
    marks |= {a.arrow_patch.get_gid() for a in tagged.axes[0].texts if getattr(a, "arrow_patch", None)
              and a.arrow_patch.get_gid()}
    assert marks == {"t-n0", "t-n1", "t-n2", "t-e0", "t-e1", "t-e2"}
    assert "エックス" in [t.get_text() for t in tagged.axes[0].texts] and \
        "x" not in [t.get_text() for t in tagged.axes[0].texts]
    assert full.get_size_inches()[1] < tagged.get_size_inches()[1]  # room for the note
    names = {t.get_text(): t.get_position() for t in full.axes[0].texts if t.get_text() in ("y", "z")}
    assert names == {t.get_text(): t.get_position() for t in tagged.axes[0].texts if t.get_text() in ("y", "z")}
    plt.close("all")


def test_every_element_a_step_toggles_has_its_id():
    s = stepper_of(apple_orange_graph, predict=True)
    drawing = Drawing(s, "en")
    n_edges = len(edge_keys(s.graph))
    ids = set(drawing.toggles)
    assert {f"f{e}" for e in range(n_edges)} <= ids and {f"b{e}" for e in range(n_edges)} <= ids
    assert {f"q{e}" for e in range(n_edges)} <= ids and {f"e{e}" for e in range(n_edges)} <= ids
    assert {f"n{j}" for j in range(len(s.graph.nodes))} <= ids
    assert not {t for t in drawing.shown(s.frame(0)) if t[0] in "bq"}
    assert "q" + str(drawing.keys[(s.steps[6].node, 0)]) in drawing.shown(s.frame(5, asking=True))
    assert 'url(#' not in drawing.svg and "<metadata" not in drawing.svg and "<style" not in drawing.svg


def shown_texts(svg):
    """The texts of an SVG that no display:none group hides, in order."""
    import xml.etree.ElementTree as ET
    texts = []

    def walk(element):
        if "display:none" in element.get("style", ""):
            return
        if element.tag.endswith("text"):
            texts.append(element.text)
        for child in element:
            walk(child)
    walk(ET.fromstring(svg))
    return texts


def test_a_frame_leaves_out_what_it_does_not_show():
    g, _ = network_graph()
    s = GraphStepper(g)
    drawing = Drawing(s, "en")
    for k in (0, 1, 16, 20, s.last):
        svg = drawing.svg_of(s.frame(k))
        assert set(re.findall(r'id="gs\w+-(\w+)"', svg)) == drawing.shown(s.frame(k))
        assert len(svg) < len(drawing.svg)
    first = shown_texts(drawing.svg_of(s.frame(1)))
    assert "?" not in first and "(4, 5)" in first  # a1's value, an array: its shape


# --- the view -------------------------------------------------------------------------------------

def test_the_static_player_is_self_contained_and_deterministic():
    one, two = StepperView(stepper_of(apple_orange_graph)).html(), StepperView(stepper_of(apple_orange_graph)).html()
    assert one == two
    assert not ADDRESS.search(one)
    assert not re.search(r'(src|href)="(?!data:|#)', one)  # nothing loaded from anywhere
    assert one.count("<svg") == 3 and one.count("data:image/svg+xml;charset=utf-8,") == 1  # en, ja; the <img>
    assert "りんごの価格" in one and "all price = apple price + orange price = 200 + 450 = 650" in one
    view = StepperView(stepper_of(apple_orange_graph, predict=True))
    data = player_data(view.stepper, view.drawings)
    assert len(data["frames"]["en"]) == 14 and sorted(data["asks"]["ja"]) == list(range(6, 14))
    assert data["asks"]["en"][7]["answer"] == 650.0 and data["tolerance"] == [1e-3, 1e-4]
    plain = StepperView(GraphStepper(backward_from_output(sigmoid_graph(0.5)))).html()
    assert plain.count("<svg") == 2  # no Japanese names: one drawing serves both languages
    assert '"svgs":[["en ja","<svg' in plain


def test_no_value_of_the_drawing_is_in_the_page_before_the_script_runs():
    """The drawings hold every step's values: they travel in the script's JSON data, which a page without
    the script (JupyterLab's stored output) never shows, so no hidden answer sits in the page's text; the
    picture shown instead is the forward pass only."""
    html = StepperView(stepper_of(apple_orange_graph, predict=True)).html()
    outside = re.sub(r"<script[\s\S]*?</script>", "", html)
    picture = re.search(r'src="(data:image/svg\+xml;[^"]*)"', outside).group(1)
    text = outside.replace(picture, "")
    assert "<svg" not in text and "<g" not in text
    for answer in ("3.3", "165", "2.2", "110"):  # backward values only (1.1 and 650 also flow forward)
        assert answer not in text, answer


def test_the_ids_do_not_depend_on_the_fonts():
    """The player's ids come from the steps, so its stored text repeats on a machine with other fonts."""
    s = stepper_of(apple_orange_graph)
    drawing = Drawing(s, "en")
    assert drawing.prefix == Drawing(stepper_of(apple_orange_graph), "en").prefix
    assert drawing.prefix != Drawing(s, "ja").prefix != Drawing(stepper_of(apple_orange_graph, predict=True), "en").prefix


def fill(template, values):
    """The player script's fill(): {key} replaced where values has the key."""
    return re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), m.group(0))), template)


def test_the_players_verdicts_are_the_steppers():
    s = stepper_of(apple_orange_graph, predict=True)
    data = player_data(s, StepperView(s).drawings)
    for language in ("en", "ja"):
        ui = data["ui"][language]
        for k, ask in data["asks"][language].items():
            answer = s.steps[k].value
            assert fill(ui["right"], {"rule": ask["body"]}) == s.verdict(k, answer, True, 1, language)
            assert fill(ui["right2"], {"rule": ask["body"]}) == s.verdict(k, answer, True, 2, language)
            assert fill(ui["shown"], {"v": ask["value"], "rule": ask["body"]}) == s.verdict(k, 0.5, False, 2, language)
            assert fill(ui["wrong"], {"guess": "0.5", "hint": ask["hint"]}) == s.verdict(k, 0.5, False, 1, language)
            for value, note in ask["mistakes"]:  # the script finds the same note for the same value
                assert fill(ui["wrong"], {"guess": fmt(value), "hint": note + ask["hint"]}) == \
                    s.verdict(k, value, False, 1, language)


def test_the_no_script_form_shows_no_answer_in_predict_mode():
    html = StepperView(stepper_of(apple_orange_graph, predict=True)).html()
    static = html[html.index('class="gs-static"'):html.index('class="gs-player"')]
    assert "price = all price × tax = 650 × 1.1 = 715" in static and ">2.2<" not in static and ">165<" not in static
    assert "then 8 backward values to predict" in static


def test_sanitize_cfg_keeps_the_text_and_drops_the_pictures():
    patterns = re.findall(r"^regex: (.*)$\n^replace: (.*)$", (ROOT / "tests" / "sanitize.cfg").read_text(), re.M)
    html = StepperView(stepper_of(apple_graph)).html()
    for regex, replace in patterns:
        html = re.sub(regex, replace, html)
    assert "<g" not in html and "<svg" not in html and html.count("IMAGE") == 3  # en and ja inline, 1 <img>
    assert "price = apple price × tax = 200 × 1.1 = 220" in html
    other = StepperView(stepper_of(apple_orange_graph)).html()
    for regex, replace in patterns:
        other = re.sub(regex, replace, other)
    assert other != html  # the rule lines still differ


def test_outside_a_kernel_the_display_is_html_and_text():
    view = StepperView(stepper_of(apple_graph))
    bundle = view._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html"} and bundle["text/html"] == view.html()
    assert bundle["text/plain"] == repr(view) and bundle["text/plain"].startswith("GraphStepper of price")
    assert bundle["text/plain"].endswith("Run the cell to step through the graph with buttons (← → keys when the "
                                         "slider has the focus).")


def test_the_widget_drives_the_stepper_and_follows_it():
    s = stepper_of(apple_orange_graph, predict=True)
    view = StepperView(s).widget
    view.buttons["next"].click()
    assert s.position == 1 and "apple price = apple × apple num = 100 × 2 = 200" in view.rule.value
    view.slider.value = 5
    assert s.position == 5 and view.slider.max == 5 and view.buttons["next"].disabled
    assert view.predict_box.layout.display == "" and "sends back to all price" in view.question.value
    view.buttons["next"].click()  # refused, and said why
    assert "step 6 asks for a prediction first" in view.verdict.value and s.position == 5
    view.answer.value = "2"  # Enter sends it
    assert "wrong: 2 is not it" in view.verdict.value and view.answer.value == ""
    view.answer.value = "1.1"
    assert "right on the second try" in view.verdict.value and s.position == 6 and view.slider.max == 6
    view.languages.value = "ja"
    assert "× ノード（支払金額）から 消費税 へ戻る勾配を予想してください" in view.question.value
    s.predict(650)  # the API moves the view too
    assert view.slider.value == 7 and "上流の勾配 1 × もう一方の入力 650 = 650" in view.rule.value
    drawn = shown_texts(view.picture.value)
    assert "?" in drawn and "650" in drawn and "2.2" not in drawn and "りんごの個数" in drawn
    view.again.click()
    assert s.position == 0 and s.score().left == 8


def test_a_value_rounded_too_far_is_told_so():
    quiz = GraphStepper(backward_from_output(sigmoid_graph(0.5)), predict=True)
    answer = float(quiz.steps[quiz.pending()].value)
    verdict = quiz.predict(round(answer, 2))  # two digits: 1 to 2 % off
    assert verdict.startswith("wrong") and "rounded too far: give 4 significant digits" in verdict
    assert quiz.predict(round(answer, 4)).startswith("right on the second try")
