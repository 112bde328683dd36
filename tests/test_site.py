"""The website. docs/build.py builds both editions into a temporary folder (over a fake previous
build, which it must replace); the build must show no warning. A loopback HTTP server serves the site
and headless Chromium (Playwright) opens every page, at 1400 px in light mode and at 390 px (a
phone) in dark mode. Every wait is for a condition (the page's load event, MathJax's startup promise,
the fonts, every image complete, the widget renderer's sliders), never for time or network idle.

On every page: no request leaves 127.0.0.1, no console error, no page error, no response >= 400;
the math is typeset; every image loaded; the language switch and the in-text edition links lead to
the same page of the other edition; notebook pages have a download link and previous/next links that
exist; code cells have copy buttons; one search box; the site's footer. Spoilers: every <details> of a
hint or answer cell is closed at load, and every solution cell's code is hidden until its toggle is
clicked. The training lab renders from its stored widget state, after a notice (in both languages)
that it needs a running kernel. At 1400 px a code cell holds a 100-character line; at 390 px no page
is wider than the screen, every display equation fits or scrolls, and no figure shrinks below 600 px.
Search finds pages in both editions, with snippets free of theme words and TeX.

Also without a browser: the build refuses a destination it did not make (nothing is deleted), shows
npm's error with how to fix it, and every notebook links to the other edition (docs/edition_links.py).
Nothing is written into the repository: the npm assets go to a temporary folder (BACKPROP_NPM_CACHE).
"""
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "docs" / "build.py"
CHROMIUM = "/usr/bin/chromium"
LAB_PAGE = "07_training_on_mnist"
MARKER = ".backprop-site"


def requirements_missing():
    if not Path(CHROMIUM).exists():
        return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    if shutil.which("npm") is None:
        return "npm is needed to fetch the site's MathJax and widget renderer (apt-get install npm)"
    try:
        import myst_nb  # noqa: F401
        import playwright.sync_api  # noqa: F401
        import sphinx_book_theme  # noqa: F401
        import sphinx_copybutton  # noqa: F401
    except ImportError as error:
        return f"{error.name} is not installed (pip install -r requirements.txt)"
    return None


BUILD_OUTPUT = ("_build", "_static", "_sources", "_images", ".doctrees", "jupyter_execute", "_npm", "*.html",
                ".site-*", MARKER)


def snapshot():
    """Name, size and modification time of every file under docs/ (nobody else edits it while the test
    runs), and the paths under notebooks/ and figures/ that look like build output (other engineers may
    be editing the rest of those folders meanwhile)."""
    files = {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in (ROOT / "docs").rglob("*")
             if p.is_file() and "__pycache__" not in p.parts}
    made = {str(p) for folder in ("notebooks", "figures") for pattern in BUILD_OUTPUT
            for p in (ROOT / folder).rglob(pattern)}
    return files, made


def run_build(out, **env):
    return subprocess.run([sys.executable, str(BUILD), "--out", str(out)], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=900, cwd=ROOT)


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
    html = tmp / "html"
    html.mkdir()  # a previous build, which the new one replaces whole
    (html / MARKER).write_text("an earlier build\n")
    (html / "stale.html").write_text("from an earlier build\n")
    before = snapshot()
    done = run_build(html, BACKPROP_NPM_CACHE=str(tmp / "npm"))
    assert done.returncode == 0, done.stdout + done.stderr
    warnings = [line for line in (done.stdout + done.stderr).splitlines() if "WARNING" in line or "ERROR" in line]
    assert not warnings, "the site build warned:\n" + "\n".join(warnings)
    assert snapshot() == before, "the site build wrote into the repository"
    assert not (html / "stale.html").exists() and (html / MARKER).is_file(), "the previous build was not replaced"
    assert not [p for p in tmp.iterdir() if p.name.startswith(".site-")], "the build left its temporary folder"
    with zipfile.ZipFile(html / "backprop-from-scratch.zip") as archive:
        names = set(archive.namelist())
    for needed in ("requirements.txt", "common/__init__.py", "notebooks/01_computational_graphs.ipynb",
                   "notebooks/ja/01_computational_graphs.ipynb"):
        assert f"backprop-from-scratch/{needed}" in names, f"the project's zip has no {needed}"
    handler = functools.partial(QuietHandler, directory=str(html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", html
    finally:
        server.shutdown()
        server.server_close()


def stems():
    return sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]*_*.ipynb"))


def pages():
    """Every page to check: the index and each notebook, in both editions ('' and 'ja/')."""
    return [f"{edition}{stem}.html" for edition in ("", "ja/") for stem in ["index", *stems()]]


@pytest.fixture(scope="module")
def browser():
    reason = requirements_missing()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            yield chromium
        finally:
            chromium.close()


class Watched:
    """A page whose requests, console errors, page errors and failed responses are recorded."""

    def __init__(self, browser, url, width, scheme):
        self.context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
        self.page = self.context.new_page()
        self.problems = []
        self.page.on("request", lambda r: None if r.url.startswith((url, "data:", "blob:"))
                     else self.problems.append(f"a request leaves 127.0.0.1: {r.url}"))
        self.page.on("console", lambda m: self.problems.append(f"console error: {m.text} ({m.location.get('url')})")
                     if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("response", lambda r: self.problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400
                     else None)
        self.page.on("requestfailed", lambda r: self.problems.append(f"request failed: {r.url} ({r.failure})"))

    def open(self, address):
        """Go to the page and wait until it is complete: loaded, typeset, fonts and images in, widgets drawn."""
        self.problems.clear()
        self.page.goto(address, wait_until="load")
        self.page.evaluate("() => window.MathJax?.startup?.promise")
        self.page.evaluate("() => document.fonts.ready.then(() => true)")
        self.page.wait_for_function("() => [...document.images].every(i => i.complete)")
        if self.page.locator("script[type='application/vnd.jupyter.widget-view+json']").count():
            # the widget renderer puts each view beside its <script> in the output
            self.page.wait_for_function("() => [...document.querySelectorAll(\"script[type='application/vnd.jupyter."
                                        "widget-view+json']\")].every(s => s.parentElement.querySelector("
                                        "'.jupyter-widgets') !== null)", timeout=60_000)
            if LAB_PAGE in address:  # the lab's box renders its children after itself
                self.page.wait_for_function("() => document.querySelectorAll('.noUi-handle').length >= 2 && "
                                            "document.querySelector('button.jupyter-button') !== null",
                                            timeout=60_000)
            self.page.evaluate("() => document.fonts.ready.then(() => true)")  # the widgets' own icon fonts

    def close(self):
        self.context.close()


DESKTOP_STATE = """() => {
    const outside = document.body.cloneNode(true);
    outside.querySelectorAll("pre, code, script, style, .highlight").forEach(e => e.remove());
    const visible = e => e.checkVisibility();
    const hiddenSolutions = [...document.querySelectorAll(".tag_solution")].map(cell => ({
        inputVisible: visible(cell.querySelector(".cell_input")),
        toggle: cell.querySelector("details.hide") !== null,
        open: cell.querySelector("details.hide")?.open ?? null}));
    const pre = document.querySelector("div.cell_input pre");
    let fits100 = null;
    if (pre) {
        const probe = document.createElement("span");
        probe.textContent = "x".repeat(100);
        pre.appendChild(probe);
        const style = getComputedStyle(pre);
        fits100 = probe.getBoundingClientRect().width <= pre.clientWidth - parseFloat(style.paddingLeft)
            - parseFloat(style.paddingRight) + 0.5;
        probe.remove();
    }
    return {
        mathjax: document.querySelectorAll("mjx-container").length,
        rawMath: outside.textContent.includes("$$"),
        images: [...document.images].filter(visible).map(i => ({src: i.currentSrc || i.src, ok: i.naturalWidth > 0})),
        switchHref: document.querySelector("a.edition-switch")?.href ?? null,
        editionLinks: [...document.querySelectorAll("article a.edition-link")].map(a => a.href),
        download: document.querySelector("a.notebook-download")?.getAttribute("href") ?? null,
        prevNext: [...document.querySelectorAll(".prev-next-area a")].map(a => a.href),
        sliders: document.querySelectorAll(".widget-slider, .jupyter-widgets.widget-slider").length,
        buttons: [...document.querySelectorAll("button.jupyter-button")].map(b => b.textContent.trim()),
        labNotice: (() => {
            const notice = document.querySelector(".lab-notice");
            const lab = document.querySelector(".widget-slider");  // the lab's sliders (a progress bar may come first)
            if (!notice) return null;
            return {text: notice.textContent, before: lab ? !!(notice.compareDocumentPosition(lab) & 4) : null};
        })(),
        hintDetails: [...document.querySelectorAll(".cell-hint details, .cell-answer details")].map(d => d.open),
        hintCells: document.querySelectorAll(".cell-hint, .cell-answer").length,
        solutions: hiddenSolutions,
        codeCells: document.querySelectorAll("div.cell_input div.highlight").length,
        copyButtons: document.querySelectorAll("div.cell_input button.copybtn").length,
        outputCopyButtons: document.querySelectorAll("div.cell_output button.copybtn").length,
        searchBoxes: [...document.querySelectorAll(".search-button-field")].filter(visible).length,
        footer: document.querySelector(".site-footer")?.textContent ?? "",
        footerBy: [...document.querySelectorAll("footer, .bd-footer-content")].some(f => /\\bBy\\b/.test(f.textContent)),
        archive: document.querySelector("a[href$='backprop-from-scratch.zip']")?.href ?? null,
        fits100,
    };
}"""


def other_edition(page_name):
    return page_name[3:] if page_name.startswith("ja/") else f"ja/{page_name}"


def desktop_problems(watched, url, html, page_name):
    """What is wrong with one page at 1400 px."""
    page = watched.page
    state = page.evaluate(DESKTOP_STATE)
    problems = list(watched.problems)
    notebook = not page_name.endswith("index.html")
    if state["rawMath"]:
        problems.append("raw $$ left untypeset")
    source = (html / page_name).read_text(encoding="utf-8")
    if ("$$" in source or "\\(" in source) and notebook and state["mathjax"] == 0:
        problems.append("math in the page but no MathJax output")
    bad = [i["src"][:80] for i in state["images"] if not i["ok"]]
    if bad:
        problems.append(f"images that did not load: {bad}")
    other = f"{url}/{other_edition(page_name)}"
    if state["switchHref"] != other:
        problems.append(f"the language switch leads to {state['switchHref']}, not {other}")
    wrong = [href for href in state["editionLinks"] if href != other]
    if wrong:
        problems.append(f"in-text edition links that do not lead to {other}: {wrong}")
    if state["searchBoxes"] != 1:
        problems.append(f"{state['searchBoxes']} search boxes shown, not 1")
    if "Backprop from Scratch" not in state["footer"] or state["footerBy"]:
        problems.append(f"not the site's footer: {state['footer'][:80]!r}")
    if not notebook and (not state["archive"] or not (html / state["archive"][len(url) + 1:]).is_file()):
        problems.append(f"no working link to the project's zip: {state['archive']}")
    if notebook:
        stem = Path(page_name).stem
        if state["download"] != f"_sources/{stem}.ipynb" or \
                not (html / Path(page_name).parent / "_sources" / f"{stem}.ipynb").exists():
            problems.append("no download link to its notebook")
        if not state["prevNext"]:
            problems.append("no previous/next links")
        for href in state["prevNext"]:
            if not (html / href[len(url) + 1:].split("#")[0]).exists():
                problems.append(f"a previous/next link leads nowhere: {href}")
        if state["copyButtons"] < state["codeCells"] or state["outputCopyButtons"]:
            problems.append(f"copy buttons: {state['copyButtons']} for {state['codeCells']} code cells, "
                            f"{state['outputCopyButtons']} on outputs")
        if state["fits100"] is False:
            problems.append("a code cell does not hold a 100-character line at 1400 px")
    opened = [i for i, is_open in enumerate(state["hintDetails"]) if is_open]
    if opened:
        problems.append(f"hint or answer toggles open at load: {opened}")
    if state["hintCells"] and not state["hintDetails"]:
        problems.append("hint or answer cells without a toggle")
    for i, solution in enumerate(state["solutions"]):
        if solution["inputVisible"] or not solution["toggle"] or solution["open"]:
            problems.append(f"solution {i} is not hidden behind a closed toggle: {solution}")
    if state["solutions"]:  # the toggle works: click the first and its code shows
        page.locator(".tag_solution details.hide > summary").first.click()
        if not page.locator(".tag_solution .cell_input").first.is_visible():
            problems.append("clicking a solution's toggle does not show its code")
    if state["hintDetails"]:
        page.locator(".cell-hint details > summary, .cell-answer details > summary").first.click()
        if not page.locator(".cell-hint details[open], .cell-answer details[open]").count():
            problems.append("clicking a hint or answer does not open it")
    if page_name.endswith(f"{LAB_PAGE}.html"):
        if state["sliders"] < 2 or not {"Train", "Stop", "Reset"} <= set(state["buttons"]):
            problems.append(f"the lab's widgets did not render: {state['sliders']} sliders, buttons {state['buttons']}")
        notice = state["labNotice"]
        words = ("カーネル", "jupyter lab") if page_name.startswith("ja/") else ("kernel", "jupyter lab")
        if not notice or not notice["before"] or not all(w in notice["text"] for w in words):
            problems.append(f"no notice before the lab that it needs a running kernel: {notice}")
    return [f"{page_name} (1400 px): {p}" for p in problems]


PHONE_STATE = """() => {
    const visible = e => e.checkVisibility();
    const wideMath = [...document.querySelectorAll('mjx-container[display="true"]')].filter(visible).filter(box => {
        const math = box.querySelector("mjx-math");
        const scrolls = ["auto", "scroll"].includes(getComputedStyle(box).overflowX);
        return math && math.getBoundingClientRect().width > box.clientWidth + 1 && !scrolls;
    }).length;
    const smallFigures = [...document.querySelectorAll(".cell_output > img")].filter(visible).filter(i =>
        i.getBoundingClientRect().width + 1 < Math.min(i.naturalWidth, 600)).map(i => i.src.slice(-20));
    const clippedCode = [...document.querySelectorAll("pre")].filter(visible).filter(p =>
        p.scrollWidth > p.clientWidth + 1 && !["auto", "scroll"].includes(getComputedStyle(p).overflowX)).length;
    return {
        pageWidth: document.documentElement.scrollWidth, screen: document.documentElement.clientWidth,
        wideMath, smallFigures, clippedCode,
        theme: document.documentElement.dataset.theme,
    };
}"""


def phone_problems(watched, page_name):
    """What is wrong with one page at 390 px, in dark mode."""
    state = watched.page.evaluate(PHONE_STATE)
    problems = list(watched.problems)
    if state["pageWidth"] > state["screen"]:
        problems.append(f"the page is {state['pageWidth']} px wide on a {state['screen']} px screen")
    if state["wideMath"]:
        problems.append(f"{state['wideMath']} display equations are cut (wider than the column, no scrolling)")
    if state["smallFigures"]:
        problems.append(f"figures shrunk below 600 px: {state['smallFigures']}")
    if state["clippedCode"]:
        problems.append(f"{state['clippedCode']} code blocks cut without scrolling")
    if state["theme"] != "dark":
        problems.append(f"dark mode not applied (data-theme={state['theme']})")
    return [f"{page_name} (390 px, dark): {p}" for p in problems]


def test_every_page_in_both_editions_at_desktop_and_phone_width(site, browser):
    url, html = site
    to_check = pages()
    for page_name in to_check:
        assert (html / page_name).exists(), f"{page_name} was not built"
    problems = []
    desktop = Watched(browser, url, 1400, "light")
    try:
        for page_name in to_check:
            desktop.open(f"{url}/{page_name}")
            problems += desktop_problems(desktop, url, html, page_name)
        desktop.page.goto(f"{url}/{to_check[1]}", wait_until="load")  # follow one switch by a click
        desktop.page.locator("a.edition-switch").click()
        desktop.page.wait_for_url(f"{url}/ja/{to_check[1]}")
    finally:
        desktop.close()
    phone = Watched(browser, url, 390, "dark")
    try:
        for page_name in to_check:
            phone.open(f"{url}/{page_name}")
            problems += phone_problems(phone, page_name)
    finally:
        phone.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("edition, query", [("", "affine"), ("ja/", "逆伝播")])
def test_search_finds_pages_with_clean_snippets(site, browser, edition, query):
    url, _ = site
    watched = Watched(browser, url, 1400, "light")
    try:
        watched.open(f"{url}/{edition}search.html?q={query}")
        # Sphinx's search ends by replacing its title ("Searching" and pulsing dots) with "Search Results"
        watched.page.wait_for_function("() => { const title = document.querySelector('#search-results h2'); "
                                       "return title !== null && title.querySelector('span') === null; }",
                                       timeout=60_000)
        snippets = watched.page.evaluate("() => [...document.querySelectorAll('#search-results li p.context')]"
                                         ".map(p => p.textContent)")
        assert snippets, f"search for {query!r} found nothing"
        dirty = [s for s in snippets if any(w in s for w in ("Light", "Dark", "Settings", "\\(", "\\[", "$$", "\\frac"))]
        assert not dirty, f"snippets with theme words or TeX: {dirty[:3]}"
        assert not watched.problems, watched.problems
    finally:
        watched.close()


# ---------------------------------------------------------------- without a browser


def test_build_refuses_a_folder_it_did_not_make(tmp_path):
    """--out on a non-empty folder without the marker, on the project itself, on a file or a symlink:
    the build stops before doing anything and every file is left as it was."""
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.tex").write_text("years of work\n")
    target = tmp_path / "file.txt"
    target.write_text("a file\n")
    link = tmp_path / "link"
    link.symlink_to(mine, target_is_directory=True)
    for out, says in ((mine, "not empty"), (ROOT, "not empty"), (Path("."), "not empty"), (target, "a file"),
                      (link, "symbolic link")):
        done = run_build(out, BACKPROP_NPM_CACHE=str(tmp_path / "npm"))
        assert done.returncode == 1 and says in done.stderr, (out, done.stderr)
    assert (mine / "thesis.tex").read_text() == "years of work\n" and sorted(p.name for p in mine.iterdir()) == [
        "thesis.tex"]
    assert target.read_text() == "a file\n" and link.is_symlink()
    assert not (tmp_path / "npm").exists(), "the build went on after refusing"


def test_build_shows_npms_error_and_how_to_fix_it(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "npm"
    fake.write_text("#!/bin/sh\necho 'npm error code E404' >&2\necho 'npm error 404 Not Found - GET mathjax' >&2\n"
                    "exit 1\n")
    fake.chmod(0o755)
    out = tmp_path / "site"
    done = run_build(out, BACKPROP_NPM_CACHE=str(tmp_path / "npm"), PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    assert done.returncode == 1
    assert "npm error code E404" in done.stderr and "How to fix" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and not out.exists()


def test_every_notebook_links_to_the_other_edition():
    """The first Markdown cell of each notebook links to the same notebook of the other edition, as
    docs/edition_links.py writes it (this works in JupyterLab; the site test checks the pages)."""
    done = subprocess.run([sys.executable, str(ROOT / "docs" / "edition_links.py"), "--check"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    for folder, prefix in ((ROOT / "notebooks", "ja/"), (ROOT / "notebooks" / "ja", "../")):
        for path in sorted(folder.glob("[0-9][0-9]*_*.ipynb")):
            first = next(c for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
                         if c["cell_type"] == "markdown")
            link = f"]({prefix}{path.name})"
            assert link in "".join(first["source"]), f"{path.name}: no link {link[2:-1]} in the first cell"
            assert (path.parent / prefix / path.name).resolve().is_file()


def test_edition_links_script_is_idempotent_on_a_copy(tmp_path):
    """docs/edition_links.py on a copy of the notebooks: after one run, --check is clean and a second
    run changes nothing; only the first Markdown cell of a notebook ever changes."""
    copy = tmp_path / "notebooks"
    (copy / "ja").mkdir(parents=True)
    originals = {}  # as copied: others may change the notebooks meanwhile
    for folder, dest in ((ROOT / "notebooks", copy), (ROOT / "notebooks" / "ja", copy / "ja")):
        for path in folder.glob("[0-9][0-9]*_*.ipynb"):
            originals[dest / path.name] = path.read_bytes()
            (dest / path.name).write_bytes(originals[dest / path.name])
    script = [sys.executable, str(ROOT / "docs" / "edition_links.py"), "--root", str(copy)]
    assert subprocess.run(script, capture_output=True, text=True).returncode == 0
    after_one = {p: p.read_bytes() for p in copy.rglob("*.ipynb")}
    assert subprocess.run([*script, "--check"], capture_output=True, text=True).returncode == 0
    assert subprocess.run(script, capture_output=True, text=True).returncode == 0
    assert {p: p.read_bytes() for p in copy.rglob("*.ipynb")} == after_one
    for path in after_one:
        old, new = json.loads(originals[path].decode("utf-8")), json.loads(path.read_text(encoding="utf-8"))
        first = next(i for i, c in enumerate(old["cells"]) if c["cell_type"] == "markdown")
        assert [c for i, c in enumerate(old["cells"]) if i != first] == \
            [c for i, c in enumerate(new["cells"]) if i != first], path.name
