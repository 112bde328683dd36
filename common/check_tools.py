"""The machinery behind common.selfcheck: verdicts, safe calls into a learner's
code, comparisons that explain themselves, and a precise numerical reference.

A check never lets an exception from the learner's code escape. It runs each
call through `run`, which turns NotImplementedError into a NOT DONE YET verdict
and any other exception into a FAIL that quotes the learner's line.
"""
import os
import sys
import traceback

import numpy as np

from common.gradient import GRADIENT_CHECK_TOLERANCE as TOLERANCE

PASS, FAIL, NOT_DONE = "PASS", "FAIL", "NOT DONE YET"
_OURS = os.path.dirname(os.path.abspath(__file__))
_LIBRARIES = tuple({os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, os.path.dirname(os.__file__))})


class CheckResult:
    """The verdict of one check; displays as one PASS / FAIL / NOT DONE YET line.

    errors: {what: max relative error} of the comparisons made; problems: what
    went wrong, each a sentence, with a hint line where the cause is recognisable;
    detail: the first line's text (default: what was compared, and the errors).
    """

    def __init__(self, name, errors=None, problems=(), detail=None, status=None, compared=None):
        self.name = name
        self.errors = dict(errors or {})
        self.problems = list(problems)
        self.max_error = max(self.errors.values(), default=0.0)
        self.status = status or (PASS if not self.problems and self.max_error <= TOLERANCE else FAIL)
        self.passed = self.status == PASS
        if detail is None and self.problems:
            detail = f"{len(self.problems)} problem{'s' if len(self.problems) > 1 else ''}, listed below"
        elif detail is None:
            detail = f"max relative error {self.max_error:.1e} (tolerance {TOLERANCE:.0e})"
        self.detail = detail
        listed = ", ".join(f"{k} {v:.1e}" for k, v in self.errors.items())
        self.compared = f"{compared}: {listed}" if compared and listed else compared

    def __repr__(self):
        if self.status == NOT_DONE:
            return f"NOT DONE YET: {self.name}: {self.detail}"
        lines = [f"{self.status} {self.name}: {self.detail}"]
        lines += [f"  {self.compared}"] if self.compared else []
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)

    __str__ = __repr__


class NotDone(Exception):
    """The learner's code still raises NotImplementedError."""


class Failed(Exception):
    """The learner's code failed in a way that stops the check (it raised, or returned nothing usable)."""


def learner_line(error):
    """' (line N: code)' of the innermost frame of the traceback that is the learner's, or ''."""
    frames = traceback.extract_tb(error.__traceback__)
    for frame in reversed(frames):
        path = os.path.realpath(frame.filename)
        if path.startswith(_OURS) or path.startswith(_LIBRARIES):
            continue
        code = (frame.line or "").strip()
        return f" (line {frame.lineno} of your code, in {frame.name}: {code})" if code else \
            f" (line {frame.lineno} of your code, in {frame.name})"
    return ""


def run(what, function, *args, **kwargs):
    """function(*args, **kwargs), with the learner's exceptions turned into verdicts."""
    try:
        return function(*args, **kwargs)
    except NotImplementedError:
        raise NotDone(f"{what} still raises NotImplementedError: write your code there and run this cell again") \
            from None
    except Exception as error:  # noqa: BLE001 - every learner error becomes a FAIL
        message = f"{what} raised {type(error).__name__}: {error}{learner_line(error)}"
        hint = exception_hint(what, error)
        raise Failed(message + (f"\n    hint: {hint}" if hint else "")) from None


def exception_hint(what, error):
    text = str(error)
    if isinstance(error, AttributeError) and "has no attribute" in text:
        attribute = text.split("attribute")[-1].strip(" '\"")
        if what.endswith("backward"):
            return (f"backward reads self.{attribute}, which forward did not set: forward must keep on self "
                    "what backward needs")
        return f"self.{attribute} is used before it is set: set it in __init__ or forward"
    if isinstance(error, ValueError) and ("matmul" in text or "not aligned" in text):
        return "the matrix shapes do not fit: print the shapes of both operands (x.shape, W.shape, dout.shape)"
    return None


def verdict(name, body):
    """Run body() -> CheckResult, turning NotDone and Failed into their verdicts."""
    try:
        return body()
    except NotDone as done:
        return CheckResult(name, status=NOT_DONE, detail=str(done))
    except Failed as failed:
        return CheckResult(name, problems=[str(failed)], status=FAIL, detail="could not be checked")


def relative_errors(actual, expected):
    """Elementwise |a - e| / max(|a| + |e|, floor), where the floor, 1e-4 of the largest |e|,
    keeps an element whose true gradient is almost 0 from being judged on round-off alone."""
    floor = max(1e-8, 1e-4 * float(np.max(np.abs(expected), initial=0.0)))
    return np.abs(actual - expected) / np.maximum(np.abs(actual) + np.abs(expected), floor)


def compare(name, actual, expected, problems, errors, shape_hint=None, n=None):
    """Compare one gradient; append a problem (with a hint) or record its error. Returns True if it matched."""
    if actual is None:
        problems.append(f"{name} is None: was it computed and returned (or stored on self)?")
        return False
    try:
        actual = np.asarray(actual, dtype=np.float64)
    except (TypeError, ValueError):
        problems.append(f"{name} is a {type(actual).__name__}, not an array of numbers")
        return False
    expected = np.asarray(expected, dtype=np.float64)
    if actual.shape != expected.shape:
        hint = (shape_hint and shape_hint(name, actual.shape, expected.shape)) or \
            "a gradient always has the shape of the value it is the gradient of"
        problems.append(f"{name} has shape {actual.shape}, expected {expected.shape}\n    hint: {hint}")
        return False
    if not np.all(np.isfinite(actual)):
        problems.append(f"{name} contains NaN or infinity")
        return False
    error = float(np.max(relative_errors(actual, expected), initial=0.0))
    errors[name] = error
    if error > TOLERANCE:
        hint = value_hint(actual, expected, n)
        problems.append(f"{name} is wrong: max relative error {error:.1e} (tolerance {TOLERANCE:.0e})"
                        + (f"\n    hint: {hint}" if hint else ""))
        return False
    return True


def value_hint(actual, expected, n=None):
    """Recognise a gradient that is a multiple of the right one (sign, batch size)."""
    scale = float(np.sum(expected * expected))
    if scale == 0:
        return None
    k = float(np.sum(actual * expected)) / scale
    if np.max(np.abs(actual - k * expected)) > 1e-6 * np.max(np.abs(expected)):
        return None
    if abs(k) < 1e-12:
        return "it is all zeros"
    if n and n > 1 and np.isclose(k, n):
        return f"it is {n} times too large: divide by the batch size N = {n}"
    if n and n > 1 and np.isclose(k, 1 / n):
        return f"it is {n} times too small: sum over the batch instead of averaging (N = {n})"
    if np.isclose(k, -1):
        return "it has the wrong sign"
    return f"it is {k:.3g} times the right value"


def numerical_reference(forward, x, dout, h=1e-3):
    """d sum(forward() * dout) / dx, where forward() reads x, by a fourth-order central difference.

    The outputs are differenced before they are summed, so the round-off of the
    unchanged outputs cancels exactly; with h = 1e-3 the method's own error is
    about 1e-10 relative for smooth functions, far below TOLERANCE. x is restored.
    """
    grad = np.zeros(x.shape, dtype=np.float64)
    for idx in np.ndindex(x.shape):
        saved = x[idx]
        outs = []
        for step in (2, 1, -1, -2):
            x[idx] = saved + step * h
            outs.append(np.array(forward(), dtype=np.float64))  # a copy: forward may return a view of x
        x[idx] = saved
        grad[idx] = np.sum((8 * (outs[1] - outs[2]) - (outs[0] - outs[3])) / (12 * h) * dout)
    return grad


def away_from_zero(rng, shape, low=0.2, high=2.0):
    """Random float64 values with low <= |x| <= high: no kink or pole within the numerical step."""
    return rng.choice([-1.0, 1.0], size=shape) * rng.uniform(low, high, size=shape)


def unchanged(name, given, copy, problems, what="gradient"):
    """Append a problem if the learner's backward wrote into the gradient array it was given
    (what="gradient"), or its forward into its input (what="input")."""
    if np.array_equal(given, copy, equal_nan=True):
        return
    if what == "gradient":
        problems.append(f"{name} changed the gradient array it was given\n    hint: compute a new array "
                        "(dx = dout * y, np.where(mask, 0, dout)) instead of writing into dout (dout *= y, "
                        "dout[mask] = 0): the same array may be handed to two layers")
    else:
        problems.append(f"{name} changed its input array in place\n    hint: compute a new array "
                        "(np.maximum(x, 0), x * y) instead of writing into x (x[x <= 0] = 0, x *= y): "
                        "the caller still needs its input")
