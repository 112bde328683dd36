"""Self-checks of a learner's functions: values (check_values) and hand-derived partial
derivatives (check_gradient)."""
import inspect
import warnings

import numpy as np

from common.gradient import numerical_gradient
from common.selfcheck.core import (
    CheckResult,
    as_numbers,
    compare,
    name_of,
    run,
    short,
    tolerance_of,
    unchanged,
    verdict,
)


def _first_difference(got, expected):
    """' (first difference at (i, j): got a, expected b)' for same-shape arrays of more than 6 values."""
    got, expected = np.asarray(got), np.asarray(expected)
    if got.shape != expected.shape or got.size <= 6 or got.dtype.kind not in "biuf":
        return ""
    far = ~np.isclose(got.astype(np.float64), expected, rtol=1e-9, atol=1e-12)
    if not far.any():
        return ""
    where = np.unravel_index(np.argmax(far), got.shape)
    return f" (first difference at {tuple(map(int, where))}: got {got[where].item()!r}, " \
           f"expected {expected[where].item()!r})"


def _copies(case):
    return tuple(np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in case)


def check_values(function, reference, cases, name=None):
    """function(*case) against reference(*case) for each case (a tuple of arguments), to 1e-9
    relative (1e-5 if function returns float32, and the verdict says so). A tuple, list or
    array of the same numbers counts as the same; an argument changed in place fails."""
    name = name or name_of(function)

    def body():
        problems, low = [], False
        for number, case in enumerate(cases, start=1):
            given = _copies(case)
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                got = run(name, function, *given)
            args = ", ".join(map(short, case))
            if len(args) > 60:  # long arguments: name the case and its shapes, not every number
                args = f"case {number}: " + ", ".join(str(np.shape(a)) if np.ndim(a) else short(a) for a in case)
            changed = [k for k, (a, b) in enumerate(zip(given, case)) if not unchanged(name, a, b, [], "input")]
            if changed:
                problems.append(f"{name}({args}) changed its argument {changed[0] + 1} in place\n    hint: compute "
                                "a new array (x - x.max(), np.exp(x)) instead of writing into the one given "
                                "(x -= x.max()): the caller still needs it")
                continue
            expected = reference(*_copies(case))
            array, problem = as_numbers("the result", got)
            rtol = 1e-5 if array is not None and array.dtype == np.float32 else 1e-9
            low = low or rtol > 1e-9
            same = array is not None and array.shape == np.shape(expected) and \
                bool(np.allclose(array.astype(np.float64), expected, rtol=rtol, atol=1e-12))
            if not same:
                shown = short(got) if array is None or array.shape == np.shape(expected) or array.size <= 6 else \
                    f"shape {array.shape} where {np.shape(expected)} was expected"
                problems.append(f"{name}({args}) gave {shown}, expected {short(expected)}"
                                f"{_first_difference(got, expected)}")
        detail = f"{len(cases)} case{'s' if len(cases) != 1 else ''} compared to " + \
            ("1e-5 (float32)" if low else "1e-9") + ", arguments unchanged"
        return CheckResult(name, detail, problems=problems)
    return verdict(name, body)


def check_gradient(gradient_function, f, points, name=None):
    """gradient_function(*point) -> the partial derivatives of f(*point), one per argument (a tuple,
    list or array), against numerical_gradient of f at each point (a tuple of numbers)."""
    name = name or name_of(gradient_function)
    try:
        arguments = list(inspect.signature(f).parameters)
    except (TypeError, ValueError):
        arguments = []

    def body():
        problems, errors, tolerance = [], {}, tolerance_of()
        for point in points:
            got = run(name, gradient_function, *point)
            label = "at (" + ", ".join(f"{p:g}" for p in point) + ")"
            values = list(got) if isinstance(got, (tuple, list)) else np.ravel(np.asarray(got, dtype=object)).tolist()
            if len(values) != len(point):
                problems.append(f"{label}: returned {len(values)} value(s), expected {len(point)} partial "
                                "derivatives, one per argument of f, in order")
                break
            x = np.array(point, dtype=np.float64)
            reference = numerical_gradient(lambda v: float(f(*v)), x)
            names = arguments if len(arguments) == len(point) else [f"x{k}" for k in range(len(point))]
            for k, (value, expected) in enumerate(zip(values, reference)):
                local, error, partial = [], {}, f"df/d{names[k]}"
                tolerance = max(tolerance, tolerance_of(value))
                if not compare(partial, value, expected, local, error):
                    problems.append(f"{label}: {local[0]}")
                errors[partial] = max(errors.get(partial, 0.0), error.get(partial, 0.0))
            if problems:  # the first point that shows the slip is enough
                break
        compared = f"{len(points)} point{'s' if len(points) != 1 else ''}, every partial derivative against " \
                   "numerical_gradient (h=1e-4)"
        return CheckResult(name, compared, errors, problems, tolerance=tolerance)
    return verdict(name, body)
