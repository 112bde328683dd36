"""The website in a real browser: docs/build.py builds both editions into a temporary
folder, a loopback HTTP server serves it, and headless Chromium (Playwright) opens every
page. For each page: no request leaves 127.0.0.1, the math is typeset (MathJax output
present, no raw `$$` left outside code), every image shown loaded (the lab's result panel,
hidden until a run ends, is not shown), and the language switch leads
to the same page of the other edition. On notebook 07's page the training lab renders
from its stored widget state. Nothing is written into the repository: the npm assets go
to a temporary folder too (BACKPROP_NPM_CACHE).
"""
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
LAB_PAGE = "07_training_on_mnist"


def requirements_missing():
    if not Path(CHROMIUM).exists():
        return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    if shutil.which("npm") is None:
        return "npm is needed to fetch the site's MathJax and widget renderer (apt-get install npm)"
    try:
        import myst_nb  # noqa: F401
        import playwright.sync_api  # noqa: F401
        import sphinx_book_theme  # noqa: F401
    except ImportError as error:
        return f"{error.name} is not installed (pip install -r requirements.txt)"
    return None


def snapshot():
    """Name, size and modification time of every file under docs/, notebooks/ and figures/."""
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for folder in ("docs", "notebooks", "figures")
            for p in (ROOT / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts}


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The built site, served on 127.0.0.1: yields (base URL, the site's folder)."""
    reason = requirements_missing()
    if reason:
        pytest.skip(reason)
    tmp = tmp_path_factory.mktemp("site")
    before = snapshot()
    env = {**os.environ, "BACKPROP_NPM_CACHE": str(tmp / "npm")}
    done = subprocess.run([sys.executable, str(ROOT / "docs" / "build.py"), "--out", str(tmp / "html")],
                          env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert snapshot() == before, "the site build wrote into the repository"
    handler = functools.partial(QuietHandler, directory=str(tmp / "html"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", tmp / "html"
    finally:
        server.shutdown()
        server.server_close()


def pages(html):
    """Every page to check: the index and each notebook, in both editions ('' and 'ja/')."""
    stems = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb"))
    return [f"{edition}{stem}.html" for edition in ("", "ja/") for stem in ["index", *stems]]


PAGE_STATE = """() => {
    const outside = document.body.cloneNode(true);
    outside.querySelectorAll("pre, code, script, style, .highlight").forEach(e => e.remove());
    return {
        mathjax: document.querySelectorAll("mjx-container").length,
        rawMath: outside.textContent.includes("$$"),
        images: [...document.images].filter(i => i.getClientRects().length > 0).map(i => ({src: i.currentSrc || i.src, ok: i.complete && i.naturalWidth > 0})),
        switchHref: document.querySelector("a.edition-switch")?.href ?? null,
        download: document.querySelector("a.notebook-download")?.getAttribute("href") ?? null,
        sliders: document.querySelectorAll(".widget-slider, .jupyter-widgets.widget-slider").length,
        buttons: [...document.querySelectorAll("button.jupyter-button")].map(b => b.textContent.trim()),
    };
}"""


def test_every_page_renders_offline_in_both_editions(site):
    from playwright.sync_api import sync_playwright

    url, html = site
    to_check = pages(html)
    for page_name in to_check:
        assert (html / page_name).exists(), f"{page_name} was not built"
    problems = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            outside = []
            page.on("request", lambda request: None if request.url.startswith((url, "data:", "blob:"))
                    else outside.append(request.url))
            for page_name in to_check:
                outside.clear()
                page.goto(f"{url}/{page_name}", wait_until="load")
                page.evaluate("() => window.MathJax?.startup?.promise")  # typesetting done
                if page_name.endswith(f"{LAB_PAGE}.html"):
                    page.locator(".noUi-handle").first.wait_for(timeout=30_000)
                page.wait_for_load_state("networkidle")
                state = page.evaluate(PAGE_STATE)
                where = page_name
                if outside:
                    problems.append(f"{where}: requests that leave 127.0.0.1: {outside[:3]}")
                if state["rawMath"]:
                    problems.append(f"{where}: raw $$ left untypeset")
                source = (html / page_name).read_text(encoding="utf-8")
                if ("$$" in source or "\\(" in source) and not page_name.endswith("index.html") \
                        and state["mathjax"] == 0:
                    problems.append(f"{where}: math in the page but no MathJax output")
                bad = [i["src"][:80] for i in state["images"] if not i["ok"]]
                if bad:
                    problems.append(f"{where}: images that did not load: {bad}")
                other = page_name[3:] if page_name.startswith("ja/") else f"ja/{page_name}"
                if state["switchHref"] != f"{url}/{other}":
                    problems.append(f"{where}: the language switch leads to {state['switchHref']}, not {other}")
                if not page_name.endswith("index.html"):
                    stem = Path(page_name).stem
                    if state["download"] != f"_sources/{stem}.ipynb" or \
                            not (html / Path(page_name).parent / "_sources" / f"{stem}.ipynb").exists():
                        problems.append(f"{where}: no download link to its notebook")
                if page_name.endswith(f"{LAB_PAGE}.html"):
                    if state["sliders"] < 2 or not {"Train", "Stop", "Reset"} <= set(state["buttons"]):
                        problems.append(f"{where}: the lab's widgets did not render: {state['sliders']} sliders, "
                                        f"buttons {state['buttons']}")
            page.goto(f"{url}/{to_check[1]}")  # follow one switch by a click, as a reader would
            page.locator("a.edition-switch").click()
            page.wait_for_url(f"{url}/ja/{to_check[1]}")
        finally:
            browser.close()
    assert not problems, "\n".join(problems)
