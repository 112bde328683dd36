"""The stored notebooks are sound, so that nbval checks something real:
executed in order, every code cell with output, no errors, warnings, memory
addresses or SVG, and the series' conventions (GUIDE section 3)."""
import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("[0-9][0-9]*_*.ipynb"))
ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{6,16}\b")
WIDGET = "application/vnd.jupyter.widget-view+json"


def text_of(output):
    if output.get("output_type") == "stream":
        return "".join(output.get("text", ""))
    data = output.get("data", {})
    return "".join(data.get("text/plain", "")) + "".join(data.get("text/html", ""))


def source(cell):
    return "".join(cell.get("source", ""))


def problems_of(nb):
    """Every way the stored notebook nb (a dict) breaks the rules, as sentences."""
    problems = []
    cells = nb.get("cells", [])
    code = [(i, c) for i, c in enumerate(cells) if c["cell_type"] == "code" and source(c).strip()]
    for expected, (i, cell) in enumerate(code, start=1):
        where = f"code cell {i}"
        tags = cell.get("metadata", {}).get("tags", [])
        if cell.get("execution_count") != expected:
            problems.append(f"{where}: execution count {cell.get('execution_count')}, expected {expected}")
        outputs = cell.get("outputs", [])
        if not outputs:
            problems.append(f"{where}: no stored output (nbval would check nothing)")
        for out in outputs:
            if out.get("output_type") == "error" and "raises-exception" not in tags:
                problems.append(f"{where}: stores an error {out.get('ename')}")
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                problems.append(f"{where}: writes to stderr: {text_of(out)[:60]!r}")
            if ADDRESS.search(text_of(out)):
                problems.append(f"{where}: prints a memory address")
            if "image/svg+xml" in out.get("data", {}):
                problems.append(f"{where}: emits SVG")
        if "raises-exception" in tags and not any(o.get("output_type") == "error" for o in outputs):
            problems.append(f"{where}: tagged raises-exception but raises nothing")
        if "nbval-ignore-output" in tags:
            shows_widget = any(WIDGET in o.get("data", {}) for o in outputs)
            later = [c for j, c in code if j > i]
            if not shows_widget or not later or "nbval-ignore-output" in later[0].get("metadata", {}).get("tags", []):
                problems.append(f"{where}: nbval-ignore-output is only for a widget display cell followed by a checked cell")
        if "sys.path" in source(cell):
            problems.append(f"{where}: edits sys.path")
    if code:
        first = source(code[0][1])
        if "seed" not in first or "set_printoptions" not in first:
            problems.append("the first code cell must fix a seed and call np.set_printoptions")
    if not cells or cells[0]["cell_type"] != "markdown" or "learn" not in source(cells[0]).lower():
        problems.append("the first cell must say what the reader will learn")
    markdown = [source(c) for c in cells if c["cell_type"] == "markdown"]
    summary = [i for i, m in enumerate(markdown) if re.search(r"^## Summary", m, re.M)]
    after = "\n".join(markdown[summary[-1]:]) if summary else ""
    exercises = after.split("## Exercises", 1)[1] if "## Exercises" in after else ""
    if not summary or len(re.findall(r"^\d+\. ", exercises, re.M)) < 2:
        problems.append("the notebook must end with a Summary and an Exercises section of at least 2 numbered items")
    problems += exercise_problems(cells)
    return problems


def tags_of(cell):
    return cell.get("metadata", {}).get("tags", [])


def shown(cell):
    """The text a code cell's outputs show."""
    return "".join(text_of(o) for o in cell.get("outputs", []))


FORMULA = re.compile(r"\*|@|\.T\b|np\.|\(1 ?- |/ ?N\b|sum\(|exp\(|\*\*|mask|dout|\bdx\b|\bdW\b")
RAISE_MESSAGE = re.compile(r"NotImplementedError\((['\"])(.*?)\1", re.S)
DETAILS = re.compile(r"<details[^>]*>\s*<summary>(.*?)</summary>(.*?)</details>", re.S)


def exercise_problems(cells):
    """The "your turn" pattern (notebooks/CONTRIBUTING.md): a skeleton cell (tag exercise) that raises
    NotImplementedError with a message that is no formula, a check cell (tag check) showing NOT DONE YET,
    at least one hint cell (tag hint), a solution cell (tag solution) hidden by default whose first line is a
    short comment, then the same check with solution=True showing PASS. Hints and worked answers (tag answer)
    sit inside <details> elements, so that Run All in JupyterLab leaves them closed. At least three graded
    exercises per notebook, and the last code cell shows progress(...) for all of them."""
    problems = []
    code = [c for c in cells if c["cell_type"] == "code"]
    solutions = 0
    for cell in cells:
        tags = tags_of(cell)
        where = cell.get("id")
        if cell["cell_type"] == "markdown" and ({"hint", "answer"} & set(tags)):
            found = DETAILS.findall(source(cell))
            if not found:
                problems.append(f"{'/'.join(tags)} cell {where}: put its content inside <details><summary>...</summary>"
                                " ... </details>")
            for summary, _ in found:
                if len(summary) > 40 or "$" in summary:
                    problems.append(f"{'/'.join(tags)} cell {where}: its summary must be a short label, not the answer")
            if cell.get("metadata", {}).get("jupyter", {}).get("source_hidden"):
                problems.append(f"{'/'.join(tags)} cell {where}: not source_hidden (Run All would open it): "
                                "<details> keeps it closed")
    for k, cell in enumerate(code):
        tags = tags_of(cell)
        following = code[k + 1] if k + 1 < len(code) else None
        where = cell.get("id")
        if "exercise" in tags:
            if "raise NotImplementedError" not in source(cell):
                problems.append(f"exercise cell {where}: the skeleton must raise NotImplementedError")
            for _, message in RAISE_MESSAGE.findall(source(cell)):
                if FORMULA.search(message):
                    problems.append(f"exercise cell {where}: the raise message looks like the answer: {message[:50]!r}")
            if following is None or "check" not in tags_of(following) or "NOT DONE YET" not in shown(following):
                problems.append(f"exercise cell {where}: must be followed by a check cell showing NOT DONE YET")
        if "solution" in tags:
            solutions += 1
            first = source(cell).lstrip().splitlines()[0] if source(cell).strip() else ""
            if not cell.get("metadata", {}).get("jupyter", {}).get("source_hidden"):
                problems.append(f"solution cell {where}: must be hidden (metadata jupyter.source_hidden)")
            if not first.startswith("#") or len(first) > 60 or "=" in first:
                problems.append(f"solution cell {where}: its first line shows when collapsed: make it a short "
                                "comment such as '# Solution'")
            if following is None or "check" not in tags_of(following) or not shown(following).startswith("PASS") \
                    or "solution=True" not in source(following):
                problems.append(f"solution cell {where}: must be followed by its check with solution=True, showing PASS")
    ids = [c.get("id") for c in cells]
    for k, cell in enumerate(cells):
        if "solution" in tags_of(cell):
            before = cells[:k]
            last_exercise = max((j for j, c in enumerate(before) if "exercise" in tags_of(c)), default=None)
            if last_exercise is None or not any("hint" in tags_of(c) for c in before[last_exercise:]):
                problems.append(f"solution cell {ids[k]}: give at least one hint cell (tag hint) before it")
    if solutions < 3:
        problems.append(f"the notebook has {solutions} graded exercise(s) with a solution; at least 3 are needed")
    last = code[-1] if code else None
    if last is None or "progress(" not in source(last) or shown(last).count("yours:") < solutions:
        problems.append("the last code cell must show progress(...) for every exercise of the notebook")
    return problems


def test_there_are_notebooks():
    prefixes = [p.name.split("_")[0] for p in NOTEBOOKS]
    assert prefixes[:8] == ["01", "02", "03", "04", "05", "06", "06b", "07"]
    assert len(set(prefixes)) == len(prefixes), "two notebooks share a number"


def test_the_series_has_at_least_35_graded_exercises():
    total = sum(sum("solution" in tags_of(c) for c in json.loads(p.read_text(encoding="utf-8"))["cells"])
                for p in NOTEBOOKS)
    assert total >= 35, f"{total} graded exercises in the series"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_notebook_is_sound(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert problems_of(nb) == []
    assert nb["metadata"]["kernelspec"]["name"] == "python3"


def test_the_checker_catches_what_it_should():
    def code(count, outputs, tags=()):
        return {"cell_type": "code", "source": "x", "execution_count": count, "outputs": outputs,
                "metadata": {"tags": list(tags)}}
    stream = {"output_type": "stream", "name": "stdout", "text": "1"}
    nb = {"cells": [{"cell_type": "markdown", "source": "no intro"},
                    code(1, [stream]), code(3, []), code(None, [stream]),
                    code(4, [{"output_type": "error", "ename": "ValueError"}]),
                    code(5, [{"output_type": "stream", "name": "stderr", "text": "Warning"}]),
                    code(6, [{"output_type": "execute_result", "data": {"text/plain": "<f at 0x7f3a2b1c9d00>"}}]),
                    code(7, [stream], tags=["nbval-ignore-output"])]}
    found = "\n".join(problems_of(nb))
    for expected in ("execution count 3, expected 2", "no stored output", "execution count None",
                     "stores an error ValueError", "writes to stderr", "memory address",
                     "only for a widget display cell", "fix a seed", "what the reader will learn",
                     "Summary and an Exercises section", "at least 3 are needed", "progress(...)"):
        assert expected in found


def test_a_relative_mnist_dir_reaches_the_kernels_as_an_absolute_path(monkeypatch, tmp_path):
    import importlib.util
    spec = importlib.util.spec_from_file_location("run_notebooks", NOTEBOOKS[0].parent / "run_notebooks.py")
    run_notebooks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run_notebooks)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MNIST_DIR", "../data/mnist")
    env = run_notebooks.reproducible_env()
    assert env["MNIST_DIR"] == str((tmp_path / "../data/mnist").resolve())
    assert env["PYTHONHASHSEED"] == "0" and env["OPENBLAS_NUM_THREADS"] == "1"
