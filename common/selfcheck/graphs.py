"""Self-checks of notebooks 01-03 (computational graphs, sections 5.1-5.4): a graph the learner
records with common.graph (check_graph), and a two-input layer whose forward pass is a given
function (check_two_input_layer: DivLayer, MaxLayer, ...).

Both use the machinery of common.selfcheck.core and the gradient check of common.gradient
(numerical_gradient, h=1e-4; relative_error), so a learner who repeats a check by hand gets the
check's number.
"""
import inspect
import warnings

import numpy as np

from common.gradient import layer_gradients
from common.graph import Graph, Node
from common.selfcheck.core import (
    CheckResult,
    Failed,
    as_numbers,
    away_from_zero,
    compare,
    make,
    name_of,
    random_dout,
    run,
    short,
    unchanged,
    verdict,
)
from common.selfcheck.layers import layer_check
from common.selfcheck.progress import graded

# ---------- check_graph: a graph recorded with common.graph ----------


def _graph_and_output(name, result):
    """(nodes in recording order or None, the output node, its label) of what the learner's function returned:
    a Graph with one output, or the output Node itself. Raises Failed with the fix otherwise."""
    if isinstance(result, (tuple, list)):
        graphs = [r for r in result if isinstance(r, Graph)]
        if len(graphs) == 1:
            result = graphs[0]
    if isinstance(result, Node):
        return None, result, "the output"
    if not isinstance(result, Graph):
        what = f"the number {short(result)}" if np.ndim(result) == 0 and np.asarray(result).dtype.kind in "biuf" \
            else f"a {type(result).__name__}"
        raise Failed(f"{name} returned {what}, not the Graph\n    hint: build it with g = Graph(), "
                     "g.input, g.mul and g.add, mark the result with g.output(node, \"price\"), and return g")
    if not result.outputs:
        raise Failed(f"{name}'s graph has no output\n    hint: mark the last node as the result: "
                     "g.output(node, \"price\") (draw_graph draws it at the right end)")
    if len(result.outputs) > 1:
        raise Failed(f"{name}'s graph has {len(result.outputs)} outputs ({', '.join(result.outputs)}): "
                     "mark only the result with g.output")
    ((label, output),) = result.outputs.items()
    return result.nodes, output, f"the output {label!r}"


def _ancestors(output):
    """Every node the output is computed from, itself included (an iterative walk)."""
    seen, stack = {id(output): output}, [output]
    while stack:
        for i in getattr(stack.pop(), "inputs", []):
            if id(i) not in seen:
                seen[id(i)] = i
                stack.append(i)
    return list(seen.values())


def _same(a, b):
    """a (a node's value) is the number b: exactly, or to float32's precision if a is float32."""
    try:
        rtol = 1e-6 if np.asarray(a).dtype == np.float32 else 1e-12
        return bool(np.isclose(float(a), float(b), rtol=rtol, atol=0))
    except (TypeError, ValueError):
        return False


def _recomputed(node):
    """The value a "×" or "+" node's inputs give, or None for another operation."""
    values = [i.value for i in node.inputs]
    with np.errstate(all="ignore"):
        if node.op == "×" and len(values) == 2:
            return values[0] * values[1]
        if node.op == "+" and len(values) == 2:
            return values[0] + values[1]
    return None


def _structure_problems(name, nodes, output, case, arguments, first_case):
    """What is wrong with the recorded graph itself, whatever its result: inputs that are not
    the arguments (computed outside the graph, or typed in), arguments missing or recorded twice,
    nodes the result does not use, a node whose value its inputs do not give."""
    problems = []
    used = _ancestors(output)
    if nodes is not None:
        recorded = {id(n) for n in nodes}
        foreign = [n for n in used if id(n) not in recorded]
        if foreign:
            problems.append(f"node {foreign[0].name!r} is not in the Graph you returned\n    hint: record every "
                            "node in one Graph g (g.input, g.mul, g.add on that g)")
        used_ids = {id(n) for n in used}
        unused = [n for n in nodes if id(n) not in used_ids]
        if unused:
            names = ", ".join(repr(n.name) for n in unused[:3])
            problems.append(f"node{'s' if len(unused) > 1 else ''} {names} lead{'' if len(unused) > 1 else 's'} "
                            "nowhere: the price does not use "
                            f"{'them' if len(unused) > 1 else 'it'}\n    hint: every node should feed the next one on "
                            "its way to the price; was another node used in its place?")
    inputs = [n for n in (nodes if nodes is not None else used) if n.op is None]
    per_argument, typed = {k: [] for k in range(len(case))}, []
    for node in inputs:
        matches = [k for k, v in enumerate(case) if _same(node.value, v)]
        if matches:
            per_argument[matches[0]].append(node)
            continue
        first = [k for k, v in enumerate(first_case) if _same(node.value, v)] if case != first_case else []
        if first:
            typed.append((node, first[0]))
        else:
            problems.append(f"input node {node.name!r} holds {short(node.value)}, which is none of the arguments"
                            f"\n    hint: that value is computed: make it a node of the graph (g.mul, g.add) from "
                            "the inputs; only the arguments are inputs (g.input)")
    if typed:
        shown = ", ".join(f"{node.name!r} holds {short(node.value)}" for node, _ in typed[:3])
        names = ", ".join(dict.fromkeys(arguments[k] for _, k in typed))
        problems.append(f"input node{'s' if len(typed) > 1 else ''} {shown}{', ...' if len(typed) > 3 else ''}: "
                        f"the first case's value{'s' if len(typed) > 1 else ''}, not this case's\n    hint: a number "
                        f"typed in: record the argument{'s' if len(typed) > 1 else ''} ({names}) instead")
    computed_outside = bool(problems) and any("input node" in p for p in problems)
    for k, found in per_argument.items():
        if not found and not computed_outside:
            problems.append(f"the argument {arguments[k]} ({short(case[k])}) is not an input of your graph"
                            f"\n    hint: record it with g.input(\"{arguments[k].replace('_', ' ')}\", "
                            f"{arguments[k]}) and use that node")
        elif len(found) > 1:
            names = ", ".join(repr(n.name) for n in found)
            problems.append(f"the argument {arguments[k]} is {len(found)} input nodes ({names})\n    hint: one "
                            "value, one node: record it once with g.input and use that node in every node "
                            "that needs it (its edges fork)")
    for node in used:
        if node.op is None:
            continue
        expected = _recomputed(node)
        if expected is not None and not _same(node.value, expected):
            problems.append(f"node {node.name!r} holds {short(node.value)}, but its inputs give "
                            f"{short(expected)}\n    hint: a node's value is what g.mul or g.add computed: "
                            "leave it as recorded")
    return problems


def _count_ops(output):
    ops = [n.op for n in _ancestors(output) if n.op is not None]
    kinds = ", ".join(f"{ops.count(op)} {op}" for op in dict.fromkeys(sorted(ops)))
    return f"{len(ops)} operation node{'s' if len(ops) != 1 else ''}" + (f": {kinds}" if ops else "")


def _check_graph(build, reference, cases, name=None):
    """build(*case) -> a common.graph.Graph that records the computation reference(*case) computes:
    its one output (g.output) must hold reference's value (to 1e-9 relative; 1e-5 for float32),
    every argument must be exactly one input node (g.input), every other value an operation node
    computed in the graph (no input holds a value computed outside it, or typed in), and every node
    must lead to the output. Returning the output Node instead of the Graph counts the same.
    The values of one case must differ from each other (they tell the inputs apart)."""
    name = name or name_of(build)
    for case in cases:
        if len({float(v) for v in case}) != len(case):
            raise ValueError(f"check_graph needs the arguments of each case to differ (they tell the inputs apart): "
                             f"{case}")
    try:
        arguments = list(inspect.signature(build).parameters)
    except (TypeError, ValueError):
        arguments = []
    if len(arguments) != len(cases[0]):
        arguments = list(inspect.signature(reference).parameters)

    def body():
        problems, low, summary = [], False, None
        for case in cases:
            label = ", ".join(map(short, case))
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = run(name, build, *case)
            nodes, output, shown = _graph_and_output(name, result)
            try:
                structure = _structure_problems(name, nodes, output, case, arguments, cases[0])
            except Exception as error:  # noqa: BLE001 - nodes the learner changed by hand: a verdict
                raise Failed(f"{name}'s graph could not be read ({type(error).__name__}: {error})\n    hint: "
                             "record its nodes only with g.input, g.mul, g.add and g.output") from None
            if structure:
                problems += [f"{name}({label}): {p}" for p in structure]
                break
            expected = reference(*case)
            array, problem = as_numbers(shown, output.value)
            if problem:
                problems.append(f"{name}({label}): {problem}")
                break
            rtol = 1e-5 if array.dtype == np.float32 else 1e-9
            low = low or rtol > 1e-9
            if array.shape != np.shape(expected) or not np.allclose(array.astype(np.float64), expected,
                                                                    rtol=rtol, atol=1e-12):
                problems.append(f"{name}({label}): {shown} is {short(output.value)}, expected "
                                f"{short(expected)}\n    hint: follow your graph node by node on paper: which "
                                "value enters which node?")
                break
            summary = summary or _count_ops(output)  # the nodes were read above: this cannot raise
        detail = (f"{len(cases)} case{'s' if len(cases) != 1 else ''}: the output against the reference to "
                  + ("1e-5 (float32)" if low else "1e-9") + ", every argument one input node, every other value "
                  "computed by a node" + (f" ({summary})" if summary and not problems else ""))
        return CheckResult(name, detail, problems=problems)

    return verdict(name, body)


# ---------- check_two_input_layer: DivLayer, MaxLayer, ... ----------

def _inputs(tie):
    """x, y (2, 3) with 0.5 <= |x| <= 2 and 0.8 <= |y| <= 2 (away from a division's pole); for a
    node with a tie (max, min), |x - y| >= 0.1 everywhere, so that no nudge of the numerical
    gradient (h = 1e-4, or 1e-2 in float32) crosses the tie, and each input larger in at least
    two places, so that both routes are tried."""
    rng = np.random.default_rng(7)
    while True:
        x, y = away_from_zero(rng, (2, 3), 0.5, 2.0), away_from_zero(rng, (2, 3), 0.8, 2.0)
        if tie is None or (np.min(np.abs(x - y)) >= 0.1 and np.sum(x > y) >= 2 and np.sum(y > x) >= 2):
            return x, y


def _pair(name, grads):
    """(dx, dy) from what backward returned (a tuple or list of two), else Failed."""
    if isinstance(grads, (tuple, list)) and len(grads) == 2:
        return grads
    count = len(grads) if isinstance(grads, (tuple, list)) else 1
    raise Failed(f"{name}.backward returned {count} value{'s' if count != 1 else ''}, expected 2: "
                 "return (dx, dy), one gradient per input")


def _diagnosis(name, layer_class, x, y):
    """"ignores dout" if the learner's backward(dout) gives the local derivatives whatever dout is,
    "swapped" if it returns (dL/dy, dL/dx), else None."""
    try:
        layer = make(name, layer_class)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = layer.forward(x.copy(), y.copy())
            dout = random_dout(np.shape(out))
            dx, dy = _pair(name, layer.backward(dout.copy()))
            _, ones = layer_gradients(_TwoGradients(layer), [x.copy(), y.copy()], np.ones(np.shape(out)))
            _, numerical = layer_gradients(_TwoGradients(layer), [x.copy(), y.copy()], dout)

        def near(a, b):
            return np.shape(a) == np.shape(b) and bool(np.allclose(np.asarray(a, dtype=np.float64), b, rtol=1e-5,
                                                                   atol=1e-8))
        if near(dx, ones["x"]) and near(dy, ones["y"]):
            return "ignores dout"
        if near(dx, numerical["y"]) and near(dy, numerical["x"]):
            return "swapped"
    except Exception:  # noqa: BLE001 - the learner's code: no hint then, and nothing escapes
        pass
    return None


HINTS = {"ignores dout": "backward ignores dout: the chain rule multiplies the gradient from above by each "
                         "local derivative",
         "swapped": "dx and dy are swapped: backward returns (dL/dx, dL/dy), in the order of forward's inputs"}


class _TwoGradients:
    """A learner's two-input layer whose backward may return [dx, dy] (a list): taken as the tuple."""

    def __init__(self, layer):
        self.layer = layer

    def forward(self, x, y):
        return self.layer.forward(x, y)

    def backward(self, dout):
        grads = self.layer.backward(dout)
        return tuple(grads) if isinstance(grads, list) and len(grads) == 2 else grads

    def __getattr__(self, attribute):
        return getattr(self.layer, attribute)


def _tie_problems(name, layer_class, function, tie, x):
    """At x == y exactly, the whole gradient must go to the input named by tie ("x" or "y")."""
    layer = make(name, layer_class)
    given_x, given_y = x.copy(), x.copy()
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = run(f"{name}.forward", layer.forward, given_x, given_y)
        problems = []
        if not compare("forward's output at x == y", out, function(x, x.copy()), problems, {}):
            return [f"at a tie (x == y): {problems[0]}"]
        dout = random_dout(x.shape, seed=5)
        given = dout.copy()
        grads = run(f"{name}.backward", layer.backward, given)
    for what, now, before in ((f"{name}.forward", given_x, x), (f"{name}.forward", given_y, x)):
        if not unchanged(what, now, before, problems, what="input"):
            return problems
    if not unchanged(f"{name}.backward", given, dout, problems):
        return problems
    dx, dy = _pair(name, grads)
    winner, other = (dx, dy) if tie == "x" else (dy, dx)
    wins, loses = tie, "y" if tie == "x" else "x"
    local = []
    ok = compare(f"d{wins}", winner, dout, local, {}) & compare(f"d{loses}", other, np.zeros_like(dout), local, {})
    if ok:
        return []
    a = np.asarray(winner, dtype=np.float64) if np.shape(winner) == dout.shape else None
    b = np.asarray(other, dtype=np.float64) if np.shape(other) == dout.shape else None
    hint = None
    if a is not None and b is not None:
        if np.allclose(a, dout) and np.allclose(b, dout):
            hint = (f"both inputs got the whole gradient, so it is counted twice; the task sends it to "
                    f"{wins} only")
        elif np.allclose(a, 0) and np.allclose(b, dout):
            hint = (f"the gradient went to {loses}; the task says {wins} wins a tie: where x == y, all of dout goes "
                    f"to {wins} (does the comparison that decides the winner include equality?)")
        elif np.allclose(a, dout / 2) and np.allclose(b, dout / 2):
            hint = f"split in halves: the task sends the whole gradient to {wins}"
        elif np.allclose(a, 0) and np.allclose(b, 0):
            hint = "neither input got the gradient: it is lost; one of them must win the tie"
    first = local[0].split("\n    hint:")[0]
    return [f"at a tie (x == y, where max and min have no derivative): {first}"
            + (f"\n    hint: {hint}" if hint else "")]


def _check_two_input_layer(layer_class, function, tie=None, name=None):
    """A two-input layer layer_class() with forward(x, y) -> z and backward(dout) -> (dx, dy), whose
    forward must equal function(x, y) (np.divide, np.maximum, ...): forward compared first, then dx
    and dy against numerical_gradient on x, y of shape (2, 3) (0.5 <= |x| <= 2, 0.8 <= |y| <= 2),
    with a dout that is not ones, backward run twice, x, y and dout unchanged. tie="x" or "y"
    (for max or min): the inputs stay 0.1 apart, then at x == y exactly the whole gradient must go
    to that input. A list [dx, dy] counts as the tuple; float32 is judged at float32's tolerance."""
    if tie not in (None, "x", "y"):
        raise ValueError(f"tie must be None, 'x' or 'y', got {tie!r}")
    name = name or name_of(layer_class)
    x, y = _inputs(tie)

    def body():
        result = layer_check(name, lambda: _TwoGradients(make(name, layer_class)), [("x, y of shape (2, 3)", (x, y))],
                             reference=lambda a, b: function(np.array(a, copy=True), np.array(b, copy=True)))
        result.compared = "the output and " + result.compared
        wrong = [k for k, p in enumerate(result.problems)
                 if any(p.startswith(f"on x, y of shape (2, 3): d{v} is wrong") for v in "xy")]
        if wrong and all("hint:" not in result.problems[k] for k in wrong):
            diagnosis = _diagnosis(name, layer_class, x, y)
            if diagnosis:
                result.problems[wrong[0]] += f"\n    hint: {HINTS[diagnosis]}"
        if tie is not None and result.passed:
            problems = _tie_problems(name, layer_class, function, tie, x)
            if problems:
                return CheckResult(name, result.compared, result.errors, problems, tolerance=result.tolerance)
            result.compared += f", and a tie x == y (the gradient to {tie})"
        return result

    return verdict(name, body)


check_graph = graded(_check_graph)
check_two_input_layer = graded(_check_two_input_layer)
