"""show_source: the real source of a class or function of common, as the notebooks show it
(what runs is what is shown; never a pasted copy that can drift)."""
import inspect


class Source:
    """A listing that displays with syntax colouring in Jupyter and as plain text elsewhere.
    Lines never wrap (that would break the indentation it shows): a long line scrolls."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return self.text

    def _repr_html_(self):
        from pygments import highlight
        from pygments.formatters import HtmlFormatter
        from pygments.lexers import PythonLexer

        html = highlight(self.text, PythonLexer(), HtmlFormatter(noclasses=True, nowrap=True))
        return f'<pre class="source-listing" style="white-space: pre; overflow-x: auto; line-height: 1.3">{html}</pre>'


def show_source(obj):
    """Show the real source of a class or function (its definition, as Python reads it)."""
    text = inspect.getsource(obj).rstrip()
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        get_ipython = None
    if get_ipython is None or get_ipython() is None:
        print(text)
    else:
        display(Source(text))
