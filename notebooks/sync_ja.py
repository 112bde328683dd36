"""Keep the Japanese edition (notebooks/ja/) in step with the English one: one copy of the code.

    python notebooks/sync_ja.py            # sync every notebook, then list what needs translating
    python notebooks/sync_ja.py 05 06b     # only the notebooks whose names start so
    python notebooks/sync_ja.py --check    # change nothing; exit 1 if anything is out of step
    python notebooks/sync_ja.py --accept 05_affine_and_softmax_with_loss:c12
                                           # mark a ja cell as up to date with the en text (after a review)

Sync rebuilds each ja notebook in the English cell order: code cells (source, outputs,
execution count, metadata, id) and the notebook's metadata come from the English edition;
Markdown cells keep their Japanese text, matched by cell id. A Markdown cell records in its
metadata (`translated_from`) a hash of the English text it translates, so an English edit
shows as an outdated translation. An English Markdown cell with no ja counterpart gets the
English text as a placeholder and is listed as missing. A ja file is rewritten only when
its content changes, through a temporary file and a rename.
"""
import copy
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
JA = HERE / "ja"


def text(cell):
    return "".join(cell.get("source", ""))


def digest(cell):
    """A short hash of an English Markdown cell's text."""
    return hashlib.sha256(text(cell).encode("utf-8")).hexdigest()[:16]


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def dump(nb):
    return json.dumps(nb, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def placeholder(cell):
    """The English cell, its links to ../figures/x.svg made to lead to the Japanese figure
    ../../figures/ja/x.svg (notebooks/ja/ is one folder deeper; figures/draw_figures.py
    draws every figure in both languages)."""
    new = copy.deepcopy(cell)
    new["source"] = text(cell).replace("](../figures/", "](../../figures/ja/").replace(
        'src="../figures/', 'src="../../figures/ja/')
    return new


def synced(en, ja):
    """The ja notebook rebuilt from en (code) and ja (Markdown). Returns (notebook, missing ids, outdated ids)."""
    ja_cells = {c.get("id"): c for c in (ja or {}).get("cells", []) if c["cell_type"] == "markdown"}
    cells, missing, outdated = [], [], []
    for cell in en["cells"]:
        if cell["cell_type"] != "markdown":
            cells.append(copy.deepcopy(cell))
            continue
        old = ja_cells.get(cell.get("id"))
        if old is None or "translated_from" not in old.get("metadata", {}):
            missing.append(cell.get("id"))
            new = copy.deepcopy(old if old is not None else placeholder(cell))
        else:
            new = copy.deepcopy(old)
            if new["metadata"]["translated_from"] != digest(cell):
                outdated.append(cell.get("id"))
        translated = new.get("metadata", {}).get("translated_from")
        new["metadata"] = copy.deepcopy(cell.get("metadata", {}))  # tags, hidden state: as in en
        if translated:
            new["metadata"]["translated_from"] = translated
        cells.append(new)
    nb = {key: copy.deepcopy(value) for key, value in en.items() if key != "cells"}
    nb["cells"] = cells
    return nb, missing, outdated


def write_if_changed(path, content):
    if path.exists() and path.read_text(encoding="utf-8") == content:
        return False
    path.parent.mkdir(exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".ipynb.part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(content)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return True


def english_notebooks(prefixes=()):
    paths = sorted(HERE.glob("[0-9][0-9]*_*.ipynb"))
    return [p for p in paths if not prefixes or p.name.startswith(tuple(prefixes))]


def accept(spec):
    """'<notebook stem>:<cell id>': record that the ja cell translates the current en text."""
    stem, _, cell_id = spec.partition(":")
    en_path, ja_path = HERE / f"{stem}.ipynb", JA / f"{stem}.ipynb"
    if not en_path.exists() or not ja_path.exists():
        raise SystemExit(f"no notebook {stem!r} in both editions: give <notebook name without .ipynb>:<cell id>")
    en_cell = next((c for c in load(en_path)["cells"] if c.get("id") == cell_id), None)
    ja = load(ja_path)
    ja_cell = next((c for c in ja["cells"] if c.get("id") == cell_id), None)
    if en_cell is None or ja_cell is None or en_cell["cell_type"] != "markdown":
        raise SystemExit(f"{stem} has no Markdown cell with id {cell_id!r} in both editions")
    ja_cell.setdefault("metadata", {})["translated_from"] = digest(en_cell)
    write_if_changed(ja_path, dump(ja))


def main(argv):
    if argv[:1] == ["--accept"]:
        for spec in argv[1:]:
            accept(spec)
        return 0
    check = argv[:1] == ["--check"]
    prefixes = argv[1:] if check else argv
    out_of_step = 0
    for en_path in english_notebooks(prefixes):
        ja_path = JA / en_path.name
        ja = load(ja_path) if ja_path.exists() else None
        nb, missing, outdated = synced(load(en_path), ja)
        content = dump(nb)
        differs = not ja_path.exists() or ja_path.read_text(encoding="utf-8") != content
        if differs and check:
            print(f"{en_path.name}: the ja edition's code, outputs or cell order differ from en: run sync_ja.py")
        elif differs:
            write_if_changed(ja_path, content)
        for kind, ids in (("missing", missing), ("outdated", outdated)):
            if ids:
                print(f"{en_path.name}: {len(ids)} Markdown cell(s) {kind}: {', '.join(map(str, ids))}")
        out_of_step += bool(differs and check) + bool(missing) + bool(outdated)
    return 1 if check and out_of_step else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
