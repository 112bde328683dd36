"""How a common.stepper.GraphStepper shows: end a notebook cell with StepperView(stepper).

    from common.stepper_view import StepperView
    StepperView(stepper)

The display is one output with three forms:
- the widget (ipywidgets 8: buttons, a step slider whose arrow keys step, the language, and in
  predict mode a box to type each value in), in JupyterLab with a running kernel; it follows the
  stepper both ways, so stepper.step() in a later cell moves it too;
- text/html, a static player for the website: the same drawing, buttons and arrow keys, both
  languages (it opens in the page's language), predict mode checked in the page, no kernel and
  no network. Where its script does not run (JupyterLab shows stored HTML without scripts) it
  shows the drawing and every step's rule line as text instead;
- text/plain: the stepper's text form.

The graph is drawn once per language (common.draw.draw_graph with tag=...) as an inline SVG in
which every value, "?", highlight and note has its own id; a step is that drawing with what it
does not show left out (the widget) or hidden (the player, which holds the list of what each
step shows). Text is 10.5 pt at the drawing's natural size; a graph wider than the column
scrolls sideways and follows the highlighted node instead of shrinking its text below 10 pt.
"""
import hashlib
import html
import io
import json
import math
import re
import warnings

import ipywidgets as w
import matplotlib
import matplotlib.pyplot as plt
from ipywidgets.widgets.widget_string import HTMLStyle
from matplotlib import font_manager

from common.draw import LABEL_SIZE, draw_graph, edge_keys
from common.stepper import ATOL, LANGUAGES, ROUNDED, RTOL, WORDS, Frame, GraphStepper, short_text, value_text

MIN_TEXT = 10  # points: no text of the drawing is shown smaller
JA_FONTS = ["IPAGothic", "IPAPGothic", "Noto Sans CJK JP"]  # as figures/draw_figures.py
FONTS = "DejaVu Sans, IPAGothic, Noto Sans CJK JP, Hiragino Sans, Yu Gothic, Arial, sans-serif"  # in the page
LANGUAGE_NAMES = {"en": "English", "ja": "日本語"}
UI = {  # the controls' words
    "en": {"first": "|◀ start", "back": "◀ back", "next": "next ▶", "last": "end ▶|", "step": "step {k} / {last}",
           "check": "Check", "again": "Try again", "placeholder": "your value", "keys": "← → keys step",
           "static": "Run the notebook to step through this graph one node at a time (on the website it steps "
                     "without a kernel). Its steps:",
           "asked": "then {n} backward values to predict, one at a time, in the running notebook or on the website",
           "not_number": "type a number such as 2.2, -0.25 or 1e-3",
           "plain": "Run the cell to step through the graph with buttons (← → keys when the slider has the focus)."},
    "ja": {"first": "|◀ 最初", "back": "◀ 戻る", "next": "次へ ▶", "last": "最後 ▶|", "step": "ステップ {k} / {last}",
           "check": "確認", "again": "やり直す", "placeholder": "予想した値", "keys": "← → キーで進む・戻る",
           "static": "ノートブックを実行すると、このグラフを1ノードずつ進めて見られます（ウェブサイトではカーネル"
                     "なしで動きます）。各ステップ:",
           "asked": "続いて逆伝播の値 {n} 個を1つずつ予想します（実行中のノートブックかウェブサイトで）",
           "not_number": "2.2, -0.25, 1e-3 のような数を入力してください",
           "plain": "セルを実行すると、ボタンでグラフを1ステップずつ進められます"
                    "（スライダーにフォーカスがあれば ← → キー）。"},
}


class StepperView:
    """The display of a stepper (see the module docstring); view.widget is the ipywidgets view, made
    on first use, and view.html() the static player."""

    def __init__(self, stepper):
        if not isinstance(stepper, GraphStepper):
            raise TypeError(f"StepperView shows a common.stepper.GraphStepper, got {type(stepper).__name__}")
        self.stepper = stepper
        self.drawings = {}  # language -> Drawing; languages that show the same names share one
        for language in LANGUAGES:
            names = _shown_names(stepper, language)
            same = next((d for other, d in self.drawings.items() if _shown_names(stepper, other) == names), None)
            self.drawings[language] = same or Drawing(stepper, language)
        self._widget = None

    @property
    def widget(self):
        if self._widget is None:
            self._widget = StepperWidget(self.stepper, self.drawings)
        return self._widget

    def html(self):
        return player_html(self.stepper, self.drawings)

    def __repr__(self):
        return f"{self.stepper!r}\n{UI['en']['plain']}"

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = self.widget.box._repr_mimebundle_() if _in_kernel() else {}
        return {**bundle, "text/plain": repr(self), "text/html": self.html()}


def _in_kernel():
    from IPython import get_ipython
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def _shown_names(stepper, language):
    return [stepper.name(n, language) for n in stepper.graph.nodes if n.op is None] + \
        [stepper.name(name, language) for name in stepper.graph.outputs]


# --- the drawing ------------------------------------------------------------------------------------

class Drawing:
    """The graph drawn once with the names of one language: svg (inline SVG text), prefix (of its
    ids), width (points), toggles (the id suffix of every element a step shows or hides), and
    keys and nodes ({edge key: e}, {id(node): j}) that name its elements."""

    def __init__(self, stepper, language):
        graph = stepper.graph
        self.keys = {key: e for e, key in enumerate(edge_keys(graph))}
        self.nodes = {id(node): j for j, node in enumerate(graph.nodes)}
        # ids that differ between steppers and repeat between runs: from the steps, not from the drawing's bytes
        steps = [stepper.rule(k, language) for k in range(stepper.last + 1)] + [str(stepper.asked)]
        self.prefix = "gs" + hashlib.sha256("\n".join(steps).encode()).hexdigest()[:10]
        notes = {s.node: f"Σ = {short_text(s.value)}" for s in stepper.steps if s.kind == "sum"}
        known = {f.name for f in font_manager.fontManager.ttflist}
        font = next((name for name in JA_FONTS if name in known), None)
        settings = {"svg.fonttype": "none", "svg.hashsalt": "graph-stepper", "figure.dpi": 120,
                    "font.family": ["DejaVu Sans"] + ([font] if font else []) + ["sans-serif"]}
        with matplotlib.rc_context(settings), warnings.catch_warnings():
            # without a Japanese font matplotlib warns that it cannot measure kana; the browser draws them
            warnings.filterwarnings("ignore", message="Glyph .* missing from")
            fig = draw_graph(graph, label=short_text, names=stepper.names.get(language, {}), notes=notes,
                             tag=self.prefix)
            buffer = io.StringIO()
            fig.savefig(buffer, format="svg", metadata={"Date": None})
            plt.close(fig)
        self.svg, self.width = _inline_svg(buffer.getvalue(), self.prefix)
        self.toggles = sorted(set(re.findall(rf'id="{self.prefix}-([a-z]\d+)"', self.svg)),
                              key=lambda t: (t[0], int(t[1:])))

    def shown(self, frame):
        """The id suffixes of the elements a Frame shows."""
        shown = {f"f{self.keys[key]}" for key in frame.forward}
        shown |= {f"b{self.keys[key]}" for key in frame.backward if key != frame.question}
        shown |= {f"q{self.keys[frame.question]}"} if frame.question is not None else set()
        shown |= {f"e{self.keys[m]}" if isinstance(m, tuple) else f"n{self.nodes[id(m)]}" for m in frame.highlight}
        shown |= {f"s{self.nodes[id(node)]}" for node in frame.notes}
        return shown & set(self.toggles)

    def svg_of(self, frame):
        """The SVG text of one Frame: the elements it does not show left out."""
        dropped, out, at = set(self.toggles) - self.shown(frame), [], 0
        for match in re.finditer(rf'<g id="{self.prefix}-([a-z]\d+)"', self.svg):
            if match.start() < at or match.group(1) not in dropped:
                continue  # kept, or inside a group already left out
            depth = 0
            for tag in re.compile(r"<g[ >]|</g>").finditer(self.svg, match.start()):
                depth += -1 if tag.group(0) == "</g>" else 1
                if depth == 0:
                    break
            out.append(self.svg[at:match.start()])
            at = tag.end()
        return "".join(out) + self.svg[at:]


def _inline_svg(svg, prefix):
    """matplotlib's SVG made fit to sit inline in a page: no XML header, metadata, global style,
    clip path or ids but the stepper's, about half the text; sized by CSS to its natural width
    (text 10.5 pt), no narrower than 10 pt text allows. Returns (svg, width in pt)."""
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = re.sub(r'\s*<style type="text/css">.*?</style>', "", svg, flags=re.S)
    # the axes' clip path covers the whole figure: drop it, so that nothing refers to another element
    # (a reference into a hidden drawing, or into a second copy of it on the page, could fail)
    svg = re.sub(r'\s*clip-path="url\(#[^)]*\)"', "", svg)
    svg = re.sub(r"\s*<clipPath.*?</clipPath>", "", svg, flags=re.S)
    svg = re.sub(r"\s*<defs>\s*</defs>", "", svg)
    if re.search(r'url\(#|href="#', svg):
        raise RuntimeError("the drawing refers to an element by id: common.draw changed; update _inline_svg")
    mine = re.compile(rf' id="{prefix}-[a-z]\d+"')
    svg = re.sub(r' id="[^"]+"', lambda m: m.group(0) if mine.fullmatch(m.group(0)) else "", svg)
    # coordinates to 0.01 pt, no indentation, the font named once on the root element
    def rounded(match):
        numbers = re.sub(r"(-?\d+\.\d\d)\d+", r"\1", match.group(2))
        return f'{match.group(1)}="{" ".join(numbers.split())}"'
    svg = re.sub(r'\b(d|x|y|transform|viewBox)="([^"]*)"', rounded, svg)
    svg = re.sub(r"font-family: [^;\"]*;? ?", "", svg)
    svg = re.sub(r' transform="rotate\(-?0 [-\d.]+ [-\d.]+\)"', "", svg)  # matplotlib's rotation by 0
    svg = re.sub(r">\s+<", "><", svg)
    width = float(re.search(r'<svg[^>]* width="([\d.]+)pt"', svg).group(1))
    smallest = math.ceil(width * MIN_TEXT / LABEL_SIZE * 10) / 10  # the narrowest it may get: 10 pt labels
    svg = re.sub(r'(<svg[^>]*?) width="[\d.]+pt" height="[\d.]+pt"',
                 rf'\1 style="display:block;width:100%;max-width:{width:.1f}pt;min-width:{smallest:.1f}pt;'
                 rf'height:auto" stroke-linejoin="round" stroke-linecap="butt" font-family="{FONTS}"', svg, count=1)
    return svg, width


def _data_uri(svg):
    """The SVG as a data: URI for an <img>: its text with single quotes and # and % escaped."""
    svg = svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1) if "xmlns=" not in svg else svg
    if "'" in svg:
        raise RuntimeError("the drawing has a single quote: it cannot be quoted for a data: URI")
    return "data:image/svg+xml;charset=utf-8," + svg.replace('"', "'").replace("%", "%25").replace("#", "%23")


# --- the static player -------------------------------------------------------------------------------

def player_data(stepper, drawings):
    """Everything the static player's script needs, as JSON-ready data."""
    data = {"last": stepper.last, "predict": bool(stepper.asked), "tolerance": [RTOL, ATOL], "rounded": ROUNDED,
            "prefix": {},
            "toggles": {}, "frames": {}, "rules": {}, "ui": {}, "asks": {}}
    for language, d in drawings.items():
        index = {t: i for i, t in enumerate(d.toggles)}
        words = WORDS[language]
        data["prefix"][language], data["toggles"][language] = d.prefix, d.toggles
        data["frames"][language] = [sorted(index[t] for t in d.shown(stepper.frame(k, asking=False)))
                                    for k in range(stepper.last + 1)]
        data["rules"][language] = [stepper.rule(k, language) for k in range(stepper.last + 1)]
        data["ui"][language] = {**UI[language], "phase": [words["phase"][s.phase] for s in stepper.steps],
                                "close": words["mistake"]["close"],
                                **{key: words[key] for key in ("score", "to_go", "right", "right2", "wrong", "shown")}}
        data["asks"][language] = {k: {  # the verdicts are filled in as GraphStepper.verdict fills them
            "frame": sorted(index[t] for t in d.shown(stepper.frame(k - 1, asking=True))),
            "question": stepper.question(k, language), "body": stepper.answer_rule(k, language),
            "hint": stepper.hint(k, language), "value": value_text(stepper.steps[k].value),
            "answer": float(stepper.steps[k].value), "mistakes": stepper.mistakes(k, language)} for k in stepper.asked}
    return data


BUTTON = ("font:14px sans-serif;padding:4px 10px;margin:2px 4px 2px 0;border:1px solid #888;border-radius:4px;"
          "background:#f4f4f4;color:#222;cursor:pointer")


def player_html(stepper, drawings):
    """The static player: a self-contained text/html block (inline SVG, buttons, the rule line, arrow
    keys, a small script; nothing loaded from the network). The same for the same stepper."""
    data, en, ui = player_data(stepper, drawings), drawings["en"], UI["en"]
    # without the script: the finished drawing (in predict mode, the forward pass only) and the steps as text
    until = stepper.asked[0] - 1 if stepper.asked else stepper.last
    done = stepper.frame(until, asking=False)
    image = _data_uri(en.svg_of(Frame(done.forward, done.backward, None, frozenset(), done.notes)))
    steps = "".join(f"<li>{html.escape(stepper.rule(k))}</li>" for k in range(until + 1))
    steps += f"<li>{html.escape(ui['asked'].format(n=len(stepper.asked)))}</li>" if stepper.asked else ""
    served = {}  # id(drawing) -> (drawing, the languages it serves)
    for language, d in drawings.items():
        served.setdefault(id(d), (d, []))[1].append(language)
    # the drawings hold every value of every step: they travel in the script's data (which JupyterLab, like any
    # page without the script, never shows), and the script puts them into the page
    data["svgs"] = [[" ".join(languages), d.svg] for d, languages in served.values()]
    predict = "" if not stepper.asked else (
        '<div class="gs-predict" style="display:none;margin-top:6px;padding:6px;border-left:4px solid #e67e22;'
        'background:#fdf2e9"><div class="gs-question" style="font:14px sans-serif;margin-bottom:4px"></div>'
        '<input class="gs-input" type="text" inputmode="decimal" style="font:14px sans-serif;width:9em;padding:3px" '
        f'aria-label="your value"><button type="button" class="gs-check" style="{BUTTON}"></button>'
        '<div class="gs-verdict" role="status" style="font:14px sans-serif;margin-top:4px"></div></div>'
        '<div class="gs-score" style="font:13px sans-serif;color:#555;margin-top:4px"></div>'
        f'<button type="button" class="gs-again" style="{BUTTON}"></button>')
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return (
        '<div class="graph-stepper" style="border:1px solid #c8c8c8;border-radius:6px;padding:8px;margin:4px 0;'
        'background:#fff;color:#222">'
        f'<div class="gs-static"><img src="{image}" alt="{html.escape(stepper.rule(0))}" '
        f'style="width:{en.width:.1f}pt;max-width:100%;height:auto">'
        f'<p style="font:14px sans-serif;margin:4px 0">{html.escape(ui["static"])}</p>'
        f'<ol start="0" style="font:14px sans-serif;margin:0">{steps}</ol></div>'
        '<div class="gs-player" tabindex="0" style="display:none;outline-offset:2px"><div class="gs-drawings"></div>'
        '<div class="gs-rule" aria-live="polite" style="font:15px/1.4 sans-serif;margin:6px 0;min-height:2.8em">'
        '</div><div class="gs-controls">'
        + "".join(f'<button type="button" class="gs-{name}" style="{BUTTON}"></button>'
                  for name in ("first", "back", "next", "last"))
        + '<span class="gs-counter" style="font:14px sans-serif;margin:0 8px;white-space:nowrap"></span>'
        f'<button type="button" class="gs-lang" style="{BUTTON}"></button>'
        '<span class="gs-keys" style="font:12px sans-serif;color:#666"></span></div>'
        f'{predict}</div>'
        f'<script type="application/json" class="gs-data">{payload}</script>'
        f"<script>{PLAYER_SCRIPT}</script></div>")


PLAYER_SCRIPT = r"""(function () {
  var root = document.currentScript.parentElement;
  var data = JSON.parse(root.querySelector(".gs-data").textContent);
  var $ = function (cls) { return root.querySelector(".gs-" + cls); };
  var player = $("player"), pos = 0, tries = {}, outcome = {}, verdict = "";
  data.svgs.forEach(function (pair) {  // the drawings, kept out of the page until the script runs
    var box = document.createElement("div");
    box.className = "gs-svg";
    box.setAttribute("data-lang", pair[0]);
    box.style.overflowX = "auto";
    box.style.display = "none";
    box.innerHTML = pair[1];
    $("drawings").appendChild(box);
  });
  var lang = ((root.closest("[lang]") || document.documentElement).getAttribute("lang") || "en").slice(0, 2);
  if (!data.rules[lang]) lang = "en";
  function asked() { return Object.keys(data.asks[lang]).map(Number).sort(function (a, b) { return a - b; }); }
  function pending() {
    var left = asked().filter(function (k) { return !outcome[k]; });
    return left.length ? left[0] : null;
  }
  function frontier() { var q = pending(); return q === null ? data.last : q - 1; }
  function show(ids) {  // show the elements of one step, hide the others; scroll its highlight into view
    var box = root.querySelector('.gs-svg[data-lang~="' + lang + '"]'), on = {}, mark = null;
    ids.forEach(function (i) { on[data.toggles[lang][i]] = true; });
    data.toggles[lang].forEach(function (t) {
      var el = box.querySelector('[id="' + data.prefix[lang] + "-" + t + '"]');
      if (el) el.style.display = on[t] ? "" : "none";
      if (on[t] && !mark && (t[0] === "n" || t[0] === "e")) mark = el;
    });
    if (mark && box.scrollWidth > box.clientWidth) {
      var m = mark.getBoundingClientRect(), b = box.getBoundingClientRect();
      box.scrollLeft += m.left + m.width / 2 - b.left - b.width / 2;
    }
  }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) { return key in values ? values[key] : all; });
  }
  function render() {
    var ui = data.ui[lang], q = pending(), asking = q !== null && pos === frontier();
    root.querySelectorAll(".gs-svg").forEach(function (s) {
      s.style.display = s.getAttribute("data-lang").split(" ").indexOf(lang) >= 0 ? "" : "none";
    });
    show(asking ? data.asks[lang][q].frame : data.frames[lang][pos]);
    $("rule").textContent = data.rules[lang][pos];
    $("counter").textContent = fill(ui.step, { k: pos, last: data.last }) + " · " + ui.phase[pos];
    ["first", "back", "next", "last"].forEach(function (b) { $(b).textContent = ui[b]; });
    $("first").disabled = $("back").disabled = pos === 0;
    $("next").disabled = $("last").disabled = pos >= frontier();
    $("lang").textContent = lang === "en" ? "日本語" : "English";
    $("keys").textContent = ui.keys;
    if (!data.predict) return;
    $("predict").style.display = asking ? "" : "none";
    $("question").textContent = asking ? data.asks[lang][q].question : "";
    $("check").textContent = ui.check;
    $("again").textContent = ui.again;
    $("input").placeholder = ui.placeholder;
    $("verdict").textContent = verdict;
    var n = { first: 0, second: 0, shown: 0, total: asked().length };
    Object.keys(outcome).forEach(function (k) { n[outcome[k]] += 1; });
    var left = n.total - n.first - n.second - n.shown;
    $("score").textContent = fill(ui.score, n) + (left ? fill(ui.to_go, { left: left }) : "");
  }
  function go(k) { pos = Math.max(0, Math.min(k, frontier())); verdict = ""; render(); }
  function near(guess, answer) {
    return Math.abs(guess - answer) <= data.tolerance[0] * Math.abs(answer) + data.tolerance[1];
  }
  function check() {  // as GraphStepper.predict: right, wrong with a hint, wrong twice and shown
    var q = pending();
    if (q === null) return;
    var ask = data.asks[lang][q], ui = data.ui[lang], text = $("input").value.trim();
    var typed = text.normalize("NFKC").replace(/\u2212/g, "-");
    if (!text) return;
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(typed)) { verdict = ui.not_number; render(); return; }
    var guess = parseFloat(typed);
    tries[q] = (tries[q] || 0) + 1;
    $("input").value = "";
    if (near(guess, ask.answer) || tries[q] >= 2) {
      outcome[q] = !near(guess, ask.answer) ? "shown" : tries[q] === 1 ? "first" : "second";
      pos = q;
      verdict = outcome[q] === "shown" ? fill(ui.shown, { v: ask.value, rule: ask.body })
        : fill(tries[q] === 1 ? ui.right : ui.right2, { rule: ask.body });
    } else {
      var mistake = ask.mistakes.filter(function (m) { return near(guess, m[0]); })[0];
      var rounded = !mistake && Math.abs(guess - ask.answer) <= data.rounded * Math.abs(ask.answer);
      verdict = fill(ui.wrong, { guess: text, hint: (mistake ? mistake[1] : rounded ? ui.close : "") + ask.hint });
    }
    render();
  }
  $("first").onclick = function () { go(0); };
  $("back").onclick = function () { go(pos - 1); };
  $("next").onclick = function () { go(pos + 1); };
  $("last").onclick = function () { go(data.last); };
  $("lang").onclick = function () { lang = lang === "en" ? "ja" : "en"; render(); };
  if (data.predict) {
    $("check").onclick = check;
    $("input").addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); check(); } });
    $("again").onclick = function () { tries = {}; outcome = {}; go(0); };
  }
  player.addEventListener("keydown", function (e) {
    if (e.target.tagName === "INPUT") return;
    var to = { ArrowRight: pos + 1, ArrowLeft: pos - 1, Home: 0, End: data.last }[e.key];
    if (to !== undefined) { e.preventDefault(); go(to); }
  });
  $("static").style.display = "none";
  player.style.display = "";
  render();
})();"""


# --- the widget --------------------------------------------------------------------------------------

class StepperWidget:
    """The ipywidgets view of a stepper (box: the widget to display): the drawing of the current
    step, the rule line, buttons (start, back, next, end), a step slider (arrow keys step when it has
    the focus), the language, and in predict mode a text box with Check, the verdict and the score.
    Kept in step with the stepper both ways (stepper.listeners)."""

    def __init__(self, stepper, drawings):
        self.stepper, self.drawings, self.language = stepper, drawings, "en"
        self._syncing, self._message = False, ""
        # widgets share their layouts and styles where they can: each one is a model stored in the notebook
        plain, auto, text_style, button_style = w.Layout(), w.Layout(width="auto"), HTMLStyle(), w.ButtonStyle()

        def html_box(cls, layout=plain):
            widget = w.HTML(layout=layout, style=text_style)
            widget.add_class(cls)
            return widget

        def button(cls, action, kind=""):
            widget = w.Button(layout=auto, style=button_style, button_style=kind)
            widget.add_class(cls)
            widget.on_click(lambda _: self._command(action))
            return widget
        self.picture = html_box("gs-picture", w.Layout(overflow="auto", max_width="100%"))
        self.rule, self.verdict = html_box("gs-rule"), html_box("gs-verdict")
        self.buttons = {"first": button("gs-first", lambda: stepper.goto(0)), "back": button("gs-back", stepper.back),
                        "next": button("gs-next", stepper.step),
                        "last": button("gs-last", lambda: stepper.goto(stepper.frontier))}
        self.slider = w.IntSlider(min=0, max=max(stepper.frontier, 1), value=stepper.position,
                                  layout=w.Layout(width="260px"))
        self.slider.add_class("gs-slider")
        self.slider.observe(lambda change: None if self._syncing else self._command(
            lambda: stepper.goto(change["new"])), names="value")
        self.languages = w.ToggleButtons(options=[(LANGUAGE_NAMES[x], x) for x in LANGUAGES], value="en",
                                         style={"button_width": "80px"}, layout=plain)
        self.languages.observe(self._on_language, names="value")
        rows = [self.picture, self.rule, w.HBox([*self.buttons.values(), self.slider, self.languages], layout=plain)]
        if stepper.asked:
            self.question, self.score = html_box("gs-question"), html_box("gs-score")
            self.answer = w.Text(continuous_update=False, layout=w.Layout(width="10em"))  # Enter sends the value
            self.answer.add_class("gs-input")
            self.answer.observe(lambda change: None if self._syncing else self._answer(change["new"]), names="value")
            self.check = button("gs-check", lambda: self._answer(self.answer.value), "warning")
            self.again = button("gs-again", stepper.restart)
            self.predict_box = w.VBox([self.question, w.HBox([self.answer, self.check], layout=plain)],
                                      layout=w.Layout())
            rows += [self.predict_box, self.verdict, w.HBox([self.score, self.again], layout=plain)]
        else:
            rows.append(self.verdict)  # says why a step is refused
        self.box = w.VBox(rows, layout=plain)
        stepper.listeners.append(lambda _: self.refresh())
        self.refresh()

    def _command(self, action):
        try:
            action()
        except ValueError as error:  # a bound, or a question still to answer: said where the verdict goes
            self._message = str(error)
            self.refresh()

    def _on_language(self, change):
        self.language = change["new"]
        self.refresh()

    def _answer(self, text):
        if not text.strip():  # Enter, or leaving the box, sends the value
            return
        try:
            self._message = self.stepper.predict(text, language=self.language)
        except ValueError as error:
            self._message = str(error)
        self._syncing = True
        try:
            self.answer.value = ""
        finally:
            self._syncing = False
        self.refresh()

    def refresh(self):
        """Show the stepper's current step."""
        stepper, language, k = self.stepper, self.language, self.stepper.position
        ui = UI[language]
        self.picture.value = self.drawings[language].svg_of(stepper.frame())
        counter = f"{ui['step'].format(k=k, last=stepper.last)} · {WORDS[language]['phase'][stepper.steps[k].phase]}"
        self.rule.value = (f'<div style="font-size:15px;line-height:1.4"><b>{html.escape(counter)}</b><br>'
                           f"{html.escape(stepper.rule(k, language))}</div>")
        for name, button in self.buttons.items():
            button.description = ui[name]
        self.buttons["first"].disabled = self.buttons["back"].disabled = k == 0
        self.buttons["next"].disabled = self.buttons["last"].disabled = k >= stepper.frontier
        self._syncing = True
        try:
            self.slider.max, self.slider.value = max(stepper.frontier, 1), k
            self.slider.disabled = stepper.frontier == 0
        finally:
            self._syncing = False
        if stepper.asked:
            asking = stepper.asking()
            self.predict_box.layout.display = "" if asking else "none"
            self.question.value = (f'<div style="font-size:14px">{html.escape(stepper.question(k + 1, language))}'
                                   "</div>") if asking else ""
            self.answer.placeholder, self.check.description = ui["placeholder"], ui["check"]
            self.again.description = ui["again"]
            self.score.value = f'<div style="font-size:13px">{html.escape(stepper.score().text(language))}</div>'
        self.verdict.value = f'<div style="font-size:14px">{html.escape(self._message)}</div>'
        self._message = ""
