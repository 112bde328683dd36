"""Sphinx settings for the website; docs/build.py runs Sphinx once per edition (BACKPROP_EDITION=en or ja)."""
import os
from pathlib import Path

EDITION = os.environ.get("BACKPROP_EDITION", "en")
JA = EDITION == "ja"

project = "Backprop from Scratch" if not JA else "ゼロから学ぶ誤差逆伝播法 (Backprop from Scratch)"
author = "Backprop from Scratch"
language = EDITION
extensions = ["myst_nb"]
myst_enable_extensions = ["dollarmath", "amsmath"]
nb_execution_mode = "off"  # the notebooks' stored outputs, checked by nbval, are what the site shows
nb_ipywidgets_js = {  # served from the site itself, not from a CDN
    "require.js": {},
    "widgets/embed-amd.js": {"data-jupyter-widgets-cdn": "widgets/", "data-jupyter-widgets-cdn-only": "true"},
}
mathjax_path = "mathjax/tex-chtml.js"
exclude_patterns = ["ja", "**.ipynb_checkpoints", "_build"]
html_theme = "sphinx_book_theme"
html_title = "Backprop from Scratch" if not JA else "Backprop from Scratch 日本語版"
html_static_path = [os.environ.get("BACKPROP_STATIC", "_static")]
html_css_files = ["edition.css"]
html_copy_source = True
html_sourcelink_suffix = ""  # _sources/<name>.ipynb is the notebook itself, for download
html_search_language = EDITION
html_theme_options = {"use_download_button": True, "show_toc_level": 2, "home_page_in_toc": True}
suppress_warnings = ["mystnb.unknown_mime_type"]

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


def setup(app):
    app.connect("html-page-context", add_edition_links)
    return {"parallel_read_safe": True}

