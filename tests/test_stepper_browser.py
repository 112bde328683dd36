"""The graph stepper in a real browser (headless Chromium, Playwright).

1. JupyterLab on loopback (tests/test_browser.py's server: temporary settings, a random token,
   stopped with its kernels by PID): a temporary notebook builds a stepper and a predict-mode
   stepper. Opened with its stored outputs, it shows the drawing and the steps as text; after
   Run All the test presses the step button, the arrow keys on the focused
   slider and the language button, and reads the rule line and the values drawn; in predict
   mode it types a wrong value (refused, with a hint) and then a right one (accepted).
2. The static player of the website, in pages served from 127.0.0.1: steps with the buttons
   and the arrow keys, reads the rule line and the drawing, predicts in the page, opens a
   Japanese page in Japanese, checks that no request leaves 127.0.0.1, and that at 390 px
   (a phone) nothing sticks out of the page, the text stays at 10 pt or more and the drawing
   follows the highlighted node.
3. The website itself, built once by docs/build.py into a temporary folder: notebook 04's page
   in both editions shows the player (docs/conf.py prefers text/html to the widget view), in the
   page's language, and its predict exercise steps with the keyboard, refuses a wrong value
   with its hint and accepts a right one, at 1400 px and 390 px, in the light and dark themes.

It waits for the text it expects, never for a time. Everything goes to temporary folders.
"""
import functools
import http.server
import threading
from pathlib import Path

import pytest

from common.graph_examples import JA_NAMES, apple_orange_graph, backward_from_output
from common.stepper import GraphStepper, value_text
from common.stepper_view import StepperView

ROOT = Path(__file__).resolve().parent.parent
LAUNCH = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
STEP_1 = "apple price = apple × apple num = 100 × 2 = 200"
STEP_2 = "orange price = orange × orange num = 150 × 3 = 450"
STEP_LAST = "back through × (apple price) to apple num: upstream 1.1 × the other input 100 = 110"

# The texts of the drawing that are shown (not inside a hidden element), for one stepper element.
SHOWN_TEXTS = """(box) => [...box.querySelectorAll("svg text")]
    .filter(t => !t.closest('[style*="display: none"], [style*="display:none"]') && t.getClientRects().length)
    .map(t => t.textContent)"""


def missing():
    from test_browser import requirements_missing
    return requirements_missing()


def notebook(path):
    """A notebook that shows a stepper and a predict-mode stepper of the apple-and-orange graph,
    run once (as the stored notebooks are) so that it opens with their stored outputs."""
    cells = [
        "from common.graph_examples import JA_NAMES, apple_orange_graph, backward_from_output\n"
        "from common.stepper import GraphStepper\nfrom common.stepper_view import StepperView",
        "stepper = GraphStepper(backward_from_output(apple_orange_graph()), names={'ja': JA_NAMES})\n"
        "StepperView(stepper)",
        "quiz = GraphStepper(backward_from_output(apple_orange_graph()), names={'ja': JA_NAMES}, predict=True)\n"
        "StepperView(quiz)",
        "print('both steppers shown')",
    ]
    nb = {"cells": [{"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {}, "outputs": [],
                     "source": source} for i, source in enumerate(cells)],
          "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
          "nbformat": 4, "nbformat_minor": 5}
    import nbclient
    import nbformat
    node = nbformat.from_dict(nb)
    nbclient.NotebookClient(node, timeout=120, kernel_name="python3", store_widget_state=True,
                            resources={"metadata": {"path": str(path.parent)}}).execute()
    nbformat.write(node, str(path))
    return path


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """The temporary notebook, run once: the path of the .ipynb with its stored outputs."""
    reason = missing()
    if reason:
        pytest.skip(reason)
    return notebook(tmp_path_factory.mktemp("source") / "stepper.ipynb")


def test_the_stepper_in_jupyterlab(tmp_path, executed):
    from playwright.sync_api import sync_playwright
    from test_browser import CHROMIUM, jupyterlab_server

    with jupyterlab_server(tmp_path, [executed]) as (url, token, _), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH)
        page = browser.new_page(viewport={"width": 1300, "height": 1000})
        try:
            page.goto(f"{url}/lab/tree/stepper.ipynb?token={token}")
            page.locator("#jp-main-statusbar").get_by_text("Idle").wait_for(timeout=60_000)
            # before it runs: the stored HTML without its script (JupyterLab sanitises it), the finished
            # drawing and the steps as text
            stored = page.locator(".jp-OutputArea-output").filter(has_text="Its steps:").first
            stored.locator("li", has_text=STEP_1).wait_for(timeout=30_000)
            picture = stored.locator("img")
            picture.wait_for(timeout=30_000)
            page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=picture.element_handle(),
                                   timeout=30_000)
            assert picture.evaluate("img => img.getBoundingClientRect().width") > 300
            page.locator(".lm-MenuBar-itemLabel", has_text="Run").click()
            page.locator(".lm-Menu-itemLabel").get_by_text("Run All Cells", exact=True).click()
            page.locator(".jp-OutputArea-output", has_text="both steppers shown").wait_for(timeout=120_000)
            views = page.locator(".jupyter-widgets.widget-vbox:has(> .gs-picture)")
            views.nth(1).wait_for(timeout=30_000)
            stepper, quiz = views.nth(0), views.nth(1)
            rule = stepper.locator(".gs-rule")
            rule.get_by_text("step 0 / 13").wait_for(timeout=30_000)

            stepper.locator(".gs-next").click()
            rule.get_by_text(STEP_1).wait_for(timeout=30_000)
            shown = stepper.locator(".gs-picture").evaluate(SHOWN_TEXTS)
            assert "200" in shown and "715" not in shown and "2.2" not in shown, shown  # only what is known

            stepper.locator(".gs-slider .noUi-handle").focus()  # the arrow keys step the focused view
            page.keyboard.press("ArrowRight")
            rule.get_by_text(STEP_2).wait_for(timeout=30_000)
            page.keyboard.press("ArrowLeft")
            rule.get_by_text(STEP_1).wait_for(timeout=30_000)
            stepper.locator(".gs-last").click()
            rule.get_by_text(STEP_LAST).wait_for(timeout=30_000)
            assert "2.2" in stepper.locator(".gs-picture").evaluate(SHOWN_TEXTS)
            stepper.get_by_text("日本語", exact=True).click()
            rule.get_by_text("上流の勾配 1.1 × もう一方の入力 100 = 110").wait_for(timeout=30_000)
            assert "りんごの個数" in stepper.locator(".gs-picture").evaluate(SHOWN_TEXTS)

            quiz.locator(".gs-last").click()  # as far as it lets one go: the first backward value is asked
            question = quiz.locator(".gs-question")
            question.get_by_text("predict the gradient that the × node (price) sends back to all price").wait_for(
                timeout=30_000)
            assert "?" in quiz.locator(".gs-picture").evaluate(SHOWN_TEXTS)
            box = quiz.locator(".gs-input input")
            box.fill("5")
            box.press("Enter")
            verdict = quiz.locator(".gs-verdict")
            verdict.get_by_text("wrong: 5 is not it; hint: a × node sends back the upstream gradient times the "
                                "other input", exact=False).wait_for(timeout=30_000)
            assert "?" in quiz.locator(".gs-picture").evaluate(SHOWN_TEXTS)  # still asked, not shown
            box.fill("1.1")
            quiz.locator(".gs-check").click()
            verdict.get_by_text("right on the second try: upstream 1 × the other input 1.1 = 1.1").wait_for(
                timeout=30_000)
            quiz.locator(".gs-score").get_by_text("1 on the second try", exact=False).wait_for(timeout=30_000)
            question.get_by_text("sends back to tax", exact=False).wait_for(timeout=30_000)
            page.screenshot(path=str(tmp_path / "jupyterlab-stepper.png"))
        except Exception:
            page.screenshot(path=str(tmp_path / "failure.png"))
            raise
        finally:
            browser.close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def served(tmp_path):
    """Pages with the static player, served on 127.0.0.1: yields their base URL."""
    reason = missing()
    if reason:
        pytest.skip(reason)
    stepper = GraphStepper(backward_from_output(apple_orange_graph()), names={"ja": JA_NAMES})
    quiz = GraphStepper(backward_from_output(apple_orange_graph()), names={"ja": JA_NAMES}, predict=True)
    players = StepperView(stepper).html() + "<p>A paragraph between two players.</p>" + StepperView(quiz).html()
    for language in ("en", "ja"):  # as the website's two editions: <html lang=...>, a column 700 px at most
        page = (f'<!doctype html><html lang="{language}"><head><meta charset="utf-8"><meta name="viewport" '
                f'content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>stepper</title></head>'
                f'<body style="margin:0 auto;padding:0 8px;max-width:700px;font-family:sans-serif">{players}'
                "</body></html>")
        (tmp_path / f"{language}.html").write_text(page, encoding="utf-8")
    handler = functools.partial(QuietHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", tmp_path
    finally:
        server.shutdown()
        server.server_close()


def open_page(browser, url, width, outside, errors, scheme="light"):
    page = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme).new_page()
    page.on("request", lambda request: None if request.url.startswith((url, "data:", "blob:"))
            else outside.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    return page


def test_the_static_player_steps_and_predicts_offline(served):
    from playwright.sync_api import sync_playwright
    from test_browser import CHROMIUM

    url, folder = served
    outside, errors = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH)
        page = open_page(browser, url, 1280, outside, errors)
        try:
            page.goto(f"{url}/en.html")
            stepper, quiz = page.locator(".graph-stepper").nth(0), page.locator(".graph-stepper").nth(1)
            rule = stepper.locator(".gs-rule")
            rule.get_by_text("start: the inputs are known", exact=False).wait_for(timeout=30_000)
            assert not stepper.locator(".gs-static").is_visible()  # the script replaced the text fallback
            stepper.locator(".gs-next").click()
            rule.get_by_text(STEP_1).wait_for(timeout=10_000)
            shown = stepper.locator(".gs-svg").first.evaluate(SHOWN_TEXTS)
            assert "200" in shown and "715" not in shown and "2.2" not in shown, shown
            stepper.locator(".gs-player").focus()
            page.keyboard.press("ArrowRight")
            rule.get_by_text(STEP_2).wait_for(timeout=10_000)
            page.keyboard.press("ArrowLeft")
            rule.get_by_text(STEP_1).wait_for(timeout=10_000)
            page.keyboard.press("End")
            rule.get_by_text(STEP_LAST).wait_for(timeout=10_000)
            assert stepper.locator(".gs-counter").inner_text() == "step 13 / 13 · backward"
            assert stepper.locator(".gs-next").is_disabled()
            stepper.locator(".gs-lang").click()
            rule.get_by_text("× ノード（りんごの価格）から りんごの個数 へ: 上流の勾配 1.1 × もう一方の入力 100 = 110").wait_for(
                timeout=10_000)
            page.keyboard.press("Home")  # the player keeps the focus after a click on its button
            rule.get_by_text("はじめ: 入力が分かっています", exact=False).wait_for(timeout=10_000)
            # the first player's steps did not move the second
            assert quiz.locator(".gs-counter").inner_text() == "step 0 / 13 · start"

            quiz.locator(".gs-last").click()
            quiz.locator(".gs-question").get_by_text("predict the gradient that the × node (price) sends back to "
                                                     "all price").wait_for(timeout=10_000)
            assert "?" in quiz.locator(".gs-svg").first.evaluate(SHOWN_TEXTS)
            box = quiz.locator(".gs-input")
            box.fill("5")
            box.press("Enter")
            verdict = quiz.locator(".gs-verdict")
            verdict.get_by_text("wrong: 5 is not it; hint: a × node sends back", exact=False).wait_for(timeout=10_000)
            assert quiz.locator(".gs-counter").inner_text().startswith("step 5 / 13")  # not shown yet
            box.fill("-1.1")
            quiz.locator(".gs-check").click()
            verdict.get_by_text("wrong twice: the answer is 1.1", exact=False).wait_for(timeout=10_000)
            box.fill("650")
            box.press("Enter")
            verdict.get_by_text("right: upstream 1 × the other input 650 = 650").wait_for(timeout=10_000)
            quiz.locator(".gs-score").get_by_text("score: 1 right the first time, 0 on the second try, 1 shown, of 8 "
                                                  "(6 still to predict)").wait_for(timeout=10_000)
            box.fill("abc")
            box.press("Enter")
            verdict.get_by_text("type a number such as 2.2").wait_for(timeout=10_000)
            assert "6 still to predict" in quiz.locator(".gs-score").inner_text()  # a non-number is not a try
            page.screenshot(path=str(folder / "player.png"), full_page=True)

            ja = open_page(browser, url, 1280, outside, errors)
            ja.goto(f"{url}/ja.html")
            ja.locator(".gs-rule").first.get_by_text("はじめ: 入力が分かっています", exact=False).wait_for(timeout=30_000)
            assert ja.locator(".gs-next").first.inner_text() == "次へ ▶"
            ja.locator(".gs-next").first.click()
            ja.locator(".gs-rule").first.get_by_text("りんごの価格 = りんご × りんごの個数 = 100 × 2 = 200").wait_for(
                timeout=10_000)
            assert "りんご" in ja.locator(".gs-svg:visible").first.evaluate(SHOWN_TEXTS)

            # at 100 % on a wide screen the drawing is at its natural size: 10.5 pt labels
            scale = page.locator(".gs-svg:visible svg").first.evaluate(
                "s => s.getBoundingClientRect().width / (s.viewBox.baseVal.width * 96 / 72)")
            assert 0.95 <= scale <= 1.001, scale
        finally:
            browser.close()
    assert not outside, f"requests that leave 127.0.0.1: {outside[:3]}"
    assert not errors, errors


PHONE_PROBLEMS = """(root) => {  // in root (a player), or on the whole page
    const problems = [], width = document.documentElement.clientWidth, page = !root;
    root = root || document;
    if (page && document.documentElement.scrollWidth > width + 1) problems.push(`the page is ${document.documentElement.scrollWidth} px wide`);
    for (const e of root.querySelectorAll(".gs-player button, .gs-rule, .gs-counter, .gs-input")) {
        const b = e.getBoundingClientRect();
        if (b.width && (b.left < -1 || b.right > width + 1)) problems.push(`${e.className} sticks out: ${b.left}..${b.right}`);
    }
    for (const e of root.querySelectorAll(".gs-rule, .gs-counter, .gs-player button")) {
        if (e.getClientRects().length && parseFloat(getComputedStyle(e).fontSize) < 13.3) problems.push(`${e.className} below 10 pt`);
    }
    for (const s of root.querySelectorAll(".gs-svg svg")) {
        if (!s.getClientRects().length) continue;
        const scale = s.getBoundingClientRect().width / (s.viewBox.baseVal.width * 96 / 72);
        if (scale < 10 / 10.5 - 0.001) problems.push(`the drawing is shrunk to ${scale}: labels below 10 pt`);
    }
    return problems;
}"""


def test_the_static_player_at_phone_width(served):
    from playwright.sync_api import sync_playwright
    from test_browser import CHROMIUM

    url, folder = served
    outside, errors = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH)
        page = open_page(browser, url, 390, outside, errors)
        try:
            page.goto(f"{url}/en.html")
            stepper = page.locator(".graph-stepper").first
            rule = stepper.locator(".gs-rule")
            rule.get_by_text("start: the inputs are known", exact=False).wait_for(timeout=30_000)
            box = stepper.locator(".gs-svg").first
            assert box.evaluate("b => b.scrollWidth > b.clientWidth")  # wider than a phone: it scrolls
            stepper.locator(".gs-player").focus()
            for _ in range(4):  # to the last node, at the right end of the drawing
                page.keyboard.press("ArrowRight")
            rule.get_by_text("price = all price × tax = 650 × 1.1 = 715").wait_for(timeout=10_000)
            follows = box.evaluate("""b => {
                const mark = [...b.querySelectorAll('[id]')].find(e => /-n\\d+$/.test(e.id) && e.style.display !== "none");
                const m = mark.getBoundingClientRect(), v = b.getBoundingClientRect();
                return m.left >= v.left - 1 && m.right <= v.right + 1;
            }""")
            assert follows, "the highlighted node is scrolled out of view"
            assert page.evaluate(PHONE_PROBLEMS) == []
            page.screenshot(path=str(folder / "phone.png"), full_page=True)
        finally:
            browser.close()
    assert not outside and not errors, (outside, errors)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The website, built once by docs/build.py into a temporary folder (its npm assets in another),
    served on 127.0.0.1: yields the base URL."""
    from test_site import requirements_missing as site_requirements_missing
    from test_site import run_build
    reason = missing() or site_requirements_missing()
    if reason:
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("site")
    done = run_build(folder / "html", BACKPROP_NPM_CACHE=str(folder / "npm"))
    assert done.returncode == 0, done.stdout + done.stderr
    handler = functools.partial(QuietHandler, directory=str(folder / "html"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


READABLE = """(root) => {  // the player's card keeps its own light colours, whatever the page's theme
    const card = getComputedStyle(root), rule = getComputedStyle(root.querySelector(".gs-rule"));
    return [card.backgroundColor, rule.color];
}"""


@pytest.mark.parametrize("page_name, language", [("04_activation_layers.html", "en"),
                                                 ("ja/04_activation_layers.html", "ja")])
def test_the_sigmoid_quiz_on_the_built_site(site, tmp_path, page_name, language):
    """Notebook 04's predict exercise on its website page, as a reader without a kernel meets it: the
    player (not the widget: docs/conf.py's output choice), in the page's language, stepped with the
    keyboard, a wrong prediction refused with its hint and a right one accepted, at 1400 px and 390 px,
    in the light and the dark theme, with nothing loaded from off 127.0.0.1."""
    from playwright.sync_api import sync_playwright
    from test_browser import CHROMIUM

    from common.graph_examples import sigmoid_graph
    quiz = GraphStepper(backward_from_output(sigmoid_graph(0.5)), predict=True)  # the notebook's quiz
    first = quiz.asked[0]
    wrong = value_text(-quiz.steps[first].value)  # the sign flipped, as typed: "0.3875"; the hint says so
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH)
        try:
            for width, scheme in ((1400, "light"), (1400, "dark"), (390, "light"), (390, "dark")):
                outside, errors = [], []
                page = open_page(browser, site, width, outside, errors, scheme)
                page.goto(f"{site}/{page_name}")
                players = page.locator(".graph-stepper")
                players.first.locator(".gs-rule").get_by_text(quiz.rule(0, language)).wait_for(timeout=30_000)
                assert players.count() == 1, "the page shows no static player: docs/conf.py's " \
                    "nb_mime_priority_overrides must make the html build prefer text/html to the widget view"
                player = players.first
                rule, counter = player.locator(".gs-rule"), player.locator(".gs-counter")
                assert player.evaluate(READABLE) == ["rgb(255, 255, 255)", "rgb(34, 34, 34)"], scheme
                player.locator(".gs-player").focus()
                page.keyboard.press("ArrowRight")
                page.keyboard.press("ArrowRight")
                rule.get_by_text(quiz.rule(2, language)).wait_for(timeout=30_000)
                page.keyboard.press("ArrowLeft")
                rule.get_by_text(quiz.rule(1, language)).wait_for(timeout=30_000)
                page.keyboard.press("End")  # as far as it goes: the first question
                player.locator(".gs-question").get_by_text(quiz.question(first, language)).wait_for(timeout=30_000)
                shown = player.locator(".gs-svg:visible").evaluate(SHOWN_TEXTS)
                assert "?" in shown and "-0.3875" not in shown, shown
                box = player.locator(".gs-input")
                box.fill(wrong)
                box.press("Enter")
                refused = quiz.verdict(first, float(wrong), False, 1, language)
                assert "the sign is not" in refused or "符号が違います" in refused
                player.locator(".gs-verdict").get_by_text(refused).wait_for(timeout=30_000)
                assert counter.inner_text().startswith(("step 5 / 9", "ステップ 5 / 9"))  # still asked, not shown
                box.fill("-0.3875")
                box.press("Enter")
                answer = quiz.steps[first].value
                player.locator(".gs-verdict").get_by_text(quiz.verdict(first, answer, True, 2, language)).wait_for(
                    timeout=30_000)
                assert counter.inner_text().startswith(("step 6 / 9", "ステップ 6 / 9"))
                assert "-0.3875" in player.locator(".gs-svg:visible").evaluate(SHOWN_TEXTS)
                assert player.evaluate(PHONE_PROBLEMS) == [], (width, scheme)
                page.screenshot(path=str(tmp_path / f"{language}-{width}-{scheme}.png"))
                page.context.close()
                assert not outside and not errors, (width, scheme, outside, errors)
        finally:
            browser.close()
