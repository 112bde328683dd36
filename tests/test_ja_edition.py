"""The Japanese edition (notebooks/ja/) has one copy of the code: its code cells, their
stored outputs, its cell ids and cell order are exactly the English edition's, and every
Markdown cell is translated from the current English text. nbval runs on the English
edition only (notebooks/conftest.py); this identity proves the Japanese one with it."""
import importlib.util
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EN = sorted((ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb"))
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")  # kana and kanji
MATH = re.compile(r"\$\$.*?\$\$|\$[^$]*\$|`[^`]*`|\(https?://[^)]*\)|\([./\w-]+\.(ipynb|svg|png)\)", re.S)


def sync_ja():
    spec = importlib.util.spec_from_file_location("sync_ja", ROOT / "notebooks" / "sync_ja.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_every_english_notebook_has_a_japanese_edition():
    assert EN
    missing = [p.name for p in EN if not (ROOT / "notebooks" / "ja" / p.name).exists()]
    extra = sorted({p.name for p in (ROOT / "notebooks" / "ja").glob("*.ipynb")} - {p.name for p in EN})
    assert not missing, f"no Japanese edition of {missing}: run python notebooks/sync_ja.py and translate"
    assert not extra, f"Japanese notebooks without an English one: {extra}"


@pytest.mark.parametrize("en_path", EN, ids=lambda p: p.stem[:3])
def test_code_outputs_ids_and_order_are_the_english_ones(en_path):
    ja_path = ROOT / "notebooks" / "ja" / en_path.name
    if not ja_path.exists():
        pytest.fail(f"no {ja_path.relative_to(ROOT)}")
    module = sync_ja()
    en, ja = load(en_path), load(ja_path)
    assert [c.get("id") for c in ja["cells"]] == [c.get("id") for c in en["cells"]], "cell ids or order differ"
    for en_cell, ja_cell in zip(en["cells"], ja["cells"]):
        assert ja_cell["cell_type"] == en_cell["cell_type"], f"cell {en_cell.get('id')}: another type"
        if en_cell["cell_type"] == "code":
            assert ja_cell == en_cell, f"code cell {en_cell.get('id')}: source, outputs or metadata differ"
    rebuilt, missing, outdated = module.synced(en, ja)
    assert not missing, f"Markdown cells with no translation: {missing}"
    assert not outdated, f"translations of an older English text: {outdated} (translate, then sync_ja.py --accept)"
    assert module.dump(rebuilt) == ja_path.read_text(encoding="utf-8"), \
        "the ja notebook is not what sync_ja.py makes of it: run python notebooks/sync_ja.py"


@pytest.mark.parametrize("en_path", EN, ids=lambda p: p.stem[:3])
def test_markdown_is_written_in_japanese(en_path):
    ja_path = ROOT / "notebooks" / "ja" / en_path.name
    if not ja_path.exists():
        pytest.fail(f"no {ja_path.relative_to(ROOT)}")
    untranslated = []
    for cell in load(ja_path)["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        text = "".join(cell["source"])
        prose = MATH.sub(" ", text)
        if re.search(r"[A-Za-z]{3,}(\s+[A-Za-z]{2,}){3,}", prose) and not JAPANESE.search(prose):
            untranslated.append(cell.get("id"))
    assert not untranslated, f"Markdown cells still in English: {untranslated}"


def test_japanese_notebooks_show_the_japanese_figures():
    for en_path in EN:
        ja_path = ROOT / "notebooks" / "ja" / en_path.name
        text = "".join("".join(c["source"]) for c in load(ja_path)["cells"] if c["cell_type"] == "markdown")
        for link in re.findall(r"\]\(([^)]*figures/[^)]*)\)|src=\"([^\"]*figures/[^\"]*)\"", text):
            link = link[0] or link[1]
            assert "/figures/ja/" in link, f"{ja_path.name} shows the English figure {link}"
            assert (ja_path.parent / link).resolve().exists(), f"{ja_path.name} links to a missing {link}"


def test_first_notebooks_link_to_each_other():
    first = EN[0].name
    en_text = "".join("".join(c["source"]) for c in load(EN[0])["cells"] if c["cell_type"] == "markdown")
    ja_text = "".join("".join(c["source"]) for c in load(ROOT / "notebooks" / "ja" / first)["cells"]
                      if c["cell_type"] == "markdown")
    assert f"(ja/{first})" in en_text, "the English first notebook should link to the Japanese edition"
    assert f"(../{first})" in ja_text, "the Japanese first notebook should link back to the English edition"


def test_the_check_mode_of_sync_ja_agrees(capsys):
    assert sync_ja().main(["--check"]) == 0, capsys.readouterr().out


def test_a_japanese_notebook_opens_in_jupyterlab_with_its_text_and_math_rendered(tmp_path):
    """Notebook 05 of the ja edition in JupyterLab in headless Chromium: its Markdown renders in
    Japanese and its math is typeset by MathJax (nothing is run, nothing written into the repo)."""
    from test_browser import CHROMIUM, jupyterlab_server, requirements_missing

    reason = requirements_missing()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    name = "05_affine_and_softmax_with_loss.ipynb"
    ja_path = ROOT / "notebooks" / "ja" / name
    stored = ja_path.read_bytes()
    heading = next(line.lstrip("# ").strip() for c in load(ja_path)["cells"] if c["cell_type"] == "markdown"
                   for line in "".join(c["source"]).splitlines() if line.startswith("# "))
    with jupyterlab_server(tmp_path, [ja_path]) as (url, token, _), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{url}/lab/tree/{name}?token={token}")
            page.locator("#jp-main-statusbar").get_by_text("Idle").wait_for(timeout=60_000)
            markdown = page.locator(".jp-RenderedMarkdown")
            markdown.get_by_text(heading, exact=False).first.wait_for(timeout=30_000)
            page.locator(".jp-RenderedMarkdown mjx-container").first.wait_for(timeout=30_000)
            texts = markdown.all_inner_texts()
            page.screenshot(path=str(tmp_path / "ja-notebook.png"))
        finally:
            browser.close()
    rendered = "\n".join(texts)
    assert len(JAPANESE.findall(rendered)) > 500, "the rendered Markdown should be Japanese"
    assert "$$" not in rendered, "math left untypeset"
    assert ja_path.read_bytes() == stored
