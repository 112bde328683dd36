"""Views of a common.stepper.GraphStepper: the drawing of each step, a widget for JupyterLab
with a kernel (ipywidgets 8), and a static HTML player for the website (no kernel, no network).

The graph is drawn once per language (common.draw.draw_graph with tag=...) as an inline SVG
in which every value, "?", highlight and note is an element with its own id; a step is that
drawing with the elements it does not show hidden. So the widget sends one SVG a step, and the
player holds one SVG per language and the list of what each step shows: both are cheap.

Displaying a stepper (mimebundle) gives one output with three forms:
- the widget (application/vnd.jupyter.widget-view+json): JupyterLab with a running kernel;
- text/html, the static player (buttons, a slider-free step counter, arrow keys, both
  languages, predict mode checked in the page): the website. Without its script (JupyterLab
  before the notebook has run, which shows stored HTML sanitised) it shows the finished drawing
  and every step's rule line as text instead;
- text/plain: the stepper's text form and how to start it.
Text is 10.5 pt at the drawing's natural size; a graph wider than the column scrolls sideways
(and follows the highlighted node) instead of shrinking its text below 10 pt.
"""
import hashlib
import html
import io
import json
import math
import re
import warnings

import matplotlib
import matplotlib.pyplot as plt
import numpy as np

from common.draw import LABEL_SIZE, draw_graph, edge_keys
from common.stepper import LANGUAGES, WORDS, Frame, short_text, value_text

MIN_TEXT = 10  # points: no text of the drawing is shown smaller
JA_FONTS = ["IPAGothic", "IPAPGothic", "Noto Sans CJK JP"]  # as figures/draw_figures.py
LANGUAGE_NAMES = {"en": "English", "ja": "日本語"}
UI = {  # the controls' words
    "en": {"first": "|◀ start", "back": "◀ back", "next": "next ▶", "last": "end ▶|", "step": "step {k} / {last}",
           "check": "Check", "again": "Try again", "placeholder": "your value", "keys": "← → keys step",
           "static": "Run the notebook to step through this graph one node at a time (on the website it steps "
                     "without a kernel). Its steps:",
           "asked": "then {n} backward values to predict, one at a time, in the running notebook or on the website",
           "not_number": "type a number such as 2.2, -0.25 or 1e-3",
           "shape": "type a list of {n} numbers, such as [0.1, 0.2]",
           "plain": "Run the cell to step through the graph with buttons (← → keys when the slider has the focus)."},
    "ja": {"first": "|◀ 最初", "back": "◀ 戻る", "next": "次へ ▶", "last": "最後 ▶|", "step": "ステップ {k} / {last}",
           "check": "確認", "again": "やり直す", "placeholder": "予想した値", "keys": "← → キーで進む・戻る",
           "static": "ノートブックを実行すると、このグラフを1ノードずつ進めて見られます（ウェブサイトではカーネル"
                     "なしで動きます）。各ステップ:",
           "asked": "続いて逆伝播の値 {n} 個を1つずつ予想します（実行中のノートブックかウェブサイトで）",
           "not_number": "2.2, -0.25, 1e-3 のような数を入力してください",
           "shape": "[0.1, 0.2] のように {n} 個の数のリストを入力してください",
           "plain": "セルを実行すると、ボタンでグラフを1ステップずつ進められます"
                    "（スライダーにフォーカスがあれば ← → キー）。"},
}


# --- drawing ---------------------------------------------------------------------------------------

def japanese_font():
    """The first Japanese font matplotlib knows, or None."""
    from matplotlib import font_manager
    known = {font.name for font in font_manager.fontManager.ttflist}
    return next((name for name in JA_FONTS if name in known), None)


class Drawing:
    """The graph drawn once with the names of one language: svg (inline SVG text), prefix (of its
    ids, from a hash of the drawing), width (points), keys and nodes: {edge key: e}, {id(node): j}
    naming its elements, toggles: the suffix of every id a step shows or hides."""

    PLACEHOLDER = "gsPREFIX"

    def __init__(self, stepper, language):
        graph = stepper.graph
        self.keys = {key: e for e, key in enumerate(edge_keys(graph))}
        self.nodes = {id(node): j for j, node in enumerate(graph.nodes)}
        notes = {s.node: f"Σ = {short_text(s.value)}" for s in stepper.steps if s.kind == "sum"}
        font = japanese_font()
        settings = {"svg.fonttype": "none", "svg.hashsalt": "graph-stepper", "figure.dpi": 120,
                    "font.family": ["DejaVu Sans"] + ([font] if font else []) + ["sans-serif"]}
        with matplotlib.rc_context(settings), warnings.catch_warnings():
            # without a Japanese font matplotlib warns that it cannot measure kana; the browser draws them
            warnings.filterwarnings("ignore", message="Glyph .* missing from")
            with _Renamed(graph, stepper, language):
                fig = draw_graph(graph, label=short_text, notes=notes, tag=self.PLACEHOLDER)
            buffer = io.StringIO()
            fig.savefig(buffer, format="svg", metadata={"Date": None})
            plt.close(fig)
        svg, self.width = _inline_svg(buffer.getvalue(), self.PLACEHOLDER)
        self.prefix = "gs" + hashlib.sha256(svg.encode()).hexdigest()[:10]
        self.svg = svg.replace(self.PLACEHOLDER, self.prefix)
        self.toggles = sorted(set(re.findall(rf'id="{self.prefix}-([a-z]\d+)"', self.svg)),
                              key=lambda t: (t[0], int(t[1:])))

    def shown(self, frame):
        """The id suffixes a Frame shows."""
        shown = {f"f{self.keys[key]}" for key in frame.forward}
        shown |= {f"b{self.keys[key]}" for key in frame.backward if key != frame.question}
        if frame.question is not None:
            shown.add(f"q{self.keys[frame.question]}")
        for mark in frame.highlight:
            shown.add(f"e{self.keys[mark]}" if isinstance(mark, tuple) else f"n{self.nodes[id(mark)]}")
        shown |= {f"s{self.nodes[id(node)]}" for node in frame.notes}
        return shown & set(self.toggles)

    def svg_of(self, frame, drop=False):
        """The SVG text of one Frame: the elements it does not show hidden (drop: left out)."""
        shown = self.shown(frame)
        if drop:
            return _without(self.svg, self.prefix, set(self.toggles) - shown)

        def hide(match):
            return match.group(0) if match.group(1) in shown else f'{match.group(0)} style="display:none"'
        return re.sub(rf'<g id="{self.prefix}-([a-z]\d+)"', hide, self.svg)


def _without(svg, prefix, dropped):
    """svg without the groups <g id="prefix-t"> for t in dropped (and all they hold)."""
    out, at = [], 0
    for match in re.finditer(rf'<g id="{prefix}-([a-z]\d+)"', svg):
        if match.start() < at or match.group(1) not in dropped:
            continue  # kept, or inside a group already left out
        depth = 0
        for tag in re.compile(r"<g[ >]|</g>").finditer(svg, match.start()):
            depth += -1 if tag.group(0) == "</g>" else 1
            if depth == 0:
                break
        out.append(svg[at:match.start()])
        at = tag.end()
    return "".join(out) + svg[at:]


class _Renamed:
    """Within `with`: the graph's nodes and outputs named as the stepper names them in language
    (restored afterwards), so that draw_graph writes the shown names."""

    def __init__(self, graph, stepper, language):
        self.graph, self.stepper, self.language = graph, stepper, language

    def __enter__(self):
        self.old = [(n, n.name) for n in self.graph.nodes], self.graph.outputs
        for node in self.graph.nodes:
            if self.stepper.named(node):
                node.name = self.stepper.name(node, self.language)
        self.graph.outputs = {self.stepper.name(k, self.language): v for k, v in self.graph.outputs.items()}

    def __exit__(self, *exc):
        names, outputs = self.old
        for node, name in names:
            node.name = name
        self.graph.outputs = outputs


def _inline_svg(svg, prefix):
    """matplotlib's SVG made fit to sit inline in a page: no XML header, metadata, global style,
    clip path or ids but the stepper's; sized by
    CSS to its natural width (text 10.5 pt), no narrower than 10 pt text allows. Returns (svg, width in pt)."""
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
    svg = _compact(svg)
    width = float(re.search(r'<svg[^>]* width="([\d.]+)pt"', svg).group(1))
    smallest = math.ceil(width * MIN_TEXT / LABEL_SIZE * 10) / 10  # the narrowest it may get: 10 pt labels
    svg = re.sub(r'(<svg[^>]*?) width="[\d.]+pt" height="[\d.]+pt"',
                 rf'\1 style="display:block;width:100%;max-width:{width:.1f}pt;min-width:{smallest:.1f}pt;'
                 rf'height:auto" stroke-linejoin="round" stroke-linecap="butt" font-family="{FONTS}"', svg, count=1)
    return svg, width


FONTS = "DejaVu Sans, IPAGothic, Noto Sans CJK JP, Hiragino Sans, Yu Gothic, Arial, sans-serif"


def _compact(svg):
    """The same drawing in about half the text: coordinates to 0.01 pt, no indentation, the font
    named once on the root element instead of on every text."""
    def rounded(match):
        numbers = re.sub(r"(-?\d+\.\d\d)\d+", r"\1", match.group(2))
        return f'{match.group(1)}="{" ".join(numbers.split())}"'
    svg = re.sub(r'\b(d|x|y|transform|viewBox)="([^"]*)"', rounded, svg)
    svg = re.sub(r"font-family: [^;\"]*;? ?", "", svg)
    svg = re.sub(r' transform="rotate\(-?0 [-\d.]+ [-\d.]+\)"', "", svg)  # matplotlib's rotation by 0
    return re.sub(r">\s+<", "><", svg)


def drawings(stepper):
    """{language: Drawing} of the stepper, drawn on first use and kept on it; languages that show
    the same names share one drawing."""
    cache = stepper.__dict__.setdefault("_drawings", {})
    for language in LANGUAGES:
        if language not in cache:
            names = _drawn_names(stepper, language)
            same = next((d for other, d in cache.items() if _drawn_names(stepper, other) == names), None)
            cache[language] = same or Drawing(stepper, language)
    return cache


def _drawn_names(stepper, language):
    return [stepper.name(n, language) for n in stepper.graph.nodes if n.op is None] + \
        [stepper.name(name, language) for name in stepper.graph.outputs]


# --- the static player -----------------------------------------------------------------------------

def player_data(stepper):
    """Everything the static player's script needs, as JSON-ready data."""
    draws = drawings(stepper)
    data = {"last": stepper.last, "predict": stepper.predict_mode, "prefix": {}, "toggles": {}, "frames": {},
            "rules": {}, "ui": {}, "asks": {}}
    for language, d in draws.items():
        data["prefix"][language] = d.prefix
        index = {t: i for i, t in enumerate(d.toggles)}
        data["toggles"][language] = d.toggles
        data["frames"][language] = [sorted(index[t] for t in d.shown(stepper.frame_asking(k)))
                                    for k in range(stepper.last + 1)]
        data["rules"][language] = [stepper.rule(k, language) for k in range(stepper.last + 1)]
        words = WORDS[language]
        data["ui"][language] = {**UI[language], "phase": [words["phase"][s.phase] for s in stepper.steps],
                                "score": words["score"], "to_go": words["to_go"]}
        if stepper.predict_mode:  # the verdicts are filled in by the script as GraphStepper.verdict fills them
            data["ui"][language].update({key: words[key] for key in ("right", "right2", "wrong", "shown")},
                                        sign=words["hint"]["sign"])
            data["asks"][language] = {k: {
                "frame": sorted(index[t] for t in d.shown(stepper.frame_asking(k - 1, k))),
                "question": stepper.question(k, language), "body": stepper.verdict_body(k, language),
                "hint": stepper.hint(k, language), "value": value_text(stepper.steps[k].value),
                "answer": [float(x) for x in np.ravel(stepper.steps[k].value)],
                "shape": list(np.shape(stepper.steps[k].value))} for k in sorted(stepper.predictions)}
    data["tolerance"] = [1e-3, 1e-4]
    return data


def player_html(stepper):
    """The static player: a self-contained text/html block (inline SVG, buttons, the rule line,
    arrow keys, a small script; nothing loaded from the network). Deterministic."""
    draws = drawings(stepper)
    data = player_data(stepper)
    en = draws["en"]
    # without the script: the finished drawing (in predict mode, the forward pass only) and the steps as text
    fallback_k = stepper.last if not stepper.predict_mode else min(stepper.predictions, default=stepper.last + 1) - 1
    done = stepper.frame_asking(fallback_k)
    image = _data_uri(en.svg_of(Frame(done.forward, done.backward, None, frozenset(), done.notes), drop=True))
    ui = UI["en"]
    steps = "".join(f"<li>{html.escape(stepper.rule(k, 'en'))}</li>" for k in range(fallback_k + 1))
    if stepper.predict_mode and stepper.predictions:
        steps += f"<li>{html.escape(ui['asked'].format(n=len(stepper.predictions)))}</li>"
    box = "border:1px solid #c8c8c8;border-radius:6px;padding:8px;margin:4px 0;background:#fff;color:#222"
    button = ("font:14px sans-serif;padding:4px 10px;margin:2px 4px 2px 0;border:1px solid #888;border-radius:4px;"
              "background:#f4f4f4;color:#222;cursor:pointer")
    served = {}  # drawing -> the languages it serves
    for language, d in draws.items():
        served.setdefault(id(d), (d, []))[1].append(language)
    svgs = "".join(f'<div class="gs-svg" data-lang="{" ".join(languages)}" style="overflow-x:auto;display:none">'
                   f'{d.svg}</div>' for d, languages in served.values())
    predict = ""
    if stepper.predict_mode:
        predict = (
            '<div class="gs-predict" style="display:none;margin-top:6px;padding:6px;border-left:4px solid #e67e22;'
            'background:#fdf2e9">'
            '<div class="gs-question" style="font:14px sans-serif;margin-bottom:4px"></div>'
            '<input class="gs-input" type="text" inputmode="decimal" style="font:14px sans-serif;width:9em;'
            'padding:3px" aria-label="your value">'
            f'<button type="button" class="gs-check" style="{button}"></button>'
            '<div class="gs-verdict" role="status" style="font:14px sans-serif;margin-top:4px"></div></div>'
            f'<div class="gs-score" style="font:13px sans-serif;color:#555;margin-top:4px"></div>'
            f'<button type="button" class="gs-again" style="{button}"></button>')
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return (
        f'<div class="graph-stepper" style="{box}">'
        f'<div class="gs-static"><img src="{image}" alt="{html.escape(stepper.rule(0, "en"))}" '
        f'style="width:{en.width:.1f}pt;max-width:100%;height:auto">'
        f'<p style="font:14px sans-serif;margin:4px 0">{html.escape(ui["static"])}</p>'
        f'<ol start="0" style="font:14px sans-serif;margin:0">{steps}</ol></div>'
        f'<div class="gs-player" tabindex="0" style="display:none;outline-offset:2px">{svgs}'
        '<div class="gs-rule" aria-live="polite" style="font:15px/1.4 sans-serif;margin:6px 0;min-height:2.8em">'
        '</div><div class="gs-controls">'
        + "".join(f'<button type="button" class="gs-{name}" style="{button}"></button>'
                  for name in ("first", "back", "next", "last"))
        + '<span class="gs-counter" style="font:14px sans-serif;margin:0 8px;white-space:nowrap"></span>'
        f'<button type="button" class="gs-lang" style="{button}"></button>'
        '<span class="gs-keys" style="font:12px sans-serif;color:#666"></span></div>'
        f'{predict}</div>'
        f'<script type="application/json" class="gs-data">{payload}</script>'
        f'<script>{PLAYER_SCRIPT}</script></div>')


def _data_uri(svg):
    """The SVG as a data: URI for an <img>: its text with single quotes and # and % escaped."""
    svg = svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1) if "xmlns=" not in svg else svg
    if "'" in svg:
        raise RuntimeError("the drawing has a single quote: it cannot be quoted for a data: URI")
    return "data:image/svg+xml;charset=utf-8," + svg.replace('"', "'").replace("%", "%25").replace("#", "%23")


PLAYER_SCRIPT = r"""(function () {
  var root = document.currentScript.parentElement;
  var data = JSON.parse(root.querySelector(".gs-data").textContent);
  var $ = function (cls) { return root.querySelector(".gs-" + cls); };
  var player = $("player"), pos = 0, tries = {}, outcome = {}, verdict = "";
  var lang = ((root.closest("[lang]") || document.documentElement).getAttribute("lang") || "en").slice(0, 2);
  if (!data.rules[lang]) lang = "en";
  function asked() {
    return data.predict ? Object.keys(data.asks[lang]).map(Number).sort(function (a, b) { return a - b; }) : [];
  }
  function pending() {
    var left = asked().filter(function (k) { return !outcome[k]; });
    return left.length ? left[0] : null;
  }
  function frontier() { var q = pending(); return q === null ? data.last : q - 1; }
  function element(svg, t) { return svg.querySelector('[id="' + data.prefix[lang] + "-" + t + '"]'); }
  function show(ids) {  // show the elements of one step, hide the others; scroll its highlight into view
    var box = root.querySelector('.gs-svg[data-lang~="' + lang + '"]'), on = {}, mark = null;
    ids.forEach(function (i) { on[data.toggles[lang][i]] = true; });
    data.toggles[lang].forEach(function (t) {
      var el = element(box, t);
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
    var ui = data.ui[lang], q = pending(), asking = data.predict && q !== null && pos === frontier();
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
  function parse(text, shape) {  // the numbers typed, or null
    text = text.normalize("NFKC").replace(/\u2212/g, "-").trim();
    var size = shape.reduce(function (a, b) { return a * b; }, 1);
    if (size === 1) return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? [parseFloat(text)] : null;
    try { var flat = [JSON.parse(text)].flat(Infinity); } catch (e) { return null; }
    var numbers = flat.every(function (x) { return typeof x === "number" && isFinite(x); });
    return flat.length === size && numbers ? flat : null;
  }
  function near(guess, answer, sign) {
    return guess.every(function (x, i) {
      return Math.abs(sign * x - answer[i]) <= data.tolerance[0] * Math.abs(answer[i]) + data.tolerance[1];
    });
  }
  function check() {  // as GraphStepper.predict: right, wrong with a hint, wrong twice and shown
    var q = pending();
    if (q === null) return;
    var ask = data.asks[lang][q], text = $("input").value.trim(), guess = parse(text, ask.shape), ui = data.ui[lang];
    if (!text) return;
    if (!guess) {
      verdict = ask.shape.length ? fill(ui.shape, { n: ask.answer.length }) : ui.not_number;
      render();
      return;
    }
    tries[q] = (tries[q] || 0) + 1;
    $("input").value = "";
    if (near(guess, ask.answer, 1)) {
      outcome[q] = tries[q] === 1 ? "first" : "second";
      pos = q;
      verdict = fill(tries[q] === 1 ? ui.right : ui.right2, { rule: ask.body });
    } else if (tries[q] >= 2) {
      outcome[q] = "shown";
      pos = q;
      verdict = fill(ui.shown, { v: ask.value, rule: ask.body });
    } else {
      var signed = ask.answer.some(function (x) { return x !== 0; }) && near(guess, ask.answer, -1);
      verdict = fill(ui.wrong, { guess: text, hint: (signed ? ui.sign : "") + ask.hint });
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
    """The ipywidgets view of a stepper: the drawing of the current step, the rule line, buttons
    (start, back, next, end), a step slider (arrow keys step when it has the focus), the
    language, and in predict mode a text box with Check, the verdict and the score. Kept in step
    with the stepper both ways (stepper.listeners)."""

    def __init__(self, stepper):
        import ipywidgets as w
        self.stepper, self.language, self._syncing, self._verdict_text = stepper, stepper.language, False, ""
        self.drawings = drawings(stepper)
        # widgets share their layouts and styles where they can: each one is a model stored in the notebook
        from ipywidgets.widgets.widget_string import HTMLStyle
        plain, auto, html_style, button_style = w.Layout(), w.Layout(width="auto"), HTMLStyle(), w.ButtonStyle()

        def html(cls, layout=plain):
            widget = w.HTML(layout=layout, style=html_style)
            widget.add_class(cls)
            return widget

        def button(cls, action, kind=""):
            widget = w.Button(layout=auto, style=button_style, button_style=kind)
            widget.add_class(cls)
            widget.on_click(lambda _: action())
            return widget
        self.picture = html("gs-picture", w.Layout(overflow="auto", max_width="100%"))
        self.rule, self.verdict = html("gs-rule"), html("gs-verdict")
        self.buttons = {
            "first": button("gs-first", lambda: self._command(lambda: stepper.goto(0))),
            "back": button("gs-back", lambda: self._command(stepper.back)),
            "next": button("gs-next", lambda: self._command(stepper.step)),
            "last": button("gs-last", lambda: self._command(lambda: stepper.goto(stepper.frontier))),
        }
        self.slider = w.IntSlider(min=0, max=max(stepper.frontier, 1), value=stepper.position, readout=True,
                                  continuous_update=True, layout=w.Layout(width="260px"))
        self.slider.add_class("gs-slider")
        self.slider.observe(self._on_slider, names="value")
        self.languages = w.ToggleButtons(options=[(LANGUAGE_NAMES[x], x) for x in LANGUAGES], value=self.language,
                                         style={"button_width": "80px"}, layout=plain)
        self.languages.observe(self._on_language, names="value")
        rows = [self.picture, self.rule, w.HBox([*self.buttons.values(), self.slider, self.languages], layout=plain)]
        if stepper.predict_mode:
            self.question, self.score = html("gs-question"), html("gs-score")
            self.answer = w.Text(continuous_update=False, layout=w.Layout(width="10em"))  # Enter sends the value
            self.answer.add_class("gs-input")
            self.answer.observe(self._on_answer, names="value")
            self.check = button("gs-check", lambda: self._answer(self.answer.value), "warning")
            self.again = button("gs-again", lambda: self._command(stepper.restart))
            self.predict_box = w.VBox([self.question, w.HBox([self.answer, self.check], layout=plain)],
                                      layout=w.Layout())
            rows += [self.predict_box, self.verdict, w.HBox([self.score, self.again], layout=plain)]
        else:
            rows.append(self.verdict)  # says why a step is refused
        self.widget = w.VBox(rows, layout=plain)
        stepper.listeners.append(self._on_stepper)
        self.refresh()

    def _command(self, action):
        try:
            action()
        except ValueError as error:  # a bound or an unanswered question: say so where the rule is
            self._verdict_text = str(error)
            self.refresh()

    def _on_slider(self, change):
        if not self._syncing:
            self._command(lambda: self.stepper.goto(change["new"]))

    def _on_language(self, change):
        self.language = change["new"]
        self.refresh()

    def _on_answer(self, change):
        if not self._syncing and change["new"].strip():  # Enter, or leaving the box, sends the value
            self._answer(change["new"])

    def _answer(self, text):
        if not text.strip():
            return
        try:
            self._verdict_text = self.stepper.predict(text, language=self.language)
        except ValueError as error:
            self._verdict_text = str(error)
        self._syncing = True
        try:
            self.answer.value = ""
        finally:
            self._syncing = False
        self.refresh()

    def _on_stepper(self, stepper):
        self.refresh()

    def refresh(self):
        """Show the stepper's current step."""
        stepper, language = self.stepper, self.language
        ui, k = UI[language], stepper.position
        self.picture.value = self.drawings[language].svg_of(stepper.frame(), drop=True)
        phase = WORDS[language]["phase"][stepper.steps[k].phase]
        counter = ui["step"].format(k=k, last=stepper.last)
        self.rule.value = (f'<div style="font-size:15px;line-height:1.4"><b>{html.escape(counter)} · '
                           f'{html.escape(phase)}</b><br>{html.escape(stepper.rule(k, language))}</div>')
        for name, button in self.buttons.items():
            button.description = ui[name]
        self.buttons["first"].disabled = self.buttons["back"].disabled = k == 0
        self.buttons["next"].disabled = self.buttons["last"].disabled = k >= stepper.frontier
        self._syncing = True
        try:
            self.slider.max = max(stepper.frontier, 1)
            self.slider.value = k
            self.slider.disabled = stepper.frontier == 0
        finally:
            self._syncing = False
        if stepper.predict_mode:
            asked = stepper.pending()
            asking = asked is not None and k == stepper.frontier
            self.predict_box.layout.display = "" if asking else "none"
            self.question.value = (f'<div style="font-size:14px">{html.escape(stepper.question(asked, language))}'
                                   "</div>") if asking else ""
            self.answer.placeholder = ui["placeholder"]
            self.check.description = ui["check"]
            self.again.description = ui["again"]
            self.score.value = f'<div style="font-size:13px">{html.escape(stepper.score().text(language))}</div>'
        self.verdict.value = f'<div style="font-size:14px">{html.escape(self._verdict_text)}</div>'
        self._verdict_text = ""


# --- one output for every front end --------------------------------------------------------------------

def text_summary(stepper):
    """The text/plain form: the stepper's text form and how to start it."""
    return f"{stepper!r}\n{UI[stepper.language]['plain']}"


def mimebundle(stepper):
    """The stepper's display: the widget (with a kernel), the static player (text/html) and text."""
    bundle = {}
    if _in_kernel():
        bundle.update(stepper.view().widget._repr_mimebundle_())
    bundle["text/plain"] = text_summary(stepper)
    bundle["text/html"] = player_html(stepper)
    return bundle


def _in_kernel():
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None

