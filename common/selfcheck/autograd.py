"""Self-check of a learner's autograd Function (notebook 08)."""
import numpy as np

from common.gradient import FLOAT32_STEP, GRADIENT_CHECK_TOLERANCE, numerical_gradient
from common.selfcheck.core import (
    CheckResult,
    Failed,
    compare,
    name_of,
    random_dout,
    run,
    tolerance_of,
    unchanged,
    verdict,
)


def check_function(function, *inputs, seed=0):
    """An autograd Function subclass, or any callable on Variables, at the given inputs: the
    engine's gradient of sum(f(*inputs) * dout), for a dout that is not ones, against
    numerical_gradient (h=1e-4); backward run twice must give the same, and must not modify
    the gradient it is given."""
    from common.autograd import Function, Variable

    name = name_of(function)
    if isinstance(function, Function):
        return CheckResult(name, problems=[f"expected the class {name}, got an instance: pass {name}, without "
                                           "parentheses"], status="FAIL", detail="the check stopped at this problem")
    is_class = isinstance(function, type) and issubclass(function, Function)
    call = (lambda *xs: function()(*xs)) if is_class else function

    def f(*xs):
        out = run(name, call, *xs)
        if not isinstance(out, Variable):
            raise Failed(f"{name} returned a {type(out).__name__}, not a Variable: return the Function's output")
        return out

    def body():
        arrays = [np.array(x, dtype=np.float64) for x in inputs]
        variables = [Variable(a.copy()) for a in arrays]
        y = f(*variables)
        problems, errors = [], {}
        for v, a in zip(variables, arrays):
            unchanged(f"{name}.forward", v.data, a, problems, what="input")
        dout = random_dout(y.shape, seed)
        grads = []
        for _ in range(2):
            for v in variables:
                v.cleargrad()
            given = dout.copy()
            y.grad = given
            run(f"{name} (the backward pass)", y.backward)
            if not unchanged(f"{name}.backward", given, dout, problems):
                problems[-1] = (f"{name}.backward changed the gradient gy it was given\n    hint: compute a new "
                                "array (gy * self.y) instead of writing into gy (gy *= ...): the engine may hand the "
                                "same gy to another function too (Add passes it on as it is)")
            grads.append([None if v.grad is None else np.array(v.grad, copy=True) for v in variables])
        if problems:
            return CheckResult(name, problems=problems[:1])
        if any(g0 is not None and (g1 is None or not np.array_equal(g0, g1)) for g0, g1 in zip(*grads)):
            problems.append("a second backward gave different gradients\n    hint: backward must only read what "
                            "forward kept on self, never change it")
        tolerance = tolerance_of(*[g for g in grads[0] if g is not None])
        h = FLOAT32_STEP if tolerance > GRADIENT_CHECK_TOLERANCE else 1e-4
        for k, (a, g) in enumerate(zip(arrays, grads[0])):
            def loss(x, k=k):
                xs = [Variable(b.copy()) for b in arrays]
                xs[k] = Variable(x.copy())
                return float(np.sum(f(*xs).data * dout))
            compare(f"x{k}.grad", g, numerical_gradient(loss, a.copy(), h), problems, errors, tolerance=tolerance)
        return CheckResult(name, "the engine's gradients for a dout that is not ones, backward run twice, against "
                           f"numerical_gradient (h={h:g})", errors, problems, tolerance=tolerance)
    return verdict(name, body)
