"""Self-checks of notebook 10: a convolution through im2col, the Convolution layer's backward
pass and max and average pooling, each judged against the definition and numerical_gradient,
with the hints that the usual convolution slips call for.

    convolution_by_definition(x, W, b, stride, pad)   the definition: a loop over output pixels
    check_conv_forward(conv_forward)                  conv_forward(x, W, b, stride, pad) against it
    check_convolution(MyConvolution)                  the output against it; dx, dW, db against
                                                      numerical_gradient (batch of 3, stride 2, pad 1,
                                                      and a non-square input and filter)
    check_pooling(MyPooling, kind="max")              max or "average" pooling: 2x2 windows at stride 2,
                                                      overlapping 3x3 at stride 1 with pad 1, 3x2 at
                                                      stride 2 with pad 1 on a 7x5 input

Built on common.selfcheck.core (guarded calls, comparisons, verdicts) and the gradient check of
common.gradient. A failing gradient is compared with the usual slips (a transpose missing before
a reshape, dout's axes in the wrong order, the gradient of col returned without col2im, every
position of a window given the gradient, overlapping windows assigned instead of added, ...) and
the hint names the one it matches.
"""
import warnings

import numpy as np

from common.im2col import col2im, im2col, output_length
from common.selfcheck.core import (
    CheckResult,
    Failed,
    as_numbers,
    make,
    name_of,
    random_dout,
    run,
    short,
    tolerance_of,
    unchanged,
    verdict,
)
from common.selfcheck.layers import NUMERICAL, layer_check
from common.selfcheck.progress import graded


def convolution_by_definition(x, W, b, stride=1, pad=0):
    """x (N, C, H, W), W (FN, C, FH, FW), b (FN,) -> out (N, FN, OH, OW): for image n, filter f and
    output pixel (i, j), the sum of the filter times the window of the zero-padded image under it,
    over the window and the channels, plus the filter's bias. No im2col: what im2col must agree with."""
    N, C, H, W_in = x.shape
    FN, _, FH, FW = W.shape
    out_h, out_w = output_length(H, FH, stride, pad), output_length(W_in, FW, stride, pad)
    padded = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)])
    out = np.zeros((N, FN, out_h, out_w), dtype=np.result_type(x, W, b))
    for n in range(N):
        for f in range(FN):
            for i in range(out_h):
                for j in range(out_w):
                    top, left = i * stride, j * stride
                    window = padded[n, :, top:top + FH, left:left + FW]  # (C, FH, FW)
                    out[n, f, i, j] = np.sum(window * W[f]) + b[f]
    return out


def _same(actual, candidate):
    """True if actual holds the numbers of candidate (same shape, equal to rounding)."""
    array, _ = as_numbers("", actual)
    if array is None or candidate is None or array.shape != np.shape(candidate):
        return False
    with np.errstate(all="ignore"):
        return bool(np.allclose(array.astype(np.float64), candidate, rtol=1e-5, atol=1e-7))


def _add_hints(result, found):
    """Put each (gradient name, hint) of found into the problem that names that gradient, replacing
    a generic hint ("it is 0.3 times the right value") or adding one where there was none."""
    for key, hint in found:
        for k, problem in enumerate(result.problems):
            if f": {key} is wrong" in problem or f": {key} has shape" in problem or problem.startswith(f"{key} "):
                head = problem.split("\n    hint:")[0]
                result.problems[k] = f"{head}\n    hint: {hint}"
                break
    return result


# ---------- a convolution through im2col ----------

_FORWARD_CASES = [  # (x shape, W shape, stride, pad, seed)
    ((2, 3, 7, 7), (4, 3, 3, 3), 1, 0, 1),
    ((2, 3, 7, 7), (4, 3, 3, 3), 2, 1, 2),
    ((3, 1, 5, 8), (2, 1, 2, 3), 1, 0, 3),
    ((1, 2, 6, 5), (3, 2, 3, 3), 2, 2, 4),
]


def _forward_slips(x, W, b, stride, pad):
    """(wrong output, hint) of the usual slips in a convolution through im2col."""
    N, FN, FH, FW = len(x), W.shape[0], W.shape[2], W.shape[3]
    out_h, out_w = output_length(x.shape[2], FH, stride, pad), output_length(x.shape[3], FW, stride, pad)
    col = im2col(x, FH, FW, stride, pad)
    product = col @ W.reshape(FN, -1).T + b  # (N*OH*OW, FN)
    right = convolution_by_definition(x, W, b, stride, pad)
    return [
        (product, "this is the product's layout (N*OH*OW, FN), one row per window: bring it to (N, FN, OH, OW)"),
        (product.reshape(N, out_h, out_w, FN), "the filter axis is last, (N, OH, OW, FN): move it to position 1"),
        (product.reshape(N, FN, out_h, out_w), "the product's rows are windows in (n, oh, ow) order and its columns "
         "filters: reshaping it straight to (N, FN, OH, OW) mixes pixels and filters; reshape to (N, OH, OW, FN) "
         "first, then move the filter axis"),
        (right - b[:, None, None], "the bias is missing: add b, one number per filter, to every window's result"),
        ((col @ W.reshape(-1, FN) + b).reshape(N, out_h, out_w, FN).transpose(0, 3, 1, 2),
         "the filters are laid out wrong: W.reshape(-1, FN) does not put one filter in each column; flatten each "
         "filter in col's column order (c, fh, fw), one filter per row of W.reshape(FN, -1), then transpose"),
        (convolution_by_definition(x, W[:, :, ::-1, ::-1], b, stride, pad),
         "the filters are flipped: a CNN's convolution (and the book's) multiplies each window by the filter as "
         "it is, without flipping it (a cross-correlation)"),
    ]


def _forward_shape_hint(actual, expected, x_shape, W_shape):
    if len(actual) == 2:
        return "a 2-D result is the product's layout (N*OH*OW, FN): bring it to (N, FN, OH, OW)"
    if len(actual) == 4 and actual[1] != expected[1] and actual[3] == expected[1]:
        return "the filter axis is last, (N, OH, OW, FN): move it to position 1"
    if len(actual) == 4 and actual[:2] == expected[:2]:
        return ("OH and OW count the filter's positions with padding and stride: pass stride and pad to im2col "
                "and count with them")
    return f"the output of x {x_shape} and W {W_shape} has shape {expected}: (N, FN, OH, OW)"


def _check_conv_forward(function, name=None):
    """function(x, W, b, stride, pad) -> (N, FN, OH, OW) against convolution_by_definition, on 4 cases:
    square and non-square inputs and filters, with and without stride and padding, batches of 1 to 3,
    FN different from C. float32 is compared at 1e-5 of the largest value (float64 at 1e-9)."""
    name = name or name_of(function)

    def body():
        problems, worst, low = [], 0.0, False
        for x_shape, W_shape, stride, pad, seed in _FORWARD_CASES:
            rng = np.random.default_rng(seed)
            x, W, b = rng.standard_normal(x_shape), rng.standard_normal(W_shape), rng.standard_normal(W_shape[0])
            label = f"x {x_shape}, W {W_shape}, stride {stride}, pad {pad}"
            given = [x.copy(), W.copy(), b.copy()]
            try:
                with np.errstate(all="ignore"), warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    got = run(name, function, *given, stride, pad)
            except Failed as failed:
                text = str(failed)
                if "reshape" in text and "hint:" not in text:
                    text += ("\n    hint: the sizes do not fit: call im2col with the stride and pad that OH and OW "
                             "are counted with")
                raise Failed(f"on {label}: {text}") from None
            for what, array, copy in zip(("x", "W", "b"), given, (x, W, b)):
                if not unchanged(name, array, copy, [], "input"):
                    problems.append(f"on {label}: {name} changed its argument {what} in place\n    hint: compute "
                                    "new arrays instead of writing into the ones given: the caller still needs them")
            if problems:
                break
            expected = convolution_by_definition(x, W, b, stride, pad)
            array, problem = as_numbers("the result", got)
            if problem:
                problems.append(f"on {label}: {problem}")
                break
            if array.shape != expected.shape:
                hint = next((h for wrong, h in _forward_slips(x, W, b, stride, pad) if _same(array, wrong)), None)
                hint = hint or _forward_shape_hint(array.shape, expected.shape, x_shape, W_shape)
                problems.append(f"on {label}: the output has shape {array.shape}, expected {expected.shape}"
                                f"\n    hint: {hint}")
                break
            low = low or (array.dtype.kind == "f" and array.dtype.itemsize < 8)
            tolerance = 1e-5 if low else 1e-9
            with np.errstate(all="ignore"):
                error = float(np.max(np.abs(array.astype(np.float64) - expected)) / np.max(np.abs(expected)))
            if not np.isfinite(error):
                problems.append(f"on {label}: the output contains NaN or infinity")
                break
            worst = max(worst, error)
            if error > tolerance:
                where = np.unravel_index(np.argmax(np.abs(array - expected)), expected.shape)
                hint = next((h for wrong, h in _forward_slips(x, W, b, stride, pad) if _same(array, wrong)), None)
                problems.append(f"on {label}: the output differs from the definition by {error:.1e} of its largest "
                                f"value; out[{', '.join(map(str, where))}] is {short(float(array[where]))}, expected "
                                f"{short(float(expected[where]))}" + (f"\n    hint: {hint}" if hint else ""))
                break
        compared = (f"{len(_FORWARD_CASES)} inputs (with and without stride and padding, non-square) against the "
                    "definition (a loop over output pixels), errors relative to the largest value, arguments unchanged")
        errors = {"the output": worst}
        return CheckResult(name, compared, errors, problems, tolerance=1e-5 if low else 1e-9)
    return verdict(name, body)


# ---------- layers: a list from backward counts as an array ----------

def _learners(name, layer_class, *args):
    """A make_layer for layer_check: the learner's class built under the guard, whose backward may
    return dx as a list (nested lists): passed on as an array of the same numbers."""
    def build():
        if not isinstance(layer_class, type):  # make refuses an instance, saying so
            return make(name, layer_class, *args)

        def backward(self, dout):
            dx = layer_class.backward(self, dout)
            return np.asarray(dx) if isinstance(dx, list) else dx
        return make(name, type(layer_class.__name__, (layer_class,), {"backward": backward}), *args)
    return build


def _run_once(name, layer_class, args, x, out_shape):
    """The learner's layer on x, once, with the check's dout: (out, dout, dx, layer). Raises if the
    learner's code raises or forward's output does not have out_shape (then nothing is diagnosed)."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        layer = make(name, layer_class, *args)
        out, _ = as_numbers("out", run(f"{name}.forward", layer.forward, x.copy()))
        if out is None or out.shape != out_shape:
            raise Failed("forward's output has another shape")
        dout = random_dout(out.shape)
        dx = run(f"{name}.backward", layer.backward, dout.copy())
    return out, dout, dx, layer


def _diagnose(find, *args):
    """find(*args) -> [(gradient name, hint)] of the slips the learner's code matches; [] if that cannot be
    told (the learner's code raised, or gave shapes the slips do not have). Never raises."""
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return find(*args)
    except Exception:  # noqa: BLE001 - a diagnosis that cannot be made adds no hint; the verdict stands
        return []


# ---------- the Convolution layer ----------

_CONV_FORMS = [  # (x shape, W shape, stride, pad, seed, label, short label)
    ((3, 2, 7, 7), (4, 2, 3, 3), 2, 1, 21, "input (3, 2, 7, 7), W (4, 2, 3, 3), stride 2, pad 1", "stride 2"),
    ((2, 3, 5, 6), (2, 3, 2, 3), 1, 0, 22, "input (2, 3, 5, 6), W (2, 3, 2, 3), stride 1, pad 0", "stride 1"),
]


def _conv_shape_hint(x_shape, W_shape, pad):
    def hint(name, actual, expected):
        FN, C, FH, FW = W_shape
        rows = C * FH * FW
        if name == "forward's output":
            return "the output of a convolution is (N, FN, OH, OW), OH = (H + 2*pad - FH) // stride + 1"
        if name == "dW" and actual == (rows, FN):
            return (f"dW must have W's shape {W_shape}: col.T @ dout is ({rows}, FN), one filter per column; "
                    "transpose it, then reshape")
        if name == "dW":
            return f"dW has W's shape {W_shape}: reshape it (one filter per row of {FN} rows of {rows} values)"
        if name == "db":
            return f"db has one number per filter, shape ({FN},): sum dout over every axis but the filter axis"
        if name == "dx" and len(actual) == 2 and actual[1] == rows:
            return ("this is the gradient of col, one row per window: col2im adds each row back into its window "
                    f"of an image of x's shape {x_shape}")
        if name == "dx" and len(actual) == 4 and actual[2:] == (x_shape[2] + 2 * pad, x_shape[3] + 2 * pad):
            return "dx still has the padding: call col2im with forward's stride and pad, which cuts it off"
        return f"dx has the shape of x {x_shape}"
    return hint


def _col2im_hint(text, what):
    """A Failed message from a backward whose col2im (or a reshape before it) did not fit, with a hint."""
    if ".backward raised" in text and "hint:" not in text and ("col2im" in text or "reshape" in text):
        text += (f"\n    hint: col2im takes the input's shape and the window size, stride and pad that {what}: "
                 "then the rows fit its windows")
    return text


def _conv_slips(x, W, b, stride, pad, dout):
    """(gradient name, wrong value, hint) of the usual slips in a Convolution backward."""
    FN, C, FH, FW = W.shape
    col, col_W = im2col(x, FH, FW, stride, pad), W.reshape(FN, -1).T
    rows = dout.transpose(0, 2, 3, 1).reshape(-1, FN)  # (N*OH*OW, FN), in col's row order
    mixed = dout.reshape(-1, FN)                         # the same numbers in the wrong order

    def dx_of(d):
        return col2im(d @ col_W.T, x.shape, FH, FW, stride, pad)
    order = ("dout (N, FN, OH, OW) was reshaped to (N*OH*OW, FN) without moving the filter axis last: the rows "
             "must be windows in col's (n, oh, ow) order and the columns filters, so transpose dout first")
    return [
        ("dW", (col.T @ rows).reshape(W.shape), "col.T @ dout is (C*FH*FW, FN), one filter per column: "
         "transpose it to (FN, C*FH*FW) before reshaping it to W's shape (FN, C, FH, FW)"),
        ("dW", (col.T @ mixed).T.reshape(W.shape), order),
        ("dW", (col.T @ mixed).reshape(W.shape), order + "; and transpose col.T @ dout before the reshape"),
        ("db", mixed.sum(axis=0), order),
        ("dx", dx_of(mixed), order),
        ("db", rows.mean(axis=0), "db is the mean over the windows: sum instead (b is added to every output "
         "pixel, so each adds its gradient)"),
        ("dW", -(col.T @ rows).T.reshape(W.shape), "it has the wrong sign"),
        ("dx", -dx_of(rows), "it has the wrong sign"),
    ]


def _conv_found(name, layer_class, x, W, b, stride, pad):
    expected = convolution_by_definition(x, W, b, stride, pad).shape
    _, dout, dx, layer = _run_once(name, layer_class, (W.copy(), b.copy(), stride, pad), x, expected)
    mine = {"dx": dx, "dW": getattr(layer, "dW", None), "db": getattr(layer, "db", None)}
    return [(g, hint) for g, wrong, hint in _conv_slips(x, W, b, stride, pad, dout) if _same(mine[g], wrong)]


def _check_convolution(layer_class):
    """Convolution(W, b, stride, pad) with dW and db: the output against convolution_by_definition, then
    dx, dW and db against numerical_gradient, backward run twice, on a batch of 3 at stride 2 with pad 1
    (FN = 4, C = 2), then a non-square input and filter at stride 1."""
    name = name_of(layer_class)

    def body():
        errors, problems, tolerance, checked = {}, [], None, []
        for x_shape, W_shape, stride, pad, seed, label, tag in _CONV_FORMS:
            rng = np.random.default_rng(seed)
            W, b, x = rng.standard_normal(W_shape), rng.standard_normal(W_shape[0]), rng.standard_normal(x_shape)
            try:
                result = layer_check(
                    name, _learners(name, layer_class, W.copy(), b.copy(), stride, pad), [(label, (x,))], ("W", "b"),
                    _conv_shape_hint(x_shape, W_shape, pad),
                    reference=lambda x, W=W, b=b, s=stride, p=pad: convolution_by_definition(x, W, b, s, p))
            except Failed as failed:
                raise Failed(_col2im_hint(str(failed), "im2col was given in forward")) from None
            tolerance = max(tolerance or 0, result.tolerance)
            if not result.passed:
                _add_hints(result, _diagnose(_conv_found, name, layer_class, x, W, b, stride, pad))
                errors.update(result.errors)
                problems += result.problems
                break
            checked.append(label)
            errors.update({f"{k} ({tag})": v for k, v in result.errors.items()})
        compared = (f"the output against the definition, and dx, dW, db against {NUMERICAL}, backward run twice, on "
                    "a batch of 3 at stride 2, pad 1, and a non-square input and filter at stride 1"
                    )
        return CheckResult(name, compared, errors, problems, tolerance=tolerance or tolerance_of())
    return verdict(name, body)


# ---------- pooling ----------

_POOL_SETTINGS = [  # ((pool_h, pool_w, stride, pad), x shape, label)
    ((2, 2, 2, 0), (2, 3, 6, 6), "2x2 windows, stride 2, x (2, 3, 6, 6)"),
    ((3, 3, 1, 1), (2, 3, 6, 6), "3x3 windows, stride 1, pad 1 (overlapping), x (2, 3, 6, 6)"),
    ((3, 2, 2, 1), (2, 3, 7, 5), "3x2 windows, stride 2, pad 1, x (2, 3, 7, 5)"),
]


def _pool_values(shape, seed):
    """Distinct values 0.03 apart, shuffled: no window's maximum changes within a numerical step
    (1e-4, or float32's 1e-2)."""
    return np.random.default_rng(seed).permutation(int(np.prod(shape))).reshape(shape) * 0.03 + 0.1


def _windows(x, ph, pw, stride, pad):
    """im2col's rows split into windows of one channel: (N*OH*OW*C, ph*pw), rows in (n, oh, ow, c) order."""
    return im2col(x, ph, pw, stride, pad).reshape(-1, ph * pw)


def pooled(x, ph, pw, stride, pad, kind):
    """The right output of max or average pooling, (N, C, OH, OW); padding counts as zeros (in the
    mean too: every window divides by ph * pw)."""
    N, C, H, W = x.shape
    rows = _windows(x, ph, pw, stride, pad)
    out = rows.max(axis=1) if kind == "max" else rows.mean(axis=1)
    return out.reshape(N, output_length(H, ph, stride, pad), output_length(W, pw, stride, pad), C).transpose(0, 3, 1, 2)


def _pool_shape_hint(x_shape, ph, pw, pad):
    def hint(name, actual, expected):
        if name == "forward's output":
            if len(actual) == 4 and actual[1] == expected[3] and actual[3] == expected[1]:
                return "the channel axis is last, (N, OH, OW, C): move it to position 1"
            return "count the output size with the padding: (H + 2*pad - pool_h) // stride + 1, likewise OW"
        if len(actual) == 2 and actual[1] in (ph * pw, x_shape[1] * ph * pw):
            return ("this is the gradient of the windows, one row each: col2im adds each row back into its window "
                    f"of an image of x's shape {x_shape}")
        if len(actual) == 4 and actual[2:] == (x_shape[2] + 2 * pad, x_shape[3] + 2 * pad):
            return "dx still has the padding: call col2im with forward's stride and pad, which cuts it off"
        return f"dx has the shape of x {x_shape}"
    return hint


def _pool_slips(x, ph, pw, stride, pad, kind, dout):
    """(what, wrong value, hint) of the usual pooling slips; what is "out" or "dx"."""
    N, C, H, W = x.shape
    k, rows = ph * pw, _windows(x, ph, pw, stride, pad)

    def back(d_rows):  # (N*OH*OW*C, k) -> dx through col2im
        return col2im(d_rows.reshape(-1, C * k), x.shape, ph, pw, stride, pad)
    right_order = dout.transpose(0, 2, 3, 1).reshape(-1, 1)
    wrong_order = dout.reshape(-1, 1)
    at_max = np.zeros_like(rows)
    at_max[np.arange(len(rows)), rows.argmax(axis=1)] = 1
    order = ("dout is in (N, C, OH, OW) order, col's rows (and arg_max) in (N, OH, OW, C) order: transpose dout "
             "to that order before you spread it over the rows")
    out_h, out_w = output_length(H, ph, stride, pad), output_length(W, pw, stride, pad)
    if kind == "max":
        return [
            ("dx", back(np.repeat(right_order, k, axis=1)), "every position of a window got the window's gradient: "
             "only its maximum changed the output, the other positions get 0"),
            ("dx", back(np.repeat(right_order / k, k, axis=1)), "this spreads each window's gradient evenly, as "
             "average pooling does: in max pooling only the window's maximum gets it"),
            ("dx", back(at_max * wrong_order), order),
            ("dx", back(at_max), "backward ignores dout: the maximum of each window gets that window's dout"),
            ("dx", col2im(at_max * right_order, (N * C, 1, H, W), ph, pw, stride, pad).reshape(x.shape),
             "the rows come from im2col of x (N, C, H, W), in (N, OH, OW, C) order: give col2im x's shape and the "
             "rows as (N*OH*OW, C*pool_h*pool_w)"),
        ]
    counts = _windows(np.ones_like(x), ph, pw, stride, pad).sum(axis=1)  # values of each window that are x's
    not_padding = "padding counts as zeros in the mean: divide by pool_h * pool_w in every window, at the border too"
    return [
        ("out", (rows.sum(axis=1) / counts).reshape(N, out_h, out_w, C).transpose(0, 3, 1, 2), not_padding),
        ("out", rows.max(axis=1).reshape(N, out_h, out_w, C).transpose(0, 3, 1, 2),
         "this is max pooling: average pooling outputs each window's mean"),
        ("out", rows.mean(axis=1).reshape(N, C, out_h, out_w), "the rows of im2col are in (N, OH, OW, C) order: "
         "reshape to (N, OH, OW, C), then move the channel axis to position 1"),
        ("dx", back(np.repeat(right_order, k, axis=1)), f"each value of a window changes its mean by 1/{k} of "
         f"its change: give it 1/k of the window's gradient (k = pool_h * pool_w = {k})"),
        ("dx", back(np.repeat(right_order / counts[:, None], k, axis=1)), not_padding),
        ("dx", back(np.repeat(wrong_order / k, k, axis=1)), order),
        ("dx", back(np.repeat(np.ones_like(right_order) / k, k, axis=1)),
         "backward ignores dout: each window shares out its own dout"),
    ]


def _pool_found(name, layer_class, x, ph, pw, stride, pad, kind):
    expected = pooled(x, ph, pw, stride, pad, kind).shape
    try:
        out, _, dx, _ = _run_once(name, layer_class, (ph, pw, stride, pad), x, expected)
    except Failed:  # forward's output has another shape: a forward slip may still say why
        layer = make(name, layer_class, ph, pw, stride, pad)
        out, dx = np.asarray(run(f"{name}.forward", layer.forward, x.copy()), dtype=np.float64), None
    found = []
    for what, wrong, hint in _pool_slips(x, ph, pw, stride, pad, kind, random_dout(expected)):
        mine = out if what == "out" else dx
        if mine is not None and _same(mine, wrong):
            found.append(("forward's output" if what == "out" else what, hint))
    return found


def _check_pooling(layer_class, kind="max"):
    """Pooling(pool_h, pool_w, stride, pad), kind "max" or "average" (padding counts as zeros in the mean):
    the output, then dx against numerical_gradient, backward run twice, on 2x2 windows at stride 2,
    overlapping 3x3 windows at stride 1 with pad 1 (the output keeps the input's 6x6), and 3x2 windows
    at stride 2 with pad 1 on a 7x5 input. Values 0.03 apart: no maximum changes within the step."""
    if kind not in ("max", "average"):
        raise ValueError(f"check_pooling: kind must be 'max' or 'average', got {kind!r}")
    name = name_of(layer_class)

    def body():
        errors, problems, tolerance, passed = {}, [], None, []
        for seed, ((ph, pw, s, p), shape, label) in enumerate(_POOL_SETTINGS):
            x = _pool_values(shape, 31 + seed)
            try:
                result = layer_check(name, _learners(name, layer_class, ph, pw, s, p), [(label, (x,))],
                                     shape_hint=_pool_shape_hint(shape, ph, pw, p),
                                     reference=lambda x, ph=ph, pw=pw, s=s, p=p: pooled(x, ph, pw, s, p, kind))
            except Failed as failed:
                raise Failed(_col2im_hint(str(failed), "forward's im2col was given")) from None
            tolerance = max(tolerance or 0, result.tolerance)
            if not result.passed:
                found = _diagnose(_pool_found, name, layer_class, x, ph, pw, s, p, kind)
                if not found and passed and s < max(ph, pw) and any(": dx is wrong" in q for q in result.problems):
                    found = [("dx", "right where windows do not overlap, wrong where they do: a value in several "
                              "windows collects the sum of their gradients; add them (+=), do not assign (=)")]
                _add_hints(result, found)
                errors.update(result.errors)
                problems += result.problems
                break
            passed.append(label)
            errors.update({f"{k} ({label.split(' windows')[0]})": v for k, v in result.errors.items()})
        compared = (f"{kind} pooling of 2x2 windows at stride 2, overlapping 3x3 at stride 1 pad 1, and 3x2 at stride "
                    f"2 pad 1 on 7x5: the output, and dx against {NUMERICAL}, backward run twice"
                    )
        return CheckResult(name, compared, errors, problems, tolerance=tolerance or tolerance_of())
    return verdict(name, body)


check_conv_forward = graded(_check_conv_forward)
check_convolution = graded(_check_convolution)
check_pooling = graded(_check_pooling)

__all__ = ["convolution_by_definition", "pooled", "check_conv_forward", "check_convolution", "check_pooling"]
