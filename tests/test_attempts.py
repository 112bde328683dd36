"""A learner's attempts at every exercise, replayed through the notebooks' own check calls
(tests/attempts/NN.py, one file per notebook): each correct alternative must PASS and each
typical wrong attempt must FAIL, and no attempt may make a check raise. This is issue 21's
measure of the judge: how many attempts it judges right."""
import ast
import importlib.util
import warnings
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).resolve().parent / "attempts"


def attempt_files():
    return sorted(HERE.glob("[0-9][0-9]*.py"))


def load(path):
    spec = importlib.util.spec_from_file_location(f"attempts_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.ATTEMPTS


CASES = [(path.stem, *attempt) for path in attempt_files() for attempt in load(path)]


def replay(code, check):
    """Run the learner's code, then the check cell, in one fresh namespace; return the verdict."""
    namespace = {"__name__": "__main__"}
    body = ast.parse(check)
    last = body.body.pop()
    if not isinstance(last, ast.Expr):
        raise AssertionError("the check cell must end with the check call (an expression)")
    np.random.seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a check must not let the learner's warnings out either
        exec(compile(code, "<your code>", "exec"), namespace)
        exec(compile(body, "<check cell>", "exec"), namespace)
        return eval(compile(ast.Expression(last.value), "<check call>", "eval"), namespace)


@pytest.mark.parametrize("notebook, exercise, label, expected, code, check", CASES,
                         ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in CASES])
def test_the_check_judges_the_attempt_right(notebook, exercise, label, expected, code, check):
    result = replay(code, check)
    status = getattr(result, "status", None)
    assert status == expected, f"{notebook} {exercise}: {label}: expected {expected}, got\n{result!r}"


def test_every_notebook_has_attempts_for_every_exercise():
    import json
    notebooks = sorted((HERE.parent.parent / "notebooks").glob("[0-9][0-9]*_*.ipynb"))
    covered = {c[0] for c in CASES}
    missing = [p.name for p in notebooks if p.name.split("_")[0] not in covered]
    assert not missing, f"no attempts for {missing}"
    for path in notebooks:
        nb = json.loads(path.read_text(encoding="utf-8"))
        solutions = sum("solution" in c.get("metadata", {}).get("tags", []) for c in nb["cells"])
        prefix = path.name.split("_")[0]
        exercises = {c[1] for c in CASES if c[0] == prefix}
        assert len(exercises) >= solutions, f"{path.name}: attempts for {len(exercises)} of {solutions} exercises"
        for exercise in exercises:
            kinds = {c[3] for c in CASES if c[0] == prefix and c[1] == exercise}
            assert kinds == {"PASS", "FAIL"}, f"{path.name} {exercise}: needs a correct and a wrong attempt"
