"""A learner's attempts at the exercises of notebook 06b (the whole network backpropagated by hand),
as data for a replay.

ATTEMPTS: (exercise name, label, expected verdict "PASS" or "FAIL", code, check). `code` defines the
learner's names (with its own imports); `check` is the notebook's own check cell, whose last line is
the check call (an expression whose value is the verdict). Run `code`, then `check`, in one fresh
namespace. Each code holds the forward lines that the notebook's skeleton gives, then the learner's
lines. The correct alternatives are written differently from the notebook's solutions (a scatter by
np.add.at or a one-hot matrix, loops, lists, float32, another form of the same derivative); the wrong
ones are the usual slips, and fused shortcuts where the lines were asked.
"""

LINES_CHECK = """\
from common.selfcheck.gradcheck import check_backward_lines

check_backward_lines(backward_lines)
"""

SOFTMAX_CHECK = """\
import numpy as np
import common.autograd_ops as F
from common.autograd import Variable
from common.selfcheck.gradcheck import check_lines


def by_the_engine(u, t):
    v = {"u": Variable(u.copy())}
    v["e"] = F.exp(v["u"])
    v["se"] = v["e"].sum(axis=1, keepdims=True)
    v["y"] = v["e"] / v["se"]
    v["q"] = (v["y"] * np.eye(u.shape[1])[t]).sum(axis=1)
    v["l"] = -F.log(v["q"])
    v["L"] = v["l"].sum() / len(u)
    v["L"].backward(retain_grad=True)
    return {"d" + name: v[name].grad for name in ("l", "q", "y", "se", "e", "u")}


r = np.random.default_rng(5)
cases = [(u_case - u_case.max(axis=1, keepdims=True), t_case) for u_case, t_case in
         [(r.standard_normal((4, 3)), np.array([0, 2, 1, 2])), (2 * r.standard_normal((6, 5)), r.integers(0, 5, 6)),
          (r.standard_normal((2, 4)), np.array([3, 3]))]]
check_lines(softmax_ce_backward, by_the_engine, cases, against="the autograd engine")
"""

TANH_CHECK = """\
import numpy as np
import common.autograd_ops as F
from common.autograd import Variable
from common.selfcheck.gradcheck import check_lines


def by_the_engine_tanh(X, t, W1, b1, W2, b2):
    v = {"W1": Variable(W1.copy()), "b1": Variable(b1.copy())}
    v["a1"] = X @ v["W1"]
    v["z1"] = v["a1"] + v["b1"]
    v["h"] = 1 - 2 / (F.exp(2 * v["z1"]) + 1)
    F.softmax_cross_entropy(v["h"] @ W2 + b2, np.eye(W2.shape[1])[t]).backward(retain_grad=True)
    return {"d" + name: v[name].grad for name in ("h", "z1", "a1", "b1", "W1")}


r = np.random.default_rng(6)
nets = [(r.standard_normal((n_, d_)), r.integers(0, c_, n_), r.standard_normal((d_, h_)), r.standard_normal(h_),
         r.standard_normal((h_, c_)), r.standard_normal(c_)) for n_, d_, h_, c_ in [(4, 6, 5, 3), (7, 3, 8, 4)]]
check_lines(tanh_net_backward, by_the_engine_tanh, nets, against="the autograd engine")
"""

JVP_CHECK = """\
import numpy as np
from common.selfcheck.gradcheck import check_lines


def by_complex_step(u, t, u_dot, h=1e-20):
    e = np.exp(u + 1j * h * u_dot)
    se = e.sum(axis=1, keepdims=True)
    y = e / se
    q = y[np.arange(len(u)), t]
    l = -np.log(q)
    L = l.mean()
    return {name + "_dot": value.imag / h for name, value in (("e", e), ("se", se), ("y", y), ("q", q), ("l", l),
                                                              ("L", L))}


r = np.random.default_rng(7)
jvp_cases = [(r.standard_normal((n_, c_)), r.integers(0, c_, n_), r.standard_normal((n_, c_)))
             for n_, c_ in [(4, 3), (6, 5), (2, 4)]]
check_lines(softmax_ce_jvp, by_complex_step, jvp_cases, against="the complex-step method")
"""

LINES_FORWARD = """\
import numpy as np
from common.functions import softmax


def backward_lines(X, t, W1, b1, W2, b2):
    N, rows = len(X), np.arange(len(X))
    a1 = X @ W1
    z1 = a1 + b1
    h = np.maximum(z1, 0)
    a2 = h @ W2
    s = a2 + b2
    m = s.max(axis=1, keepdims=True)
    u = s - m
    e = np.exp(u)
    se = e.sum(axis=1)
    lse = np.log(se)
    picked = u[rows, t]
    l = lse - picked
    L = l.mean()
"""

LINES_SOLUTION = """\
    dl = np.full(N, 1.0 / N)
    dlse, dpicked = dl, -dl
    dse = dlse / se
    de = np.repeat(dse[:, None], e.shape[1], axis=1)
    du = de * e
    du[rows, t] += dpicked
    dm = -du.sum(axis=1, keepdims=True)
    ds = du + (s == m) * dm
    da2, db2 = ds, ds.sum(axis=0)
    dW2, dh = h.T @ da2, da2 @ W2.T
    dz1 = dh * (z1 > 0)
    da1, db1 = dz1, dz1.sum(axis=0)
    dW1, dX = X.T @ da1, da1 @ W1.T
    return {"dl": dl, "dlse": dlse, "dpicked": dpicked, "dse": dse, "de": de, "du": du, "dm": dm, "ds": ds,
            "da2": da2, "db2": db2, "dW2": dW2, "dh": dh, "dz1": dz1, "da1": da1, "db1": db1, "dW1": dW1, "dX": dX}
"""


def lines_with(old, new):
    """The solution's backward lines with one slip: `old` (which must be there) replaced by `new`."""
    assert old in LINES_SOLUTION, old
    return LINES_FORWARD + LINES_SOLUTION.replace(old, new)


SOFTMAX_FORWARD = """\
import numpy as np
from common.functions import softmax


def softmax_ce_backward(u, t):
    N, rows = len(u), np.arange(len(u))
    e = np.exp(u)
    se = e.sum(axis=1, keepdims=True)
    y = e / se
    q = y[rows, t]
    l = -np.log(q)
    L = l.mean()
"""

TANH_FORWARD = """\
import numpy as np
from common.functions import softmax


def tanh_net_backward(X, t, W1, b1, W2, b2):
    N = len(X)
    a1 = X @ W1
    z1 = a1 + b1
    h = np.tanh(z1)
    s = h @ W2 + b2
    ds = (softmax(s) - np.eye(s.shape[1])[t]) / N
"""

JVP_FORWARD = """\
import numpy as np
from common.functions import softmax


def softmax_ce_jvp(u, t, u_dot):
    N, rows = len(u), np.arange(len(u))
    e = np.exp(u)
    se = e.sum(axis=1, keepdims=True)
    y = e / se
    q = y[rows, t]
    l = -np.log(q)
    L = l.mean()
"""

ATTEMPTS = [
    # ---------- backward_lines ----------
    ("backward_lines", "the notebook's lines", "PASS", LINES_FORWARD + LINES_SOLUTION, LINES_CHECK),
    ("backward_lines", "scatters with np.add.at and a one-hot matrix, broadcasting instead of repeat", "PASS",
     LINES_FORWARD + """\
    C = s.shape[1]
    onehot = np.eye(C)[t]
    dl = np.ones(N) / N
    dlse = dl.copy()
    dpicked = -1.0 * dl
    dse = dlse * (1 / se)
    de = np.ones((N, C)) * dse[:, None]
    du = e * de
    np.add.at(du, (rows, t), dpicked)
    dm = -np.sum(du, axis=1)[:, None]
    ds = du + (s == m) * dm
    da2 = ds.copy()
    db2 = np.sum(ds, axis=0)
    dW2 = np.dot(h.T, da2)
    dh = np.dot(da2, W2.T)
    dz1 = np.where(z1 > 0, dh, 0.0)
    da1 = dz1
    db1 = np.sum(dz1, axis=0)
    dW1 = np.dot(X.T, da1)
    dX = np.dot(da1, W1.T)
    names = "dl dlse dpicked dse de du dm ds da2 db2 dW2 dh dz1 da1 db1 dW1 dX".split()
    return {name: value for name, value in zip(names, [dl, dlse, dpicked, dse, de, du, dm, ds, da2, db2, dW2,
                                                       dh, dz1, da1, db1, dW1, dX])}
""", LINES_CHECK),
    ("backward_lines", "loops over the rows, gradients as lists", "PASS", LINES_FORWARD + """\
    C = s.shape[1]
    dl = [1.0 / N] * N
    dlse = list(dl)
    dpicked = [-g for g in dl]
    dse = [dlse[n] / se[n] for n in range(N)]
    de = [[dse[n]] * C for n in range(N)]
    du = [[de[n][c] * e[n, c] + (dpicked[n] if c == t[n] else 0.0) for c in range(C)] for n in range(N)]
    dm = [[-sum(du[n])] for n in range(N)]
    ds = [[du[n][c] + (dm[n][0] if s[n, c] == m[n, 0] else 0.0) for c in range(C)] for n in range(N)]
    ds_ = np.array(ds)
    dh = ds_ @ W2.T
    dz1 = dh * (z1 > 0)
    return {"dl": dl, "dlse": dlse, "dpicked": dpicked, "dse": dse, "de": de, "du": du, "dm": dm, "ds": ds,
            "da2": ds, "db2": list(ds_.sum(axis=0)), "dW2": (h.T @ ds_).tolist(), "dh": dh, "dz1": dz1,
            "da1": dz1, "db1": dz1.sum(axis=0), "dW1": X.T @ dz1, "dX": dz1 @ W1.T}
""", LINES_CHECK),
    ("backward_lines", "float32 gradients", "PASS", LINES_FORWARD + LINES_SOLUTION.replace(
        '    return {"dl": dl,', '    f = np.float32\n    dl, dlse, dpicked, dse, de, du = (a.astype(f) for a in (dl, dlse, dpicked, dse, de, du))\n'
        '    return {"dl": dl,'), LINES_CHECK),
    ("backward_lines", "the fork at u: only the path through exp", "FAIL",
     lines_with("    du[rows, t] += dpicked\n", ""), LINES_CHECK),
    ("backward_lines", "the fork at u: only the path through the picking", "FAIL",
     lines_with("    du = de * e\n    du[rows, t] += dpicked\n", "    du = np.zeros_like(e)\n    du[rows, t] = dpicked\n"),
     LINES_CHECK),
    ("backward_lines", "the subtraction's sign not flipped", "FAIL", lines_with("dpicked = dl, -dl", "dpicked = dl, dl"),
     LINES_CHECK),
    ("backward_lines", "the mean's 1/N forgotten", "FAIL", lines_with("np.full(N, 1.0 / N)", "np.ones(N)"), LINES_CHECK),
    ("backward_lines", "log's derivative as log", "FAIL", lines_with("dse = dlse / se", "dse = dlse * np.log(se)"),
     LINES_CHECK),
    ("backward_lines", "dW2 transposed", "FAIL", lines_with("dW2, dh = h.T @ da2", "dW2, dh = da2.T @ h"), LINES_CHECK),
    ("backward_lines", "ReLU's mask forgotten", "FAIL", lines_with("dz1 = dh * (z1 > 0)", "dz1 = dh"), LINES_CHECK),
    ("backward_lines", "the bias summed over the wrong axis", "FAIL",
     lines_with("da1, db1 = dz1, dz1.sum(axis=0)", "da1, db1 = dz1, dz1.sum(axis=1)"), LINES_CHECK),
    ("backward_lines", "dX from dh, before ReLU's mask", "FAIL", lines_with("dX = X.T @ da1, da1 @ W1.T", "dX = X.T @ da1, dh @ W1.T"),
     LINES_CHECK),
    ("backward_lines", "the fused shortcut for the loss's lines", "FAIL", LINES_FORWARD + """\
    ds = (softmax(s) - np.eye(s.shape[1])[t]) / N
    da2, db2 = ds, ds.sum(axis=0)
    dW2, dh = h.T @ da2, da2 @ W2.T
    dz1 = dh * (z1 > 0)
    da1, db1 = dz1, dz1.sum(axis=0)
    dW1, dX = X.T @ da1, da1 @ W1.T
    return {"ds": ds, "da2": da2, "db2": db2, "dW2": dW2, "dh": dh, "dz1": dz1, "da1": da1, "db1": db1, "dW1": dW1,
            "dX": dX}
""", LINES_CHECK),
    ("backward_lines", "a tuple of the gradients", "FAIL", LINES_FORWARD + LINES_SOLUTION.replace(
        '    return {"dl": dl,', '    return tuple({"dl": dl,').replace('"dX": dX}', '"dX": dX}.values())'), LINES_CHECK),
    ("backward_lines", "an in-place sign flip that changes dl too", "FAIL",
     lines_with("dlse, dpicked = dl, -dl", "dlse = dl\n    dpicked = dl\n    dpicked *= -1"), LINES_CHECK),
    ("backward_lines", "the ReLU applied to X in place", "FAIL",
     LINES_FORWARD.replace("    a1 = X @ W1\n", "    X[X < 0] = 0\n    a1 = X @ W1\n") + LINES_SOLUTION, LINES_CHECK),

    # ---------- softmax_ce_backward ----------
    ("softmax_ce_backward", "the notebook's lines", "PASS", SOFTMAX_FORWARD + """\
    dl = np.full(N, 1.0 / N)
    dq = -dl / q
    dy = np.zeros_like(y)
    dy[rows, t] = dq
    dse = -(dy * e / se**2).sum(axis=1, keepdims=True)
    de = dy / se + dse
    du = de * e
    return {"dl": dl, "dq": dq, "dy": dy, "dse": dse, "de": de, "du": du}
""", SOFTMAX_CHECK),
    ("softmax_ce_backward", "a one-hot matrix, the division's gradients through y", "PASS", SOFTMAX_FORWARD + """\
    onehot = np.eye(u.shape[1])[t]
    dl = np.ones_like(l) / N
    dq = dl * (-1 / q)
    dy = onehot * dq[:, None]
    de_direct = dy * (1 / se)
    dse = np.sum(dy * (-y / se), axis=1, keepdims=True)
    de = de_direct + dse * np.ones_like(e)
    du = e * de
    return dict(dl=dl, dq=dq, dy=dy, dse=dse, de=de, du=du)
""", SOFTMAX_CHECK),
    ("softmax_ce_backward", "the fused formula for du alone", "FAIL", SOFTMAX_FORWARD + """\
    return (softmax(u) - np.eye(u.shape[1])[t]) / N
""", SOFTMAX_CHECK),
    ("softmax_ce_backward", "the fused formula, named du", "FAIL", SOFTMAX_FORWARD + """\
    return {"du": (y - np.eye(u.shape[1])[t]) / N}
""", SOFTMAX_CHECK),
    ("softmax_ce_backward", "the fork at e: the path through the sum left out", "FAIL", SOFTMAX_FORWARD + """\
    dl = np.full(N, 1.0 / N)
    dq = -dl / q
    dy = np.zeros_like(y)
    dy[rows, t] = dq
    dse = -(dy * e / se**2).sum(axis=1, keepdims=True)
    de = dy / se
    du = de * e
    return {"dl": dl, "dq": dq, "dy": dy, "dse": dse, "de": de, "du": du}
""", SOFTMAX_CHECK),
    ("softmax_ce_backward", "the denominator's gradient not summed over the row", "FAIL", SOFTMAX_FORWARD + """\
    dl = np.full(N, 1.0 / N)
    dq = -dl / q
    dy = np.zeros_like(y)
    dy[rows, t] = dq
    dse = -(dy * e / se**2)
    de = dy / se + dse
    du = de * e
    return {"dl": dl, "dq": dq, "dy": dy, "dse": dse, "de": de, "du": du}
""", SOFTMAX_CHECK),
    ("softmax_ce_backward", "-log's derivative without the minus", "FAIL", SOFTMAX_FORWARD + """\
    dl = np.full(N, 1.0 / N)
    dq = dl / q
    dy = np.zeros_like(y)
    dy[rows, t] = dq
    dse = -(dy * e / se**2).sum(axis=1, keepdims=True)
    de = dy / se + dse
    du = de * e
    return {"dl": dl, "dq": dq, "dy": dy, "dse": dse, "de": de, "du": du}
""", SOFTMAX_CHECK),
    ("softmax_ce_backward", "the scatter written into the softmax itself", "FAIL", SOFTMAX_FORWARD + """\
    dl = np.full(N, 1.0 / N)
    dq = -dl / q
    dy = y
    dy[rows, t] = dq
    dse = -(dy * e / se**2).sum(axis=1, keepdims=True)
    de = dy / se + dse
    du = de * e
    return {"dl": dl, "dq": dq, "dy": dy, "dse": dse, "de": de, "du": du}
""", SOFTMAX_CHECK),

    # ---------- tanh_net_backward ----------
    ("tanh_net_backward", "the notebook's lines", "PASS", TANH_FORWARD + """\
    dh = ds @ W2.T
    dz1 = dh * (1 - h**2)
    da1 = dz1
    db1 = dz1.sum(axis=0)
    dW1 = X.T @ da1
    return {"dh": dh, "dz1": dz1, "da1": da1, "db1": db1, "dW1": dW1}
""", TANH_CHECK),
    ("tanh_net_backward", "tanh recomputed, the derivative as 1/cosh^2", "PASS", TANH_FORWARD + """\
    dh = np.dot(ds, W2.T)
    dz1 = dh / np.cosh(z1) ** 2
    grads = {"dh": dh, "dz1": dz1, "da1": dz1.copy()}
    grads["db1"] = np.sum(grads["da1"], axis=0)
    grads["dW1"] = np.einsum("nd,nh->dh", X, grads["da1"])
    return grads
""", TANH_CHECK),
    ("tanh_net_backward", "float32 gradients", "PASS", TANH_FORWARD + """\
    dh = (ds @ W2.T).astype(np.float32)
    dz1 = dh * (1 - h.astype(np.float32) ** 2)
    return {"dh": dh, "dz1": dz1, "da1": dz1, "db1": dz1.sum(axis=0), "dW1": X.astype(np.float32).T @ dz1}
""", TANH_CHECK),
    ("tanh_net_backward", "ReLU's mask kept", "FAIL", TANH_FORWARD + """\
    dh = ds @ W2.T
    dz1 = dh * (z1 > 0)
    da1 = dz1
    return {"dh": dh, "dz1": dz1, "da1": da1, "db1": dz1.sum(axis=0), "dW1": X.T @ da1}
""", TANH_CHECK),
    ("tanh_net_backward", "the derivative taken as 1 - h", "FAIL", TANH_FORWARD + """\
    dh = ds @ W2.T
    dz1 = dh * (1 - h)
    return {"dh": dh, "dz1": dz1, "da1": dz1, "db1": dz1.sum(axis=0), "dW1": X.T @ dz1}
""", TANH_CHECK),
    ("tanh_net_backward", "the lines fused into dW1", "FAIL", TANH_FORWARD + """\
    return X.T @ ((ds @ W2.T) * (1 - h**2))
""", TANH_CHECK),
    ("tanh_net_backward", "dW1 transposed", "FAIL", TANH_FORWARD + """\
    dh = ds @ W2.T
    dz1 = dh * (1 - h**2)
    return {"dh": dh, "dz1": dz1, "da1": dz1, "db1": dz1.sum(axis=0), "dW1": dz1.T @ X}
""", TANH_CHECK),
    ("tanh_net_backward", "dh through W2 untransposed", "FAIL", TANH_FORWARD + """\
    dh = ds @ W2
    dz1 = dh * (1 - h**2)
    return {"dh": dh, "dz1": dz1, "da1": dz1, "db1": dz1.sum(axis=0), "dW1": X.T @ dz1}
""", TANH_CHECK),

    # ---------- softmax_ce_jvp ----------
    ("softmax_ce_jvp", "the notebook's lines", "PASS", JVP_FORWARD + """\
    e_dot = e * u_dot
    se_dot = e_dot.sum(axis=1, keepdims=True)
    y_dot = e_dot / se - e * se_dot / se**2
    q_dot = y_dot[rows, t]
    l_dot = -q_dot / q
    L_dot = l_dot.mean()
    return {"e_dot": e_dot, "se_dot": se_dot, "y_dot": y_dot, "q_dot": q_dot, "l_dot": l_dot, "L_dot": L_dot}
""", JVP_CHECK),
    ("softmax_ce_jvp", "softmax's tangent as y (u_dot - <y, u_dot>), a float L_dot", "PASS", JVP_FORWARD + """\
    tangents = {"e_dot": e * u_dot}
    tangents["se_dot"] = np.sum(tangents["e_dot"], axis=1, keepdims=True)
    tangents["y_dot"] = y * (u_dot - np.sum(y * u_dot, axis=1, keepdims=True))
    tangents["q_dot"] = tangents["y_dot"][rows, t]
    tangents["l_dot"] = -tangents["q_dot"] / q
    tangents["L_dot"] = float(np.sum(tangents["l_dot"]) / N)
    return tangents
""", JVP_CHECK),
    ("softmax_ce_jvp", "the directional derivative by the fused VJP", "FAIL", JVP_FORWARD + """\
    return np.sum((softmax(u) - np.eye(u.shape[1])[t]) / N * u_dot)
""", JVP_CHECK),
    ("softmax_ce_jvp", "the quotient rule with a plus", "FAIL", JVP_FORWARD + """\
    e_dot = e * u_dot
    se_dot = e_dot.sum(axis=1, keepdims=True)
    y_dot = e_dot / se + e * se_dot / se**2
    q_dot = y_dot[rows, t]
    l_dot = -q_dot / q
    return {"e_dot": e_dot, "se_dot": se_dot, "y_dot": y_dot, "q_dot": q_dot, "l_dot": l_dot, "L_dot": l_dot.mean()}
""", JVP_CHECK),
    ("softmax_ce_jvp", "the denominator held fixed", "FAIL", JVP_FORWARD + """\
    e_dot = e * u_dot
    se_dot = e_dot.sum(axis=1, keepdims=True)
    y_dot = e_dot / se
    q_dot = y_dot[rows, t]
    l_dot = -q_dot / q
    return {"e_dot": e_dot, "se_dot": se_dot, "y_dot": y_dot, "q_dot": q_dot, "l_dot": l_dot, "L_dot": l_dot.mean()}
""", JVP_CHECK),
    ("softmax_ce_jvp", "the sum instead of the mean", "FAIL", JVP_FORWARD + """\
    e_dot = e * u_dot
    se_dot = e_dot.sum(axis=1, keepdims=True)
    y_dot = e_dot / se - e * se_dot / se**2
    q_dot = y_dot[rows, t]
    l_dot = -q_dot / q
    return {"e_dot": e_dot, "se_dot": se_dot, "y_dot": y_dot, "q_dot": q_dot, "l_dot": l_dot, "L_dot": l_dot.sum()}
""", JVP_CHECK),
    ("softmax_ce_jvp", "exp's tangent as exp(u_dot)", "FAIL", JVP_FORWARD + """\
    e_dot = np.exp(u_dot)
    se_dot = e_dot.sum(axis=1, keepdims=True)
    y_dot = e_dot / se - e * se_dot / se**2
    q_dot = y_dot[rows, t]
    l_dot = -q_dot / q
    return {"e_dot": e_dot, "se_dot": se_dot, "y_dot": y_dot, "q_dot": q_dot, "l_dot": l_dot, "L_dot": l_dot.mean()}
""", JVP_CHECK),
]
