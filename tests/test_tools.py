"""The two notebook tools: notebooks/sync_ja.py never loses a translation and refuses what it
cannot do with exit 2 and a message; notebooks/run_notebooks.py names the notebook and cell
that failed, leaves a failed notebook unchanged, and stops its kernel cleanly on Ctrl-C.

sync_ja runs in-process on notebooks in a temporary folder (its HERE and JA replaced);
run_notebooks runs in a child process with real kernels on temporary notebooks, with
TMPDIR pointing at a fresh folder, so that the kernels' connection files can be counted."""
import copy
import hashlib
import importlib.util
import json
import os
import re
import signal
import stat
import subprocess
import sys
import threading
from pathlib import Path

import nbformat
import pytest
from helpers import interruptible

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"


def load_tool(name):
    spec = importlib.util.spec_from_file_location(f"{name}_under_test", NOTEBOOKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- sync_ja ----------------------------------------------------------------------------------

@pytest.fixture
def sync(tmp_path, monkeypatch):
    """sync_ja with its English folder at tmp_path/nb and the ja folder at tmp_path/nb/ja."""
    module = load_tool("sync_ja")
    monkeypatch.setattr(module, "HERE", tmp_path / "nb")
    monkeypatch.setattr(module, "JA", tmp_path / "nb" / "ja")
    (tmp_path / "nb" / "ja").mkdir(parents=True)
    return module


def md(cell_id, source):
    cell = nbformat.v4.new_markdown_cell(source)
    cell["id"] = cell_id
    return cell


def code(cell_id, source, outputs=()):
    cell = nbformat.v4.new_code_cell(source)
    cell["id"], cell["execution_count"] = cell_id, 1
    cell["outputs"] = [nbformat.v4.new_output("stream", text=text) for text in outputs]
    return cell


def english(cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return json.loads(nbformat.writes(nb))


EN_CELLS = [md("t", "# Layers"), code("c1", "x = 1", ["1\n"]), md("m1", "A multiplication layer."),
            md("m2", "An addition layer."), code("c2", "y = 2"), md("m3", "## Summary")]
JA_TEXT = {"# Layers": "# レイヤ", "A multiplication layer.": "乗算レイヤ。", "An addition layer.": "加算レイヤ。",
           "## Summary": "## まとめ"}


def write_json(path, nb):
    path.write_text(json.dumps(nb, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def translated_pair(sync, name="03_layers.ipynb", cells=EN_CELLS):
    """An English notebook and its ja edition, synced and fully translated."""
    en = english(copy.deepcopy(cells))
    write_json(sync.HERE / name, en)
    ja, _, _ = sync.synced(en, None)
    for cell in ja["cells"]:
        if cell["cell_type"] == "markdown":
            english_text = sync.text(cell)
            cell["source"] = JA_TEXT.get(english_text, "訳: " + english_text)
            cell["metadata"]["translated_from"] = hashlib.sha256(english_text.encode()).hexdigest()[:16]
    write_json(sync.JA / name, ja)
    return sync.HERE / name, sync.JA / name


def markdown_of(path):
    return {c["id"]: "".join(c["source"]) for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "markdown"}


def renumbered(path, new_ids):
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        cell["id"] = new_ids.get(cell["id"], cell["id"])
    write_json(path, nb)


def test_translations_follow_cells_that_were_given_new_ids(sync, capsys):
    """JupyterLab gives cut-and-pasted cells new ids: the translations follow their English text."""
    en_path, ja_path = translated_pair(sync)
    renumbered(en_path, {"t": "new-t", "m1": "new-m1", "m2": "new-m2", "m3": "new-m3"})
    assert sync.main([]) == 0
    assert markdown_of(ja_path) == {"new-t": "# レイヤ", "new-m1": "乗算レイヤ。", "new-m2": "加算レイヤ。",
                                    "new-m3": "## まとめ"}
    assert "missing" not in capsys.readouterr().out
    assert sync.main(["--check"]) == 0


def test_translations_follow_moved_cells_in_the_real_notebook_03(sync):
    """The filed case, on notebook 03's real cells (long text, math, repeated headings):
    all of its English cells pasted anew, so all get new ids; every translation is still
    there after the sync, at its cell's new id, and none is reported missing."""
    name = "03_simple_layers.ipynb"
    en = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))
    write_json(sync.HERE / name, en)
    ja, _, _ = sync.synced(en, None)
    english_cells = {c["id"]: c for c in en["cells"]}
    for cell in ja["cells"]:
        if cell["cell_type"] == "markdown":
            cell["metadata"]["translated_from"] = sync.digest(english_cells[cell["id"]])
            cell["source"] = "訳: " + sync.text(cell)
    write_json(sync.JA / name, ja)
    before = markdown_of(sync.JA / name)
    assert len(before) >= 10
    renumbered(sync.HERE / name, {c["id"]: "pasted-" + c["id"] for c in en["cells"]})
    assert sync.main([]) == 0
    assert markdown_of(sync.JA / name) == {"pasted-" + cell_id: text for cell_id, text in before.items()}
    assert sync.main(["--check"]) == 0


def test_a_translation_whose_english_cell_is_gone_stops_the_sync_and_is_listed(sync, capsys):
    en_path, ja_path = translated_pair(sync)
    nb = json.loads(en_path.read_text())
    nb["cells"] = [c for c in nb["cells"] if c["id"] != "m2"]
    write_json(en_path, nb)
    before = ja_path.read_bytes()
    assert sync.main([]) == 1
    out = capsys.readouterr().out
    assert "03_layers.ipynb: not synced: 1 ja cell(s) match no English cell" in out
    assert "ja cell m2: 加算レイヤ。" in out and "--drop-orphans 03_layers" in out and "--relink 03_layers:" in out
    assert ja_path.read_bytes() == before
    assert sync.main(["--check"]) == 1 and ja_path.read_bytes() == before
    with pytest.raises(sync.OrphanedTranslations):  # the function itself never drops one either
        sync.synced(json.loads(en_path.read_text()), json.loads(ja_path.read_text()))


def test_drop_orphans_drops_them_and_shows_their_text(sync, capsys):
    en_path, ja_path = translated_pair(sync)
    nb = json.loads(en_path.read_text())
    nb["cells"] = [c for c in nb["cells"] if c["id"] != "m2"]
    write_json(en_path, nb)
    assert sync.main(["--drop-orphans", "03"]) == 0
    out = capsys.readouterr().out
    assert "03_layers.ipynb: dropped the ja cell m2, which matches no English cell:\n    | 加算レイヤ。\n" in out
    assert "m2" not in markdown_of(ja_path) and sync.main(["--check"]) == 0


def test_a_cell_moved_and_edited_is_relinked_then_accepted(sync, capsys):
    en_path, ja_path = translated_pair(sync)
    nb = json.loads(en_path.read_text())
    cell = next(c for c in nb["cells"] if c["id"] == "m1")
    cell["id"], cell["source"] = "m1-moved", "A multiplication layer, forward and backward."
    write_json(en_path, nb)
    assert sync.main([]) == 1
    assert "(English cells without a translation: m1-moved)" in capsys.readouterr().out
    assert sync.main(["--relink", "03_layers:m1=m1-moved"]) == 0
    assert sync.main([]) == 0
    assert "1 Markdown cell(s) outdated: m1-moved" in capsys.readouterr().out
    assert markdown_of(ja_path)["m1-moved"] == "乗算レイヤ。"
    assert sync.main(["--accept", "03_layers:m1-moved"]) == 0 and sync.main(["--check"]) == 0


@pytest.mark.parametrize("spec,message", [
    ("03_layers:nothere=m1", "the ja edition of 03_layers has no Markdown cell 'nothere'"),
    ("03_layers:m1=m2", "the English edition still has a cell 'm1': that translation is no orphan"),
    ("03_layers:m1", "give <notebook name without .ipynb>:<old ja cell id>=<new English cell id>"),
    ("04_other:m1=m2", "no notebook '04_other' in both editions"),
])
def test_relink_refuses_what_it_cannot_do(sync, capsys, spec, message):
    _, ja_path = translated_pair(sync)
    before = ja_path.read_bytes()
    assert sync.main(["--relink", spec]) == 2
    assert message in capsys.readouterr().err and ja_path.read_bytes() == before


def test_relink_never_overwrites_a_translation_of_its_own(sync, capsys):
    en_path, ja_path = translated_pair(sync)
    nb = json.loads(en_path.read_text())
    nb["cells"] = [c for c in nb["cells"] if c["id"] != "m1"]
    write_json(en_path, nb)
    before = ja_path.read_bytes()
    assert sync.main(["--relink", "03_layers:m1=m2"]) == 2
    assert "the ja cell 'm2' holds text of its own: merge the two by hand" in capsys.readouterr().err
    assert ja_path.read_bytes() == before


def test_two_cells_with_the_same_text_keep_their_translations_in_order(sync):
    cells = [md("a", "**Check.**"), code("c", "x = 1"), md("b", "**Check.**")]
    en_path, ja_path = translated_pair(sync, cells=cells)
    nb = json.loads(ja_path.read_text())
    nb["cells"][0]["source"], nb["cells"][2]["source"] = "**確認 1。**", "**確認 2。**"
    write_json(ja_path, nb)
    renumbered(en_path, {"a": "a2", "b": "b2"})
    assert sync.main([]) == 0
    assert markdown_of(ja_path) == {"a2": "**確認 1。**", "b2": "**確認 2。**"}


def test_a_markdown_cell_turned_into_code_leaves_its_translation_listed(sync, capsys):
    en_path, ja_path = translated_pair(sync)
    nb = json.loads(en_path.read_text())
    nb["cells"][3] = code("m2", "print('now code')")
    write_json(en_path, nb)
    assert sync.main([]) == 1 and "ja cell m2: 加算レイヤ。" in capsys.readouterr().out


def test_an_unaccepted_translation_of_a_moved_cell_is_kept_not_lost(sync, capsys):
    """Without translated_from there is no hash to match: the cell is listed, never dropped."""
    en_path, ja_path = translated_pair(sync)
    nb = json.loads(ja_path.read_text())
    del nb["cells"][2]["metadata"]["translated_from"]
    write_json(ja_path, nb)
    renumbered(en_path, {"m1": "m1-new"})
    before = ja_path.read_bytes()
    assert sync.main([]) == 1 and "ja cell m1: 乗算レイヤ。" in capsys.readouterr().out
    assert ja_path.read_bytes() == before


def test_a_code_cell_only_the_ja_edition_has_is_listed_not_deleted(sync, capsys):
    en_path, ja_path = translated_pair(sync)
    nb = json.loads(ja_path.read_text())
    nb["cells"].insert(2, code("ja-only", "print('日本語版だけのセル')"))
    write_json(ja_path, nb)
    before = ja_path.read_bytes()
    assert sync.main([]) == 1
    out = capsys.readouterr().out
    assert "ja cell ja-only (code, only in the ja edition: add it to the English notebook, or drop it): print('日本語版だけのセル')" in out
    assert ja_path.read_bytes() == before
    assert sync.main(["--drop-orphans"]) == 0 and "ja-only" not in ja_path.read_text()


def test_a_code_cell_pasted_in_english_with_a_new_id_is_no_orphan(sync):
    en_path, ja_path = translated_pair(sync)
    renumbered(en_path, {"c1": "c1-pasted"})
    assert sync.main([]) == 0
    assert [c["id"] for c in json.loads(ja_path.read_text())["cells"]][1] == "c1-pasted"


def test_new_and_edited_english_cells_are_listed_missing_and_outdated(sync, capsys):
    en_path, ja_path = translated_pair(sync)
    nb = json.loads(en_path.read_text())
    nb["cells"].insert(1, md("new", "A new paragraph with a figure ![f](../figures/x.svg)."))
    nb["cells"][3]["source"] = "A multiplication layer, edited."
    write_json(en_path, nb)
    assert sync.main([]) == 0
    out = capsys.readouterr().out
    assert "1 Markdown cell(s) missing: new" in out and "1 Markdown cell(s) outdated: m1" in out
    assert markdown_of(ja_path)["new"] == "A new paragraph with a figure ![f](../../figures/ja/x.svg)."
    assert sync.main(["--check"]) == 1


def test_code_changes_are_copied_and_check_sees_them_first(sync, capsys):
    en_path, ja_path = translated_pair(sync)
    assert sync.main(["--check"]) == 0
    nb = json.loads(en_path.read_text())
    nb["cells"][1] = code("c1", "x = 10", ["10\n"])
    write_json(en_path, nb)
    assert sync.main(["--check"]) == 1
    assert "the ja edition's code, outputs or cell order differ from en" in capsys.readouterr().out
    assert sync.main([]) == 0 and sync.main(["--check"]) == 0
    assert json.loads(ja_path.read_text())["cells"][1] == nb["cells"][1]


def test_the_ja_files_permissions_are_kept(sync):
    en_path, ja_path = translated_pair(sync)
    ja_path.chmod(0o644)
    nb = json.loads(en_path.read_text())
    nb["cells"][1]["source"] = "x = 3"
    write_json(en_path, nb)
    assert sync.main([]) == 0
    assert stat.S_IMODE(ja_path.stat().st_mode) == 0o644 and json.loads(ja_path.read_text())["cells"][1]["source"] == "x = 3"
    assert sorted(p.name for p in sync.JA.iterdir()) == ["03_layers.ipynb"]


def test_a_ja_notebook_that_is_a_symbolic_link_is_not_written_through(sync, tmp_path, capsys):
    en_path, ja_path = translated_pair(sync)
    target = tmp_path / "elsewhere.ipynb"
    ja_path.rename(target)
    ja_path.symlink_to(target)
    before = target.read_bytes()
    nb = json.loads(en_path.read_text())
    nb["cells"][1]["source"] = "x = 3"
    write_json(en_path, nb)
    assert sync.main([]) == 2
    assert "is a symbolic link" in capsys.readouterr().err
    assert target.read_bytes() == before and ja_path.is_symlink()


@pytest.mark.parametrize("argv,message", [
    (["--bogus"], "unrecognized arguments: --bogus"),
    (["--check", "--drop-orphans"], "--drop-orphans goes with a sync only"),
    (["--accept"], "expected at least one argument"),
    (["99"], "no notebook in"),
    (["03", "99"], "starts with '99'"),
    (["--accept", "03_layers"], "give <notebook name without .ipynb>:<cell id>"),
    (["--accept", "03_layers:nothere"], "03_layers has no Markdown cell with id 'nothere' in both editions"),
    (["--accept", "07_x:m1"], "no notebook '07_x' in both editions"),
    (["--accept", "03_layers:c1"], "03_layers has no Markdown cell with id 'c1'"),
])
def test_usage_errors_exit_2_and_change_nothing(sync, capsys, argv, message):
    en_path, ja_path = translated_pair(sync)
    nb = json.loads(en_path.read_text())
    nb["cells"][1]["source"] = "x = 3"  # a sync would change the ja file
    write_json(en_path, nb)
    before = ja_path.read_bytes()
    assert exit_code(sync.main, argv) == 2
    assert message in capsys.readouterr().err
    assert ja_path.read_bytes() == before


def exit_code(main, argv):
    """main(argv)'s return value, or the code of the SystemExit that argparse raises."""
    try:
        return main(argv)
    except SystemExit as error:
        return error.code


def test_accept_refuses_a_cell_that_is_still_in_english(sync, capsys):
    en_path, ja_path = translated_pair(sync)
    nb = json.loads(en_path.read_text())
    nb["cells"].append(md("m4", "A new closing paragraph."))
    write_json(en_path, nb)
    sync.main([])
    capsys.readouterr()
    assert sync.main(["--accept", "03_layers:m4"]) == 2
    assert "the ja cell still holds the English text: translate it first" in capsys.readouterr().err


def test_a_notebook_named_by_its_path_is_synced(sync):
    en_path, ja_path = translated_pair(sync)
    translated_pair(sync, name="04_more.ipynb")
    for path in (en_path, sync.HERE / "04_more.ipynb"):
        nb = json.loads(path.read_text())
        nb["cells"][1]["source"] = "x = 3"
        write_json(path, nb)
    assert sync.main([str(ja_path)]) == 0
    assert json.loads(ja_path.read_text())["cells"][1]["source"] == "x = 3"
    assert json.loads((sync.JA / "04_more.ipynb").read_text())["cells"][1]["source"] == ["x = 1"]


def damage(path, how):
    content = path.read_text(encoding="utf-8")
    if how == "truncated":
        path.write_text(content[: len(content) // 2], encoding="utf-8")
    elif how == "conflict":
        lines = content.splitlines(keepends=True)
        lines[5:5] = ["<<<<<<< HEAD\n", '  "x": 1,\n', "=======\n", '  "x": 2,\n', ">>>>>>> other\n"]
        path.write_text("".join(lines), encoding="utf-8")
    elif how == "not utf-8":
        path.write_bytes(content.encode("utf-8").replace("レイヤ".encode(), b"\xff\xfe", 1))
    elif how == "a list":
        path.write_text("[1, 2, 3]\n")
    elif how == "no ids":
        nb = json.loads(content)
        for cell in nb["cells"]:
            del cell["id"]
        write_json(path, nb)
    elif how == "duplicate ids":
        nb = json.loads(content)
        nb["cells"][2]["id"] = nb["cells"][0]["id"]
        write_json(path, nb)
    elif how == "odd source":
        nb = json.loads(content)
        nb["cells"][0]["source"] = {"not": "text"}
        write_json(path, nb)
    elif how == "nbformat 3":
        nb = json.loads(content)
        nb["nbformat"] = 3
        write_json(path, nb)


@pytest.mark.parametrize("edition", ["en", "ja"])
@pytest.mark.parametrize("how,message", [
    ("truncated", r"not valid JSON: .* at line \d+, column \d+; repair it \(git diff shows what changed\) or restore it from git"),
    ("conflict", r"not valid JSON: .* at line 6, column \d+; line 6 holds a merge-conflict marker: resolve the conflict first"),
    ("not utf-8", r"not UTF-8 text \(byte \d+\), so not a notebook"),
    ("a list", r"valid JSON, but not a notebook \(no list of cells\)"),
    ("no ids", r"cell 0 has no cell id \(nbformat 4.5 gives every cell one\): open and save the notebook in JupyterLab"),
    ("duplicate ids", r"cells 0 and 2 have the same id 't'"),
    ("odd source", r"cell 0: its source is neither text nor a list of lines"),
    ("nbformat 3", r"nbformat 3, this script syncs nbformat 4"),
])
def test_a_damaged_notebook_is_named_with_what_is_wrong(sync, capsys, edition, how, message):
    en_path, ja_path = translated_pair(sync)
    other_en, other_ja = translated_pair(sync, name="04_more.ipynb")
    nb = json.loads(other_en.read_text())
    nb["cells"][1]["source"] = "x = 3"
    write_json(other_en, nb)
    if how == "not utf-8" and edition == "en":
        en_path.write_bytes(en_path.read_bytes().replace(b"Layers", b"\xff\xfe", 1))
    else:
        damage(en_path if edition == "en" else ja_path, how)
    damaged = en_path if edition == "en" else ja_path
    before = {p: p.read_bytes() for p in (en_path, ja_path)}
    assert sync.main([]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"sync_ja.py: {damaged}") and len(err.splitlines()) == 1
    assert re.search(message, err), err
    assert {p: p.read_bytes() for p in (en_path, ja_path)} == before
    assert json.loads(other_ja.read_text())["cells"][1]["source"] == "x = 3"  # the others are still synced


def test_a_pipe_in_place_of_a_ja_notebook_is_refused_without_blocking(sync, capsys):
    en_path, ja_path = translated_pair(sync)
    ja_path.unlink()
    os.mkfifo(ja_path)
    result = []
    thread = threading.Thread(target=lambda: result.append(sync.main([])), daemon=True)
    thread.start()
    thread.join(timeout=60)
    assert result == [2], "sync_ja blocked on a pipe"
    assert "03_layers.ipynb is a named pipe (FIFO), not a notebook" in capsys.readouterr().err


def test_check_lists_a_ja_notebook_without_an_english_one(sync, capsys):
    translated_pair(sync)
    (sync.JA / "99_gone.ipynb").write_text("{}")
    assert sync.main(["--check"]) == 1
    assert "ja/99_gone.ipynb: no English notebook of that name" in capsys.readouterr().out


# --- run_notebooks ------------------------------------------------------------------------------

def notebook_file(path, *sources, mode=0o644):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    for number, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{number}"
    nbformat.write(nb, path)
    path.chmod(mode)
    return path


@pytest.fixture
def runner(tmp_path):
    """Runs notebooks/run_notebooks.py in a child process, its kernels' files in a fresh TMPDIR."""
    tmpdir, runtime = tmp_path / "tmpdir", tmp_path / "runtime"
    tmpdir.mkdir()
    runtime.mkdir()
    env = {**os.environ, "TMPDIR": str(tmpdir), "JUPYTER_RUNTIME_DIR": str(runtime), "MNIST_DIR": ""}

    def start(*args):
        return subprocess.Popen([sys.executable, str(NOTEBOOKS / "run_notebooks.py"), *map(str, args)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path,
                                preexec_fn=interruptible)

    def run(*args):
        child = start(*args)
        out, err = child.communicate(timeout=300)
        return child.returncode, out, err
    run.start = start
    run.kernel_files = lambda: sorted(p.name for p in [*tmpdir.iterdir(), *runtime.iterdir()])
    return run


def test_failures_are_named_their_notebooks_left_unchanged_and_the_run_goes_on(runner, tmp_path):
    """Three failures and a success in one run (each run starts a child process, and
    importing nbclient takes seconds here): a cell that raises, a kernel that dies, a cell
    over the timeout; the last notebook is written with its outputs, its mode kept."""
    bad = notebook_file(tmp_path / "a_bad.ipynb", "print('fine')", "raise ValueError('the learning rate is negative')", "print('never')")
    dies = notebook_file(tmp_path / "b_dies.ipynb", "x = 1", "import os\nos._exit(3)")
    slow = notebook_file(tmp_path / "c_slow.ipynb", "import threading\nthreading.Event().wait()")
    good = notebook_file(tmp_path / "d_good.ipynb", "print(6 * 7)", "x = 1", mode=0o664)
    before = {path: path.read_bytes() for path in (bad, dies, slow)}
    code, out, err = runner("--timeout", "5", bad, dies, slow, good)
    assert code == 1
    lines = err.splitlines()
    assert "run_notebooks.py: a_bad.ipynb: failed at cell 1 (id cell-1): ValueError: the learning rate is negative" in lines
    assert "    raise ValueError('the learning rate is negative')" in lines
    assert any(line.startswith("run_notebooks.py: b_dies.ipynb: failed at cell 1 (id cell-1): the kernel died") for line in lines)
    assert "run_notebooks.py: c_slow.ipynb: failed at cell 0 (id cell-0): the cell did not finish within 5 s" in lines
    assert "3 failed (unchanged): a_bad.ipynb, b_dies.ipynb, c_slow.ipynb" in out and "d_good.ipynb" in out
    assert {path: path.read_bytes() for path in before} == before
    nb = nbformat.read(good, as_version=4)  # the run went on
    assert nb.cells[0].outputs[0]["text"] == "42\n" and nb.cells[1].execution_count == 2
    assert stat.S_IMODE(good.stat().st_mode) == 0o664 and "d_good.ipynb" in out.splitlines()[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_bad.ipynb", "b_dies.ipynb", "c_slow.ipynb",
                                                          "d_good.ipynb", "runtime", "tmpdir"]
    assert runner.kernel_files() == []


@pytest.mark.parametrize("sig,status,word", [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")])
def test_ctrl_c_or_sigterm_stops_the_kernel_removes_its_files_and_exits(runner, tmp_path, sig, status, word):
    marker = tmp_path / "kernel-pid"
    path = notebook_file(tmp_path / "long.ipynb", "x = 1",
                         f"import os, threading\nopen({str(marker)!r}, 'w').write(str(os.getpid()))\n"
                         "threading.Event().wait()")
    before = path.read_bytes()
    child = runner.start(path)
    try:
        while not (marker.exists() and marker.read_text()):  # the kernel is inside cell 1
            assert child.poll() is None, child.communicate()
            threading.Event().wait(0.05)
        kernel = int(marker.read_text())
        assert len(runner.kernel_files()) == 1  # its connection file
        child.send_signal(sig)
        out, err = child.communicate(timeout=120)
    finally:
        child.kill()
        child.wait()
    assert child.returncode == status
    assert err.splitlines() == [f"run_notebooks.py: long.ipynb: {word} at cell 1 (id cell-1); the kernel is "
                                "stopped and the notebook unchanged"]
    assert "Traceback" not in out + err and path.read_bytes() == before
    assert runner.kernel_files() == []
    assert not Path(f"/proc/{kernel}").exists() or "zombie" in Path(f"/proc/{kernel}/status").read_text()


@pytest.mark.parametrize("argv,message", [(["--bogus"], "unrecognized arguments: --bogus"),
                                          (["99"], "no notebook in"),
                                          (["01", "99"], "starts with '99'"),
                                          (["--timeout", "soon"], "invalid float value: 'soon'")])
def test_run_notebooks_usage_errors_exit_2_before_any_kernel(runner, argv, message):
    code, out, err = runner(*argv)
    assert code == 2 and message in err and out == ""
    assert runner.kernel_files() == []


@pytest.mark.parametrize("content,message", [
    ('{"cells": [', r"broken.ipynb: not valid JSON: Expecting value at line 1, column 12"),
    ("", r"broken.ipynb: not valid JSON: Expecting value at line 1, column 1"),
    ("[1, 2]", r"broken.ipynb: cannot be read as a notebook: valid JSON, but not a notebook \(no list of cells\)"),
    ('{"cells": "none"}', r"broken.ipynb: cannot be read as a notebook: valid JSON, but not a notebook"),
    ('{"cells": [{"source": 3}], "nbformat": 4, "nbformat_minor": 5, "metadata": {}}', r"broken.ipynb: cannot be read as a notebook: \w+Error: "),
    (b"\xff\xfe{}", r"broken.ipynb: cannot be read as a notebook: 'utf-8' codec can't decode"),
])
def test_a_damaged_notebook_is_named_and_no_kernel_started(tmp_path, monkeypatch, capsys, content, message):
    """In this process (the child's nbformat import alone takes seconds here); a kernel start
    would need a cell to run, and none is reached."""
    run_notebooks = load_tool("run_notebooks")
    monkeypatch.setattr(run_notebooks, "reproducible_env", dict)
    path = tmp_path / "broken.ipynb"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    before = path.read_bytes()
    assert run_notebooks.main([str(path)]) == 1
    assert re.search(message, capsys.readouterr().err)
    assert path.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["broken.ipynb"]


def test_a_pipe_in_place_of_a_notebook_is_refused_without_blocking(tmp_path):
    run_notebooks = load_tool("run_notebooks")
    os.mkfifo(tmp_path / "pipe.ipynb")
    with pytest.raises(run_notebooks.RunFailed, match=r"pipe.ipynb: cannot be read as a notebook: .* is a named pipe \(FIFO\)"):
        run_notebooks.read_notebook(tmp_path / "pipe.ipynb")


def test_a_notebook_that_needs_the_full_set_is_not_run_on_the_subset(tmp_path, monkeypatch):
    """Its stored outputs must come from the full set: where that cannot be had, it is not run."""
    run_notebooks = load_tool("run_notebooks")
    monkeypatch.setattr(run_notebooks, "full_mnist_missing",
                        lambda: "needs the full MNIST set: set MNIST_DIR to a folder with the four original files")
    path = notebook_file(tmp_path / "07.ipynb", "print(1)")
    nb = nbformat.read(path, as_version=4)
    nb.metadata["backprop"] = {"needs_full_mnist": True}
    nbformat.write(nb, path)
    before = path.read_bytes()
    with pytest.raises(run_notebooks.RunFailed, match=r"07.ipynb: not run: it needs the full MNIST set: set MNIST_DIR"):
        run_notebooks.execute(path)
    nb.metadata.pop("backprop")
    nb.cells[0].metadata["tags"] = ["needs-full-mnist"]
    nbformat.write(nb, path)
    before = path.read_bytes()
    with pytest.raises(run_notebooks.RunFailed, match="not run: it needs the full MNIST set"):
        run_notebooks.execute(path)
    assert path.read_bytes() == before


@pytest.mark.parametrize("given,expected", [("~/mnist", "{home}/mnist"), ("data/mnist", "{cwd}/data/mnist"),
                                            ("/abs/mnist", "/abs/mnist")])
def test_mnist_dir_reaches_the_kernels_absolute(tmp_path, monkeypatch, given, expected):
    run_notebooks = load_tool("run_notebooks")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MNIST_DIR", given)
    assert run_notebooks.reproducible_env()["MNIST_DIR"] == expected.format(home=tmp_path / "home", cwd=tmp_path)


def test_a_notebook_that_is_a_symbolic_link_is_not_run(tmp_path):
    run_notebooks = load_tool("run_notebooks")
    real = notebook_file(tmp_path / "real.ipynb", "print(1)")
    (tmp_path / "link.ipynb").symlink_to(real)
    before = real.read_bytes()
    with pytest.raises(run_notebooks.RunFailed, match=r"link.ipynb: is a symbolic link \(to .*real.ipynb\): not run, as it could not be written back; run the notebook it points to"):
        run_notebooks.execute(tmp_path / "link.ipynb")
    assert real.read_bytes() == before


def test_a_notebook_that_ran_but_cannot_be_written_is_reported_and_unchanged(tmp_path, monkeypatch):
    """The write is refused after the run (here: the folder became read-only, simulated)."""
    import common.params_file
    run_notebooks = load_tool("run_notebooks")
    path = notebook_file(tmp_path / "nb.ipynb", "print(1)")
    before = path.read_bytes()

    def denied(path):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(common.params_file, "_create_temporary", denied)
    with pytest.raises(run_notebooks.RunFailed, match=rf"nb.ipynb: ran, but could not be written back, so it is unchanged: {path} cannot be written \(Permission denied\): make {tmp_path} writable"):
        run_notebooks.execute(path)
    assert path.read_bytes() == before
