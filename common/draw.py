"""Draw a common.graph.Graph: operation nodes as circles, inputs and outputs as
labels, each edge with its forward value above (blue) and, after backward,
its backward value below (red)."""
import matplotlib.pyplot as plt
from matplotlib.patches import Circle

FORWARD_COLOR, BACKWARD_COLOR = "#1f5fbf", "#c0392b"
DX, DY, RADIUS = 2.4, 1.3, 0.32


def fmt(value):
    """4 significant digits: 220.00000000000003 -> '220', 1.1 -> '1.1'."""
    try:
        return f"{float(value):.4g}"
    except (TypeError, ValueError):
        return str(value)


def layout(graph):
    """(x, y) for every node: operations by depth, inputs one column left of their first user."""
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
    for c in set(col.values()):  # keep the operations of one column at least a row apart
        ops = sorted((n for n in graph.nodes if n.op is not None and col[n] == c), key=lambda n: row[n])
        for above, below in zip(ops, ops[1:]):
            row[below] = max(row[below], row[above] + 1)
    return {n: (col[n] * DX, -row[n] * DY) for n in graph.nodes}


def _edge(ax, start, end, forward, backward, shrink_start, shrink_end, bend=0.0):
    """An arrow from start to end, labelled forward above and backward below its middle;
    bend != 0 curves it (arc3), so that two edges between the same nodes stay apart."""
    arrow = {"arrowstyle": "-|>", "color": "#444444", "lw": 1.2, "shrinkA": shrink_start, "shrinkB": shrink_end}
    if bend:
        arrow["connectionstyle"] = f"arc3,rad={bend}"
    ax.annotate("", xy=end, xytext=start, arrowprops=arrow)
    dx, dy = end[0] - start[0], end[1] - start[1]
    mx, my = start[0] + dx / 2 + bend * dy / 2, start[1] + dy / 2 - bend * dx / 2  # the arc's middle
    ax.text(mx, my + 0.12, forward, color=FORWARD_COLOR, ha="center", va="bottom", fontsize=10)
    if backward is not None:
        ax.text(mx, my - 0.12, backward, color=BACKWARD_COLOR, ha="center", va="top", fontsize=10)


def draw_graph(graph, title=None, show_backward=True):
    """A matplotlib Figure of the graph. Backward values are drawn where node.grad is set."""
    pos = layout(graph)
    out_pos = {name: (pos[node][0] + DX, pos[node][1]) for name, node in graph.outputs.items()}
    xs = [p[0] for p in [*pos.values(), *out_pos.values()]]
    ys = [p[1] for p in pos.values()]
    width, height = max(xs) - min(xs) + 2.4, max(ys) - min(ys) + 1.6
    fig, ax = plt.subplots(figsize=(1.25 * width, 1.25 * height))
    ax.set_xlim(min(xs) - 1.2, max(xs) + 1.2)
    ax.set_ylim(min(ys) - 0.8, max(ys) + 0.8)
    ax.set_aspect("equal")
    ax.axis("off")
    points = 72 * 1.25  # figure points per data unit
    for node in graph.nodes:
        x, y = pos[node]
        if node.op is None:
            ax.text(x, y, node.name, ha="right", va="center", fontsize=11)
        else:
            ax.add_patch(Circle((x, y), RADIUS, facecolor="white", edgecolor="#222222", lw=1.5))
            ax.text(x, y, node.op, ha="center", va="center", fontsize=13)
        for k, i in enumerate(node.inputs):
            value = node.edge_values[k] if node.edge_values is not None else i.value
            edge = node.edge_grads[k] if node.edge_grads is not None else i.grad  # a shared input: its share
            grad = fmt(edge) if show_backward and edge is not None else None
            twins = [j for j, other in enumerate(node.inputs) if other is i]  # x * x: a second edge arcs above
            bend = -0.6 * twins.index(k)
            _edge(ax, pos[i], (x, y), fmt(value), grad, 2 if i.op is None else RADIUS * points, RADIUS * points, bend)
    for name, node in graph.outputs.items():
        grad = fmt(node.grad) if show_backward and node.grad is not None else None
        _edge(ax, pos[node], out_pos[name], fmt(node.value), grad, RADIUS * points, 2)
        ax.text(out_pos[name][0] + 0.1, out_pos[name][1], name, ha="left", va="center", fontsize=11)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig
