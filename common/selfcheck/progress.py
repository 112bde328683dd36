"""What each check said in this kernel, for the progress cell at the end of a notebook.

Every check records its verdict under the name of what it checked (the learner's class or
function, its first argument, or name=...). A check cell that runs on the hidden solution
passes solution=True, so the progress table keeps the learner's own verdict apart.
"""
import functools

from common.selfcheck.core import NOT_DONE, PASS, name_of

_verdicts = {}  # name -> {"yours": status, "solution": status}


def graded(check):
    """Wrap a check so that it records its verdict; adds the keyword solution=False."""
    @functools.wraps(check)
    def recorded(*args, solution=False, **kwargs):
        result = check(*args, **kwargs)
        key = kwargs.get("name") or (name_of(args[0]) if args else result.name)
        _verdicts.setdefault(key, {})["solution" if solution else "yours"] = result.status
        return result
    return recorded


class Progress:
    """A table of exercises and their state in this kernel; displays as text."""

    def __init__(self, rows):
        self.rows = rows  # (name, your state, solution state)

    def __repr__(self):
        width = max((len(n) for n, _, _ in self.rows), default=8)
        lines = ["Your exercises in this kernel (run their check cells to update):"]
        for name, yours, solution in self.rows:
            line = f"  {name:<{width}}  yours: {yours:<13}"
            lines.append(line + (f"  solution: {solution}" if solution else ""))
        done = sum(yours == PASS for _, yours, _ in self.rows)
        lines.append(f"{done} of {len(self.rows)} passed by your own code.")
        return "\n".join(lines)

    @property
    def passed(self):
        return [name for name, yours, _ in self.rows if yours == PASS]


def progress(*names):
    """The state of each named exercise in this kernel: PASS, FAIL, NOT DONE YET (its check ran on
    the skeleton) or not checked (its check cell has not run), and whether the solution's check ran."""
    rows = []
    for name in names:
        seen = _verdicts.get(name, {})
        yours = seen.get("yours", "not checked")
        rows.append((name, "not done" if yours == NOT_DONE else yours, seen.get("solution", "")))
    return Progress(rows)


def forget():
    """Clear every recorded verdict (for tests)."""
    _verdicts.clear()
