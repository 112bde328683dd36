"""Nothing spoils an exercise in JupyterLab (issue 21, item 5), in a real browser: in notebooks with
hints, worked answers and hidden solutions, before and after Run All (which opens every collapsed
Markdown cell), every hidden solution shows only its first line, a short comment, and every hint and
answer stays closed inside its <details>; a click still opens them. Both editions."""
import json

import pytest
from test_browser import CHROMIUM, ROOT, jupyterlab_server, requirements_missing

NOTEBOOKS = ["04_activation_layers.ipynb", "ja/04_activation_layers.ipynb"]

STATE = """(indices) => {
    const cells = [...document.querySelectorAll(".jp-Notebook .jp-Cell")];
    // checkVisibility: also false inside a closed <details>, whose content Chromium skips (content-visibility)
    const shown = e => !!e && e.checkVisibility({visibilityProperty: true, contentVisibilityAuto: true});
    const out = {count: cells.length, solutions: [], details: []};
    for (const i of indices.solution) {
        const cell = cells[i];
        const editor = cell.querySelector(".jp-InputArea-editor");
        const placeholder = cell.querySelector(".jp-InputPlaceholder");
        out.solutions.push({index: i, editorShown: shown(editor), placeholder: placeholder ? placeholder.innerText.trim() : null});
    }
    for (const i of indices.details) {
        for (const d of cells[i].querySelectorAll("details")) {
            const body = [...d.childNodes].filter(n => n.nodeType === 1 && n.tagName !== "SUMMARY");
            out.details.push({index: i, open: d.open, bodyShown: body.some(shown), summary: d.querySelector("summary")?.innerText});
        }
    }
    return out;
}"""


def spoiler_cells(path):
    """Indices of the solution cells and of the hint and answer cells of a notebook."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    tags = [c.get("metadata", {}).get("tags", []) for c in cells]
    return {"solution": [i for i, t in enumerate(tags) if "solution" in t],
            "details": [i for i, t in enumerate(tags) if {"hint", "answer"} & set(t)]}


def assert_nothing_spoiled(state, indices, when):
    assert state["solutions"] and state["details"], f"{when}: no exercise cells found"
    for s in state["solutions"]:
        assert not s["editorShown"], f"{when}: the solution in cell {s['index']} shows its code"
        assert s["placeholder"] and s["placeholder"].startswith("# Solution"), \
            f"{when}: the collapsed solution in cell {s['index']} shows {s['placeholder']!r}"
    for d in state["details"]:
        assert not d["open"] and not d["bodyShown"], f"{when}: the hint or answer in cell {d['index']} is open"
        assert d["summary"] and len(d["summary"]) <= 40


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_run_all_leaves_hints_answers_and_solutions_closed(tmp_path, notebook):
    reason = requirements_missing()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    path = ROOT / "notebooks" / notebook
    indices = spoiler_cells(path)
    stored = path.read_bytes()
    with jupyterlab_server(tmp_path, [path]) as (url, token, _), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{url}/lab/tree/{path.name}?token={token}")
            page.locator("#jp-main-statusbar").get_by_text("Idle").wait_for(timeout=60_000)
            page.locator(".jp-Notebook .jp-Cell").nth(indices["solution"][-1]).wait_for(timeout=30_000)
            assert_nothing_spoiled(page.evaluate(STATE, indices), indices, "when opened")

            page.locator(".lm-MenuBar-itemLabel", has_text="Run").click()
            page.locator(".lm-Menu-itemLabel").get_by_text("Run All Cells", exact=True).click()
            page.locator(".jp-OutputArea-output", has_text="passed by your own code").wait_for(timeout=240_000)
            page.locator("#jp-main-statusbar").get_by_text("Idle").wait_for(timeout=60_000)
            assert_nothing_spoiled(page.evaluate(STATE, indices), indices, "after Run All")

            # on request they open: a hint by its summary, a solution by its bar
            cells = page.locator(".jp-Notebook .jp-Cell")
            cells.nth(indices["details"][0]).locator("summary").first.click()
            page.wait_for_function("(i) => document.querySelectorAll('.jp-Notebook .jp-Cell')[i]"
                                   ".querySelector('details').open", arg=indices["details"][0], timeout=10_000)
            cells.nth(indices["solution"][0]).locator(".jp-InputPlaceholder").click()
            cells.nth(indices["solution"][0]).locator(".jp-InputArea-editor").wait_for(timeout=10_000)
        except Exception:
            page.screenshot(path=str(tmp_path / "failure.png"), full_page=True)
            raise
        finally:
            browser.close()
    assert path.read_bytes() == stored  # the server served a copy: nothing written into the repo
