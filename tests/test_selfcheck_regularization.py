"""check_weight_decay judges right: correct alternatives PASS, the usual mistakes FAIL with the
hint that names them, a skeleton says NOT DONE YET, and nothing the learner's code does escapes."""
import numpy as np
import pytest

from common.selfcheck import progress
from common.selfcheck.core import FAIL, NOT_DONE, PASS
from common.selfcheck.progress import forget
from common.selfcheck.regularization import CASES, check_weight_decay

# ---------- correct alternatives ----------

def comprehension(params, grads, lam):
    return {k: g + lam * params[k] if k.startswith("W") else g for k, g in grads.items()}


def loop_with_copies(params, grads, lam):
    new = {}
    for key in grads:
        new[key] = grads[key].copy()
        if key[0] == "W":
            new[key] += lam * params[key]
    return new


def book_style(params, grads, lam):  # the book's loop over W1, W2, ... by index
    new = dict(grads)
    idx = 1
    while "W" + str(idx) in params:
        new["W" + str(idx)] = grads["W" + str(idx)] + lam * params["W" + str(idx)]
        idx += 1
    return new


def lists_of_numbers(params, grads, lam):
    return {k: (g + lam * params[k]).tolist() if k.startswith("W") else g.tolist() for k, g in grads.items()}


def in_the_parameters_dtype(params, grads, lam):
    return {k: g + np.asarray(lam, dtype=params[k].dtype) * params[k] if k.startswith("W") else g
            for k, g in grads.items()}


def float32_results(params, grads, lam):  # float32 even for float64 parameters: judged at float32's tolerance
    return {k: (g + lam * params[k]).astype(np.float32) if k.startswith("W") else g.astype(np.float32)
            for k, g in grads.items()}


@pytest.mark.parametrize("function", [comprehension, loop_with_copies, book_style, lists_of_numbers,
                                      in_the_parameters_dtype, float32_results], ids=lambda f: f.__name__)
def test_correct_alternatives_pass(function):
    result = check_weight_decay(function)
    assert result.status == PASS, repr(result)
    assert "numerical_gradient (h=1e-4)" in repr(result) and "weight_decay_lambda" in repr(result)


def test_float32_results_are_judged_at_float32s_tolerance_and_the_verdict_says_so():
    assert "tolerance float32's" in repr(check_weight_decay(float32_results))
    assert "tolerance float32's" not in repr(check_weight_decay(comprehension))


def test_the_numerical_reference_is_well_inside_the_tolerance_for_a_correct_result():
    # the cases' seeds were chosen for this: every element of a correct result within 1e-8 of
    # numerical_gradient, so that no correct alternative fails on rounding
    result = check_weight_decay(comprehension)
    assert result.max_error < 1e-8
    assert len({k.split(" (")[1] for k in result.errors}) == 3  # the three float64 cases were compared


# ---------- typical mistakes ----------

def twice(params, grads, lam):
    return {k: g + 2 * lam * params[k] if k.startswith("W") else g for k, g in grads.items()}


def half(params, grads, lam):
    return {k: g + 0.5 * lam * params[k] if k.startswith("W") else g for k, g in grads.items()}


def subtracted(params, grads, lam):
    return {k: g - lam * params[k] if k.startswith("W") else g for k, g in grads.items()}


def decays_everything(params, grads, lam):
    return {k: g + lam * params[k] for k, g in grads.items()}


def decays_all_but_biases(params, grads, lam):  # gamma is decayed too
    return {k: g if k.startswith("b") else g + lam * params[k] for k, g in grads.items()}


def first_layer_only(params, grads, lam):
    return {k: g + lam * params[k] if k == "W1" else g for k, g in grads.items()}


def hard_coded_lambda(params, grads, lam):
    return {k: g + 0.1 * params[k] if k.startswith("W") else g for k, g in grads.items()}


def penalty_gradient_alone(params, grads, lam):
    return {k: lam * params[k] if k.startswith("W") else g for k, g in grads.items()}


def squared(params, grads, lam):
    return {k: g + 0.5 * lam * params[k] ** 2 if k.startswith("W") else g for k, g in grads.items()}


def l1(params, grads, lam):
    return {k: g + lam * np.sign(params[k]) if k.startswith("W") else g for k, g in grads.items()}


def summed(params, grads, lam):
    return {k: g + lam * np.sum(params[k]) if k.startswith("W") else g for k, g in grads.items()}


def float32_lambda(params, grads, lam):
    return {k: g + np.float32(lam) * params[k] if k.startswith("W") else g for k, g in grads.items()}


def in_place(params, grads, lam):
    for k in grads:
        if k.startswith("W"):
            grads[k] += lam * params[k]
    return grads


def in_place_returning_nothing(params, grads, lam):
    for k in grads:
        if k.startswith("W"):
            grads[k] += lam * params[k]


def moves_the_weights(params, grads, lam):
    for k in params:
        if k.startswith("W"):
            params[k] *= 1 - lam
    return dict(grads)


def weights_only(params, grads, lam):
    return {k: g + lam * params[k] for k, g in grads.items() if k.startswith("W")}


def a_list(params, grads, lam):
    return [g + lam * params[k] for k, g in grads.items()]


def scaled_gradient(params, grads, lam):
    return {k: g * (1 - lam) if k.startswith("W") else g for k, g in grads.items()}


MISTAKES = [
    (twice, "W1, W2, W3: the term added is twice", "cancel the 2"),
    (half, "half the penalty's derivative", "2 * w"),
    (subtracted, "wrong sign", "gradient is added too"),
    (decays_everything, "b1 is a bias, not a weight", "W1, W2, ... only"),
    (decays_all_but_biases, "gamma1 is BatchNorm's gamma, not a weight", "W1, W2, ... only"),
    (first_layer_only, "W2, W3: nothing was added", "every weight matrix"),
    (hard_coded_lambda, "lam 0.37: W1, W2, W3: the term added is 0.1 * W, but lam is 0.37", "lam the function is given"),
    (penalty_gradient_alone, "the penalty's gradient alone", "add it to backprop's gradient"),
    (squared, "0.5 * lam * W**2", "differentiate"),
    (l1, "L1 penalty", "differentiate w**2"),
    (summed, "the same number was added to every element", "W's shape"),
    (float32_lambda, "digits only", "float32"),
    (in_place, "changed grads['W1'] in place", "new dict"),
    (in_place_returning_nothing, "returned None", "changed grads in place instead"),
    (moves_the_weights, "changed params['W1'] in place", "optimizer's job"),
    (weights_only, "names differ from grads': no b1, b2, b3", "every name in grads"),
    (a_list, "returned a list, expected a dict", ""),
    (scaled_gradient, "W1 is wrong", ""),
]


@pytest.mark.parametrize("function, problem, hint", MISTAKES, ids=[m[0].__name__ for m in MISTAKES])
def test_typical_mistakes_fail_with_the_right_hint(function, problem, hint):
    text = repr(check_weight_decay(function))
    assert text.startswith(FAIL), text
    assert problem in text and hint in text, text


def test_messages_stay_short_one_line_per_mistake_and_its_hint():
    text = repr(check_weight_decay(twice))
    assert len(text.splitlines()) == 3  # the verdict, the problem (W1, W2, W3 together), its hint


# ---------- nothing escapes ----------

def skeleton(params, grads, lam):
    raise NotImplementedError("your code here")


def raises(params, grads, lam):
    return {k: g + lam * params[k.upper()] for k, g in grads.items()}


def strings(params, grads, lam):
    return {k: "gradient" for k in grads}


def wrong_shapes(params, grads, lam):
    return {k: np.ravel(g) for k, g in grads.items()}


def not_finite(params, grads, lam):
    return {k: g * np.nan for k, g in grads.items()}


def test_a_skeleton_is_not_done_yet():
    assert repr(check_weight_decay(skeleton)).startswith(NOT_DONE)


@pytest.mark.parametrize("function, words", [
    (raises, "raised KeyError: 'B1'"), (strings, "not an array of numbers"),
    (wrong_shapes, "has shape (84,), expected (12, 7)"), (not_finite, "NaN or infinity")],
    ids=["raises", "strings", "wrong-shapes", "nan"])
def test_learner_errors_become_verdicts(function, words):
    text = repr(check_weight_decay(function))
    assert text.startswith(FAIL) and words in text, text


def test_a_called_function_instead_of_the_function_fails_with_how_to_pass_it():
    params = {"W1": np.ones((2, 2)), "b1": np.zeros(2)}
    text = repr(check_weight_decay(comprehension(params, dict(params), 0.1)))
    assert text.startswith(FAIL) and "pass the function itself" in text


def test_the_verdict_is_recorded_for_progress_apart_from_the_solutions():
    forget()
    check_weight_decay(skeleton, name="weight_decay_grads")
    check_weight_decay(comprehension, name="weight_decay_grads", solution=True)
    text = repr(progress("weight_decay_grads"))
    assert "yours: not done" in text and "solution: PASS" in text
    forget()


def test_the_cases_bite_where_the_lesson_does():
    lams = {case[4] for case in CASES}
    assert len(lams) >= 2 and any(lam != 0.1 for lam in lams)  # a hard-coded 0.1 fails
    assert any(case[3].get("use_batchnorm") for case in CASES)  # gamma, beta are not weights
    assert any(case[5] == np.float32 for case in CASES)
