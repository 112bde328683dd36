"""Step through the forward and backward passes of a recorded computational graph, one
node at a time, and predict each backward value before it is shown.

    from common.graph_examples import apple_orange_graph, backward_from_output
    stepper = GraphStepper(backward_from_output(apple_orange_graph()))
    stepper.step()        # State: step 1 of 13, forward: apple price = apple × apple num = 100 × 2 = 200
    stepper.goto(9)       # any step; stepper.back() one back
    stepper               # in a notebook: the stepper with buttons (common.stepper_view)

Every step is derived from the graph's own recorded values (a common.graph.Graph after
backward, or graph_of of an autograd Variable after backward(retain_grad=True)):

- step 0, "start": only the inputs are known;
- "forward": one step per operation node, in the order the graph recorded them: its value;
- "output": the backward pass starts at the output, d out / d out = 1;
- "edge": for the operation nodes from the last to the first, one step per input edge: the
  gradient node.edge_grads[k] that the node sends back to node.inputs[k];
- "sum": where a value feeds several nodes (a fork), as soon as the last of its edges has
  brought its gradient back: its gradient, the sum of those edges' gradients (node.grad).

Each step has a rule line with the numbers plugged in ("back through × (price) to tax:
upstream 1 × the other input 650 = 650"), in English or Japanese. In predict mode
(predict=True) every backward step after the first asks for its value before showing it:
predict(value) answers "right", "wrong: hint ..." or, after a second wrong try, "wrong twice:
the answer is ...", and check_predictions judges a learner's list of predictions or the whole
session (PASS / FAIL / NOT DONE YET, recorded for common.selfcheck.progress).

Values print as common.draw.fmt prints them (220, 1.1, 1.6065); an array as its shape and
first entries, "(4, 3) [0.1223, -0.3366, 0.5471, …]".
"""
import ast
import unicodedata
from dataclasses import dataclass, field

import numpy as np

from common.draw import fmt

LANGUAGES = ("en", "ja")
RTOL, ATOL = 1e-3, 1e-4  # a prediction is right within 0.1 % (or 0.0001): the drawing's 4 decimals are enough
NOISE = 1e-10  # a value smaller than this prints as 0: rounding noise (1.4e-17 for a sum that is 0) that
#                changes with the order of the additions, so a stored output would not repeat

# The kind of an operation node: the class of what computes it (a layer of common.layers, a
# node or Function of common's graph and autograd modules), by class name.
KINDS = {"MulLayer": "mul", "Mul": "mul", "AddLayer": "add", "Add": "add", "Sub": "sub", "Div": "div",
         "Neg": "neg", "Pow": "pow", "Exp": "exp", "Log": "log", "Reciprocal": "reciprocal", "Scale": "scale",
         "Shift": "shift", "MatMul": "matmul", "Sum": "sum", "Reshape": "reshape", "Transpose": "transpose",
         "Relu": "relu", "Sigmoid": "sigmoid", "BroadcastTo": "broadcast", "SumTo": "sum_to"}

# Forward rules: (the formula with the operands' names, the same with their numbers); " = {v}" follows.
# {va} is a number as an operand (in parentheses when negative), {xa} as a function's argument.
FORWARD = {
    "mul": ("{a} × {b}", "{va} × {vb}"), "add": ("{a} + {b}", "{va} + {vb}"),
    "sub": ("{a} − {b}", "{va} − {vb}"), "div": ("{a} / {b}", "{va} / {vb}"),
    "neg": ("−{a}", "−{va}"), "pow": ("{a}^{c}", "{va}^{c}"), "scale": ("{a} × {c}", "{va} × {c}"),
    "shift": ("{a} + {c}", "{va} + {c}"), "exp": ("exp({a})", "exp({xa})"), "log": ("log({a})", "log({xa})"),
    "reciprocal": ("1 / {a}", "1 / {va}"), "matmul": ("{a} @ {b}", "{va} @ {vb}"),
    "relu": ("max(0, {a})", "max(0, {xa})"), "sigmoid": ("1 / (1 + exp(−{a}))", "1 / (1 + exp(−{va}))"),
    "sum": ("sum({a}{axis})", "sum({xa}{axis})"), "reshape": ("reshape({a}, {c})", "reshape({xa}, {c})"),
    "transpose": ("{a}ᵀ", "{va}ᵀ"), "broadcast": ("broadcast({a}, {c})", "broadcast({xa}, {c})"),
    "sum_to": ("sum_to({a}, {c})", "sum_to({xa}, {c})"),
}
# Kinds written as a function of their operands: for arrays, the names and the result say it all.
CALLS = {"exp", "log", "relu", "sigmoid", "sum", "reshape", "transpose", "broadcast", "sum_to", "neg", None}

# The words of every text, by language. Backward rules: kind -> per input (or one for all):
# the rule with the numbers; hints: the rule in words, without numbers.
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
            "relu": ["the upstream gradient where the input was > 0, 0 elsewhere: {e}"],
            "sigmoid": ["upstream × y(1 − y), y its own output: {g} × {y} × (1 − {y}) = {e}"],
            "sum": ["the upstream gradient copied to every entry that was summed, {g} to {va}: {e}"],
            "reshape": ["the upstream gradient reshaped back to {va}: {e}"],
            "transpose": ["the upstream gradient transposed back: {e}"],
            "broadcast": ["the upstream gradient summed back to {va}: {e}"],
            "sum_to": ["the upstream gradient copied back to {va}: {e}"],
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
            "relu": ["relu passes the upstream gradient where its input was > 0, and 0 elsewhere"],
            "sigmoid": ["sigmoid sends back upstream × y(1 − y), y its own output"],
            "sum": ["sum copies the upstream gradient to every entry it summed"],
            "reshape": ["reshape sends the upstream gradient back in the input's shape"],
            "transpose": ["transpose sends the upstream gradient back transposed"],
            "broadcast": ["broadcast sums the upstream gradient back to the input's shape"],
            "sum_to": ["sum_to copies the upstream gradient back to the input's shape"],
            None: ["look at what {cls}.backward computes"],
            "fork": "a value that feeds several nodes gets the sum of the gradients on its edges",
            "sign": "the size is right, the sign is not; ",
            "upstream": " (the upstream gradient is the red value on the edge that leaves the node)",
        },
        "right": "right: {rule}", "right2": "right on the second try: {rule}",
        "wrong": "wrong: {guess} is not it; hint: {hint}",
        "shown": "wrong twice: the answer is {v}: {rule}",
        "score": "score: {first} right the first time, {second} on the second try, {shown} shown, of {total}",
        "to_go": " ({left} still to predict)",
        "phase": {"start": "start", "forward": "forward", "backward": "backward"},
        "state": "step {k} of {last} ({phase}): {rule}",
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
            "relu": ["入力が正だったところは上流の勾配、それ以外は 0: {e}"],
            "sigmoid": ["上流の勾配 × y(1 − y)（y は自分の出力）: {g} × {y} × (1 − {y}) = {e}"],
            "sum": ["和をとった各要素へ上流の勾配を複製する（{g} から {va} へ）: {e}"],
            "reshape": ["上流の勾配を元の形 {va} に戻す: {e}"],
            "transpose": ["上流の勾配を転置して戻す: {e}"],
            "broadcast": ["上流の勾配を元の形 {va} になるまで和をとって戻す: {e}"],
            "sum_to": ["上流の勾配を元の形 {va} に複製して戻す: {e}"],
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
            "relu": ["relu は入力が正だったところだけ上流の勾配を流し、それ以外は 0"],
            "sigmoid": ["sigmoid は 上流の勾配 × y(1 − y)（y は自分の出力）を返す"],
            "sum": ["sum は上流の勾配を和をとった各要素へ複製する"],
            "reshape": ["reshape は上流の勾配を入力の形に戻す"],
            "transpose": ["transpose は上流の勾配を転置して戻す"],
            "broadcast": ["broadcast は上流の勾配を入力の形になるまで和をとる"],
            "sum_to": ["sum_to は上流の勾配を入力の形に複製する"],
            None: ["{cls}.backward が何を計算するかを見てください"],
            "fork": "複数のノードに分岐した値は、各エッジの勾配の和を受け取る（分岐の規則）",
            "sign": "大きさは合っていますが、符号が違います。",
            "upstream": "（上流の勾配は、そのノードから出るエッジの赤い値です）",
        },
        "right": "正解: {rule}", "right2": "2回目で正解: {rule}",
        "wrong": "不正解: {guess} ではありません。ヒント: {hint}",
        "shown": "2回とも不正解: 答えは {v}: {rule}",
        "score": "得点: 1回目で正解 {first}、2回目で正解 {second}、答えを表示 {shown}（全 {total} 問）",
        "to_go": "（残り {left} 問）",
        "phase": {"start": "はじめ", "forward": "順伝播", "backward": "逆伝播"},
        "state": "ステップ {k} / {last}（{phase}）: {rule}",
    },
}
CHECK = {
    "en": {
        "off": "predict mode is off: make the stepper with GraphStepper(graph, predict=True)",
        "none": "0 of {total} backward values predicted; the first: {question}: type it in the stepper's box "
                "and press Enter, or call stepper.predict(value)",
        "some": "{done} of {total} backward values predicted; next: {question}",
        "todo": "{name} still raises NotImplementedError: return the {total} values there, in the order the "
                "stepper asks for them (or type them in the stepper's box)",
        "raised": "{name}() raised {error}",
        "count": "{total} values are asked for, in a list in the order the stepper asks for them; {name}() "
                 "gave {n}",
        "bad": "value {i} of {name}(), {value!r}: {error}",
        "wrong": "{n} of {total} values are wrong: {which}",
        "wrong_one": "{question}: you gave {guess}; hint: {hint}",
        "more": "; and {n} more",
        "fail": "{shown} of {total} backward values were shown after two wrong tries: {which}; "
                "stepper.restart() to try again",
        "pass_list": "all {total} backward values right",
        "pass": "all {total} backward values predicted ({first} on the first try, {second} on the second)",
        "compared": "compared with the gradients the backward pass recorded, within 0.1 % (or 0.0001)",
    },
    "ja": {
        "off": "予想モードではありません: GraphStepper(graph, predict=True) で作ってください",
        "none": "逆伝播の値 {total} 個のうち 0 個を予想しました。最初の問題: {question}。ステッパーの入力欄に"
                "入力して Enter を押すか、stepper.predict(value) を呼んでください",
        "some": "逆伝播の値 {total} 個のうち {done} 個を予想しました。次: {question}",
        "todo": "{name} はまだ NotImplementedError を送出します。ステッパーが尋ねる順に {total} 個の値を返して"
                "ください（ステッパーの入力欄に入力してもかまいません）",
        "raised": "{name}() が {error} を送出しました",
        "count": "尋ねられる値は {total} 個です（ステッパーが尋ねる順のリスト）。{name}() が返したのは {n} です",
        "bad": "{name}() の {i} 番目の値 {value!r}: {error}",
        "wrong": "{total} 個のうち {n} 個が違います: {which}",
        "wrong_one": "{question}: あなたの値 {guess}。ヒント: {hint}",
        "more": "。ほか {n} 個",
        "fail": "逆伝播の値 {total} 個のうち {shown} 個は、2回とも不正解で答えが表示されました: {which}。"
                "stepper.restart() でやり直せます",
        "pass_list": "逆伝播の値 {total} 個がすべて正解",
        "pass": "逆伝播の値 {total} 個をすべて予想しました（1回目で正解 {first}、2回目で正解 {second}）",
        "compared": "逆伝播が記録した勾配と比べました（許容誤差 0.1 % または 0.0001）",
    },
}


def value_text(value):
    """A value for a rule line: a scalar as fmt prints it (220, 1.1, 1.6065), an array of up to 4
    entries in full ([0.0182, -0.7548, 0.7366]), a larger one as its shape and first 3 entries.
    Below NOISE, 0."""
    if isinstance(value, tuple):
        return "(" + ", ".join(value_text(v) for v in value) + ")"
    if value is None:
        return "?"
    a = _denoised(value)
    if a.size == 1:
        return fmt(a.reshape(()).item())
    if a.ndim == 1 and a.size <= 4:
        return "[" + ", ".join(fmt(v) for v in a) + "]"
    return f"{shape_text(a.shape)} [" + ", ".join(fmt(v) for v in a.ravel()[:3]) + ", …]"


def short_text(value):
    """A value where there is little room (on an edge of the drawing, as an operand): a scalar as fmt
    prints it, an array as its shape, (4, 3)."""
    if isinstance(value, tuple):
        return "(" + ", ".join(short_text(v) for v in value) + ")"
    if value is None:
        return "?"
    a = _denoised(value)
    return fmt(a.reshape(()).item()) if a.size == 1 else shape_text(a.shape)


def _denoised(value):
    """value as an array, entries smaller than NOISE set to 0."""
    a = np.asarray(value)
    return np.where(np.abs(a) < NOISE, 0, a) if a.dtype.kind in "fc" else a


def operand_text(value):
    """A value as an operand of a rule line: a scalar or an array of up to 4 entries in full, a larger
    array as its shape."""
    a = None if isinstance(value, tuple) or value is None else np.asarray(value)
    return value_text(value) if a is not None and a.ndim <= 1 and a.size <= 4 else short_text(value)


def shape_text(shape):
    return "(" + ", ".join(str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"


def kind_of(node):
    """The rule kind of an operation node ("mul", "add", ...), or None for a class the table does not
    know (a notebook's own layer): the class of node.layer, for classes defined in common."""
    cls = type(node.layer)
    if cls.__module__.split(".")[0] != "common":
        return None
    return KINDS.get(cls.__name__)


@dataclass(frozen=True)
class Step:
    """One step: kind "start", "forward", "output", "edge" or "sum"; node: the Node computed (forward),
    the output (output), the node that sends the gradient (edge) or that sums its gradients (sum);
    edge: for "edge", the index k of the input in node.inputs; value: what the step computes."""
    kind: str
    node: object = None
    edge: int = None
    value: object = None

    @property
    def phase(self):
        return {"start": "start", "forward": "forward"}.get(self.kind, "backward")


@dataclass(frozen=True)
class Frame:
    """What a drawing of one step shows (keys as common.draw.edge_keys names the edges):
    forward, backward: the edges whose value and gradient are known; question: the edge whose
    gradient is asked for next (predict mode), or None; highlight: the nodes and edges of the
    step (of the question, when one is asked); notes: {node: "Σ = 650"} for each fork summed."""
    forward: frozenset
    backward: frozenset
    question: object
    highlight: frozenset
    notes: dict


@dataclass(frozen=True)
class Score:
    """Predict mode: how many backward values were right the first time, on the second try, shown
    after two wrong tries, and how many are asked in all."""
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
    """What is known after a step. step: 0 (start) to last; phase: "start", "forward" or
    "backward"; kind: the step's kind (see Step); node: the name of the node it computes;
    edge: (from, to) names of the edge whose gradient it computes, in the forward direction;
    values, gradients: (name, value text) of every node whose value, and whose whole gradient,
    is known; rule: the rule line; question: predict mode, what is asked next (None if nothing);
    score: predict mode, the score line (None otherwise)."""
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
    language: str = field(default="en", repr=False)

    def __str__(self):
        words = WORDS[self.language]
        lines = [words["state"].format(k=self.step, last=self.last, phase=words["phase"][self.phase], rule=self.rule)]
        lines.append("  values: " + ", ".join(f"{n} {v}" for n, v in self.values))
        lines.append("  gradients: " + (", ".join(f"{n} {v}" for n, v in self.gradients) or "none yet"))
        if self.question:
            lines.append(f"  ? {self.question}")
        if self.score:
            lines.append(f"  {self.score}")
        return "\n".join(lines)

    __repr__ = __str__


class Prediction:
    """Predict mode, one asked step: the tries typed and how it ended ("first", "second", "shown"
    or None while it is still asked)."""

    def __init__(self):
        self.tries = []
        self.outcome = None


class GraphStepper:
    """The steps of a recorded, backpropagated graph (see the module docstring) and where one is.

    graph: a common.graph.Graph with one output, after backward (g.backward(output),
    backward_from_output(g), or graph_of(v) of an autograd Variable after
    v.backward(retain_grad=True)). names: {language: {recorded name: shown name}}, for example
    {"ja": JA_NAMES} (common.graph_examples), used by the text in that language and by its
    drawing. language: "en" or "ja", the language of state(), of the text form and of the
    verdicts of predict(); the views (common.stepper_view) show both. predict: True asks for
    each backward value (but the output's own 1) before showing it; a list of node names asks
    only for the gradients sent to those nodes (each edge into it, and their sum at a fork).

    Listeners (callables taking the stepper) are called after every change of step or of the
    predictions; the widget view is one of them.
    """

    def __init__(self, graph, names=None, language="en", predict=False):
        if language not in LANGUAGES:
            raise ValueError(f"language must be one of {LANGUAGES}, got {language!r}")
        self.names = _check_names(names)
        self.language = language
        self.graph = graph
        self.output_name, self.output = _the_output(graph)
        self.ops = [n for n in graph.nodes if n.op is not None]
        self.users = {id(n): [] for n in graph.nodes}  # id(node) -> [(consumer, k)]: its outgoing edges
        for node in graph.nodes:
            for k, i in enumerate(node.inputs):
                if id(i) not in self.users:
                    raise ValueError(f"node {node.name!r} takes {i.name!r}, which is not one of graph.nodes")
                self.users[id(i)].append((node, k))
        self.steps = self._derive_steps()
        self.position = 0
        asked = self._asked_names(predict)
        self.predict_mode = predict is not False
        self.predictions = {k: Prediction() for k, s in enumerate(self.steps) if self._asks(s, asked)}
        if self.predict_mode and not self.predictions:
            raise ValueError(f"predict={predict!r} asks for nothing: no gradient comes back to those nodes")
        self.listeners = []

    # --- the steps ------------------------------------------------------------------------------

    def _derive_steps(self):
        if self.output.grad is None:
            raise ValueError("the graph has no gradients yet: run its backward pass first, e.g. "
                             "g.backward(g.outputs[name]) or backward_from_output(g) (for graph_of(v): "
                             "v.backward(retain_grad=True) before graph_of)")
        steps = [Step("start")]
        steps += [Step("forward", n, value=n.value) for n in self.ops]
        steps.append(Step("output", self.output, value=self.output.grad))
        revealed = {}  # id(node) -> edges of it whose gradient has come back
        for node in reversed(self.ops):
            if node.edge_grads is None:
                continue  # not on a path to the output: backward never reached it
            if len(node.edge_grads) != len(node.inputs):
                raise ValueError(f"node {node.name!r} has {len(node.inputs)} inputs but {len(node.edge_grads)} "
                                 "edge gradients: the graph's backward pass did not finish")
            for k, i in enumerate(node.inputs):
                steps.append(Step("edge", node, k, node.edge_grads[k]))
                revealed[id(i)] = revealed.get(id(i), 0) + 1
                if self._forks(i) and revealed[id(i)] == len(self.users[id(i)]):
                    steps.append(Step("sum", i, value=i.grad))
        return steps

    def _forks(self, node):
        """True when node's value feeds several edges (and is not a tuple of outputs, as split's is)."""
        return len(self.users[id(node)]) > 1 and not isinstance(node.value, tuple)

    def _asked_names(self, predict):
        """None (ask for every backward value), or the set of node names predict lists."""
        if predict is True or predict is False:
            return None
        if isinstance(predict, str) or not hasattr(predict, "__iter__"):
            raise TypeError(f"predict must be True, False or a list of node names such as ['a1', 'a2']; got "
                            f"{predict!r}")
        names = set(predict)
        known = {n.name for n in self.graph.nodes}
        if not names or not names <= known:
            raise ValueError(f"predict names no node of the graph: {sorted(names - known) or '[]'}; its nodes are "
                             f"{sorted(known)}")
        return names

    @staticmethod
    def _asks(step, names=None):
        """Whether predict mode asks for step: every edge and sum, or those whose gradient goes to a node
        named in names."""
        if step.kind not in ("edge", "sum"):
            return False
        target = step.node.inputs[step.edge] if step.kind == "edge" else step.node
        return names is None or target.name in names

    @property
    def last(self):
        """The number of the last step."""
        return len(self.steps) - 1

    # --- moving ---------------------------------------------------------------------------------

    def _index(self, k, what):
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
            raise TypeError(f"{what} needs a step number, an int from 0 to {self.last}; got {k!r} "
                            f"({type(k).__name__})")
        k = int(k)
        if not 0 <= k <= self.last:
            raise ValueError(f"{what}: there is no step {k}: the steps are 0 (the start) to {self.last} "
                             "(the last backward step)")
        return k

    @property
    def frontier(self):
        """The last step one may see: in predict mode the step before the first value still asked
        for; otherwise the last step."""
        if self.predict_mode:
            for k in sorted(self.predictions):
                if self.predictions[k].outcome is None:
                    return k - 1
        return self.last

    def goto(self, k):
        """Go to step k (0 to last) and return its State. In predict mode, not past a value still
        to be predicted."""
        k = self._index(k, f"goto({k!r})")
        if k > self.frontier:
            question = self.question(self.frontier + 1, self.language)
            raise ValueError(f"goto({k}): step {self.frontier + 1} asks for a prediction first: {question}: "
                             "call predict(value) (or type it in the stepper's box)")
        self.position = k
        self._changed()
        return self.state()

    def step(self):
        """One step forward; returns the new State."""
        if self.position == self.last:
            raise ValueError(f"already at the last step ({self.last}): back() or goto(k) to look again")
        if self.position + 1 > self.frontier:
            question = self.question(self.position + 1, self.language)
            raise ValueError(f"step {self.position + 1} asks for a prediction: {question}: call predict(value) "
                             "(or type it in the stepper's box)")
        return self.goto(self.position + 1)

    def back(self):
        """One step back; returns the new State."""
        if self.position == 0:
            raise ValueError("already at step 0, the start: step() to go forward")
        return self.goto(self.position - 1)

    def restart(self):
        """Back to step 0 with every prediction forgotten; returns the State."""
        for p in self.predictions.values():
            p.tries, p.outcome = [], None
        self.position = 0
        self._changed()
        return self.state()

    def _changed(self):
        for listener in list(self.listeners):
            listener(self)

    # --- names and texts ------------------------------------------------------------------------

    def name(self, node, language=None):
        """The name shown for a node (or an output's name) in language."""
        language = language or self.language
        raw = node if isinstance(node, str) else node.name
        return self.names.get(language, {}).get(raw, raw)

    def label(self, node, language=None):
        """A node as the text names it: its name, or "the × node" for an operation given no name."""
        language = language or self.language
        return self.name(node, language) if self.named(node) else WORDS[language]["node"].format(op=node.op)

    @staticmethod
    def named(node):
        """False for an operation node that was given no name (its name is its symbol)."""
        return node.op is None or node.name != node.op

    def _edge_value(self, node, k):
        return node.edge_values[k] if node.edge_values is not None else node.inputs[k].value

    def rule(self, k=None, language=None):
        """The rule line of step k (default: the current one) in language (default: the stepper's)."""
        k = self.position if k is None else self._index(k, "rule")
        language = language or self.language
        step, words = self.steps[k], WORDS[language]
        if step.kind == "start":
            inputs = ", ".join(f"{self.name(n, language)} = {operand_text(n.value)}"
                               for n in self.graph.nodes if n.op is None)
            return words["start"].format(inputs=inputs)
        if step.kind == "forward":
            return self._forward_rule(step.node, language)
        if step.kind == "output":
            out = self.name(self.output_name, language)
            ones = np.all(np.asarray(step.value) == 1)
            return words["output" if ones else "output_dout"].format(out=out, g=value_text(step.value))
        if step.kind == "sum":
            edges = self.users[id(step.node)]
            terms = " + ".join(operand_text(c.edge_grads[j]) if n == 0 else _operand(operand_text(c.edge_grads[j]))
                               for n, (c, j) in enumerate(edges))
            return words["sum"].format(name=self.label(step.node, language), n=len(edges), terms=terms,
                                       v=value_text(step.value))
        return f"{self._head(step, language)}: {self._back_rule(step, language)}"

    def _fields(self, node, language):
        """The names and numbers a rule of node plugs in."""
        ins = [self._edge_value(node, k) for k in range(len(node.inputs))]
        named = [self.name(i, language) if self.named(i) else None for i in node.inputs]
        f = {"v": value_text(node.value), "y": operand_text(node.value), "axis": "", "c": "", "cm1": ""}
        for letter, value, name in zip("ab", ins, named):
            f[letter] = name if name is not None else short_text(value)
            f["v" + letter] = _operand(operand_text(value))
            f["x" + letter] = operand_text(value)
        layer = node.layer
        for attribute in ("c", "shape"):
            if hasattr(layer, attribute) and getattr(layer, attribute) is not None:
                c = getattr(layer, attribute)
                f["c"] = shape_text(c) if isinstance(c, tuple) else _operand(short_text(c))
        if hasattr(layer, "c") and isinstance(layer.c, (int, float, np.number)):
            f["cm1"] = fmt(layer.c - 1)
        if getattr(layer, "axis", None) is not None:
            f["axis"] = f", axis={layer.axis}"
        return f, all(n is not None for n in named)

    def _forward_rule(self, node, language):
        kind, words = kind_of(node), WORDS[language]
        f, all_named = self._fields(node, language)
        if kind in FORWARD:
            with_names, with_numbers = (t.format(**f) for t in FORWARD[kind])
        else:
            with_names = f"{node.op}(" + ", ".join(self.name(i, language) for i in node.inputs) + ")"
            with_numbers = f"{node.op}(" + ", ".join(_operand(short_text(self._edge_value(node, k)))
                                                      for k in range(len(node.inputs))) + ")"
        arrays = all(np.size(self._edge_value(node, k)) > 1 for k in range(len(node.inputs)))
        numbers = f"{with_numbers} = {f['v']}"
        if kind in CALLS and arrays and all_named and self.named(node):
            return f"{self.name(node, language)} = {with_names} = {f['v']}"
        if not self.named(node):
            return f"{words['node'].format(op=node.op)}: {numbers}"
        out = self.name(node, language)
        if all_named and with_names not in (with_numbers, out):
            return f"{out} = {with_names} = {numbers}"
        return f"{out} = {numbers}"

    def _head(self, step, language):
        node, words = step.node, WORDS[language]
        to = self.label(node.inputs[step.edge], language)
        if self.named(node):
            return words["through"].format(op=node.op, out=self.name(node, language), to=to)
        return words["through_unnamed"].format(op=node.op, to=to)

    def _back_rule(self, step, language):
        node, k, words = step.node, step.edge, WORDS[language]
        kind = kind_of(node)
        templates = words["back"][kind if kind in words["back"] else None]
        f, _ = self._fields(node, language)
        other = self._edge_value(node, 1 - k) if len(node.inputs) == 2 else None
        f.update(g=_operand(operand_text(node.grad)), e=value_text(step.value), cls=type(node.layer).__name__,
                 vo=_operand(operand_text(other)) if other is not None else "")
        text = templates[min(k, len(templates) - 1)].format(**f)
        if kind in ("add", "sub") and np.shape(step.value) != np.shape(node.grad):
            text += words["broadcast_note"].format(shape=shape_text(np.shape(step.value)),
                                                   to=self.label(node.inputs[k], language))
        return text

    def hint(self, k, language=None):
        """The hint of asked step k: the rule in words, without the numbers."""
        language = language or self.language
        step, hints = self.steps[k], WORDS[language]["hint"]
        if step.kind == "sum":
            return hints["fork"]
        kind = kind_of(step.node)
        templates = hints[kind if kind in hints else None]
        text = templates[min(step.edge, len(templates) - 1)].format(cls=type(step.node.layer).__name__)
        return text + hints["upstream"]

    def question(self, k, language=None):
        """What asked step k asks for, in language."""
        language = language or self.language
        step, words = self.steps[k], WORDS[language]
        if step.kind == "sum":
            return words["question_sum"].format(name=self.label(step.node, language),
                                                n=len(self.users[id(step.node)]))
        node = step.node
        shown = self.name(node, language) if self.named(node) else words["node"].format(op=node.op)
        if self.named(node):
            shown = f"{words['node'].format(op=node.op)} ({shown})" if language == "en" else \
                f"{words['node'].format(op=node.op)}（{shown}）"
        return words["question_edge"].format(node=shown, to=self.label(node.inputs[step.edge], language))

    # --- what is known ----------------------------------------------------------------------------

    def _asked_next(self):
        """The asked step right after the current one, if it is still to be predicted."""
        k = self.position + 1
        if self.predict_mode and k in self.predictions and self.predictions[k].outcome is None:
            return k
        return None

    def frame(self, k=None):
        """The Frame of step k (default: the current one): what its drawing shows. At the current
        step, in predict mode, it shows the question asked next."""
        k = self.position if k is None else self._index(k, "frame")
        return self.frame_asking(k, self._asked_next() if k == self.position else None)

    def frame_asking(self, k, asked=None):
        """The Frame of step k while asked step `asked` (k + 1) waits for a prediction (None: no question)."""
        done = self.steps[:k + 1]
        computed = {id(s.node) for s in done if s.kind == "forward"}
        forward = {(node, j) for node in self.graph.nodes for j, i in enumerate(node.inputs)
                   if i.op is None or id(i) in computed}
        if id(self.output) in computed:
            forward.add((self.output, self.output_name))
        backward = {(s.node, s.edge) for s in done if s.kind == "edge"}
        if any(s.kind == "output" for s in done):
            backward.add((self.output, self.output_name))
        notes = {s.node: f"Σ = {short_text(s.value)}" for s in done if s.kind == "sum"}
        marks = self._marks(self.steps[asked if asked is not None else k])
        question = None
        if asked is not None and self.steps[asked].kind == "edge":
            question = (self.steps[asked].node, self.steps[asked].edge)
        return Frame(frozenset(forward), frozenset(backward), question, frozenset(marks), notes)

    def _marks(self, step):
        """The nodes and edge keys a step highlights."""
        if step.kind == "forward":
            return {step.node} | {(step.node, j) for j in range(len(step.node.inputs))}
        if step.kind == "output":
            return {self.output, (self.output, self.output_name)}
        if step.kind == "edge":
            return {step.node, (step.node, step.edge)}
        if step.kind == "sum":
            return {step.node} | set(self.users[id(step.node)])
        return set()

    def state(self, k=None):
        """The State after step k (default: the current one)."""
        k = self.position if k is None else self._index(k, "state")
        language = self.language
        done = self.steps[:k + 1]
        step = self.steps[k]
        computed = {id(s.node) for s in done if s.kind == "forward"}
        values = tuple((self.name(n), short_text(n.value)) for n in self.graph.nodes
                       if n.op is None or id(n) in computed)
        complete = set()
        for s in done:
            if s.kind == "output" or s.kind == "sum":
                complete.add(id(s.node))
            elif s.kind == "edge" and not self._forks(s.node.inputs[s.edge]):
                complete.add(id(s.node.inputs[s.edge]))
        gradients = tuple((self.name(n), short_text(n.grad)) for n in reversed(self.graph.nodes)
                          if id(n) in complete)
        node = step.node
        edge = None
        if step.kind == "edge":
            edge = (self.name(node.inputs[step.edge]), self.name(node))
        asked = self._asked_next() if k == self.position else None
        return State(k, self.last, step.phase, step.kind, None if node is None else self.name(node), edge,
                     values, gradients, self.rule(k), self.question(asked, language) if asked else None,
                     self.score().text(language) if self.predict_mode else None, language)

    # --- predict mode -----------------------------------------------------------------------------

    def pending(self):
        """The number of the first step still to be predicted, or None (all done, or not predict mode)."""
        if not self.predict_mode:
            return None
        return next((k for k in sorted(self.predictions) if self.predictions[k].outcome is None), None)

    def predict(self, value, language=None):
        """Answer the value asked for next; returns the verdict text: "right: ...", "wrong: ...
        hint: ..." or, after a second wrong try, "wrong twice: the answer is ...". A right answer
        (or the second wrong one) shows the value: the stepper moves to that step.

        value: a number (2.2, "-0.25", "1e-3"; Japanese full-width digits are fine) or, for an
        array-valued gradient, an array or list of its shape ("[0.1, 0.2]"). A right value is within
        0.1 % (or 0.0001) of the recorded gradient. Input that is not a number raises ValueError
        and does not count as a try.
        """
        language = language or self.language
        if not self.predict_mode:
            raise ValueError("predict mode is off: make the stepper with GraphStepper(graph, predict=True)")
        k = self.pending()
        if k is None:
            raise ValueError("nothing left to predict: every backward value has been shown "
                             f"({self.score().text(language)}); restart() to try again")
        answer = self.steps[k].value
        guess = parse_prediction(value, np.shape(answer))
        record = self.predictions[k]
        record.tries.append(guess)
        right = close(guess, answer)
        if right or len(record.tries) == 2:
            record.outcome = ("first" if len(record.tries) == 1 else "second") if right else "shown"
            self.position = k
        self._changed()
        return self.verdict(k, guess, right, len(record.tries), language)

    def verdict(self, k, guess, right, tries, language=None):
        """The verdict text for try number tries (1 or 2), right or not, at asked step k (see predict)."""
        language = language or self.language
        words = WORDS[language]
        body = self.verdict_body(k, language)
        if right:
            return words["right" if tries == 1 else "right2"].format(rule=body)
        if tries >= 2:
            return words["shown"].format(v=value_text(self.steps[k].value), rule=body)
        answer = np.asarray(self.steps[k].value, dtype=float)
        sign = words["hint"]["sign"] if np.any(answer != 0) and close(-np.asarray(guess), answer) else ""
        return words["wrong"].format(guess=value_text(guess), hint=sign + self.hint(k, language))

    def verdict_body(self, k, language=None):
        """The rule of asked step k that a verdict quotes."""
        language = language or self.language
        step = self.steps[k]
        return self.rule(k, language) if step.kind == "sum" else self._back_rule(step, language)

    def score(self):
        """The Score of the predictions so far."""
        outcomes = [p.outcome for p in self.predictions.values()]
        return Score(outcomes.count("first"), outcomes.count("second"), outcomes.count("shown"), len(outcomes))

    # --- display ----------------------------------------------------------------------------------

    def __repr__(self):
        return f"GraphStepper of {self.name(self.output_name)}: {len(self.ops)} forward and " \
               f"{self.last - len(self.ops)} backward steps\n{self.state()}"

    def view(self):
        """The widget view (common.stepper_view.StepperWidget), made on first use."""
        if getattr(self, "_view", None) is None:
            from common.stepper_view import StepperWidget
            self._view = StepperWidget(self)
        return self._view

    def _repr_mimebundle_(self, include=None, exclude=None):
        from common.stepper_view import mimebundle
        return mimebundle(self)


class PredictionCheck:
    """The verdict of check_predictions; displays as one PASS / FAIL / NOT DONE YET line
    (and, for PASS, what was compared)."""

    def __init__(self, status, detail, compared=None, name="predictions"):
        self.status, self.detail, self.compared, self.name = status, detail, compared, name
        self.passed = status == "PASS"

    def __repr__(self):
        if self.status == "NOT DONE YET":
            return f"NOT DONE YET: {self.name}: {self.detail}"
        return f"{self.status} {self.name}: {self.detail}" + (f"\n  {self.compared}" if self.compared else "")

    __str__ = __repr__


def check_predictions(stepper, predictions=None, *, name=None, solution=False, language=None):
    """Judge predict mode, as the series' self-checks judge (PASS / FAIL / NOT DONE YET, recorded
    for common.selfcheck.progress under name, by default predictions' own name).

    predictions: a function of no arguments returning the asked values in the order the stepper
    asks for them (a learner's exercise: PASS when each is right within 0.1 % or 0.0001, FAIL
    naming each wrong one with its hint); while it still raises NotImplementedError, the values
    typed into the stepper are judged instead once all are in. Without predictions: the stepper's
    session, PASS when every asked value was right within two tries, FAIL when one was shown
    after two wrong tries. Nothing the learner's code raises escapes. solution=True for the
    check of the hidden solution (the progress table keeps it apart).
    """
    from common.selfcheck.progress import graded
    key = name or getattr(predictions, "__name__", None) or "predictions"
    return graded(_judge)(stepper, predictions, name=key, language=language, solution=solution)


def _judge(stepper, predictions, name, language):
    if not isinstance(stepper, GraphStepper):
        return PredictionCheck("FAIL", f"check_predictions needs the GraphStepper you predicted with, got "
                                       f"{type(stepper).__name__}", name=name)
    language = language or stepper.language
    words = CHECK[language]
    if not stepper.predict_mode:
        return PredictionCheck("NOT DONE YET", words["off"], name=name)
    total = len(stepper.predictions)
    if predictions is not None:
        try:
            values = predictions() if callable(predictions) else predictions
        except NotImplementedError:
            if stepper.pending() is not None:  # nor typed in the stepper: not done
                return PredictionCheck("NOT DONE YET", words["todo"].format(name=name, total=total), name=name)
        except Exception as error:  # noqa: BLE001 (nothing a learner's code raises escapes a check)
            return PredictionCheck("FAIL", words["raised"].format(name=name, error=f"{type(error).__name__}: "
                                                                               f"{error}"), name=name)
        else:
            if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
                return PredictionCheck("FAIL", words["count"].format(total=total, name=name, n=type(values).__name__),
                                       name=name)
            return _judge_values(stepper, list(values), name, language)
    return _judge_session(stepper, name, language)


def _judge_values(stepper, values, name, language):
    """A learner's list of predictions, one per asked step in order."""
    words, asked = CHECK[language], sorted(stepper.predictions)
    if len(values) != len(asked):
        return PredictionCheck("FAIL", words["count"].format(total=len(asked), name=name, n=len(values)), name=name)
    wrong = []
    for i, (k, value) in enumerate(zip(asked, values), start=1):
        try:
            guess = parse_prediction(value, np.shape(stepper.steps[k].value))
        except ValueError as error:
            return PredictionCheck("FAIL", words["bad"].format(i=i, name=name, value=value, error=error), name=name)
        if not close(guess, stepper.steps[k].value):
            answer = np.asarray(stepper.steps[k].value, dtype=float)
            sign = WORDS[language]["hint"]["sign"] if np.any(answer != 0) and close(-np.asarray(guess), answer) \
                else ""
            wrong.append(words["wrong_one"].format(question=stepper.question(k, language), guess=value_text(guess),
                                                   hint=sign + stepper.hint(k, language)))
    if wrong:
        which = "; ".join(wrong[:3]) + (words["more"].format(n=len(wrong) - 3) if len(wrong) > 3 else "")
        return PredictionCheck("FAIL", words["wrong"].format(n=len(wrong), total=len(asked), which=which), name=name)
    return PredictionCheck("PASS", words["pass_list"].format(total=len(asked)), words["compared"], name=name)


def _judge_session(stepper, name, language):
    """What was typed into the stepper (or given to predict)."""
    words, score, k = CHECK[language], stepper.score(), stepper.pending()
    if k is not None:
        done = score.total - score.left
        text = words["none" if done == 0 else "some"].format(total=score.total, done=done,
                                                            question=stepper.question(k, language))
        return PredictionCheck("NOT DONE YET", text, name=name)
    if score.shown:
        which = "; ".join(f"{stepper.question(j, language)} ({value_text(stepper.steps[j].value)})"
                          for j, p in sorted(stepper.predictions.items()) if p.outcome == "shown")
        return PredictionCheck("FAIL", words["fail"].format(shown=score.shown, total=score.total, which=which),
                               name=name)
    return PredictionCheck("PASS", words["pass"].format(total=score.total, first=score.first, second=score.second),
                           words["compared"], name=name)


def close(guess, answer):
    """True when guess is within RTOL (relative) or ATOL (absolute) of answer, entry by entry."""
    guess, answer = np.asarray(guess, dtype=float), np.asarray(answer, dtype=float)
    return bool(np.all(np.abs(guess - answer) <= RTOL * np.abs(answer) + ATOL))


def parse_prediction(value, shape=()):
    """A prediction as a float (shape ()) or an array of the given shape. Accepts numbers, numeric
    strings (also with the minus sign − and full-width digits) and, for arrays, lists or
    "[0.1, 0.2]". Raises ValueError saying what was wrong."""
    original = value
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).replace("−", "-").strip()
        if not text:
            raise ValueError("type a number first, such as 2.2, -0.25 or 1e-3")
        try:
            value = float(text)
        except ValueError:
            try:
                value = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                raise ValueError(f"{original!r} is not a number: type one such as 2.2, -0.25 or 1e-3"
                                 + (" (or a list such as [0.1, 0.2])" if shape else "")) from None
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{original!r} is not a number: type one such as 2.2, -0.25 or 1e-3")
    try:
        a = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{original!r} is not a number: type one such as 2.2, -0.25 or 1e-3") from None
    if a.size == 1 and int(np.prod(shape)) == 1:
        a = a.reshape(shape)
    if a.shape != tuple(shape):
        raise ValueError(f"this gradient has the shape {shape_text(shape)} of the value it is for; "
                         f"{original!r} has the shape {shape_text(a.shape)}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{original!r} is not a finite number")
    return float(a) if a.ndim == 0 else a


def _operand(text):
    """A number as an operand: in parentheses when negative ("1.1 × (-2)")."""
    return f"({text})" if text.startswith("-") else text


def _check_names(names):
    if names is None:
        return {}
    if not isinstance(names, dict) or not all(isinstance(v, dict) for v in names.values()):
        raise TypeError("names must map a language to {recorded name: shown name}, for example "
                        "{'ja': JA_NAMES}; got " + type(names).__name__)
    unknown = set(names) - set(LANGUAGES)
    if unknown:
        raise ValueError(f"names has languages {sorted(unknown)}; the stepper speaks {LANGUAGES}")
    return {language: dict(mapping) for language, mapping in names.items()}


def _the_output(graph):
    outputs = getattr(graph, "outputs", None)
    if not isinstance(outputs, dict) or not hasattr(graph, "nodes"):
        raise TypeError(f"GraphStepper needs a common.graph.Graph, got {type(graph).__name__}")
    if len(outputs) != 1:
        raise ValueError(f"GraphStepper steps through a graph with one output; this one has {len(outputs)}: "
                         f"{sorted(outputs)} (mark one with g.output(node, name))")
    if not any(n.op is not None for n in graph.nodes):
        raise ValueError("the graph has no operation node to step through")
    (name, node), = outputs.items()
    return name, node

