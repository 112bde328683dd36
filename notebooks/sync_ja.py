"""Keep the Japanese edition (notebooks/ja/) in step with the English one: one copy of the code.

    python notebooks/sync_ja.py            # sync every notebook, then list what needs translating
    python notebooks/sync_ja.py 05 06b     # only the notebooks whose names start so (or give their paths)
    python notebooks/sync_ja.py --check    # change nothing; exit 1 if anything is out of step
    python notebooks/sync_ja.py --accept 05_affine_and_softmax_with_loss:c12
                                           # mark a ja cell as up to date with the en text (after a review)
    python notebooks/sync_ja.py --relink 03_simple_layers:c07=1f2e3d
                                           # give a translation the new id of its English cell
    python notebooks/sync_ja.py --drop-orphans 03
                                           # sync, dropping translations whose English cell is gone

Sync rebuilds each ja notebook in the English cell order: code and raw cells (source,
outputs, execution count, metadata, id) and the notebook's metadata come from the English
edition; Markdown cells keep their Japanese text. A ja Markdown cell records in its
metadata (`translated_from`) a hash of the English text it translates. A translation is
matched to its English cell by cell id, or else by that hash, that is by the English
text: JupyterLab gives cut-and-pasted cells new ids, and their translations still follow
them. A hash that differs from the English cell's text marks the translation outdated.
An English Markdown cell with no translation gets the English text as a placeholder and
is listed as missing.

Orphans: a translation matched to no English cell (the cell was deleted, or was both
moved and edited), or a code or raw cell that only the ja edition has, is never
discarded silently. Sync refuses to write that notebook, lists
each orphan with its first line, and exits 1; the notebook stays as it was. Then either
`--relink NOTEBOOK:OLD_ID=NEW_ID` gives the translation the id of its English cell (it
then shows as outdated until reviewed and accepted), or `--drop-orphans` syncs without
them, listing each dropped cell with its text.

A ja file is rewritten only when its content changes, atomically (a temporary file and a
rename; its permissions are kept; a symbolic link there is refused).

Exit status: 0 in step (or synced); 1 out of step (--check), or a notebook left unsynced
because of orphans; 2 a usage error, a prefix that matches no notebook, or a notebook
that cannot be read (damaged JSON is named with its line and column).
"""
import argparse
import copy
import hashlib
import json
import sys
from pathlib import Path

from common.params_file import read_regular_file, write_atomically

HERE = Path(__file__).resolve().parent
JA = HERE / "ja"
CELL_TYPES = ("code", "markdown", "raw")


class NotebookError(Exception):
    """A notebook that cannot be read or changed as asked: the message names it and says why."""


def text(cell):
    return "".join(cell.get("source", ""))


def digest(cell):
    """A short hash of an English Markdown cell's text."""
    return hashlib.sha256(text(cell).encode("utf-8")).hexdigest()[:16]


def load(path):
    """The notebook at path, checked to be one this script can sync (else NotebookError)."""
    try:
        raw = read_regular_file(path, "notebook")
    except (OSError, ValueError) as error:
        raise NotebookError(str(error)) from None
    try:
        content = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise NotebookError(f"{path}: not UTF-8 text (byte {error.start}), so not a notebook: restore it "
                            "from git") from None
    try:
        nb = json.loads(content)
    except json.JSONDecodeError as error:
        marker = next((n for n, line in enumerate(content.splitlines(), 1)
                       if line.startswith(("<<<<<<< ", ">>>>>>> ", "======="))), None)
        fix = (f"line {marker} holds a merge-conflict marker: resolve the conflict first" if marker else
               "repair it (git diff shows what changed) or restore it from git")
        raise NotebookError(f"{path}: not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}; "
                            f"{fix}") from None
    _check_structure(nb, path)
    return nb


def _check_structure(nb, path):
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise NotebookError(f"{path}: valid JSON, but not a notebook (no list of cells)")
    if nb.get("nbformat") != 4:
        raise NotebookError(f"{path}: nbformat {nb.get('nbformat')!r}, this script syncs nbformat 4")
    seen = {}
    for number, cell in enumerate(nb["cells"]):
        where = f"{path}: cell {number}"
        if not isinstance(cell, dict) or cell.get("cell_type") not in CELL_TYPES:
            raise NotebookError(f"{where} is not a code, Markdown or raw cell")
        source = cell.get("source", "")
        if not isinstance(source, str) and not (isinstance(source, list) and all(isinstance(s, str) for s in source)):
            raise NotebookError(f"{where}: its source is neither text nor a list of lines")
        if not isinstance(cell.get("metadata", {}), dict):
            raise NotebookError(f"{where}: its metadata is not a JSON object")
        cell_id = cell.get("id")
        if not isinstance(cell_id, str) or not cell_id:
            raise NotebookError(f"{where} has no cell id (nbformat 4.5 gives every cell one): open and save the "
                                "notebook in JupyterLab, which adds them")
        if cell_id in seen:
            raise NotebookError(f"{path}: cells {seen[cell_id]} and {number} have the same id {cell_id!r}: give one "
                                "of them a new id (copy it in JupyterLab, or edit the file)")
        seen[cell_id] = number


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


class OrphanedTranslations(NotebookError):
    """ja cells that match no English cell (match()). `cells`: those cells."""

    def __init__(self, cells):
        super().__init__(f"{len(cells)} ja cell(s) match no English cell: {', '.join(c['id'] for c in cells)}")
        self.cells = cells


def match(en, ja):
    """({en cell id: its ja Markdown cell}, orphans). A ja Markdown cell is matched by id, then
    by the English text it translates (its translated_from hash). Orphans: the ja Markdown
    cells left, and the ja code or raw cells that the English edition has neither by id nor
    by source (a cell only the ja edition has)."""
    ja_cells = (ja or {}).get("cells", [])
    ja_markdown = [c for c in ja_cells if c["cell_type"] == "markdown"]
    en_markdown = [c for c in en["cells"] if c["cell_type"] == "markdown"]
    by_id = {c["id"]: c for c in ja_markdown}
    matched = {c["id"]: by_id[c["id"]] for c in en_markdown if c["id"] in by_id}
    used = {id(c) for c in matched.values()}
    for cell in en_markdown:
        if cell["id"] in matched:
            continue
        wanted = digest(cell)
        old = next((c for c in ja_markdown if id(c) not in used
                    and c.get("metadata", {}).get("translated_from") == wanted), None)
        if old is not None:
            matched[cell["id"]] = old
            used.add(id(old))
    en_ids = {c["id"] for c in en["cells"]}
    en_sources = {text(c) for c in en["cells"] if c["cell_type"] != "markdown"}
    orphans = [c for c in ja_cells if (c["cell_type"] == "markdown" and id(c) not in used)
               or (c["cell_type"] != "markdown" and c["id"] not in en_ids and text(c) not in en_sources)]
    return matched, orphans


def synced(en, ja, drop_orphans=False):
    """The ja notebook rebuilt from en (code) and ja (Markdown). Returns (notebook, missing ids,
    outdated ids). Raises OrphanedTranslations if a translation matches no English cell,
    unless drop_orphans."""
    matched, orphans = match(en, ja)
    if orphans and not drop_orphans:
        raise OrphanedTranslations(orphans)
    cells, missing, outdated = [], [], []
    for cell in en["cells"]:
        if cell["cell_type"] != "markdown":
            cells.append(copy.deepcopy(cell))
            continue
        old = matched.get(cell["id"])
        if old is None or "translated_from" not in old.get("metadata", {}):
            missing.append(cell["id"])
            new = copy.deepcopy(old if old is not None else placeholder(cell))
        else:
            new = copy.deepcopy(old)
            if new["metadata"]["translated_from"] != digest(cell):
                outdated.append(cell["id"])
        translated = new.get("metadata", {}).get("translated_from")
        new["id"] = cell["id"]
        new["metadata"] = copy.deepcopy(cell.get("metadata", {}))  # tags, hidden state: as in en
        if translated:
            new["metadata"]["translated_from"] = translated
        cells.append(new)
    nb = {key: copy.deepcopy(value) for key, value in en.items() if key != "cells"}
    nb["cells"] = cells
    return nb, missing, outdated


def write_if_changed(path, content):
    """Write content to path atomically, unless path holds it already. Returns whether it wrote."""
    try:
        if path.exists() and read_regular_file(path, "notebook") == content.encode("utf-8"):
            return False
        path.parent.mkdir(exist_ok=True)
        write_atomically(path, lambda f: f.write(content.encode("utf-8")))
    except (OSError, ValueError) as error:
        raise NotebookError(str(error)) from None
    return True


class UsageError(Exception):
    """Arguments that name nothing: exit 2 with the message."""


def english_notebooks(prefixes=()):
    """The English notebooks whose names start with one of prefixes (all when none is given).
    A prefix may be a path (notebooks/05_x.ipynb, notebooks/ja/05_x.ipynb). A prefix that
    matches nothing raises UsageError."""
    paths = sorted(HERE.glob("[0-9][0-9]*_*.ipynb"))
    chosen = set()
    for prefix in prefixes:
        found = [p for p in paths if p.name.startswith(Path(prefix).name)]
        if not found:
            raise UsageError(f"no notebook in {HERE} starts with {prefix!r}")
        chosen.update(found)
    return sorted(chosen) if prefixes else paths


def _pair(spec, separator, form):
    """(English path, ja path, rest) from '<notebook name>:<rest>'."""
    stem, colon, rest = spec.partition(":")
    stem = Path(stem).name.removesuffix(".ipynb")
    if not colon or not stem or not rest or (separator and separator not in rest):
        raise UsageError(f"{spec!r}: give {form}")
    en_path, ja_path = HERE / f"{stem}.ipynb", JA / f"{stem}.ipynb"
    if not en_path.exists() or not ja_path.exists():
        raise UsageError(f"{spec!r}: no notebook {stem!r} in both editions: give {form}")
    return en_path, ja_path, rest


def _cell(nb, cell_id):
    return next((c for c in nb["cells"] if c["id"] == cell_id), None)


def accept(spec):
    """'<notebook stem>:<cell id>': record that the ja cell translates the current en text."""
    form = "<notebook name without .ipynb>:<cell id>"
    en_path, ja_path, cell_id = _pair(spec, None, form)
    en, ja = load(en_path), load(ja_path)
    en_cell, ja_cell = _cell(en, cell_id), _cell(ja, cell_id)
    if en_cell is None or ja_cell is None or en_cell["cell_type"] != "markdown" or ja_cell["cell_type"] != "markdown":
        raise UsageError(f"{spec!r}: {en_path.stem} has no Markdown cell with id {cell_id!r} in both editions")
    if text(ja_cell) in (text(en_cell), text(placeholder(en_cell))):
        raise UsageError(f"{spec!r}: the ja cell still holds the English text: translate it first, then accept")
    ja_cell.setdefault("metadata", {})["translated_from"] = digest(en_cell)
    write_if_changed(ja_path, dump(ja))


def relink(spec):
    """'<notebook stem>:<old id>=<new id>': give the orphaned translation <old id> the id of
    its English cell <new id>. A placeholder that holds the English text at <new id> is replaced."""
    form = "<notebook name without .ipynb>:<old ja cell id>=<new English cell id>"
    en_path, ja_path, ids = _pair(spec, "=", form)
    old_id, _, new_id = ids.partition("=")
    en, ja = load(en_path), load(ja_path)
    orphan, en_cell = _cell(ja, old_id), _cell(en, new_id)
    if orphan is None or orphan["cell_type"] != "markdown":
        raise UsageError(f"{spec!r}: the ja edition of {en_path.stem} has no Markdown cell {old_id!r}")
    if _cell(en, old_id) is not None:
        raise UsageError(f"{spec!r}: the English edition still has a cell {old_id!r}: that translation is no orphan")
    if en_cell is None or en_cell["cell_type"] != "markdown":
        raise UsageError(f"{spec!r}: the English edition of {en_path.stem} has no Markdown cell {new_id!r}")
    taken = _cell(ja, new_id)
    if taken is not None:
        if text(taken) not in (text(en_cell), text(placeholder(en_cell))):
            raise UsageError(f"{spec!r}: the ja cell {new_id!r} holds text of its own: merge the two by hand")
        ja["cells"].remove(taken)
    orphan["id"] = new_id
    write_if_changed(ja_path, dump(ja))


def _first_line(cell, width=70):
    line = next((line.strip() for line in text(cell).splitlines() if line.strip()), "(empty)")
    return line if len(line) <= width else line[:width - 3] + "..."


def sync_one(en_path, check=False, drop_orphans=False):
    """Sync (or check) one notebook; prints what it did. Returns 0 in step or synced, 1 else."""
    ja_path = JA / en_path.name
    en = load(en_path)
    ja = load(ja_path) if ja_path.exists() else None
    try:
        nb, missing, outdated = synced(en, ja, drop_orphans=drop_orphans)
    except OrphanedTranslations as error:
        unmatched = [c["id"] for c in en["cells"] if c["cell_type"] == "markdown" and c["id"] not in match(en, ja)[0]]
        print(f"{en_path.name}: not synced: {len(error.cells)} ja cell(s) match no English cell "
              "(neither by id nor by the English text they translate):")
        for cell in error.cells:
            kind = "" if cell["cell_type"] == "markdown" else (f" ({cell['cell_type']}, only in the ja edition: "
                                                                "add it to the English notebook, or drop it)")
            print(f"  ja cell {cell['id']}{kind}: {_first_line(cell)}")
        print(f"  If its English cell was moved and edited, give the translation that cell's id: "
              f"python notebooks/sync_ja.py --relink {en_path.stem}:<ja cell id>=<English cell id>"
              + (f" (English cells without a translation: {', '.join(unmatched)})" if unmatched else ""))
        print(f"  If its English cell was deleted on purpose: python notebooks/sync_ja.py --drop-orphans "
              f"{en_path.stem}")
        return 1
    if drop_orphans:
        for cell in match(en, ja)[1]:
            print(f"{en_path.name}: dropped the ja cell {cell['id']}, which matches no English cell:\n"
                  + "".join(f"    | {line}\n" for line in text(cell).splitlines()), end="")
    content = dump(nb)
    differs = ja is None or read_regular_file(ja_path, "notebook") != content.encode("utf-8")
    if differs and check:
        print(f"{en_path.name}: the ja edition's code, outputs or cell order differ from en: run sync_ja.py")
    elif differs:
        write_if_changed(ja_path, content)
    for kind, ids in (("missing", missing), ("outdated", outdated)):
        if ids:
            print(f"{en_path.name}: {len(ids)} Markdown cell(s) {kind}: {', '.join(ids)}")
    return int(check and (differs or bool(missing) or bool(outdated)))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="sync_ja.py", description="Keep notebooks/ja/ in step with the "
                                     "English notebooks (see the module docstring).")
    parser.add_argument("notebooks", nargs="*", help="notebook name prefixes or paths (default: all)")
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--check", action="store_true", help="change nothing; exit 1 if anything is out of step")
    action.add_argument("--accept", nargs="+", metavar="NOTEBOOK:CELL_ID",
                        help="mark ja cells as translations of the current English text")
    action.add_argument("--relink", nargs="+", metavar="NOTEBOOK:OLD_ID=NEW_ID",
                        help="give an orphaned translation the id of its English cell")
    parser.add_argument("--drop-orphans", action="store_true",
                        help="sync even where translations match no English cell, dropping them (listed)")
    args = parser.parse_args(argv)
    if args.drop_orphans and (args.check or args.accept or args.relink):
        parser.error("--drop-orphans goes with a sync only, not with --check, --accept or --relink")
    try:
        if args.accept or args.relink:
            if args.notebooks:
                parser.error("--accept and --relink take NOTEBOOK:ID specs only")
            for spec in args.accept or ():
                accept(spec)
            for spec in args.relink or ():
                relink(spec)
            return 0
        paths = english_notebooks(args.notebooks)
    except UsageError as error:
        print(f"sync_ja.py: {error}", file=sys.stderr)
        return 2
    except NotebookError as error:
        print(f"sync_ja.py: {error}", file=sys.stderr)
        return 2
    status = 0
    for en_path in paths:
        try:
            status = max(status, sync_one(en_path, args.check, args.drop_orphans))
        except NotebookError as error:
            print(f"sync_ja.py: {error}", file=sys.stderr)
            status = 2
    if args.check and not args.notebooks:
        extra = sorted({p.name for p in JA.glob("*.ipynb")} - {p.name for p in paths})
        for name in extra:
            print(f"ja/{name}: no English notebook of that name")
        status = max(status, int(bool(extra)))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
