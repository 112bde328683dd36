"""Build the website from the stored notebooks: English at the root, Japanese under ja/.

    python docs/build.py                 # into docs/_build/html
    python docs/build.py --out DIR       # anywhere else (the site test builds into a temporary folder)

Nothing is executed: the pages show the outputs stored in the notebooks (checked by nbval).
Every browser asset is served by the site itself: MathJax 3 (only the TeX-to-CHTML component
and its fonts), require.js and the widget renderer (@jupyter-widgets/html-manager), fetched
once with `npm pack` at the versions pinned in docs/package.json and kept in docs/_npm/
(or in $BACKPROP_NPM_CACHE).
The build works in a temporary folder and moves the finished site into place, so a failed
build leaves the previous one as it was.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
NOTEBOOKS = ROOT / "notebooks"
NPM_CACHE = Path(os.environ.get("BACKPROP_NPM_CACHE") or DOCS / "_npm")  # the site test points it elsewhere
TITLES = {"en": ("Backprop from Scratch", "The notebooks"), "ja": ("Backprop from Scratch 日本語版", "ノートブック")}
INTRO = {
    "en": "An interactive notebook series that shows how backpropagation really works, following chapter 5 of "
          "*Deep Learning from Scratch* and beyond. Every output on these pages was produced by the code shown "
          "and is checked by the test suite. To run the notebooks and the training lab, clone the project and "
          "open them in JupyterLab. <a href=\"ja/index.html\">日本語版はこちら</a>",
    "ja": "誤差逆伝播法が実際にどう動くのかを、『ゼロから作るDeep Learning』の5章に沿って"
          "確かめていく対話型ノートブックです。"
          "このページの出力はすべて、表示されているコードが実際に出したもので、テストで検査されています。"
          "ノートブックと学習ラボを動かすには、プロジェクトを clone して JupyterLab で開いてください。"
          "<a href=\"../index.html\">English edition</a>",
}


def npm_assets():
    """Unpack the pinned npm packages into docs/_npm (once) and return {name: package folder}."""
    wanted = json.loads((DOCS / "package.json").read_text())["dependencies"]
    folders = {}
    for name, version in wanted.items():
        folder = NPM_CACHE / f"{name.replace('/', '__')}-{version}"
        if not (folder / "package.json").exists():
            if shutil.which("npm") is None:
                raise SystemExit("npm is needed once to fetch the site's browser assets: apt-get install npm")
            NPM_CACHE.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(dir=NPM_CACHE) as tmp:
                out = subprocess.run(["npm", "pack", "--silent", f"{name}@{version}"], cwd=tmp, check=True,
                                     capture_output=True, text=True).stdout.split()[-1]
                with tarfile.open(Path(tmp) / out) as tar:
                    tar.extractall(tmp, filter="data")
                os.replace(Path(tmp) / "package", folder)
        folders[name] = folder
    return folders


def static_folder(dest, assets):
    """The _static files of our own: MathJax's tex-chtml component and fonts, require.js, the widget renderer."""
    mathjax = assets["mathjax"] / "es5"
    (dest / "mathjax").mkdir(parents=True)
    shutil.copy2(mathjax / "tex-chtml.js", dest / "mathjax" / "tex-chtml.js")
    shutil.copytree(mathjax / "output" / "chtml" / "fonts" / "woff-v2", dest / "mathjax" / "output" / "chtml" /
                    "fonts" / "woff-v2")
    shutil.copy2(assets["requirejs"] / "require.js", dest / "require.js")
    shutil.copytree(assets["@jupyter-widgets/html-manager"] / "dist", dest / "widgets",
                    ignore=shutil.ignore_patterns("*.map", "embed.js", "*.LICENSE.txt"))
    (dest / "edition.css").write_text(".edition-links { text-align: right; font-size: 0.9em; }\n")


def notebook_title(path):
    """The first Markdown heading, and the book sections from metadata backprop.book_sections."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    heading = next((line[2:].strip() for c in nb["cells"] if c["cell_type"] == "markdown"
                    for line in "".join(c["source"]).splitlines() if line.startswith("# ")), path.stem)
    sections = nb.get("metadata", {}).get("backprop", {}).get("book_sections")
    return f"{heading} ({sections})" if sections else heading


def stage(edition, src):
    """Copy one edition's notebooks (and an index page listing them) into src."""
    folder = NOTEBOOKS if edition == "en" else NOTEBOOKS / "ja"
    paths = sorted(folder.glob("[0-9][0-9]*_*.ipynb"))
    src.mkdir(parents=True)
    for path in paths:
        shutil.copy2(path, src / path.name)
    title, caption = TITLES[edition]
    entries = "\n".join(f"{notebook_title(p)} <{p.stem}>" for p in paths)
    (src / "index.md").write_text(f"# {title}\n\n{INTRO[edition]}\n\n```{{toctree}}\n:caption: {caption}\n"
                                  f":maxdepth: 1\n\n{entries}\n```\n", encoding="utf-8")
    return paths


def sphinx(edition, src, out, static):
    env = dict(os.environ, BACKPROP_EDITION=edition, BACKPROP_STATIC=str(static))
    subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q", "-c", str(DOCS), str(src), str(out)],
                   env=env, check=True)


def build(out):
    assets = npm_assets()
    out = Path(out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".site-") as tmp:
        tmp = Path(tmp)
        shutil.copytree(ROOT / "figures", tmp / "figures", ignore=shutil.ignore_patterns("*.py"))
        static = tmp / "static"
        static.mkdir()
        static_folder(static, assets)
        site = tmp / "html"
        stage("en", tmp / "notebooks")
        sphinx("en", tmp / "notebooks", site, static)
        if stage("ja", tmp / "notebooks" / "ja"):
            sphinx("ja", tmp / "notebooks" / "ja", site / "ja", static)
        if out.exists():
            shutil.rmtree(out)
        os.replace(site, out)
    return out


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(DOCS / "_build" / "html"), help="where the site goes")
    args = parser.parse_args(argv)
    print(f"site built in {build(args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
