"""A progress bar for long work, in a notebook and in a terminal.

In Jupyter it is a widget (a bar and a line with the count and what the work reports, such
as the last loss) that updates while the work runs. Its text form, which a stored notebook
keeps and nbval compares, is fixed when it is shown (f"{desc}: {total} {unit}"), so it is
the same on every run; a saved notebook's widget state shows the finished bar. Elsewhere it
is a tqdm bar on stderr.

    with ProgressBar(1500, "training") as bar:
        for i in range(1500):
            ...
            bar.update(loss=loss)
"""
import html

from tqdm import tqdm


def _in_notebook():
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


class ProgressBar:
    """Count total steps of some work, showing how far it is; a context manager.

    update(n=1, **shown) counts n steps and shows the keyword values (numbers at 4 digits)
    with the count. The notebook widget is redrawn about 100 times in all, whatever total is.
    """

    def __init__(self, total, desc="working", unit="iterations"):
        self.total, self.desc, self.unit = int(total), desc, unit
        self.done = 0
        self._every = max(1, self.total // 100)
        self._widgets = self._bar = None

    def __enter__(self):
        if _in_notebook():
            import ipywidgets as w
            from IPython.display import display
            bar = w.IntProgress(value=0, max=max(1, self.total), layout=w.Layout(width="16em"))
            label = w.HTML(html.escape(f"{self.desc}: {self._text()}"))  # not Label: the site's renderer
            # typesets a Label with MathJax 2's API, which the site (MathJax 3) does not have
            self._widgets = bar, label
            box = w.HBox([bar, label])
            bundle = box._repr_mimebundle_()
            bundle["text/plain"] = f"{self.desc}: {self.total} {self.unit}"
            display(bundle, raw=True)
        else:
            self._bar = tqdm(total=self.total, desc=self.desc, unit=" " + self.unit, leave=False)
        return self

    def _text(self, shown=None):
        extra = "".join(f", {k} {v:.4g}" if isinstance(v, float) else f", {k} {v}" for k, v in (shown or {}).items())
        return f"{self.done} of {self.total} {self.unit}{extra}"

    def update(self, n=1, **shown):
        before = self.done
        self.done = min(self.total, self.done + n)
        if self._bar is not None:
            self._bar.update(self.done - before)
            if shown:
                self._bar.set_postfix({k: f"{v:.4g}" if isinstance(v, float) else v for k, v in shown.items()},
                                      refresh=False)
        elif self._widgets is not None and (self.done // self._every != before // self._every
                                            or self.done == self.total):
            bar, label = self._widgets
            bar.value, label.value = self.done, html.escape(f"{self.desc}: {self._text(shown)}")

    def __exit__(self, *error):
        if self._bar is not None:
            self._bar.close()
        elif self._widgets is not None:
            bar, label = self._widgets
            bar.value, label.value = self.done, html.escape(f"{self.desc}: {self._text()}")
            bar.bar_style = "success" if self.done == self.total else "warning"
        return False
