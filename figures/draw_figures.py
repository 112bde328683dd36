"""Draw every SVG figure that the notebooks' Markdown cells show.

    python figures/draw_figures.py          # writes figures/*.svg

Deterministic: the same bytes on every run (fixed SVG hash salt, no date),
so tests/test_figures.py can fail when a committed figure is not what this
script draws. Each figure is drawn from a real computation (common.graph).
"""
import io
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from common.draw import draw_graph  # noqa: E402
from common.graph import (  # noqa: E402
    apple_graph,
    apple_orange_graph,
    backward_from_output,
    node_graph,
    sigmoid_graph,
)

HERE = Path(__file__).resolve().parent


def figures():
    """name -> matplotlib Figure, for every figure of the series."""
    return {
        "apple_forward": draw_graph(apple_graph()),
        "apple_backward": draw_graph(backward_from_output(apple_graph())),
        "apple_orange_forward": draw_graph(apple_orange_graph()),
        "apple_orange_backward": draw_graph(backward_from_output(apple_orange_graph())),
        "add_node_backward": draw_graph(backward_from_output(node_graph("+"), 1.3)),
        "mul_node_backward": draw_graph(backward_from_output(node_graph("×"), 1.3)),
        "sigmoid_backward": draw_graph(backward_from_output(sigmoid_graph(0.5))),
    }


def render_all():
    """name -> SVG bytes."""
    out = {}
    with matplotlib.rc_context({"svg.hashsalt": "backprop-from-scratch", "svg.fonttype": "path"}):
        for name, fig in figures().items():
            buffer = io.BytesIO()
            fig.savefig(buffer, format="svg", metadata={"Date": None})
            plt.close(fig)
            out[name] = buffer.getvalue()
    return out


def main():
    for name, svg in render_all().items():
        (HERE / f"{name}.svg").write_bytes(svg)
        print(f"wrote figures/{name}.svg")
    return 0


if __name__ == "__main__":
    sys.exit(main())
