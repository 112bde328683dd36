"""Give the first Markdown cell of every notebook a link to the same notebook in the other edition.

    python docs/edition_links.py                # rewrite the notebooks that need it, list what changed
    python docs/edition_links.py --check        # change nothing; list what would change, exit 1 if anything
    python docs/edition_links.py --root DIR     # the notebooks of DIR (DIR/NN_*.ipynb, DIR/ja/NN_*.ipynb)

An English notebook `NN_x.ipynb` links to `ja/NN_x.ipynb` ("日本語版"), a Japanese one
`ja/NN_x.ipynb` to `../NN_x.ipynb` ("English edition"): relative .ipynb links, which JupyterLab
opens as notebooks and docs/build.py turns into links to the other edition's page. The link ends
the line that names the book's sections ("Book:" / "本書"); where a cell has no such line, it goes on
a line of its own after the title. Any other link to the other edition in that cell is removed
first, so a second run changes nothing. Only that line changes: the other lines and cells, and the
file's JSON formatting, stay as they were. Each file is written through a temporary file and a rename.

Changing an English Markdown cell makes its Japanese translation outdated for notebooks/sync_ja.py.
Where the translation was current before this script changed the two cells, the script prints the
`sync_ja.py --accept` command that records it as current again (both cells changed only by the link).
"""
import argparse
import hashlib
import json
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "notebooks"
PATTERN = "[0-9][0-9]*_*.ipynb"
LABEL = {"en": "日本語版", "ja": "English edition"}
PREFIX = {"en": "ja/", "ja": "../"}
BOOK_LINE = {"en": re.compile(r"^Book:"), "ja": re.compile(r"^本書")}
WIDE_END = tuple("。）」』、")


def text(cell):
    return "".join(cell.get("source", ""))


def digest(cell):
    """notebooks/sync_ja.py's record of which English text a translation translates."""
    return hashlib.sha256(text(cell).encode("utf-8")).hexdigest()[:16]


def other_edition_link(edition):
    """A Markdown link to any notebook of the other edition, with the space before it."""
    return re.compile(r"[ \t]*\[[^\]]*\]\(" + re.escape(PREFIX[edition]) + r"[0-9][0-9][\w-]*\.ipynb\)")


def with_link(cell_text, edition, stem):
    """The cell's text with exactly one edition link, at the end of the book line (or after the title)."""
    link = f"[{LABEL[edition]}]({PREFIX[edition]}{stem}.ipynb)"
    lines = [other_edition_link(edition).sub("", line) for line in cell_text.split("\n")]
    book = next((i for i, line in enumerate(lines) if BOOK_LINE[edition].match(line)), None)
    if book is not None:
        line = lines[book].rstrip()
        lines[book] = line + ("" if edition == "ja" and line.endswith(WIDE_END) else " ") + link
    else:
        title = next((i for i, line in enumerate(lines) if line.startswith("# ")), -1)
        lines[title + 1:title + 1] = ["", link] if title >= 0 else [link, ""]
    return "\n".join(lines)


def set_text(cell, new):
    """Store `new` as the cell's source in the form the file already uses (a string or a list of lines)."""
    cell["source"] = new if isinstance(cell.get("source"), str) else new.splitlines(keepends=True)


def first_markdown(nb):
    return next((c for c in nb["cells"] if c["cell_type"] == "markdown"), None)


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def dump(nb):
    """The formatting of nbformat and notebooks/sync_ja.py."""
    return json.dumps(nb, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def write(path, content):
    """Replace `path` by a temporary file in its folder and a rename (a symlink is refused, not followed)."""
    if path.is_symlink():
        raise SystemExit(f"{path} is a symbolic link: not rewritten")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(content)
        os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def plan(root):
    """[(path, new file content or None if unchanged, what to say)] for both editions, and the accept specs."""
    english = {p.stem: p for p in sorted(root.glob(PATTERN))}
    japanese = {p.stem: p for p in sorted((root / "ja").glob(PATTERN))}
    changes, accepts = [], []
    for stem in sorted(english.keys() | japanese.keys()):
        if stem not in english or stem not in japanese:
            missing = "ja/" if stem not in japanese else ""
            changes.append((english.get(stem) or japanese[stem], None,
                            f"no {missing}{stem}.ipynb in the other edition: no link added"))
            continue
        nbs = {"en": load(english[stem]), "ja": load(japanese[stem])}
        cells = {edition: first_markdown(nb) for edition, nb in nbs.items()}
        if None in cells.values():
            changes.append((english[stem], None, "no Markdown cell: no link added"))
            continue
        was_current = cells["ja"].get("metadata", {}).get("translated_from") == digest(cells["en"])
        changed = {}
        for edition, path in (("en", english[stem]), ("ja", japanese[stem])):
            new = with_link(text(cells[edition]), edition, stem)
            if new != text(cells[edition]):
                set_text(cells[edition], new)
                changed[edition] = True
                changes.append((path, dump(nbs[edition]), f"cell {cells[edition].get('id')}: edition link set"))
        if changed.get("en"):
            if was_current:
                accepts.append(f"{stem}:{cells['en'].get('id')}")
            else:
                changes.append((japanese[stem], None, f"cell {cells['ja'].get('id')}: its translation was already "
                                "outdated; update it, then accept it with notebooks/sync_ja.py --accept"))
    return changes, accepts


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a link is missing or wrong")
    parser.add_argument("--root", type=Path, default=ROOT, help="the folder of the English notebooks (default: "
                        "%(default)s)")
    args = parser.parse_args(argv)
    changes, accepts = plan(args.root)
    pending = [(path, content) for path, content, _ in changes if content is not None]
    for path, content, what in changes:
        verb = "notes" if content is None else ("would change" if args.check else "changed")
        print(f"{path.relative_to(args.root.parent)}: {verb}: {what}")
    if args.check:
        if pending:
            print(f"run: python docs/edition_links.py{'' if args.root == ROOT else f' --root {args.root}'}")
        return 1 if pending else 0
    for path, content in pending:
        write(path, content)
    if accepts:
        print("the Japanese cells still translate their English cells (only the link changed); record it with:")
        print("python notebooks/sync_ja.py --accept " + " ".join(accepts))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
