"""Widgets for the training lab (ipywidgets 8): sliders and menus for the
settings, Train / Stop / Reset, a progress bar, live loss and accuracy curves
of every run since Reset with a table of the runs' settings and outcomes, and
after a run its first-layer weights, confusion matrix and misclassified test
images. Show a lab with

    from common.lab_view import LabView
    LabView(lab)

The view imports common.lab, never the other way round: a lab trains without it.

Figures are drawn with matplotlib's Agg canvas into PNG Image widgets, which
the training thread may update while the kernel keeps serving the frontend.
They are drawn at twice their display size (sharp on high-resolution screens)
and shown at a fixed width, so 10 pt text is 10 pt on the screen.
"""
import html
import io
import time

import ipywidgets as w
import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from common.lab import ACTIVATIONS, OPTIMIZER_NAMES, WEIGHT_INITS, ListenerError, TrainingLab

MIN_REDRAW_SECONDS = 0.2  # at most about 5 curve redraws a second while training, and at
DRAWING_SHARE = 0.4       # most this share of a run's time (drawing runs in the training thread)
CSS_DPI = 96              # CSS pixels per inch: a figure of W inches is shown W * 96 px wide
SCALE = 2                 # pixels drawn per CSS pixel (retina)
FIGURE_WIDTH = 9.5        # inches: 912 CSS px, inside JupyterLab's notebook at 100 % on a laptop
STYLE = {"font.size": 10, "axes.titlesize": 11, "axes.labelsize": 10, "xtick.labelsize": 10,
         "ytick.labelsize": 10, "legend.fontsize": 10}


def one_two_three_five(low_exponent, high_exponent):
    """1, 2, 3, 5 times each power of ten from 10**low to 10**high, then 10**(high + 1)."""
    return [float(f"{m}e{e}") for e in range(low_exponent, high_exponent + 1) for m in (1, 2, 3, 5)] + \
        [float(f"1e{high_exponent + 1}")]


# Sliders over exact values: a slider with a numeric step would snap a value set from
# Python (0.5 -> 10**-0.3) and send the snapped value back, changing the lab's setting.
LEARNING_RATES = one_two_three_five(-4, 0)                          # 0.0001 ... 3, 5, 10
HIDDEN_SIZES = [int(n) for n in one_two_three_five(0, 2)]           # 1, 2, 3, 5, 10, ... 500, 1000
BATCH_SIZES = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]
EPOCHS = [0.1, 0.2, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0]
SUBSETS = [100, 200, 500, 1000, 2000, 5000, 10000, 20000, 30000]


def nearest(options, value):
    """The option closest to value on a log scale (what a slider shows for an off-grid value)."""
    return min(options, key=lambda option: abs(np.log(option) - np.log(value)))


def png(fig):
    buffer = io.BytesIO()
    FigureCanvasAgg(fig).print_png(buffer)
    return buffer.getvalue()


def figure(height):
    """A figure FIGURE_WIDTH inches wide, drawn at SCALE times the display resolution."""
    return Figure(figsize=(FIGURE_WIDTH, height), dpi=CSS_DPI * SCALE)


def run_color(k):
    return to_hex(f"C{k % 10}")


LOSS_LIMITS = (1e-2, 1e2)  # log scale: a diverging loss (10 times the first) stays on the plot


def spread(values, gap, low, high):
    """Label heights near values (same order), at least gap apart and within [low, high] where
    there is room: the run numbers at the ends of curves that end close together stay readable."""
    values = np.asarray(values, dtype=float)
    order = np.argsort(values, kind="stable")
    placed = np.clip(values[order], low, high)
    for i in range(1, len(placed)):  # push up ...
        placed[i] = max(placed[i], placed[i - 1] + gap)
    excess = placed[-1] - high if len(placed) else 0.0
    if excess > 0:  # ... then back down where the top ran over
        placed[-1] -= excess
        for i in range(len(placed) - 2, -1, -1):
            placed[i] = min(placed[i], placed[i + 1] - gap)
    result = np.empty_like(placed)
    result[order] = placed
    return result


def label_ends(ax, ends, gap, low, high, log=False):
    """Write each run's number (ends: (x, y, number, colour)) just right of its curve's end."""
    if not ends:
        return
    ys = [np.log10(y) if log else y for _, y, _, _ in ends]
    heights = spread(ys, gap, np.log10(low) if log else low, np.log10(high) if log else high)
    for (x, _, number, color), h in zip(ends, heights):
        ax.annotate(str(number), (x, 10 ** h if log else h), xytext=(4, 0), textcoords="offset points",
                    color=color, fontsize=10, fontweight="bold", va="center", annotation_clip=False)


def draw_curves(runs):
    """Loss per iteration (log scale) and accuracy of every run, the newest in full colour and
    labelled with its number. A diverged run ends in a red cross at the loss it diverged with
    (a triangle at the top edge when that loss is beyond the axis). Fixed size: no legend, the
    settings of each run are in the view's table."""
    with matplotlib.rc_context(STYLE):
        fig = figure(3.4)
        ax_loss, ax_acc = fig.subplots(1, 2)
        low = LOSS_LIMITS[0]
        for run in runs:
            positive = [x for x in run.losses if x > 0]
            if positive:
                low = min(low, max(1e-4, 10 ** np.floor(np.log10(min(positive)))))
        diverged, loss_ends, accuracy_ends = 0, [], []
        for k, run in enumerate(runs):
            color, alpha = run_color(k), 1.0 if k == len(runs) - 1 else 0.45
            its, losses = list(range(len(run.losses))), list(run.losses)
            if run.diverged_at is not None:
                shown = run.diverged_loss if np.isfinite(run.diverged_loss) else np.inf
                its.append(run.diverged_at)
                losses.append(min(shown, LOSS_LIMITS[1]))
                clipped = shown > LOSS_LIMITS[1]
                ax_loss.plot([run.diverged_at], [losses[-1]], "^" if clipped else "X", color="#c0392b",
                             ms=11, mec="white", mew=0.8, zorder=5, clip_on=False)
                ax_loss.annotate(f"{run.number}: diverged", (run.diverged_at, losses[-1]), color=color,
                                 xytext=(10, -13 * diverged - (10 if clipped else 0)), textcoords="offset points",
                                 fontsize=10, fontweight="bold", va="center")
                diverged += 1
            if losses:
                ax_loss.plot(its, losses, color=color, alpha=alpha, lw=0.9)
            if losses and run.diverged_at is None:
                loss_ends.append((its[-1], max(min(losses[-1], LOSS_LIMITS[1]), low), run.number, color))
            if len(run.evals) > 1:
                its, train, test = zip(*run.evals)
                ax_acc.plot(its, test, "-", color=color, alpha=alpha, lw=1.5)
                ax_acc.plot(its, train, ":", color=color, alpha=alpha, lw=1.5)
                accuracy_ends.append((its[-1], test[-1], run.number, color))
        ax_loss.set(xlabel="iteration", ylabel="loss (log scale)", yscale="log", ylim=(low, LOSS_LIMITS[1]),
                    title="loss per iteration")
        decades = np.log10(LOSS_LIMITS[1]) - np.log10(low)
        label_ends(ax_loss, loss_ends, 0.075 * decades, low, LOSS_LIMITS[1], log=True)  # about 10 pt apart
        label_ends(ax_acc, accuracy_ends, 0.075, 0.0, 1.0)
        ax_acc.set(xlabel="iteration", ylabel="accuracy", ylim=(0, 1), title="accuracy: test solid, train dotted")
        right = max((r.settings.iterations for r in runs), default=100)  # the longest run as planned:
        for ax in (ax_loss, ax_acc):                                       # no rescaling during a run
            ax.grid(alpha=0.3)
            ax.set_xlim(0, right * 1.02)
        fig.subplots_adjust(left=0.075, right=0.975, bottom=0.15, top=0.9, wspace=0.25)  # fixed: fast, no jumps
        return png(fig)


def draw_results(run, x_test, t_test):
    """First-layer weights, the confusion matrix and misclassified test images of a finished run."""
    with matplotlib.rc_context(STYLE):
        fig = figure(7.6)
        outer = fig.add_gridspec(2, 1, height_ratios=(1.9, 5.2), hspace=0.28)
        W1 = run.network.params["W1"]
        tiles = min(20, W1.shape[1])
        weights = outer[0].subgridspec(2, 10, wspace=0.08, hspace=0.08)
        limit = float(np.abs(W1[:, :tiles]).max()) or 1.0
        for k in range(20):
            ax = fig.add_subplot(weights[k // 10, k % 10])
            ax.axis("off")
            if k < tiles:
                ax.imshow(W1[:, k].reshape(28, 28), cmap="coolwarm", vmin=-limit, vmax=limit, aspect="equal")
        fig.text(0.5, 0.985, f"run {run.number}: weights into the first {tiles} hidden units "
                 "(red positive, blue negative)", ha="center", va="top", fontsize=11)

        lower = outer[1].subgridspec(1, 2, width_ratios=(1, 1.05), wspace=0.12)
        confusion = np.zeros((10, 10), dtype=int)
        np.add.at(confusion, (t_test, run.predictions), 1)
        shade = np.log1p(confusion)
        ax = fig.add_subplot(lower[0])
        ax.imshow(shade, cmap="Blues", vmin=0, vmax=max(shade.max(), 1e-9), aspect="equal")
        for (i, j), count in np.ndenumerate(confusion):
            if count:  # light text on dark cells, dark text on light ones
                dark = shade[i, j] > 0.55 * shade.max()
                ax.text(j, i, str(count), ha="center", va="center", fontsize=9 if count < 1000 else 8,
                        color="white" if dark else "#1a1a1a")
        ax.set(xlabel="predicted", ylabel="true", xticks=range(10), yticks=range(10),
               title=f"confusion matrix ({len(t_test):,} test images)")
        ax.tick_params(length=0)

        wrong = np.flatnonzero(run.predictions != t_test)[:15]
        images = lower[1].subgridspec(3, 5, wspace=0.15, hspace=0.45)
        for k in range(15):
            ax = fig.add_subplot(images[k // 5, k % 5])
            ax.axis("off")
            if k < len(wrong):
                index = wrong[k]
                ax.imshow(x_test[index].reshape(28, 28), cmap="gray_r", aspect="equal")
                ax.set_title(f"{run.predictions[index]} (true {t_test[index]})", fontsize=10, pad=3)
        ax = fig.add_subplot(lower[1], frameon=False)
        ax.set(xticks=[], yticks=[])
        ax.set_title(f"misclassified: predicted (true), {int(np.sum(run.predictions != t_test)):,} in all",
                     pad=22)
        fig.subplots_adjust(left=0.06, right=0.99, top=0.95, bottom=0.07)
        return png(fig)


def runs_table(runs):
    """The runs since Reset, newest first: colour, settings and outcome, as HTML."""
    if not runs:
        return ""
    rows = []
    for k in reversed(range(len(runs))):
        run = runs[k]
        if run.status == "running":
            outcome = f"running: {len(run.losses)} of {run.settings.iterations} iterations"
        elif run.status == "finished":
            outcome = f"finished: test accuracy {run.test_accuracy:.3f}"
        elif run.status == "diverged":
            outcome = f"<span style='color:#c0392b'>diverged at iteration {run.diverged_at}</span>"
        else:
            outcome = html.escape(run.message)
        rows.append(f"<tr><td style='color:{run_color(k)};font-weight:bold;padding-right:6px;white-space:nowrap'>"
                    f"&#9632; {run.number}</td><td style='padding-right:12px'>{html.escape(run.settings.label())}"
                    f"</td><td>{outcome}</td></tr>")
    return ("<div style='max-height:8em;overflow-y:auto;font-size:13px;line-height:1.45'>"
            "<table style='border-collapse:collapse'>" + "".join(rows) + "</table></div>")


# What the stored widget state says until a kernel runs the view: true on the website and in
# any front end that shows the stored state, where Train cannot work.
INACTIVE = ("<b>Inactive</b>: the lab needs a live Python kernel to train. Open this notebook in JupyterLab "
            "and run all cells (Run &gt; Run All Cells).")

# What JupyterLab 4 with ipywidgets 8 shows in the lab's place before its kernel has run the
# cell: it does not restore widgets from a notebook's stored state (jupyterlab/jupyterlab#15361).
PLACEHOLDER = "The training lab appears here when the notebook runs: Run > Run All Cells."


def next_run(lab):
    """What pressing Train does now, for a live view."""
    number = lab.runs[-1].number + 1 if lab.runs else 1
    return f"Press <b>Train</b> for run {number} with {html.escape(lab.settings.label())}."


def progress_line(run):
    """The status line during a run (its settings are in the table)."""
    text = f"Run {run.number} running: iteration {len(run.losses)} of {run.settings.iterations}"
    if run.losses:
        text += f", loss {run.losses[-1]:.3f}"
    if run.evals:
        text += f", train accuracy {run.evals[-1][1]:.3f}, test accuracy {run.evals[-1][2]:.3f}"
    return text


def outcome(run):
    """The status line for a run that has ended."""
    if run.status == "diverged":
        return f"<b style='color:#c0392b'>Run {run.number} {html.escape(run.message)}.</b>"
    if run.status == "finished":
        return (f"<b>Run {run.number} finished</b> in {run.seconds:.1f} s: test accuracy "
                f"{run.test_accuracy:.3f} on all {len(run.predictions):,} test images.")
    return html.escape(run.summary())


# Sizes in CSS pixels, set through ipywidgets' Layout and style (the same in every front end).
# Labels are HTML widgets rather than the controls' descriptions: the website's widget renderer
# (@jupyter-widgets/html-manager) typesets every description with MathJax 2's MathJax.Hub.Queue,
# which the site's MathJax 3 does not have ("Cannot read properties of undefined (reading 'Queue')").
# Measured in headless Chromium with Debian's fonts (DejaVu Sans, wider than macOS's or Windows'
# system fonts) at the widgets' 13 px: "training images" 102 px, "0.0001" 46 px, "Sigmoid" 53 px.
LABEL_WIDTH = 112         # the labels' column
SLIDER_COLUMN = 360       # label + track + readout (at least 72 px in ipywidgets' own style)
CHOICE_WIDTH = 200        # the menu; toggle buttons as wide as their text (never clipped)
BUTTON_WIDTH = 88


def label(text):
    """A control's label: right-aligned, never truncated."""
    return w.HTML(value=f"<div style='text-align:right;white-space:nowrap'>{html.escape(text)}</div>",
                  layout=w.Layout(width=f"{LABEL_WIDTH}px", min_width=f"{LABEL_WIDTH}px", margin="0 8px 0 0"))


def row(text, control):
    return w.HBox([label(text), control], layout=w.Layout(align_items="center", width="100%"))


class LabView:
    """The widgets of a TrainingLab, kept in step with lab.settings both ways.

    Display it as the last line of a cell (or with IPython.display.display). It is one of the
    lab's listeners until close(). live: a front end has shown it with a kernel behind it
    (it reports the views it draws); until then the status says how to start the lab, since
    Train cannot work in the stored copy a page shows.
    """

    def __init__(self, lab):
        if not isinstance(lab, TrainingLab):
            raise TypeError(f"LabView needs a TrainingLab, got {type(lab).__name__}: "
                            "LabView(TrainingLab(x_train, t_train, x_test, t_test))")
        self.lab = lab
        s = lab.settings
        slider = {"continuous_update": False, "readout": True,
                  "layout": w.Layout(flex="1 1 auto", width="auto", min_width="150px")}

        def choices(values):  # labelled exactly: 0.3, not 0.30000000000000004
            return [(f"{v:g}", v) for v in values]
        self._syncing = False
        subsets = [n for n in SUBSETS if n < len(lab.x_train)] + [len(lab.x_train)]
        toggles = {"style": {"button_width": "auto"}, "layout": w.Layout(width="auto", flex="0 0 auto")}
        self.controls = {
            "lr": w.SelectionSlider(options=choices(LEARNING_RATES), **slider),
            "hidden_size": w.SelectionSlider(options=choices(HIDDEN_SIZES), **slider),
            "batch_size": w.SelectionSlider(options=choices(BATCH_SIZES), **slider),
            "epochs": w.SelectionSlider(options=choices(EPOCHS), **slider),
            "subset": w.SelectionSlider(options=choices(subsets), **slider),
            "optimizer": w.Dropdown(options=OPTIMIZER_NAMES, value=s.optimizer,
                                    layout=w.Layout(width=f"{CHOICE_WIDTH}px", max_width="100%")),
            "activation": w.ToggleButtons(options=tuple(ACTIVATIONS), value=s.activation, **toggles),
            "weight_init": w.ToggleButtons(options=tuple(WEIGHT_INITS), value=s.weight_init, **toggles),
        }
        labels = {"lr": "learning rate", "hidden_size": "hidden size", "batch_size": "batch size",
                  "epochs": "epochs", "subset": "training images", "optimizer": "optimizer",
                  "activation": "activation", "weight_init": "weight init"}
        self._sync_controls()
        button = w.Layout(width=f"{BUTTON_WIDTH}px")
        self.buttons = {name: w.Button(description=name, button_style=bs, layout=button)
                        for name, bs in (("Train", "success"), ("Stop", "danger"), ("Reset", ""))}
        # Handled in the kernel's own thread, in the order clicked: Stop only asks the run to
        # end, Train waits the fraction of a second an ending run needs, Reset waits for it too.
        self.buttons["Train"].on_click(lambda _: self._command(lab.train))
        self.buttons["Stop"].on_click(lambda _: self._command(lambda: lab.stop(wait=False)))
        self.buttons["Reset"].on_click(lambda _: self._command(lab.reset))
        self.progress = w.IntProgress(value=0, min=0, max=1, layout=w.Layout(flex="1 1 120px", max_width="300px",
                                                                             margin="0 0 0 8px"))
        self.status = w.HTML(layout=w.Layout(min_height="2.8em"))
        width = f"{FIGURE_WIDTH * CSS_DPI:.0f}px"
        image = {"width": width, "max_width": "100%", "height": "auto"}
        self.curves = w.Image(value=draw_curves(lab.runs), format="png", layout=w.Layout(**image))
        self.table = w.HTML(value=runs_table(lab.runs), layout=w.Layout(max_width="100%", overflow="auto"))
        self.results = w.Image(format="png", layout=w.Layout(display="none", **image))
        self.results_run = None  # the run whose results are shown
        self.redraws = 0          # curve images drawn since the view was made
        self.redraw_times = []    # time.perf_counter() of each, for the benchmark
        self._last_redraw = 0.0
        self._last_draw_seconds = 0.0
        self.live = False
        self._event, self._hint = "", True  # the status: what happened, and whether to say what Train does
        self._show_status("")
        for control in self.controls.values():
            control.observe(self._on_control, names="value")
        left = w.VBox([row(labels[n], self.controls[n]) for n in ("lr", "hidden_size", "batch_size", "epochs",
                                                                  "subset")],
                      layout=w.Layout(width=f"{SLIDER_COLUMN}px", max_width="100%", margin="0 16px 0 0"))
        right = w.VBox([row(labels[n], self.controls[n]) for n in ("optimizer", "activation", "weight_init")],
                       layout=w.Layout(width=f"{LABEL_WIDTH + 8 + CHOICE_WIDTH + 8}px", max_width="100%"))
        self.widget = w.VBox([
            w.HBox([left, right], layout=w.Layout(flex_flow="row wrap")),
            w.HBox(list(self.buttons.values()) + [self.progress],
                   layout=w.Layout(flex_flow="row wrap", align_items="center", margin="6px 0 2px 0")),
            self.status, self.curves, self.table, self.results,
        ], _view_count=0)  # 0: the front end counts the views it draws (None would not)
        self.widget.observe(self._on_view_count, names="_view_count")
        lab.listeners.append(self._on_lab)

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = PLACEHOLDER  # not "VBox(children=(HBox(..."
        return bundle

    def close(self):
        """Stop listening to the lab and close this view's widgets (the lab and its runs stay)."""
        if self._on_lab in self.lab.listeners:
            self.lab.listeners.remove(self._on_lab)
        todo = [self.widget]
        while todo:
            widget = todo.pop()
            todo.extend(getattr(widget, "children", ()))
            widget.close()

    def _on_view_count(self, change):
        if change["new"] and not self.live:  # a front end has drawn the view: it is live
            self.live = True
            self._show_status(self._event, self._hint)

    def _show_status(self, event, hint=True):
        """Show event (HTML) and, with hint, what Train does now: only a live view can train."""
        self._event, self._hint = event, hint
        parts = [event] if event else []
        if hint:
            parts.append(next_run(self.lab) if self.live else INACTIVE)
        self.status.value = "<br>".join(parts)

    def _command(self, action):
        self.live = True  # a click came from a front end with a kernel behind it
        try:
            action()
        except (TypeError, ValueError, ListenerError) as error:
            self._show_status(f"<b>{html.escape(str(error))}</b>")

    def _on_control(self, change):
        if self._syncing:
            return
        name = next(n for n, c in self.controls.items() if c is change["owner"])
        try:
            self.lab.set(**{name: change["new"]})
        except (TypeError, ValueError, ListenerError) as error:
            self._show_status(f"<b>{html.escape(str(error))}</b>")

    def _sync_controls(self):
        """Show lab.settings on the controls (the nearest option where a value is off the grid)."""
        self._syncing = True
        try:
            for name, control in self.controls.items():
                value = getattr(self.lab.settings, name)
                if isinstance(control, w.SelectionSlider):
                    value = nearest([v for _, v in control.options], value)
                if control.value != value:
                    control.value = value
        finally:
            self._syncing = False

    def _hide_results(self):
        self.results.layout.display = "none"
        self.results.value = b""  # nothing stale kept (or stored in the notebook)
        self.results_run = None

    def _on_lab(self, lab, run):
        if run is None:  # settings changed, a notice, or a reset
            self._sync_controls()
            if not lab.runs:
                self.curves.value = draw_curves([])
                self.table.value = ""
                self._hide_results()
                self.progress.value = 0
            going = [r for r in lab.runs if r.status == "running"]
            if lab.notice:
                self._show_status((progress_line(going[-1]) + "<br>" if going else "") + html.escape(lab.notice),
                                  hint=False)
            elif not going:
                self._show_status("")  # what Train does next (the runs' outcomes stay in the table)
            return
        ended = run.status != "running"
        if not run.losses and not ended:  # a run has started
            if self.results_run is not None:
                self._hide_results()  # the older run's results would mislead
            self.progress.max, self.progress.value = run.settings.iterations, 0
            self.table.value = runs_table(lab.runs)
            self._show_status(f"Run {run.number} started: {html.escape(run.settings.label())}", hint=False)
            return
        now = time.perf_counter()
        pause = max(MIN_REDRAW_SECONDS, self._last_draw_seconds * (1 - DRAWING_SHARE) / DRAWING_SHARE)
        if not self.live and not ended:  # no front end shows it (a notebook run by nbclient): draw once, at the end
            return
        if ended or len(run.losses) == 1 or now - self._last_redraw >= pause:
            self.progress.max, self.progress.value = run.settings.iterations, len(run.losses)
            self.curves.value = draw_curves(lab.runs)
            self.table.value = runs_table(lab.runs)
            self._last_redraw = time.perf_counter()
            self._last_draw_seconds = self._last_redraw - now
            self.redraws += 1
            self.redraw_times.append(self._last_redraw)
            note = f"<br>{html.escape(lab.notice)}" if lab.notice else ""
            self._show_status((outcome(run) if ended else progress_line(run)) + note, hint=ended)
        if ended and run.status == "finished":
            self.results.value = draw_results(run, lab.x_test, lab.t_test)
            self.results.layout.display = ""
            self.results_run = run
