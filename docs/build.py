"""Build the website from the stored notebooks: English at the root, Japanese under ja/.

    python docs/build.py                 # into docs/_build/html
    python docs/build.py --out DIR       # anywhere else (the site test builds into a temporary folder)

Nothing is executed: the pages show the outputs stored in the notebooks (checked by nbval).
Every browser asset is served by the site itself: MathJax 3 (only the TeX-to-CHTML component
and its fonts), require.js and the widget renderer (@jupyter-widgets/html-manager), fetched
once with `npm pack` at the versions pinned in docs/package.json and kept in docs/_npm/
(or in $BACKPROP_NPM_CACHE).

A Sphinx warning fails the build. The notebooks are staged in a temporary folder and changed
there only (see stage_notebook): the links between the editions lead to pages, solutions, hints
and answers sit behind toggles, and the lab says it needs a running kernel.

The site goes into DIR only if DIR is new, empty, or a site this script built before (it holds
the marker file .backprop-site); anything else is refused and left as it was. The build works in a
temporary folder beside DIR and swaps the finished site in, so a failed build leaves the previous
one as it was.
"""
import argparse
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
NOTEBOOKS = ROOT / "notebooks"
DEFAULT_OUT = DOCS / "_build" / "html"
NPM_CACHE = Path(os.environ.get("BACKPROP_NPM_CACHE") or DOCS / "_npm")  # the site test points it elsewhere
MARKER = ".backprop-site"
MARKER_TEXT = "This folder is a website built by docs/build.py (Backprop from Scratch). The next build replaces it.\n"
ARCHIVE = "backprop-from-scratch.zip"  # the project, for readers who arrive at the website first
NOTEBOOK_GLOB = "[0-9][0-9]*_*.ipynb"
OTHER = {"en": "ja", "ja": "en"}


class BuildError(Exception):
    """What went wrong, where, and how to fix it: printed as the build's last line."""


# ---------------------------------------------------------------- the destination folder

def check_out(out):
    """Raise BuildError unless the site may go into `out`: a new folder, an empty one, or a site
    this script built (it holds MARKER). Nothing is ever deleted that the build did not make."""
    if out.is_symlink():
        raise BuildError(f"--out {out} is a symbolic link; give the real folder it points to, or a new one")
    if out.exists() and not out.is_dir():
        raise BuildError(f"--out {out} is a file, not a folder; give a new or empty folder")
    if out == ROOT or out in ROOT.parents:
        raise BuildError(f"--out {out} is not empty: it holds the project itself; give a folder of its own, "
                         f"for example --out {DEFAULT_OUT}")
    if out.is_dir() and any(out.iterdir()):
        marker = out / MARKER
        if marker.is_symlink() or not marker.is_file():
            raise BuildError(f"--out {out} is not empty and is not a site that docs/build.py built (it has no "
                             f"{MARKER} file); nothing in it was changed. Give a new or empty folder, for example "
                             f"--out {DEFAULT_OUT}, or remove this one yourself")


def swap_in(site, out, trash):
    """Put the finished `site` at `out`; a previous site there goes to `trash` (deleted with the
    build's temporary folder). If the second rename fails, the previous site is put back."""
    check_out(out)  # again: the folder may have changed while the site was built
    if out.exists():
        os.replace(out, trash)
        try:
            os.replace(site, out)
        except OSError:
            os.replace(trash, out)
            raise
    else:
        os.replace(site, out)


# ---------------------------------------------------------------- browser assets from npm

def npm_pack(name, version, folder):
    """Fetch one npm package into `folder` (npm pack, then unpack), or raise BuildError with npm's message."""
    if shutil.which("npm") is None:
        raise BuildError("npm is needed once to fetch the site's browser assets (MathJax, the widget renderer): "
                         "install it (Debian: apt-get install npm) and build again")
    NPM_CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=NPM_CACHE) as tmp:
        done = subprocess.run(["npm", "pack", "--silent", f"{name}@{version}"], cwd=tmp, capture_output=True,
                              text=True)
        tarballs = sorted(Path(tmp).glob("*.tgz"))
        if done.returncode != 0 or not tarballs:
            said = "\n".join(part.strip() for part in (done.stderr, done.stdout) if part.strip()) or "(nothing)"
            raise BuildError(
                f"npm could not fetch {name}@{version} (npm pack exited with {done.returncode}). npm said:\n"
                f"{said}\n"
                "How to fix: the site's browser assets come from the npm registry once. Check that it can be "
                "reached (npm ping), which registry npm uses (npm config get registry) and, behind a proxy, "
                "npm config set proxy; or point BACKPROP_NPM_CACHE at a folder that already holds them "
                f"(docs/_npm of another checkout). The versions are pinned in {DOCS / 'package.json'}.")
        with tarfile.open(tarballs[0]) as tar:
            tar.extractall(tmp, filter="data")
        os.replace(Path(tmp) / "package", folder)


def npm_assets():
    """Unpack the pinned npm packages into docs/_npm (once) and return {name: package folder}."""
    wanted = json.loads((DOCS / "package.json").read_text())["dependencies"]
    folders = {}
    for name, version in wanted.items():
        folder = NPM_CACHE / f"{name.replace('/', '__')}-{version}"
        if not (folder / "package.json").exists():
            npm_pack(name, version, folder)
        folders[name] = folder
    return folders


def static_folder(dest, assets):
    """The _static files of our own: MathJax's tex-chtml component and fonts, require.js, the widget
    renderer (with its fonts), and docs/static (the site's CSS and scripts)."""
    mathjax = assets["mathjax"] / "es5"
    shutil.copytree(DOCS / "static", dest)
    (dest / "mathjax").mkdir()
    shutil.copy2(mathjax / "tex-chtml.js", dest / "mathjax" / "tex-chtml.js")
    shutil.copytree(mathjax / "output" / "chtml" / "fonts" / "woff-v2", dest / "mathjax" / "output" / "chtml" /
                    "fonts" / "woff-v2")
    shutil.copy2(assets["requirejs"] / "require.js", dest / "require.js")
    shutil.copytree(assets["@jupyter-widgets/html-manager"] / "dist", dest / "widgets",
                    ignore=shutil.ignore_patterns("*.map", "embed.js", "*.LICENSE.txt"))


# ---------------------------------------------------------------- the notebooks, staged for the site

TEXTS = {
    "en": {
        "solution": ("Show the solution", "Hide the solution"),
        "hint": "Hint",
        "answer": "Show the answer",
        "lab": (
            "```{admonition} This lab needs a running Python kernel\n"
            ":class: lab-notice important\n\n"
            "On this website the lab below is only a picture of its controls, as the notebook stored them: "
            "they move, but nothing trains. To train, run the notebook yourself: get the project and set it "
            "up as {ref}`the home page says <get-the-notebooks>`, start `jupyter lab notebooks/`, open "
            "`07_training_on_mnist.ipynb` and choose **Run > Run All Cells**.\n```"
        ),
    },
    "ja": {
        "solution": ("解答を表示", "解答を隠す"),
        "hint": "ヒント",
        "answer": "答えを表示",
        "lab": (
            "```{admonition} この学習ラボを動かすには、実行中の Python カーネルが必要です\n"
            ":class: lab-notice important\n\n"
            "このウェブサイトの下のラボは、ノートブックに保存されたコントロールの画像のようなものです。"
            "スライダーは動きますが、学習はしません。学習させるには、ノートブックを自分の環境で実行してください。"
            "{ref}`トップページの説明 <get-the-notebooks>`のとおりにプロジェクトを入手して準備し、"
            "`jupyter lab notebooks/ja/` を起動して `07_training_on_mnist.ipynb` を開き、"
            "**Run > Run All Cells**（日本語表示では **実行 > すべてのセルを実行**）を選びます。\n```"
        ),
    },
}
LINK = re.compile(r"\[([^\]]+)\]\(((?:ja/|\.\./)?)([0-9][0-9][A-Za-z0-9]*_[\w-]+)\.ipynb\)")


def source(cell):
    return "".join(cell.get("source", ""))


def edition_links_to_pages(text, edition, stems):
    """Links to the other edition's notebook (`ja/NN_x.ipynb` in English, `../NN_x.ipynb` in Japanese)
    work in JupyterLab but not across the two Sphinx builds: they become links to its page."""
    prefix = "ja/" if edition == "en" else "../"

    def page(match):
        label, where, stem = match.groups()
        if where != prefix:
            return match.group(0)  # a link within the edition: Sphinx resolves it (and warns if it cannot)
        if stem not in stems[OTHER[edition]]:
            raise BuildError(f"a link to {where}{stem}.ipynb leads to no notebook of the other edition: fix the "
                             f"link, or run python docs/edition_links.py")
        return f'<a class="edition-link" hreflang="{OTHER[edition]}" href="{prefix}{stem}.html">{label}</a>'

    return LINK.sub(page, text)


def behind_a_toggle(text, kind, edition):
    """A hint or answer cell's Markdown inside <div class="cell-KIND">; where the cell has no <details>
    of its own yet, the whole text goes into one, with a neutral label."""
    if "<details" not in text:
        text = f"<details><summary>{TEXTS[edition][kind]}</summary>\n\n{text}\n\n</details>"
    return f'<div class="cell-{kind}">\n\n{text}\n\n</div>'


def is_lab(cell):
    """A code cell that displays the training lab from its stored widget state."""
    return cell["cell_type"] == "code" and "TrainingLab(" in source(cell) and any(
        "application/vnd.jupyter.widget-view+json" in output.get("data", {}) for output in cell.get("outputs", []))


def stage_notebook(nb, edition, stems):
    """The notebook as the site shows it (a copy; the original is not changed):
    - links to the other edition's notebook lead to its page;
    - solution cells get myst-nb's hide-input tag (the input behind a toggle labelled
      "Show the solution"; the output, a PASS line, stays visible);
    - hint and answer cells are wrapped for the site's toggle style (see behind_a_toggle);
    - before the training lab, a notice that it needs a running kernel and how to get one."""
    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb["cells"]:
        tags = cell.get("metadata", {}).get("tags", [])
        if cell["cell_type"] == "markdown":
            text = edition_links_to_pages(source(cell), edition, stems)
            for kind in ("hint", "answer"):
                if kind in tags:
                    text = behind_a_toggle(text, kind, edition)
                    break
            cell["source"] = text
        elif "solution" in tags:
            cell["metadata"]["tags"] = [*tags, "hide-input"]
            show, hide = TEXTS[edition]["solution"]
            cell["metadata"].setdefault("mystnb", {}).update(code_prompt_show=show, code_prompt_hide=hide)
        if is_lab(cell):
            cells.append({"cell_type": "markdown", "id": f"{cell.get('id', 'lab')}-site-notice", "metadata": {},
                          "source": TEXTS[edition]["lab"]})
        cells.append(cell)
    nb["cells"] = cells
    return nb


def notebook_info(path):
    """(title, book sections): the first Markdown heading, and metadata backprop.book_sections."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    heading = next((line[2:].strip() for c in nb["cells"] if c["cell_type"] == "markdown"
                    for line in source(c).splitlines() if line.startswith("# ")), path.stem)
    return heading, nb.get("metadata", {}).get("backprop", {}).get("book_sections", "")


def index_page(edition, paths):
    """docs/index.<edition>.md with its <!-- notebooks --> line replaced by a table of the notebooks (title,
    book sections, the one-line summary from docs/summaries.json) and the navigation's toctree."""
    summaries = json.loads((DOCS / "summaries.json").read_text(encoding="utf-8"))
    template = (DOCS / f"index.{edition}.md").read_text(encoding="utf-8")
    header = {"en": "| notebook | book | what you do |", "ja": "| ノートブック | 本書 | 内容 |"}[edition]
    rows, entries = [header, "| --- | --- | --- |"], []
    for path in paths:
        summary = summaries.get(path.stem, {}).get(edition)
        if not summary:
            raise BuildError(f"docs/summaries.json has no {edition!r} summary for {path.stem}: add one line, "
                             "in both languages, saying what the notebook does")
        title, sections = notebook_info(path)
        rows.append(f"| [{title}]({path.name}) | {sections} | {summary} |")
        entries.append(f"{title} ({sections}) <{path.stem}>" if sections else f"{title} <{path.stem}>")
    caption = {"en": "The notebooks", "ja": "ノートブック"}[edition]
    toctree = "```{toctree}\n:hidden:\n:caption: " + caption + "\n:maxdepth: 1\n\n" + "\n".join(entries) + "\n```"
    if template.count("<!-- notebooks -->") != 1:
        raise BuildError(f"docs/index.{edition}.md must hold the line <!-- notebooks --> once (where the table goes)")
    table = "````{container} notebook-table\n" + "\n".join(rows) + "\n````"
    return template.replace("<!-- notebooks -->", table + "\n\n" + toctree)


def stage(edition, src, stems):
    """Write one edition's staged notebooks and its index page into src; return the notebooks' paths."""
    folder = NOTEBOOKS if edition == "en" else NOTEBOOKS / "ja"
    paths = sorted(folder.glob(NOTEBOOK_GLOB))
    src.mkdir(parents=True)
    for path in paths:
        nb = stage_notebook(json.loads(path.read_text(encoding="utf-8")), edition, stems)
        (src / path.name).write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")
        shutil.copystat(path, src / path.name)
    (src / "index.md").write_text(index_page(edition, paths), encoding="utf-8")
    return paths


def project_archive(dest):
    """A zip of the project as a reader needs it (the files git tracks, or without git every file but
    caches and builds), so that the website itself says where to get the notebooks."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True) \
        if shutil.which("git") else None
    if listed is not None and listed.returncode == 0 and listed.stdout:
        names = sorted(n for n in listed.stdout.split("\0") if n and (ROOT / n).is_file())
    else:
        skip = {".git", ".venv", "__pycache__", ".ipynb_checkpoints", ".pytest_cache", ".hypothesis",
                ".ruff_cache", "_build", "_npm", "build"}
        names = sorted(str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file()
                       and not skip & set(p.relative_to(ROOT).parts) and not any(
                           part.endswith(".egg-info") or part.startswith(".site-") for part in p.parts))
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            info = zipfile.ZipInfo(f"backprop-from-scratch/{name}", date_time=(2000, 1, 1, 0, 0, 0))
            info.external_attr = ((ROOT / name).stat().st_mode & 0o777) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, (ROOT / name).read_bytes())


def sphinx(edition, src, out, static):
    """Run Sphinx on one edition; any warning fails the build (after all of them are shown)."""
    env = dict(os.environ, BACKPROP_EDITION=edition, BACKPROP_STATIC=str(static))
    done = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W", "--keep-going",
                           "-c", str(DOCS), str(src), str(out)], env=env)
    if done.returncode != 0:
        raise BuildError(f"Sphinx failed on the {edition} edition (exit {done.returncode}): every warning above "
                         "is an error here; fix what it names (the staged notebook paths match the files in "
                         "notebooks/)")


def build(out):
    out = Path(os.path.abspath(out))
    check_out(out)
    assets = npm_assets()
    out.parent.mkdir(parents=True, exist_ok=True)
    stems = {"en": {p.stem for p in NOTEBOOKS.glob(NOTEBOOK_GLOB)},
             "ja": {p.stem for p in (NOTEBOOKS / "ja").glob(NOTEBOOK_GLOB)}}
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".site-") as tmp:
        tmp = Path(tmp)
        shutil.copytree(ROOT / "figures", tmp / "figures", ignore=shutil.ignore_patterns("*.py"))
        static = tmp / "static"
        static_folder(static, assets)
        site = tmp / "html"
        stage("en", tmp / "notebooks", stems)
        sphinx("en", tmp / "notebooks", site, static)
        if stage("ja", tmp / "notebooks" / "ja", stems):
            sphinx("ja", tmp / "notebooks" / "ja", site / "ja", static)
        project_archive(site / ARCHIVE)
        (site / MARKER).write_text(MARKER_TEXT)
        swap_in(site, out, tmp / "previous")
    return out


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="where the site goes (new, empty, or a site "
                        "this script built; default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        print(f"site built in {build(args.out)}")
    except BuildError as error:
        print(f"docs/build.py: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
