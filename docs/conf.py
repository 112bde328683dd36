"""Sphinx settings for the website; docs/build.py runs Sphinx once per edition (BACKPROP_EDITION=en or ja)."""
import os
from pathlib import Path

EDITION = os.environ.get("BACKPROP_EDITION", "en")
JA = EDITION == "ja"
DOCS = Path(__file__).resolve().parent

project = "Backprop from Scratch" if not JA else "ゼロから学ぶ誤差逆伝播法 (Backprop from Scratch)"
author = ""  # the theme's footer would say "By <author>"; our own footer (site-footer.html) says who and what
language = EDITION
extensions = ["myst_nb", "sphinx_copybutton"]
myst_enable_extensions = ["dollarmath", "amsmath"]
nb_execution_mode = "off"  # the notebooks' stored outputs, checked by nbval, are what the site shows
nb_ipywidgets_js = {  # served from the site itself, not from a CDN; widgets-paths.js tells require.js where
    "require.js": {},
    "widgets-paths.js": {},
    "widgets/embed-amd.js": {"data-jupyter-widgets-cdn": "widgets/", "data-jupyter-widgets-cdn-only": "true"},
}
# A cell that holds both a widget view and a static text/html rendering of it (the graph stepper) shows the
# HTML: on a static page its widget could not step. The training lab (widget view and text/plain only)
# still renders from its stored widget state.
nb_mime_priority_overrides = [("html", "text/html", 5)]
# The build tags every solution cell hide-input; its toggle reads as a neutral label
nb_code_prompt_show = "Show the solution" if not JA else "解答を表示"
nb_code_prompt_hide = "Hide the solution" if not JA else "解答を隠す"
mathjax_path = "mathjax/tex-chtml.js"
exclude_patterns = ["ja", "**.ipynb_checkpoints", "_build"]
templates_path = [str(DOCS / "templates")]
html_theme = "sphinx_book_theme"
html_title = "Backprop from Scratch" if not JA else "Backprop from Scratch 日本語版"
html_favicon = str(DOCS / "static" / "favicon.svg")  # else browsers ask for /favicon.ico, a 404
html_static_path = [os.environ.get("BACKPROP_STATIC", "_static")]
html_css_files = ["site.css"]
html_js_files = [("site.js", {"priority": 510})]  # after Sphinx's MathJax settings, before MathJax itself
html_copy_source = True
html_sourcelink_suffix = ""  # _sources/<name>.ipynb is the notebook itself, for download
html_search_language = EDITION
html_context = {"default_mode": "auto"}  # light or dark as the reader's system says, switchable
html_theme_options = {
    "use_download_button": True,
    "show_toc_level": 2,
    "home_page_in_toc": True,
    "navbar_persistent": [],  # no header bar with a second search box: search is in the sidebar (a button on phones)
    "footer_content_items": ["site-footer.html"],
}
html_show_sphinx = False
html_show_copyright = False
copybutton_selector = "div.cell_input div.highlight pre, div:not(.output) > div.highlight > pre"
copybutton_exclude = ".linenos, .gp, .go"

SWITCH = {"en": ("日本語", "ja/"), "ja": ("English", "../")}
LABELS = {"en": "Download this notebook (.ipynb)", "ja": "このノートブックをダウンロード (.ipynb)"}


def add_edition_links(app, pagename, templatename, context, doctree):
    """Every page starts with a link to the same page in the other edition, and a
    notebook page with a link to download its .ipynb."""
    label, prefix = SWITCH[EDITION]
    links = [f'<a class="edition-switch" hreflang="{"ja" if not JA else "en"}" '
             f'href="{prefix}{pagename}.html">{label}</a>']
    if (Path(app.srcdir) / f"{pagename}.ipynb").exists():
        links.append(f'<a class="notebook-download" href="_sources/{pagename}.ipynb" download>{LABELS[EDITION]}</a>')
    context["body"] = f'<p class="edition-links">{" · ".join(links)}</p>\n' + context.get("body", "")
    context["edition"] = EDITION


def setup(app):
    app.connect("html-page-context", add_edition_links)
    return {"parallel_read_safe": True}
