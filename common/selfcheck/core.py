"""The machinery of the self-checks: verdicts, guarded calls into a learner's code, and
comparisons that explain themselves.

A check never lets an exception from the learner's code escape: every call into it goes
through `run` (or `make`, for a class), which turns NotImplementedError into a NOT DONE YET
verdict and any other exception into a FAIL that quotes the learner's line.
"""
import os
import sys
import traceback

import numpy as np

from common.gradient import FLOAT32_FLOOR, FLOAT32_TOLERANCE, GRADIENT_CHECK_TOLERANCE, relative_errors

PASS, FAIL, NOT_DONE = "PASS", "FAIL", "NOT DONE YET"
_OURS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # common/
_LIBRARIES = tuple({os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, os.path.dirname(os.__file__))})


class CheckResult:
    """The verdict of one check; displays as a PASS / FAIL / NOT DONE YET line.

    compared: what was compared (shown on PASS and FAIL); errors: {what: max relative
    error}; problems: what went wrong, each a short sentence with a hint line where the
    cause is recognisable; tolerance: the one the errors were judged by.
    """

    def __init__(self, name, compared="", errors=None, problems=(), status=None, detail=None,
                 tolerance=GRADIENT_CHECK_TOLERANCE):
        self.name = name
        self.compared = compared
        self.errors = dict(errors or {})
        self.problems = list(problems)
        self.tolerance = tolerance
        self.max_error = max(self.errors.values(), default=0.0)
        self.status = status or (PASS if not self.problems and self.max_error <= tolerance else FAIL)
        self.passed = self.status == PASS
        self.detail = detail

    def __repr__(self):
        if self.status == NOT_DONE:
            return f"NOT DONE YET: {self.name}: {self.detail}"
        if self.errors and not self.detail and not self.problems:  # the error first, what was compared below
            worst = max(self.errors, key=self.errors.get)
            kind = " float32's" if self.tolerance > GRADIENT_CHECK_TOLERANCE else ""  # 1e-3 a layer, 1e-2 a network
            lines = [f"{self.status} {self.name}: max relative error {self.max_error:.1e} in {worst} "
                     f"(tolerance{kind} {self.tolerance:.0e})"]
            lines += [f"  compared {self.compared}"] if self.compared else []
        else:
            body = self.detail or self.compared
            lines = [f"{self.status} {self.name}: {body}" if body else f"{self.status} {self.name}"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)

    __str__ = __repr__


class NotDone(Exception):
    """The learner's code still raises NotImplementedError."""


class Failed(Exception):
    """The learner's code failed in a way that stops the check (it raised, or returned nothing usable)."""


def learner_line(error):
    """' (line N of your code, in f: code)' of the innermost frame that is the learner's, or ''."""
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
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
    except (NotDone, Failed):  # from a check nested in this call: already a verdict
        raise
    except NotImplementedError:
        raise NotDone(f"{what} still raises NotImplementedError: write your code there and run this cell again") \
            from None
    except Exception as error:  # noqa: BLE001 - every learner error becomes a FAIL
        message = f"{what} raised {type(error).__name__}: {error}{learner_line(error)}"
        hint = exception_hint(what, error)
        raise Failed(message + (f"\n    hint: {hint}" if hint else "")) from None


def make(name, cls, *args, **kwargs):
    """An instance of the learner's class, built under the same guard as its calls."""
    if not isinstance(cls, type) and (not callable(cls) or hasattr(cls, "forward") or hasattr(cls, "update")):
        raise Failed(f"expected a class, got an instance of {type(cls).__name__}: pass the class itself, "
                     f"without parentheses (check(MyLayer), not check(MyLayer()))")
    shown = ", ".join([*map(short, args), *(f"{k}={short(v)}" for k, v in kwargs.items())])
    return run(f"{name}({shown})", cls, *args, **kwargs)


def exception_hint(what, error):
    text = str(error)
    if isinstance(error, AttributeError) and text.startswith("'NoneType' object"):
        return "a value is still None where an array was expected: was it set (in __init__ or forward) first?"
    if isinstance(error, AttributeError) and "has no attribute" in text:
        attribute = text.split("attribute")[-1].strip(" '\"")
        if what.endswith("backward"):
            return (f"backward reads self.{attribute}, which forward did not set: forward must keep on self "
                    "what backward needs")
        return f"self.{attribute} is used before it is set: set it in __init__ or forward"
    if isinstance(error, ValueError) and ("matmul" in text or "not aligned" in text):
        return "the matrix shapes do not fit: print the shapes of both operands (x.shape, W.shape, dout.shape)"
    if isinstance(error, (ValueError, IndexError)) and "broadcast" in text:
        return "two arrays whose shapes do not fit: print their shapes"
    return None


def verdict(name, body):
    """Run body() -> CheckResult, turning NotDone and Failed into their verdicts."""
    try:
        return body()
    except NotDone as done:
        return CheckResult(name, status=NOT_DONE, detail=str(done))
    except Failed as failed:
        return CheckResult(name, problems=[str(failed)], status=FAIL, detail="the check stopped at this problem")


def name_of(obj):
    return getattr(obj, "__name__", type(obj).__name__)


def short(value):
    """repr of a number or a small array; of a large array its shape and dtype."""
    if isinstance(value, np.ndarray) and value.size > 6:
        return f"array of shape {value.shape}"
    if isinstance(value, np.ndarray):
        return np.array2string(value, precision=4, separator=", ")
    if isinstance(value, float):
        return f"{value:.6g}"
    return repr(value)


def as_numbers(name, value):
    """value as a float64 array, or a problem sentence saying why it is not one."""
    if value is None:
        return None, f"{name} is None: compute it and return it (or store it on self)"
    if isinstance(value, (str, bytes, dict)):
        return None, f"{name} is a {type(value).__name__}, not an array of numbers"
    try:
        array = np.asarray(value)
        if array.dtype == object:
            array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None, f"{name} is a {type(value).__name__}, not an array of numbers"
    if array.dtype.kind not in "biuf":
        return None, f"{name} has dtype {array.dtype}, not numbers"
    return array, None


def tolerance_of(*arrays):
    """The tolerance that suits the least precise of the arrays: float64's or float32's."""
    low = any(np.asarray(a).dtype.kind == "f" and np.asarray(a).dtype.itemsize < 8 for a in arrays if a is not None)
    return FLOAT32_TOLERANCE if low else GRADIENT_CHECK_TOLERANCE


def compare(name, actual, expected, problems, errors, shape_hint=None, n=None, tolerance=None):
    """Compare one gradient (or value) with its reference; record its error, or append a short
    problem with a hint (shape, dtype, sign, a factor such as N or 2, the element that differs
    most). tolerance None: float64's, or float32's if actual is float32. Returns True if it matched."""
    array, problem = as_numbers(name, actual)
    if problem:
        problems.append(problem)
        return False
    expected = np.asarray(expected, dtype=np.float64)
    if array.shape != expected.shape:
        hint = (shape_hint and shape_hint(name, array.shape, expected.shape)) or generic_shape_hint(array, expected)
        problems.append(f"{name} has shape {array.shape}, expected {expected.shape}\n    hint: {hint}")
        return False
    if not np.all(np.isfinite(array)):
        problems.append(f"{name} contains NaN or infinity")
        return False
    tolerance = tolerance_of(array) if tolerance is None else tolerance
    floor = 1e-8 if tolerance <= GRADIENT_CHECK_TOLERANCE else \
        max(1e-8, FLOAT32_FLOOR * float(np.max(np.abs(expected), initial=0.0)))  # float32: rounding near 0
    element_errors = relative_errors(array, expected, floor)
    error = float(np.max(element_errors, initial=0.0))
    errors[name] = error
    if error <= tolerance:
        return True
    if array.dtype.kind in "biu" and np.any(expected != np.round(expected)):
        problems.append(f"{name} has integer dtype {array.dtype}, so its fractions were cut off\n    hint: "
                        "compute it in floating point (np.zeros_like(x) of an integer x is integer too)")
        return False
    hint = value_hint(array.astype(np.float64), expected, n)
    where = np.unravel_index(np.argmax(element_errors), array.shape) if array.ndim else ()
    at = f"{name}[{', '.join(map(str, where))}]" if array.ndim else name
    problems.append(f"{name} is wrong: max relative error {error:.1e} (tolerance {tolerance:.0e}); "
                    f"{at} is {array[where] + 0.0:.6g}, expected {expected[where] + 0.0:.6g}"
                    + (f"\n    hint: {hint}" if hint else ""))
    return False


def generic_shape_hint(actual, expected):
    if actual.shape == expected.shape[::-1]:
        return "it is transposed: a gradient has the shape of the value it is the gradient of"
    if actual.size == expected.size:
        return f"the right number of values in the wrong shape: reshape it to {expected.shape}"
    return "a gradient always has the shape of the value it is the gradient of"


def value_hint(actual, expected, n=None):
    """Recognise a gradient that is a multiple of the right one (sign, batch size, a factor 2)."""
    scale = float(np.sum(expected * expected))
    if scale == 0:
        return None
    k = float(np.sum(actual * expected)) / scale
    if np.max(np.abs(actual - k * expected)) > 1e-6 * np.max(np.abs(expected)):
        return None
    if abs(k) < 1e-12:
        return "it is all zeros"
    for factor, text in ((-1, "it has the wrong sign"), (2, "it is 2 times too large: a factor 2 too many?"),
                         (0.5, "it is half the right value: a factor 2 missing (the derivative of x**2 is 2x)?")):
        if np.isclose(k, factor):
            return text
    if n and n > 1 and np.isclose(k, n):
        return f"it is {n} times too large: divide by the batch size N = {n}"
    if n and n > 1 and np.isclose(k, 1 / n):
        return f"it is {n} times too small: sum over the batch instead of averaging (N = {n})"
    return f"it is {k:.3g} times the right value"


def unchanged(name, given, copy, problems, what="gradient"):
    """Append a problem if the learner's backward wrote into the gradient array it was given
    (what="gradient"), or its forward (or function) into an input (what="input")."""
    if not isinstance(given, np.ndarray) or np.array_equal(given, copy, equal_nan=True):
        return True
    if what == "gradient":
        problems.append(f"{name} changed the gradient array it was given\n    hint: compute a new array "
                        "(dx = dout * y, np.where(mask, 0, dout)) instead of writing into dout (dout *= y, "
                        "dout[mask] = 0): the same array may be handed to two layers")
    else:
        problems.append(f"{name} changed its input array in place\n    hint: compute a new array "
                        "(np.maximum(x, 0), x * y, x - x.max()) instead of writing into x (x[x <= 0] = 0, "
                        "x *= y, x -= x.max()): the caller still needs its input")
    return False


def away_from_zero(rng, shape, low=0.2, high=2.0):
    """Random float64 values with low <= |x| <= high: no kink or pole within the numerical step."""
    return rng.choice([-1.0, 1.0], size=shape) * rng.uniform(low, high, size=shape)


def random_dout(shape, seed=0):
    """A gradient from above that is not all ones: magnitudes 0.5..1.5, both signs."""
    rng = np.random.default_rng(seed)
    return rng.uniform(0.5, 1.5, shape) * rng.choice([-1.0, 1.0], shape)
