import runpy
from pathlib import Path

import pytest

FIGURES = Path(__file__).resolve().parent.parent / "figures"


@pytest.fixture(scope="module")
def drawn():
    return runpy.run_path(str(FIGURES / "draw_figures.py"))["render_all"]()


def test_committed_japanese_figures_are_what_the_script_draws():
    script = runpy.run_path(str(FIGURES / "draw_figures.py"))
    if script["japanese_font"]() is None:
        pytest.skip("no Japanese font for matplotlib (apt-get install fonts-ipafont-gothic)")
    drawn_ja = script["render_all"]("ja")
    assert {p.stem for p in (FIGURES / "ja").glob("*.svg")} == set(drawn_ja), "run: python figures/draw_figures.py"
    for name, svg in drawn_ja.items():
        assert (FIGURES / "ja" / f"{name}.svg").read_bytes() == svg, (
            f"figures/ja/{name}.svg is not what figures/draw_figures.py draws: run the script and commit")
    assert drawn_ja["apple_orange_forward"] != (FIGURES / "apple_orange_forward.svg").read_bytes()


def test_the_script_is_deterministic(drawn):
    again = runpy.run_path(str(FIGURES / "draw_figures.py"))["render_all"]()
    assert again == drawn


def test_committed_figures_are_what_the_script_draws(drawn):
    committed = {p.stem for p in FIGURES.glob("*.svg")}
    assert committed == set(drawn), "run: python figures/draw_figures.py"
    for name, svg in drawn.items():
        assert (FIGURES / f"{name}.svg").read_bytes() == svg, (
            f"figures/{name}.svg is not what figures/draw_figures.py draws: run the script and commit")


def test_figures_show_the_books_numbers(drawn):
    from common.graph_examples import apple_orange_graph, backward_from_output
    g = backward_from_output(apple_orange_graph())
    values = {n.name: (round(float(n.value), 6), round(float(n.grad), 6)) for n in g.nodes}
    assert values["apple"] == (100, 2.2) and values["apple num"] == (2, 110)
    assert values["orange"] == (150, 3.3) and values["orange num"] == (3, 165)
    assert values["tax"] == (1.1, 650) and values["price"] == (715, 1)
