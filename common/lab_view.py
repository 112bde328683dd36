"""Widgets for the training lab (ipywidgets 8): sliders and menus for the
settings, Train / Stop / Reset, a progress bar, live loss and accuracy curves
of every run since Reset, and after a run its first-layer weights, confusion
matrix and misclassified test images.

Figures are drawn with matplotlib's Agg canvas into PNG Image widgets, which
the training thread may update while the kernel keeps serving the frontend.
"""
import io
import threading
import time

import ipywidgets as w
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from common.lab import ACTIVATIONS, OPTIMIZER_NAMES, WEIGHT_INITS, TrainingLab

MIN_REDRAW_SECONDS = 0.2  # at most about 5 curve redraws a second while training
# Sliders over exact values: a slider with a numeric step would snap a value set from
# Python (0.5 -> 10**-0.3) and send the snapped value back, changing the lab's setting.
LEARNING_RATES = [m * 10.0**e for e in range(-4, 1) for m in (1, 2, 5)] + [10.0]
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


def draw_curves(runs):
    """Loss per iteration and accuracy of every run, the newest in full colour."""
    legend_height = 0.16 * ((len(runs) + 1) // 2)
    fig = Figure(figsize=(10, 3.4 + legend_height), dpi=80)
    ax_loss, ax_acc = fig.subplots(1, 2)
    for k, run in enumerate(runs):
        color, alpha = f"C{k % 10}", 1.0 if k == len(runs) - 1 else 0.45
        label = f"{run.number}: {run.settings.label()}"
        if run.losses:
            ax_loss.plot(run.losses, color=color, alpha=alpha, lw=0.8, label=label)
        if run.evals:
            its, train, test = zip(*run.evals)
            ax_acc.plot(its, test, "-", color=color, alpha=alpha, label=f"{run.number}: test")
            ax_acc.plot(its, train, ":", color=color, alpha=alpha, label=f"{run.number}: train")
    ax_loss.set(xlabel="iteration", ylabel="loss", ylim=(0, 2.5), title="loss")
    ax_acc.set(xlabel="iteration", ylabel="accuracy", ylim=(0, 1), title="accuracy (test solid, train dotted)")
    bottom = legend_height / (3.4 + legend_height)
    if runs:  # one entry per run (its loss line), below both plots
        fig.legend(*ax_loss.get_legend_handles_labels(), loc="lower center", ncol=2, fontsize=7, frameon=False)
    fig.tight_layout(rect=(0, bottom, 1, 1))
    return png(fig)


def draw_results(run, x_test, t_test):
    """First-layer weights, the confusion matrix and misclassified test images of a finished run."""
    fig = Figure(figsize=(12, 4.2), dpi=80)
    grid = fig.add_gridspec(3, 16)
    W1 = run.network.params["W1"]
    for k in range(min(16, W1.shape[1])):
        ax = fig.add_subplot(grid[0, k])
        ax.imshow(W1[:, k].reshape(28, 28), cmap="coolwarm")
        ax.axis("off")
    confusion = np.zeros((10, 10), dtype=int)
    np.add.at(confusion, (t_test, run.predictions), 1)
    ax = fig.add_subplot(grid[1:, :5])
    ax.imshow(np.log1p(confusion), cmap="Blues")
    for (i, j), count in np.ndenumerate(confusion):
        if count:
            ax.text(j, i, str(count), ha="center", va="center", fontsize=6)
    ax.set(xlabel="predicted", ylabel="true", xticks=range(10), yticks=range(10))
    wrong = np.flatnonzero(run.predictions != t_test)[:20]
    for k, index in enumerate(wrong):
        ax = fig.add_subplot(grid[1 + k // 10, 6 + k % 10])
        ax.imshow(x_test[index].reshape(28, 28), cmap="gray_r")
        ax.set_title(f"{run.predictions[index]} ({t_test[index]})", fontsize=7)
        ax.axis("off")
    fig.suptitle(f"run {run.number}: first-layer weights (top), confusion matrix, "
                 f"misclassified test images: predicted (true)", fontsize=9)
    return png(fig)


class LabView:
    """The widgets of a TrainingLab, kept in step with lab.settings both ways."""

    def __init__(self, lab: TrainingLab):
        self.lab = lab
        s, style = lab.settings, {"description_width": "110px"}
        slider = {"style": style, "layout": w.Layout(width="420px"), "continuous_update": False}
        self._syncing = False
        self.controls = {
            "lr": w.SelectionSlider(options=LEARNING_RATES, description="learning rate", **slider),
            "hidden_size": w.IntSlider(value=s.hidden_size, min=1, max=1000, description="hidden size", **slider),
            "batch_size": w.SelectionSlider(options=BATCH_SIZES, description="batch size", **slider),
            "epochs": w.SelectionSlider(options=EPOCHS, description="epochs", **slider),
            "subset": w.SelectionSlider(options=[n for n in SUBSETS if n < len(lab.x_train)] + [len(lab.x_train)],
                                        description="training images", **slider),
            "optimizer": w.Dropdown(options=OPTIMIZER_NAMES, value=s.optimizer, description="optimizer",
                                    style=style),
            "activation": w.ToggleButtons(options=tuple(ACTIVATIONS), value=s.activation,
                                          description="activation", style=style),
            "weight_init": w.ToggleButtons(options=tuple(WEIGHT_INITS), value=s.weight_init,
                                           description="weight init", style=style),
        }
        self._sync_controls()
        self.buttons = {name: w.Button(description=name, button_style=bs)
                        for name, bs in (("Train", "success"), ("Stop", "danger"), ("Reset", ""))}
        self.buttons["Train"].on_click(lambda _: lab.train())
        self.buttons["Stop"].on_click(lambda _: threading.Thread(target=lab.stop, daemon=True).start())
        self.buttons["Reset"].on_click(lambda _: threading.Thread(target=lab.reset, daemon=True).start())
        self.progress = w.IntProgress(value=0, min=0, max=1, description="progress", style=style)
        self.status = w.HTML(value="Press Train to start a run.")
        self.curves = w.Image(value=draw_curves([]), format="png")
        self.results = w.Image(format="png", layout=w.Layout(display="none"))
        self.redraws = 0          # curve images drawn since the view was made
        self.redraw_times = []    # time.perf_counter() of each, for the benchmark
        self._last_redraw = 0.0
        for control in self.controls.values():
            control.observe(self._on_control, names="value")
        lab.listeners.append(self._on_lab)
        self.widget = w.VBox([
            w.HBox([w.VBox(list(self.controls.values())[:5]), w.VBox(list(self.controls.values())[5:])]),
            w.HBox(list(self.buttons.values()) + [self.progress]),
            self.status, self.curves, self.results,
        ])

    def _on_control(self, change):
        if self._syncing:
            return
        name = next(n for n, c in self.controls.items() if c is change["owner"])
        try:
            self.lab.set(**{name: change["new"]})
        except ValueError as error:
            self.status.value = f"<b>{error}</b>"

    def _sync_controls(self):
        """Show lab.settings on the controls (the nearest option where a value is off the grid)."""
        self._syncing = True
        try:
            for name, control in self.controls.items():
                value = getattr(self.lab.settings, name)
                if isinstance(control, w.SelectionSlider):
                    value = nearest(control.options, value)
                if control.value != value:
                    control.value = value
        finally:
            self._syncing = False

    def _on_lab(self, lab, run):
        if run is None:  # settings changed, a notice, or a reset
            self._sync_controls()
            if not lab.runs:
                self.curves.value = draw_curves([])
                self.results.layout.display = "none"
                self.progress.value = 0
            self.status.value = lab.notice or (lab.runs[-1].summary() if lab.runs else
                                               "Press Train to start a run.")
            return
        ended = run.status != "running"
        now = time.perf_counter()
        if ended or len(run.losses) == 1 or now - self._last_redraw >= MIN_REDRAW_SECONDS:
            self.progress.max, self.progress.value = run.settings.iterations, len(run.losses)
            self.curves.value = draw_curves(lab.runs)
            self._last_redraw = time.perf_counter()
            self.redraws += 1
            self.redraw_times.append(self._last_redraw)
            note = f"<br>{lab.notice}" if lab.notice else ""
            self.status.value = run.summary() + note
        if ended and run.status == "finished":
            self.results.value = draw_results(run, lab.x_test, lab.t_test)
            self.results.layout.display = ""
        elif ended and run.status == "diverged":
            self.status.value = f"<b style='color:#c0392b'>Run {run.number} {run.message}.</b>"
