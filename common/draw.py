"""Draw a common.graph.Graph: operation nodes as circles, inputs and outputs as
labels, and on each edge the value it carries forward (blue, boxed above its
point on the edge) and, after backward, the gradient sent back along it (red,
boxed below). The boxes sit on their own edge, so a node with several outgoing
edges shows which value belongs to which edge.

Sizes are in inches and fonts in points: the figure grows with the graph, so
a label is 10.5 pt wherever the figure is shown at its natural size (an SVG in
a Markdown cell, or a PNG in a notebook, drawn at 120 dpi or the notebook's higher one).

For the graph stepper (common.stepper_view), draw_graph(..., tag=...) also draws every
optional element of a step (each value, a "?" beside each gradient, a highlight on each node
and edge, a note under a node), each with its own SVG id, so that a player can show one step
by hiding the others; the layout is the same whatever is shown. Every edge is named by a key:
(node, k) for the edge from node.inputs[k] into node, (node, name) for the edge from node to
the output called name (edge_keys lists them).

fmt, edge_keys and layout need no matplotlib (common.stepper formats its numbers with fmt
without loading it): the drawing functions import it.
"""
import unicodedata

import numpy as np

FORWARD_COLOR, BACKWARD_COLOR = "#1f5fbf", "#c0392b"
HIGHLIGHT_COLOR = "#e67e22"  # the node and edge a step computes (common.stepper)
NOTE_SIZE = 10.5  # points: a note under a node
DX, DY, RADIUS = 1.35, 1.0, 0.24  # inches: column and row spacing (at least), node radius
LABEL_SIZE, NAME_SIZE, OP_SIZE = 10.5, 11.5, 12.5  # points
DPI = 120  # at least: a PNG of a graph (in a notebook) stays sharp; an SVG does not depend on it
CHAR_WIDTH = 0.62  # a digit's width in DejaVu Sans, in font sizes: to size the label boxes


def fmt(value):
    """A scalar with 4 decimals, trailing zeros dropped: 220.00000000000003 -> '220', 1.1 -> '1.1',
    1.6065306597 -> '1.6065'; below 0.001, 4 significant digits. An array prints as NumPy prints it."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    if x != 0 and abs(x) < 1e-3:
        return f"{x:.4g}"
    text = f"{x:.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def text_width(text):
    """The width of one line of text, in font sizes: CHAR_WIDTH a character, a full em for a
    wide one (Japanese: りんごの個数)."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else CHAR_WIDTH for c in text)


def layout(graph):
    """(column, row) for every node: operations by depth, inputs one column left of their first
    user; the operations of one column at least a row apart."""
    col, row = {}, {}
    for node in graph.nodes:
        if node.op is not None:
            col[node] = 1 + max([col[i] for i in node.inputs if i.op is not None], default=0)
    leaves = [n for n in graph.nodes if n.op is None]
    for node in graph.nodes:
        for i in node.inputs:
            if i.op is None and i not in col:
                col[i] = col[node] - 1
    for k, leaf in enumerate(leaves):
        col.setdefault(leaf, 0)
        row[leaf] = k
    for node in graph.nodes:
        if node.op is not None:
            row[node] = sum(row[i] for i in node.inputs) / len(node.inputs)
    for c in set(col.values()):
        ops = sorted((n for n in graph.nodes if n.op is not None and col[n] == c), key=lambda n: row[n])
        for above, below in zip(ops, ops[1:]):
            row[below] = max(row[below], row[above] + 1)
    return {n: (col[n], row[n]) for n in graph.nodes}


def _size(text):
    """(width, height) in inches of a label box for text (one or more lines)."""
    lines = text.split("\n")
    width = CHAR_WIDTH * LABEL_SIZE * max(len(line) for line in lines) / 72
    return width + 0.1, 1.2 * LABEL_SIZE * len(lines) / 72 + 0.08


class _Edge:
    """One arrow: from start to end (inches), curved by bend (arc3), with its two labels."""

    def __init__(self, start, end, forward, backward, shrink_start, shrink_end, bend=0.0, near_end=False):
        self.start, self.end, self.bend = np.array(start, float), np.array(end, float), bend
        self.forward, self.backward = forward, backward
        self.shrink_start, self.shrink_end = shrink_start, shrink_end
        self.near_end = near_end  # leaves a node with several outgoing edges: label it near its target

    def point(self, t):
        """The point at fraction t of the visible arrow (of the arc, for a curved one)."""
        direction = self.end - self.start
        if self.bend:
            control = (self.start + self.end) / 2 + self.bend * np.array([direction[1], -direction[0]])
            return (1 - t) ** 2 * self.start + 2 * t * (1 - t) * control + t**2 * self.end
        unit = direction / np.linalg.norm(direction)
        a, b = self.start + unit * self.shrink_start, self.end - unit * self.shrink_end
        return a + t * (b - a)

    def boxes(self, t):
        """The label boxes (x0, y0, x1, y1) when the labels sit at fraction t."""
        x, y = self.point(t)
        out = []
        for text, above in ((self.forward, True), (self.backward, False)):
            if text is not None:
                w, h = _size(text)
                y0 = y + 0.03 if above else y - 0.03 - h
                out.append((x - w / 2, y0, x + w / 2, y0 + h))
        return out


def _detour(edge, centres):
    """0 when the straight edge passes clear of every node centre in centres, else a bend that
    arcs it away from the nodes it would cross (below them when they lie on or above the line,
    so that it does not meet the arc of a second edge between two nodes, which goes above)."""
    a, b = edge.start, edge.end
    d = b - a
    length = np.linalg.norm(d)
    for c in centres:
        t = np.dot(c - a, d) / length**2
        if 0.05 < t < 0.95 and np.linalg.norm(a + t * d - c) < RADIUS + 0.15:
            side = d[0] * (c[1] - a[1]) - d[1] * (c[0] - a[0])  # > 0: the node lies left of the edge
            return 0.45 if side >= 0 else -0.45
    return 0.0


def _overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _place(edges, circles):
    """For each edge the fraction t at which its labels overlap no other label and no node
    (the first such t in a preference order; the least crowded one if none is free)."""
    taken, chosen = [], []
    for edge in edges:
        order = (0.6, 0.7, 0.5, 0.8, 0.4, 0.3) if edge.near_end else (0.5, 0.38, 0.62, 0.28, 0.72)
        best = None
        for t in order:
            boxes = edge.boxes(t)
            hits = sum(_overlap(a, b) for a in boxes for b in taken + circles)
            if best is None or hits < best[0]:
                best = (hits, t, boxes)
            if hits == 0:
                break
        chosen.append(best[1])
        taken += best[2]
    return chosen


def _label(ax, x, y, text, color, above):
    return ax.text(x, y + (0.03 if above else -0.03), text, color=color, fontsize=LABEL_SIZE, ha="center",
                   va="bottom" if above else "top", zorder=4, linespacing=1.2,
                   bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": color, "lw": 0.6})


def edge_keys(graph):
    """The key of every edge draw_graph draws, in the order it draws them: (node, k) for the edge
    from node.inputs[k] into node, then (node, name) for each output called name."""
    keys = [(node, k) for node in graph.nodes for k in range(len(node.inputs))]
    return keys + [(node, name) for name, node in graph.outputs.items()]


def draw_graph(graph, title=None, show_backward=True, *, label=fmt, names=None, notes=None, tag=None):
    """A matplotlib Figure of the graph. Backward values are drawn where backward has set them.

    label: the text of a value on an edge (default fmt). names: {recorded name: shown name} for
    the inputs and outputs (for example common.graph_examples.JA_NAMES). notes: {node: text}
    written under a node (under an input's name). tag: a prefix of SVG ids (letters, digits,
    "-"): every optional element is drawn, each with an id: tag-f<e>, tag-b<e>, tag-q<e> (the
    value, the gradient, and a "?" in the gradient's place, of edge number e in edge_keys
    order), tag-e<e> (a highlight on that edge), tag-n<j>, tag-s<j> (a highlight on
    graph.nodes[j], its note).
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Circle

    names = names or {}
    grid = layout(graph)
    edges_data = []  # (source node or None, start node, end (col,row), forward, backward, bend, leaves an op)
    for node in graph.nodes:
        for k, i in enumerate(node.inputs):
            value = node.edge_values[k] if node.edge_values is not None else i.value
            grad = node.edge_grads[k] if node.edge_grads is not None else i.grad  # a shared input: its share
            twins = [j for j, other in enumerate(node.inputs) if other is i]  # x * x: a second edge arcs above
            edges_data.append((i, node, label(value), label(grad) if show_backward and grad is not None else None,
                               -0.7 * twins.index(k)))
    for name, node in graph.outputs.items():
        grad = label(node.grad) if show_backward and node.grad is not None else None
        edges_data.append((node, name, label(node.value), grad, 0.0))

    # spacing: wide enough for the widest label between two nodes
    widest = max([_size(text)[0] for e in edges_data for text in e[2:4] if text is not None], default=0.5)
    dx = max(DX, widest + 2 * RADIUS + 0.25)
    tallest = max([_size(text)[1] for e in edges_data for text in e[2:4] if text is not None], default=0.3)
    dy = max(DY, 2 * tallest + 0.25)
    pos = {n: np.array([c * dx, -r * dy]) for n, (c, r) in grid.items()}
    out_pos = {name: pos[node] + [dx, 0] for name, node in graph.outputs.items()}

    fanout = {}
    for source, *_ in edges_data:
        fanout[id(source)] = fanout.get(id(source), 0) + 1
    edges = []
    for source, target, forward, backward, bend in edges_data:
        end = out_pos[target] if isinstance(target, str) else pos[target]
        edges.append(_Edge(pos[source], end, forward, backward,
                           0.04 if source.op is None else RADIUS, 0.06 if isinstance(target, str) else RADIUS,
                           bend, near_end=fanout[id(source)] > 1))
    for edge in edges:  # a straight edge that would cross a node (x -> + in x * x + x) arcs around it
        if not edge.bend:
            edge.bend = _detour(edge, [p for n, p in pos.items() if n.op is not None])
    circles = [(x - RADIUS, y - RADIUS, x + RADIUS, y + RADIUS) for n, (x, y) in pos.items() if n.op is not None]
    ts = _place(edges, circles)

    shown = {n: names.get(n.name, n.name) for n in graph.nodes if n.op is None}
    shown_outputs = {name: names.get(name, name) for name in graph.outputs}
    left = 0.15 + NAME_SIZE * max(map(text_width, shown.values()), default=CHAR_WIDTH) / 72
    right = 0.2 + NAME_SIZE * max(map(text_width, shown_outputs.values()), default=CHAR_WIDTH) / 72
    label_boxes = [b for e, t in zip(edges, ts) for b in e.boxes(t)]
    xs = [p[0] for p in [*pos.values(), *out_pos.values()]]
    ys = [p[1] for p in pos.values()] + [y for b in label_boxes for y in (b[1], b[3])]
    x0, x1 = min(xs) - left, max(xs) + right
    y0, y1 = min(ys) - RADIUS - 0.12, max(ys) + RADIUS + 0.12
    if notes:  # room for a note under the lowest node
        y0 = min(y0, min(p[1] for p in pos.values()) - RADIUS - 0.1 - 1.3 * NOTE_SIZE / 72)
    top = 0.35 if title else 0
    fig = plt.figure(figsize=(x1 - x0, y1 - y0 + top), dpi=max(DPI, plt.rcParams["figure.dpi"]))
    ax = fig.add_axes((0, 0, 1, (y1 - y0) / (y1 - y0 + top)))
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.axis("off")

    for node, (x, y) in pos.items():
        if node.op is None:
            ax.text(x - 0.04, y, shown[node], ha="right", va="center", fontsize=NAME_SIZE)
        else:
            ax.add_patch(Circle((x, y), RADIUS, facecolor="white", edgecolor="#222222", lw=1.4, zorder=2))
            ax.text(x, y, node.op, ha="center", va="center", fontsize=OP_SIZE, zorder=3)
    for name, (x, y) in out_pos.items():
        ax.text(x + 0.04, y, shown_outputs[name], ha="left", va="center", fontsize=NAME_SIZE)
    if tag is not None:
        _draw_highlights(ax, graph, pos, edges, shown, tag)
    if notes:
        _draw_notes(ax, graph, pos, notes, tag)
    points = 72  # points per inch: the arrows' shrink is in points
    for e, (edge, t) in enumerate(zip(edges, ts)):
        arrow = {"arrowstyle": "-|>", "color": "#444444", "lw": 1.2, "mutation_scale": 14,
                 "shrinkA": edge.shrink_start * points, "shrinkB": edge.shrink_end * points}
        if edge.bend:
            arrow["connectionstyle"] = f"arc3,rad={edge.bend}"
        ax.annotate("", xy=edge.end, xytext=edge.start, arrowprops=arrow, zorder=1)
        x, y = edge.point(t)
        for kind, text, color, above in (("f", edge.forward, FORWARD_COLOR, True),
                                         ("b", edge.backward, BACKWARD_COLOR, False)):
            if text is None:
                continue
            box = _label(ax, x, y, text, color, above)
            if tag is not None:
                box.set_gid(f"{tag}-{kind}{e}")
                if kind == "b":
                    _label(ax, x, y, "?", color, above).set_gid(f"{tag}-q{e}")
    if title:
        fig.suptitle(title, fontsize=NAME_SIZE, y=1 - 0.06 / (y1 - y0 + top), va="top")
    return fig


def _draw_highlights(ax, graph, pos, edges, shown, tag):
    """A highlight (behind the nodes and arrows) on every edge and node, each with its SVG id."""
    from matplotlib.patches import Circle, FancyBboxPatch
    points = 72
    for e, edge in enumerate(edges):
        glow = {"arrowstyle": "-|>", "color": HIGHLIGHT_COLOR, "lw": 5, "alpha": 0.55, "mutation_scale": 18,
                "shrinkA": edge.shrink_start * points, "shrinkB": edge.shrink_end * points}
        if edge.bend:
            glow["connectionstyle"] = f"arc3,rad={edge.bend}"
        mark = ax.annotate("", xy=edge.end, xytext=edge.start, arrowprops=glow, zorder=0.5)
        mark.arrow_patch.set_gid(f"{tag}-e{e}")
    for j, node in enumerate(graph.nodes):
        x, y = pos[node]
        if node.op is None:  # an input: a box around its name
            width, height = NAME_SIZE * text_width(shown[node]) / 72 + 0.12, NAME_SIZE * 1.5 / 72
            mark = FancyBboxPatch((x - 0.04 - width + 0.06, y - height / 2), width, height, boxstyle="round,pad=0.02",
                                  facecolor="none", edgecolor=HIGHLIGHT_COLOR, lw=2.5, zorder=3.5)
        else:
            mark = Circle((x, y), RADIUS + 0.035, facecolor="none", edgecolor=HIGHLIGHT_COLOR, lw=3.5, zorder=3.5)
        ax.add_patch(mark)
        mark.set_gid(f"{tag}-n{j}")


def _draw_notes(ax, graph, pos, notes, tag):
    """The notes under their nodes (with tag, each with its SVG id)."""
    for j, node in enumerate(graph.nodes):
        if node not in notes:
            continue
        x, y = pos[node]
        if node.op is None:
            note = ax.text(x - 0.04, y - 0.13, notes[node], ha="right", va="top", fontsize=NOTE_SIZE,
                           color=BACKWARD_COLOR, zorder=4)
        else:
            note = ax.text(x, y - RADIUS - 0.05, notes[node], ha="center", va="top", fontsize=NOTE_SIZE,
                           color=BACKWARD_COLOR, zorder=4)
        if tag is not None:
            note.set_gid(f"{tag}-s{j}")
