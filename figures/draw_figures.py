"""Draw every SVG figure that the notebooks' Markdown cells show.

    python figures/draw_figures.py          # writes figures/*.svg and figures/ja/*.svg

The Japanese edition's figures (figures/ja/) are the same drawings with the book's
Japanese names for the nodes (りんご, 消費税, 支払金額 ...), drawn with a Japanese font
(IPAGothic, Debian's fonts-ipafont-gothic); text is stored as paths, so a reader's
browser needs no such font. Deterministic: the same bytes on every run (fixed SVG hash salt, no date),
so tests/test_figures.py can fail when a committed figure is not what this
script draws. Each figure is drawn from a real computation (common.graph).
"""
import io
import os
import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from common.draw import draw_graph  # noqa: E402
from common.graph_examples import (  # noqa: E402
    JA_NAMES,
    apple_graph,
    apple_orange_graph,
    backward_from_output,
    node_graph,
    sigmoid_graph,
)

HERE = Path(__file__).resolve().parent
JA_FONTS = ["IPAGothic", "IPAPGothic", "Noto Sans CJK JP"]


def renamed(graph, names):
    """graph with its nodes and outputs named by names (old -> new) where it has a new name."""
    for node in graph.nodes:
        node.name = names.get(node.name, node.name)
    graph.outputs = {names.get(name, name): node for name, node in graph.outputs.items()}
    return graph


def figures(names=None):
    """name -> matplotlib Figure, for every figure of the series; names renames the nodes."""
    graphs = {
        "apple_forward": apple_graph(),
        "apple_backward": backward_from_output(apple_graph()),
        "apple_orange_forward": apple_orange_graph(),
        "apple_orange_backward": backward_from_output(apple_orange_graph()),
        "add_node_backward": backward_from_output(node_graph("+"), 1.3),
        "mul_node_backward": backward_from_output(node_graph("×"), 1.3),
        "sigmoid_backward": backward_from_output(sigmoid_graph(0.5)),
    }
    return {name: draw_graph(renamed(graph, names or {})) for name, graph in graphs.items()}


def japanese_font():
    """The first Japanese font matplotlib knows, or None."""
    from matplotlib import font_manager
    known = {font.name for font in font_manager.fontManager.ttflist}
    return next((name for name in JA_FONTS if name in known), None)


def render_all(edition="en"):
    """name -> SVG bytes; edition "ja" names the nodes in Japanese (needs japanese_font())."""
    settings = {"svg.hashsalt": "backprop-from-scratch", "svg.fonttype": "path"}
    if edition == "ja":
        font = japanese_font()
        if font is None:
            raise RuntimeError(f"no Japanese font for the ja figures: install one of {JA_FONTS} "
                               "(apt-get install fonts-ipafont-gothic)")
        settings["font.family"] = ["DejaVu Sans", font]  # digits as in the English figures; kana and kanji fall back
    out = {}
    with matplotlib.rc_context(settings):
        for name, fig in figures(JA_NAMES if edition == "ja" else {}).items():
            buffer = io.BytesIO()
            fig.savefig(buffer, format="svg", metadata={"Date": None})
            plt.close(fig)
            out[name] = buffer.getvalue()
    return out


def write_atomically(path, data):
    """path's bytes become data at once: a temporary file in the same folder, then a rename, which
    replaces a symbolic link at path instead of writing through it. A failure leaves path as it was."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def main():
    for edition, folder in (("en", HERE), ("ja", HERE / "ja")):
        folder.mkdir(exist_ok=True)
        for name, svg in render_all(edition).items():  # everything drawn before the first file is written
            write_atomically(folder / f"{name}.svg", svg)
            print(f"wrote {folder.relative_to(HERE.parent)}/{name}.svg")
    return 0


if __name__ == "__main__":
    sys.exit(main())
