"""The project's own promises: CI runs the README's test command, no sys.path edits."""
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_has_one_test_command_that_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- test-command -->\n```bash\n(.+?)\n```", readme, re.S)
    assert block and "\n" not in block.group(1)
    assert "--nbval " in block.group(1) + " " and "--nbval-lax" not in block.group(1)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "test-command" in ci and "eval" in ci


def test_no_sys_path_append_anywhere():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    offenders = [name for name in tracked if name.endswith((".py", ".ipynb"))
                 and "sys.path.append" in (ROOT / name).read_text(encoding="utf-8")
                 and name != "tests/test_project.py"]
    assert not offenders


def test_requirements_end_with_the_project_itself():
    lines = [line for line in (ROOT / "requirements.txt").read_text().splitlines() if line.strip()]
    assert lines[-1] == "-e ."
    assert all(re.search(r">=\d", line) for line in lines[:-1]), "every requirement has a lower bound"
