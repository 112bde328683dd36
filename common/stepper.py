"""Step through the forward and backward passes of a recorded computational graph, one node at
a time, and predict each backward value before it is shown.

This module is the state: the steps, derived from the graph's own recorded values, what is known
after each, and each step's rule line with its numbers, in English and Japanese. It shows
nothing: common.stepper_view displays a stepper (StepperView(stepper)), and
common.selfcheck.stepper grades a learner's predictions (check_predictions).

    from common.graph_examples import apple_orange_graph, backward_from_output
    stepper = GraphStepper(backward_from_output(apple_orange_graph()))
    stepper.step()     # step 1 of 13 (forward): apple price = apple × apple num = 100 × 2 = 200
    stepper.goto(9)    # any step; back() one back; state(); rule(4); rule(4, "ja")

The graph is a common.graph.Graph with one output, after its backward pass, or graph_of(v) of an
autograd Variable after v.backward(retain_grad=True). Its steps:

- 0, "start": only the inputs are known;
- "forward": one per operation node, in the order the graph recorded them: its value;
- "output": the backward pass starts at the output, d out / d out = 1;
- "edge": for the operation nodes from the last to the first, one per input: the gradient
  node.edge_grads[k] that the node sends back to node.inputs[k];
- "sum": where a value feeds several nodes (a fork), right after the last of its edges: its
  gradient node.grad, the sum of the gradients on its edges.

Predict mode (predict=True, or a list of node names for only the gradients sent to those nodes)
asks for each backward value before it is shown: predict(value) answers right, or wrong with a
hint, and after a second wrong try shows the answer; score() counts. Values print as
common.draw.fmt prints them (220, 1.1, 1.6065); an array as its shape and first entries.
"""
import math
import unicodedata
from dataclasses import dataclass

import numpy as np

from common.draw import fmt

LANGUAGES = ("en", "ja")
RTOL, ATOL = 1e-3, 1e-4  # a prediction is right within 0.1 % (or 0.0001): the drawing's 4 decimals are enough
NOISE = 1e-10  # a value smaller than this prints as 0: rounding noise (1.4e-17 for a sum that is 0) that
#                changes with the order of the additions, so a stored output would not repeat

# The rule kind of an operation node, by the class that computes it (common.layers, common.autograd,
# common.autograd_ops); another class gets the general rule ("RowMax.backward sends ...").
KINDS = {"MulLayer": "mul", "Mul": "mul", "AddLayer": "add", "Add": "add", "Sub": "sub", "Div": "div", "Neg": "neg",
         "Pow": "pow", "Exp": "exp", "Log": "log", "Reciprocal": "reciprocal", "Scale": "scale", "Shift": "shift",
         "MatMul": "matmul", "Sum": "sum", "Relu": "relu"}

# Forward rules: (with the operands' names, with their numbers); " = value" follows. {va}: a number as an
# operand (in parentheses when negative); {xa}: as a function's argument; {c}: the node's constant.
FORWARD = {
    "mul": ("{a} × {b}", "{va} × {vb}"), "add": ("{a} + {b}", "{va} + {vb}"), "sub": ("{a} − {b}", "{va} − {vb}"),
    "div": ("{a} / {b}", "{va} / {vb}"), "neg": ("−{a}", "−{va}"), "pow": ("{a}^{c}", "{va}^{c}"),
    "scale": ("{a} × {c}", "{va} × {c}"), "shift": ("{a} + {c}", "{va} + {c}"), "exp": ("exp({a})", "exp({xa})"),
    "log": ("log({a})", "log({xa})"), "reciprocal": ("1 / {a}", "1 / {va}"), "matmul": ("{a} @ {b}", "{va} @ {vb}"),
    "sum": ("sum({a}{axis})", "sum({xa}{axis})"), "relu": ("max(0, {a})", "max(0, {xa})"),
}
CALLS = {"exp", "log", "relu", "sum", "neg", None}  # with array operands, these show names only: exp(u) = ...

# Every text, by language. back: the rule of each kind with the numbers, per input (or one for all);
# hint: the same rule in words, without numbers; mistake: what a recognised wrong value is.
WORDS = {
    "en": {
        "start": "start: the inputs are known: {inputs}; step forward to compute each node",
        "node": "the {op} node", "through": "back through {op} ({out}) to {to}",
        "through_unnamed": "back through {op} to {to}",
        "output": "backward starts at the output: d {out} / d {out} = {g}",
        "output_dout": "backward starts at the output {out} with the upstream gradient {g}",
        "sum": "{name} feeds {n} nodes, so its gradient is the sum of the gradients on its edges: {terms} = {v}",
        "question_edge": "predict the gradient that {node} sends back to {to}",
        "question_sum": "predict the gradient of {name}: it feeds {n} nodes",
        "broadcast_note": "; summed to the shape {shape} of {to}, which was broadcast",
        "back": {
            "mul": ["upstream {g} × the other input {vo} = {e}"],
            "add": ["an add node passes the upstream gradient on unchanged: {e}"],
            "sub": ["a subtract node passes the upstream gradient on unchanged to its first input: {e}",
                    "a subtract node sends the upstream gradient to its second input with the sign flipped: "
                    "−{g} = {e}"],
            "div": ["upstream {g} / {vb} = {e}", "−upstream × a / b²: −{g} × {va} / {vb}² = {e}"],
            "neg": ["−upstream: −{g} = {e}"], "pow": ["upstream × c × x^(c−1): {g} × {c} × {va}^{cm1} = {e}"],
            "scale": ["upstream {g} × {c} = {e}"],
            "shift": ["adding a constant passes the upstream gradient on unchanged: {e}"],
            "exp": ["upstream × exp(x), its own output: {g} × {y} = {e}"],
            "log": ["upstream / x: {g} / {va} = {e}"],
            "reciprocal": ["−upstream × y², y its own output: −{g} × {y}² = {e}"],
            "matmul": ["upstream @ {b}ᵀ: {g} @ {vb}ᵀ = {e}", "{a}ᵀ @ upstream: {va}ᵀ @ {g} = {e}"],
            "sum": ["the upstream gradient copied to every entry that was summed, {g} to {va}: {e}"],
            "relu": ["the upstream gradient where the input was > 0, 0 elsewhere: {e}"],
            None: ["{cls}.backward sends {e}"],
        },
        "hint": {
            "mul": ["a × node sends back the upstream gradient times the other input"],
            "add": ["a + node passes the upstream gradient on unchanged"],
            "sub": ["a − node passes the upstream gradient on unchanged to its first input",
                    "a − node sends the upstream gradient to its second input with the sign flipped"],
            "div": ["for a / b, the gradient to a is upstream / b",
                    "for a / b, the gradient to b is −upstream × a / b²"],
            "neg": ["−x sends back −upstream"], "pow": ["x^c sends back upstream × c × x^(c−1)"],
            "scale": ["×c sends back upstream × c"], "shift": ["+c passes the upstream gradient on unchanged"],
            "exp": ["exp sends back upstream × its own output"], "log": ["log sends back upstream / its input"],
            "reciprocal": ["1/x sends back −upstream × (its own output)²"],
            "matmul": ["x @ W sends upstream @ Wᵀ back to x", "x @ W sends xᵀ @ upstream back to W"],
            "sum": ["sum copies the upstream gradient to every entry it summed"],
            "relu": ["relu passes the upstream gradient where its input was > 0, and 0 elsewhere"],
            None: ["look at what {cls}.backward computes"],
            "fork": "a value that feeds several nodes gets the sum of the gradients on its edges",
            "upstream": " (the upstream gradient is the red value on the edge that leaves the node)",
        },
        "mistake": {"sign": "the size is right, the sign is not; ", "sibling": "that is the gradient sent to {other}; ",
                    "upstream": "that is the upstream gradient, unchanged; ",
                    "forward": "that is a value of the forward pass, not a gradient; ",
                    "one_edge": "that is the gradient on one of its edges only; ",
                    "close": "close, but rounded too far: give 4 significant digits (within 0.1 %); "},
        "right": "right: {rule}", "right2": "right on the second try: {rule}",
        "wrong": "wrong: {guess} is not it; hint: {hint}", "shown": "wrong twice: the answer is {v}: {rule}",
        "score": "score: {first} right the first time, {second} on the second try, {shown} shown, of {total}",
        "to_go": " ({left} still to predict)",
        "phase": {"start": "start", "forward": "forward", "backward": "backward"},
        "state": "step {k} of {last} ({phase}): {rule}", "values": "values", "gradients": "gradients",
        "none": "none yet",
    },
    "ja": {
        "start": "はじめ: 入力が分かっています: {inputs}。順伝播で各ノードを計算します",
        "node": "{op} ノード", "through": "{op} ノード（{out}）から {to} へ",
        "through_unnamed": "{op} ノードから {to} へ",
        "output": "逆伝播は出力から始まる: ∂{out}/∂{out} = {g}",
        "output_dout": "逆伝播は出力 {out} から、上流から伝わる勾配 {g} で始まる",
        "sum": "{name} は {n} つのノードに分岐しているので、勾配は各エッジの勾配の和: {terms} = {v}",
        "question_edge": "{node}から {to} へ戻る勾配を予想してください",
        "question_sum": "{name} の勾配を予想してください（{n} つのノードに分岐しています）",
        "broadcast_note": "。{to} はブロードキャストされたので、形 {shape} になるまで和をとる",
        "back": {
            "mul": ["上流の勾配 {g} × もう一方の入力 {vo} = {e}"],
            "add": ["加算ノードは上流から伝わる勾配をそのまま流す: {e}"],
            "sub": ["減算ノードは1つ目の入力へ上流の勾配をそのまま流す: {e}",
                    "減算ノードは2つ目の入力へ上流の勾配の符号を反転して流す: −{g} = {e}"],
            "div": ["上流の勾配 {g} / {vb} = {e}", "−上流の勾配 × a / b²: −{g} × {va} / {vb}² = {e}"],
            "neg": ["−上流の勾配: −{g} = {e}"], "pow": ["上流の勾配 × c × x^(c−1): {g} × {c} × {va}^{cm1} = {e}"],
            "scale": ["上流の勾配 {g} × {c} = {e}"],
            "shift": ["定数を足すノードは上流の勾配をそのまま流す: {e}"],
            "exp": ["上流の勾配 × exp(x)（自分の出力）: {g} × {y} = {e}"],
            "log": ["上流の勾配 / x: {g} / {va} = {e}"],
            "reciprocal": ["−上流の勾配 × y²（y は自分の出力）: −{g} × {y}² = {e}"],
            "matmul": ["上流の勾配 @ {b}ᵀ: {g} @ {vb}ᵀ = {e}", "{a}ᵀ @ 上流の勾配: {va}ᵀ @ {g} = {e}"],
            "sum": ["和をとった各要素へ上流の勾配を複製する（{g} から {va} へ）: {e}"],
            "relu": ["入力が正だったところは上流の勾配、それ以外は 0: {e}"],
            None: ["{cls}.backward が送る値: {e}"],
        },
        "hint": {
            "mul": ["乗算ノードは、上流の勾配にもう一方の入力を掛けて返す（入力をひっくり返して掛ける）"],
            "add": ["加算ノードは、上流から伝わる勾配をそのまま流す"],
            "sub": ["減算ノードは、1つ目の入力へ上流の勾配をそのまま流す",
                    "減算ノードは、2つ目の入力へ上流の勾配の符号を反転して流す"],
            "div": ["a / b の a への勾配は 上流の勾配 / b", "a / b の b への勾配は −上流の勾配 × a / b²"],
            "neg": ["−x は −上流の勾配 を返す"], "pow": ["x^c は 上流の勾配 × c × x^(c−1) を返す"],
            "scale": ["×c は 上流の勾配 × c を返す"], "shift": ["+c は上流の勾配をそのまま流す"],
            "exp": ["exp は 上流の勾配 × 自分の出力 を返す"], "log": ["log は 上流の勾配 / 入力 を返す"],
            "reciprocal": ["1/x は −上流の勾配 × (自分の出力)² を返す"],
            "matmul": ["x @ W は x へ 上流の勾配 @ Wᵀ を返す", "x @ W は W へ xᵀ @ 上流の勾配 を返す"],
            "sum": ["sum は上流の勾配を和をとった各要素へ複製する"],
            "relu": ["relu は入力が正だったところだけ上流の勾配を流し、それ以外は 0"],
            None: ["{cls}.backward が何を計算するかを見てください"],
            "fork": "複数のノードに分岐した値は、各エッジの勾配の和を受け取る（分岐の規則）",
            "upstream": "（上流の勾配は、そのノードから出るエッジの赤い値です）",
        },
        "mistake": {"sign": "大きさは合っていますが、符号が違います。", "sibling": "それは {other} へ戻る勾配です。",
                    "upstream": "それは上流の勾配そのままです。", "forward": "それは順伝播の値で、勾配ではありません。",
                    "one_edge": "それは1つのエッジの勾配だけです。",
                    "close": "近いですが、丸めすぎです。有効数字4桁で答えてください（0.1 % 以内）。"},
        "right": "正解: {rule}", "right2": "2回目で正解: {rule}",
        "wrong": "不正解: {guess} ではありません。ヒント: {hint}", "shown": "2回とも不正解: 答えは {v}: {rule}",
        "score": "得点: 1回目で正解 {first}、2回目で正解 {second}、答えを表示 {shown}（全 {total} 問）",
        "to_go": "（残り {left} 問）",
        "phase": {"start": "はじめ", "forward": "順伝播", "backward": "逆伝播"},
        "state": "ステップ {k} / {last}（{phase}）: {rule}", "values": "値", "gradients": "勾配", "none": "まだなし",
    },
}


@dataclass(frozen=True)
class Step:
    """One step: kind "start", "forward", "output", "edge" or "sum"; node: the node it computes
    (forward), the output, the node that sends the gradient (edge) or the node whose edges are
    summed (sum); edge: for "edge", the index k of the input in node.inputs; value: what it computes."""
    kind: str
    node: object = None
    edge: int = None
    value: object = None

    @property
    def phase(self):
        return self.kind if self.kind in ("start", "forward") else "backward"


@dataclass(frozen=True)
class Frame:
    """What the drawing of one step shows, edges named as common.draw.edge_keys names them:
    forward, backward: the edges whose value and gradient are known; question: the edge whose
    gradient is asked for, or None; highlight: the nodes and edges of the step (or of the
    question); notes: {node: "Σ = 650"} for each fork summed so far."""
    forward: frozenset
    backward: frozenset
    question: object
    highlight: frozenset
    notes: dict


@dataclass(frozen=True)
class Score:
    """Predict mode: how many values were right the first time, right on the second try, shown after
    two wrong tries, and how many are asked in all."""
    first: int
    second: int
    shown: int
    total: int

    @property
    def left(self):
        return self.total - self.first - self.second - self.shown

    def text(self, language="en"):
        words = WORDS[language]
        line = words["score"].format(first=self.first, second=self.second, shown=self.shown, total=self.total)
        return line + (words["to_go"].format(left=self.left) if self.left else "")


@dataclass(frozen=True)
class State:
    """What is known after a step: step (0 to last), phase ("start", "forward", "backward"), kind (of
    the Step), node (the name of the node it computes), edge ((from, to) names of the edge whose
    gradient it computes), values and gradients ((name, value text) of each node whose value, and
    whose whole gradient, is known), rule (the rule line), question (predict mode: what is asked
    next, or None), score (predict mode: the score line)."""
    step: int
    last: int
    phase: str
    kind: str
    node: str
    edge: tuple
    values: tuple
    gradients: tuple
    rule: str
    question: str = None
    score: str = None
    language: str = "en"

    def __str__(self):
        words = WORDS[self.language]
        lines = [words["state"].format(k=self.step, last=self.last, phase=words["phase"][self.phase], rule=self.rule),
                 f"  {words['values']}: " + ", ".join(f"{n} {v}" for n, v in self.values),
                 f"  {words['gradients']}: " + (", ".join(f"{n} {v}" for n, v in self.gradients) or words["none"])]
        lines += [f"  ? {self.question}"] if self.question else []
        lines += [f"  {self.score}"] if self.score else []
        return "\n".join(lines)

    __repr__ = __str__


class GraphStepper:
    """The steps of a recorded, backpropagated graph (see the module docstring) and where one is.

    names: {language: {recorded name: shown name}}, for example {"ja": JA_NAMES}
    (common.graph_examples), for the texts and drawings in that language. predict: False; True
    asks for every backward value but the output's own 1 before showing it; a list of node names
    asks only for the gradients sent to those nodes (each edge into one, and their sum at a fork).
    Every text takes language "en" (the default) or "ja". listeners: callables taking the stepper,
    called after every change of step or of the predictions (a view follows the stepper so).
    """

    def __init__(self, graph, names=None, predict=False):
        self.graph, self.names = graph, _checked_names(names)
        self.output_name, self.output = _the_output(graph)
        self.users = {id(n): [] for n in graph.nodes}  # id(node) -> [(node that takes it, k)]: its outgoing edges
        for node in graph.nodes:
            for k, i in enumerate(node.inputs):
                if id(i) not in self.users:
                    raise ValueError(f"node {node.name!r} takes {i.name!r}, which is not one of graph.nodes")
                self.users[id(i)].append((node, k))
        self.steps = self._derive_steps()
        self.asked = self._asked(predict)  # the numbers of the steps predict mode asks for, in order
        self.tries = dict.fromkeys(self.asked, 0)
        self.outcomes = dict.fromkeys(self.asked)  # "first" or "second" (right on that try), "shown", None (open)
        self.position = 0
        self.listeners = []

    def _derive_steps(self):
        if self.output.grad is None:
            raise ValueError("the graph has no gradients yet: run its backward pass first, e.g. "
                             "backward_from_output(g) (for graph_of(v): v.backward(retain_grad=True) before graph_of)")
        ops = [n for n in self.graph.nodes if n.op is not None]
        steps = [Step("start"), *(Step("forward", n, value=n.value) for n in ops),
                 Step("output", self.output, value=self.output.grad)]
        back = {}  # id(node) -> how many of its edges have brought their gradient back
        for node in reversed(ops):
            if node.edge_grads is None:
                continue  # not on a path to the output: backward never reached it
            for k, i in enumerate(node.inputs):
                steps.append(Step("edge", node, k, node.edge_grads[k]))
                back[id(i)] = back.get(id(i), 0) + 1
                if self._forks(i) and back[id(i)] == len(self.users[id(i)]):
                    steps.append(Step("sum", i, value=i.grad))
        return steps

    def _forks(self, node):
        """Whether node's value feeds several edges (and is not the tuple of a split's outputs)."""
        return len(self.users[id(node)]) > 1 and not isinstance(node.value, tuple)

    def _asked(self, predict):
        if predict is False:
            return []
        names = None
        if predict is not True:
            if isinstance(predict, str) or not hasattr(predict, "__iter__"):
                raise TypeError(f"predict must be True, False or a list of node names such as ['a1', 'a2']; got "
                                f"{predict!r}")
            names, known = set(predict), {n.name for n in self.graph.nodes}
            if not names or not names <= known:
                raise ValueError(f"predict names no node of the graph: {sorted(names - known) or '[]'}; its nodes "
                                 f"are {sorted(known)}")
        asked = [k for k, s in enumerate(self.steps) if s.kind in ("edge", "sum")
                 and (names is None or self.target(k).name in names)]
        if not asked:
            raise ValueError(f"predict={predict!r} asks for nothing: no gradient comes back to those nodes")
        for k in asked:
            if np.size(self.steps[k].value) != 1:
                raise ValueError(f"predict mode asks for numbers, and the gradient sent to {self.target(k).name!r} "
                                 f"has the shape {np.shape(self.steps[k].value)}: name the nodes with a number as "
                                 "their gradient, predict=['...']")
        return asked

    def target(self, k):
        """The node whose gradient step k (an edge or a sum) computes."""
        step = self.steps[k]
        return step.node.inputs[step.edge] if step.kind == "edge" else step.node

    @property
    def last(self):
        """The number of the last step."""
        return len(self.steps) - 1

    # --- moving -----------------------------------------------------------------------------------

    def pending(self):
        """The first asked step whose value is still to be predicted, or None."""
        return next((k for k in self.asked if self.outcomes[k] is None), None)

    @property
    def frontier(self):
        """The last step one may see: before the first value still to be predicted, else the last step."""
        k = self.pending()
        return self.last if k is None else k - 1

    def asking(self):
        """Whether the step after the current one waits for a prediction."""
        return self.pending() is not None and self.position == self.frontier

    def goto(self, k):
        """Go to step k (0 to last) and return its State; in predict mode not past a value still to predict."""
        k = self._number(k, none_is_current=False)
        if k > self.frontier:
            asked = self.frontier + 1
            raise ValueError(f"step {asked} asks for a prediction first: {self.question(asked)}: call predict(value) "
                             "(or type it in the stepper's box)")
        self.position = k
        self._changed()
        return self.state()

    def _number(self, k, none_is_current=True):
        """k as a step number (None: the current step's), or an error that says which numbers there are."""
        if k is None and none_is_current:
            return self.position
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
            raise TypeError(f"a step number is an int from 0 to {self.last}; got {k!r} ({type(k).__name__})")
        if not 0 <= k <= self.last:
            raise ValueError(f"there is no step {k}: the steps are 0 (the start) to {self.last}")
        return int(k)

    def step(self):
        """One step forward; returns the new State."""
        if self.position == self.last:
            raise ValueError(f"already at the last step ({self.last}): back() or goto(k) to look again")
        return self.goto(self.position + 1)

    def back(self):
        """One step back; returns the new State."""
        if self.position == 0:
            raise ValueError("already at step 0, the start: step() to go forward")
        return self.goto(self.position - 1)

    def restart(self):
        """Back to step 0 with every prediction forgotten; returns the State."""
        self.tries, self.outcomes = dict.fromkeys(self.asked, 0), dict.fromkeys(self.asked)
        self.position = 0
        self._changed()
        return self.state()

    def _changed(self):
        for listener in list(self.listeners):
            listener(self)

    # --- predict mode -----------------------------------------------------------------------------

    def predict(self, value, language="en"):
        """Answer the value asked for next; returns the verdict: "right: ...", "wrong: ... hint: ..."
        or, after a second wrong try, "wrong twice: the answer is ...". A right answer (or a second
        wrong one) shows the value: the stepper moves to its step. value: a number or a string such
        as "-0.25" (see parse_prediction); what is not a number raises ValueError and is no try."""
        k = self.pending()
        if k is None:
            raise ValueError("predict mode is off: make the stepper with GraphStepper(graph, predict=True)"
                             if not self.asked else f"nothing left to predict ({self.score().text()}): restart() "
                             "to try again")
        guess = parse_prediction(value)
        self.tries[k] += 1
        right = close(guess, self.steps[k].value)
        if right or self.tries[k] == 2:
            self.outcomes[k] = ("first" if self.tries[k] == 1 else "second") if right else "shown"
            self.position = k
        self._changed()
        return self.verdict(k, guess, right, self.tries[k], language)

    def verdict(self, k, guess, right, tries, language="en"):
        """The verdict of try number tries (1 or 2) of guess at asked step k (see predict)."""
        words = WORDS[language]
        if right:
            return words["right" if tries == 1 else "right2"].format(rule=self.answer_rule(k, language))
        if tries >= 2:
            return words["shown"].format(v=value_text(self.steps[k].value), rule=self.answer_rule(k, language))
        return words["wrong"].format(guess=value_text(guess), hint=self.mistake(k, guess, language)
                                     + self.hint(k, language))

    def mistakes(self, k, language="en"):
        """The usual wrong values at asked step k, each with what it is: [(value, note)]: the sign
        flipped; at a fork, one edge's gradient alone; else the gradient sent to the node's other
        input (a × node's inputs swapped), the upstream gradient unchanged, a forward value; each
        value once, with the first note that fits it."""
        words, step = WORDS[language]["mistake"], self.steps[k]
        answer = float(np.asarray(step.value))
        found = [(-answer, words["sign"])]
        if step.kind == "sum":
            found += [(c.edge_grads[j], words["one_edge"]) for c, j in self.users[id(step.node)]]
        else:
            node = step.node
            found += [(node.edge_grads[j], words["sibling"].format(other=self.label(i, language)))
                      for j, i in enumerate(node.inputs) if j != step.edge]
            found += [(node.grad, words["upstream"]), (self._edge_value(node, step.edge), words["forward"]),
                      (node.value, words["forward"])]
        kept = []
        for value, note in found:  # not the answer itself, nor a value an earlier note already names
            if np.size(value) == 1 and not any(close(value, v) for v in [answer, *(v for v, _ in kept)]):
                kept.append((float(np.asarray(value)), note))
        return kept

    def mistake(self, k, guess, language="en"):
        """What a wrong guess at asked step k is, if it is a usual mistake (see mistakes) or the right
        value rounded too far (within 2 %), or ""."""
        found = next((note for value, note in self.mistakes(k, language) if close(guess, value)), "")
        answer = float(np.asarray(self.steps[k].value))
        if not found and abs(guess - answer) <= ROUNDED * abs(answer):
            found = WORDS[language]["mistake"]["close"]
        return found

    def score(self):
        """The Score of the predictions so far."""
        outcomes = list(self.outcomes.values())
        return Score(outcomes.count("first"), outcomes.count("second"), outcomes.count("shown"), len(outcomes))

    # --- names and texts --------------------------------------------------------------------------

    def name(self, node, language="en"):
        """The name shown for a node (or an output's name) in language."""
        raw = node if isinstance(node, str) else node.name
        return self.names.get(language, {}).get(raw, raw)

    @staticmethod
    def named(node):
        """False for an operation node that was given no name (its name is its symbol)."""
        return node.op is None or node.name != node.op

    def label(self, node, language="en"):
        """A node as the texts name it: its name, or "the × node" for an operation given no name."""
        return self.name(node, language) if self.named(node) else WORDS[language]["node"].format(op=node.op)

    def rule(self, k=None, language="en"):
        """The rule line of step k (default: the current one), with its numbers."""
        k = self._number(k)
        step, words = self.steps[k], WORDS[language]
        if step.kind == "start":
            return words["start"].format(inputs=", ".join(f"{self.name(n, language)} = {operand_text(n.value)}"
                                                          for n in self.graph.nodes if n.op is None))
        if step.kind == "forward":
            return self._forward_rule(step.node, language)
        if step.kind == "output":
            ones = np.all(np.asarray(step.value) == 1)
            return words["output" if ones else "output_dout"].format(out=self.name(self.output_name, language),
                                                                     g=value_text(step.value))
        if step.kind == "sum":
            return self.answer_rule(k, language)
        node = step.node
        to = self.label(node.inputs[step.edge], language)
        head = words["through"].format(op=node.op, out=self.name(node, language), to=to) if self.named(node) else \
            words["through_unnamed"].format(op=node.op, to=to)
        return f"{head}: {self.answer_rule(k, language)}"

    def answer_rule(self, k, language="en"):
        """The rule that gives the value of backward step k, with its numbers (what a verdict quotes)."""
        step, words = self.steps[k], WORDS[language]
        if step.kind == "sum":
            grads = [operand_text(c.edge_grads[j]) for c, j in self.users[id(step.node)]]
            terms = " + ".join([grads[0], *map(_operand, grads[1:])])
            return words["sum"].format(name=self.label(step.node, language), n=len(grads), terms=terms,
                                       v=value_text(step.value))
        node, k_in = step.node, step.edge
        kind = kind_of(node)
        templates = words["back"][kind if kind in words["back"] else None]
        f, _ = self._fields(node, language)
        other = self._edge_value(node, 1 - k_in) if len(node.inputs) == 2 else None
        f.update(g=_operand(operand_text(node.grad)), e=value_text(step.value), cls=type(node.layer).__name__,
                 vo="" if other is None else _operand(operand_text(other)))
        text = templates[min(k_in, len(templates) - 1)].format(**f)
        if kind in ("add", "sub") and np.shape(step.value) != np.shape(node.grad):
            text += words["broadcast_note"].format(shape=shape_text(np.shape(step.value)),
                                                   to=self.label(node.inputs[k_in], language))
        return text

    def hint(self, k, language="en"):
        """The hint of asked step k: its rule in words, without the numbers."""
        step, hints = self.steps[k], WORDS[language]["hint"]
        if step.kind == "sum":
            return hints["fork"]
        kind = kind_of(step.node)
        templates = hints[kind if kind in hints else None]
        return templates[min(step.edge, len(templates) - 1)].format(cls=type(step.node.layer).__name__) + \
            hints["upstream"]

    def question(self, k, language="en"):
        """What asked step k asks for."""
        step, words = self.steps[k], WORDS[language]
        if step.kind == "sum":
            return words["question_sum"].format(name=self.label(step.node, language), n=len(self.users[id(step.node)]))
        node = step.node
        sender = words["node"].format(op=node.op)
        if self.named(node):
            sender += f" ({self.name(node, language)})" if language == "en" else f"（{self.name(node, language)}）"
        return words["question_edge"].format(node=sender, to=self.label(node.inputs[step.edge], language))

    def _edge_value(self, node, k):
        return node.edge_values[k] if node.edge_values is not None else node.inputs[k].value

    def _fields(self, node, language):
        """The names and numbers a rule of node plugs in, and whether all its inputs have names."""
        values = [self._edge_value(node, k) for k in range(len(node.inputs))]
        names = [self.name(i, language) if self.named(i) else None for i in node.inputs]
        f = {"v": value_text(node.value), "y": operand_text(node.value), "axis": "", "c": "", "cm1": ""}
        for letter, value, name in zip("ab", values, names):
            f[letter] = short_text(value) if name is None else name
            f["v" + letter], f["x" + letter] = _operand(operand_text(value)), operand_text(value)
        c = getattr(node.layer, "c", None)
        if isinstance(c, (int, float, np.number)):
            f["c"], f["cm1"] = _operand(fmt(c)), fmt(c - 1)
        if getattr(node.layer, "axis", None) is not None:
            f["axis"] = f", axis={node.layer.axis}"
        return f, None not in names

    def _forward_rule(self, node, language):
        kind = kind_of(node)
        f, all_named = self._fields(node, language)
        if kind in FORWARD:
            with_names, with_numbers = (t.format(**f) for t in FORWARD[kind])
        else:
            with_names = f"{node.op}(" + ", ".join(self.name(i, language) for i in node.inputs) + ")"
            with_numbers = f"{node.op}(" + ", ".join(_operand(short_text(self._edge_value(node, k)))
                                                      for k in range(len(node.inputs))) + ")"
        if not self.named(node):
            return f"{WORDS[language]['node'].format(op=node.op)}: {with_numbers} = {f['v']}"
        out = self.name(node, language)
        arrays = all(np.size(self._edge_value(node, k)) > 1 for k in range(len(node.inputs)))
        if kind in CALLS and arrays and all_named:
            return f"{out} = {with_names} = {f['v']}"  # exp(u) = exp((4, 3)) says nothing more
        if all_named and with_names not in (with_numbers, out):
            return f"{out} = {with_names} = {with_numbers} = {f['v']}"
        return f"{out} = {with_numbers} = {f['v']}"

    # --- what is known ----------------------------------------------------------------------------

    def state(self, k=None, language="en"):
        """The State after step k (default: the current one)."""
        k = self._number(k)
        done, step = self.steps[:k + 1], self.steps[k]
        computed = {id(s.node) for s in done if s.kind == "forward"}
        values = tuple((self.name(n, language), short_text(n.value)) for n in self.graph.nodes
                       if n.op is None or id(n) in computed)
        complete = {id(s.node) for s in done if s.kind in ("output", "sum")}  # a fork's gradient: when summed
        complete |= {id(self.target(j)) for j, s in enumerate(done) if s.kind == "edge"
                     and not self._forks(self.target(j))}
        gradients = tuple((self.name(n, language), short_text(n.grad)) for n in reversed(self.graph.nodes)
                          if id(n) in complete)
        edge = (self.name(self.target(k), language), self.name(step.node, language)) if step.kind == "edge" else None
        asking = k == self.position and self.asking()
        return State(k, self.last, step.phase, step.kind, None if step.node is None else self.name(step.node, language),
                     edge, values, gradients, self.rule(k, language),
                     self.question(k + 1, language) if asking else None,
                     self.score().text(language) if self.asked else None, language)

    def frame(self, k=None, asking=None):
        """The Frame of step k (default: the current one). asking: draw the question of step k + 1 (its
        edge highlighted, a "?" where its value goes); by default, whether it waits for a prediction."""
        k = self._number(k)
        asking = (k == self.position and self.asking()) if asking is None else asking
        done = self.steps[:k + 1]
        computed = {id(s.node) for s in done if s.kind == "forward"}
        forward = {(node, j) for node in self.graph.nodes for j, i in enumerate(node.inputs)
                   if i.op is None or id(i) in computed}
        forward |= {(self.output, self.output_name)} if id(self.output) in computed else set()
        backward = {(s.node, s.edge) for s in done if s.kind == "edge"}
        backward |= {(self.output, self.output_name)} if any(s.kind == "output" for s in done) else set()
        notes = {s.node: f"Σ = {short_text(s.value)}" for s in done if s.kind == "sum"}
        marked = self.steps[k + 1] if asking else self.steps[k]
        question = (marked.node, marked.edge) if asking and marked.kind == "edge" else None
        return Frame(frozenset(forward), frozenset(backward), question, frozenset(self._marks(marked)), notes)

    def _marks(self, step):
        """The nodes and edges a step highlights."""
        if step.kind == "forward":
            return {step.node} | {(step.node, j) for j in range(len(step.node.inputs))}
        if step.kind == "output":
            return {self.output, (self.output, self.output_name)}
        if step.kind == "edge":
            return {step.node, (step.node, step.edge)}
        if step.kind == "sum":
            return {step.node} | set(self.users[id(step.node)])
        return set()

    def __repr__(self):
        forward = sum(s.kind == "forward" for s in self.steps)
        return f"GraphStepper of {self.output_name}: {forward} forward and {self.last - forward} backward steps\n" \
               f"{self.state()}"


# --- numbers ---------------------------------------------------------------------------------------

ROUNDED = 0.02  # a wrong guess this close to the answer (relative) is the answer rounded too far


def close(guess, answer):
    """True when guess is within RTOL (relative) or ATOL (absolute) of answer."""
    guess, answer = np.asarray(guess, dtype=float), np.asarray(answer, dtype=float)
    return bool(np.all(np.abs(guess - answer) <= RTOL * np.abs(answer) + ATOL))


def parse_prediction(value):
    """A prediction as a float: a number, or a string such as "2.2", "-0.25" or "1e-3" (also with the
    minus sign − and full-width digits, as a Japanese keyboard types them). Raises ValueError saying
    what was wrong."""
    text = unicodedata.normalize("NFKC", value).replace("−", "-").strip() if isinstance(value, str) else value
    try:
        if isinstance(value, bool):
            raise TypeError
        number = float(text)
    except (TypeError, ValueError):
        raise ValueError(f"{value!r} is not a number: type one such as 2.2, -0.25 or 1e-3") from None
    if not math.isfinite(number):
        raise ValueError(f"{value!r} is not a finite number")
    return number


def value_text(value):
    """A value for a rule line: a scalar as fmt prints it (220, 1.1, 1.6065), an array of up to 4
    entries in full ([0.0182, -0.7548, 0.7366]), a larger one as its shape and first 3 entries."""
    if isinstance(value, tuple):
        return "(" + ", ".join(map(value_text, value)) + ")"
    if value is None:
        return "?"
    a = _denoised(value)
    if a.size == 1:
        return fmt(a.reshape(()).item())
    if a.ndim == 1 and a.size <= 4:
        return "[" + ", ".join(map(fmt, a)) + "]"
    return f"{shape_text(a.shape)} [" + ", ".join(map(fmt, a.ravel()[:3])) + ", …]"


def short_text(value):
    """A value where there is little room (on an edge of the drawing): a scalar as fmt prints it, an
    array as its shape, (4, 3)."""
    if isinstance(value, tuple):
        return "(" + ", ".join(map(short_text, value)) + ")"
    if value is None:
        return "?"
    a = _denoised(value)
    return fmt(a.reshape(()).item()) if a.size == 1 else shape_text(a.shape)


def operand_text(value):
    """A value as an operand of a rule: in full up to 4 entries, else its shape."""
    small = not isinstance(value, tuple) and value is not None and np.ndim(value) <= 1 and np.size(value) <= 4
    return value_text(value) if small else short_text(value)


def shape_text(shape):
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def _denoised(value):
    """value as an array, entries smaller than NOISE set to 0."""
    a = np.asarray(value)
    return np.where(np.abs(a) < NOISE, 0, a) if a.dtype.kind in "fc" else a


def _operand(text):
    """A number as an operand: in parentheses when negative ("1.1 × (-2)")."""
    return f"({text})" if text.startswith("-") else text


def kind_of(node):
    """The rule kind of an operation node ("mul", "add", ...), or None for a class defined outside
    common (a notebook's own layer) or one the rule tables do not know."""
    cls = type(node.layer)
    return KINDS.get(cls.__name__) if cls.__module__.split(".")[0] == "common" else None


# --- checks of the arguments --------------------------------------------------------------------------

def _checked_names(names):
    if names is None:
        return {}
    if not isinstance(names, dict) or not all(isinstance(v, dict) for v in names.values()):
        raise TypeError("names must map a language to {recorded name: shown name}, for example {'ja': JA_NAMES}; "
                        f"got {type(names).__name__}")
    if set(names) - set(LANGUAGES):
        raise ValueError(f"names has languages {sorted(set(names) - set(LANGUAGES))}; the stepper speaks {LANGUAGES}")
    return {language: dict(mapping) for language, mapping in names.items()}


def _the_output(graph):
    if not isinstance(getattr(graph, "outputs", None), dict) or not hasattr(graph, "nodes"):
        raise TypeError(f"GraphStepper needs a common.graph.Graph, got {type(graph).__name__}")
    if len(graph.outputs) != 1:
        raise ValueError(f"GraphStepper steps through a graph with one output; this one has {len(graph.outputs)}: "
                         f"{sorted(graph.outputs)} (mark one with g.output(node, name))")
    if all(n.op is None for n in graph.nodes):
        raise ValueError("the graph has no operation node to step through")
    return next(iter(graph.outputs.items()))
