"""check_predictions (common.selfcheck.stepper), held to the judge's rules: correct alternatives
PASS (a list, a tuple, an array, float32, values typed to the drawing's 4 decimals); typical wrong
attempts FAIL with a short message that names the first wrong value, its question and its rule,
and what the value is where it is a usual mistake; nothing the learner's code does escapes; the
verdicts are recorded for progress()."""
import numpy as np
import pytest
from test_stepper import APPLE_ORANGE, fork_graph

from common.autograd import Variable
from common.graph import graph_of
from common.graph_examples import JA_NAMES, apple_orange_graph, backward_from_output, sigmoid_graph
from common.selfcheck import progress
from common.selfcheck.progress import forget
from common.selfcheck.stepper import check_predictions
from common.stepper import GraphStepper

Y = 1 / (1 + np.exp(-0.5))
SIGMOID = [-Y**2, -Y**2, -Y**2 * np.exp(-0.5), Y * (1 - Y)]  # / to +1, +1 to exp, exp to ×-1, ×-1 to x
FORK = (1, 1, 1.1, 450, 3.3, 165, 1.1, 200, 650, 2.2, 110)  # notebook 02's fork: tax feeds two × nodes


def quiz_of(graph):
    return GraphStepper(graph, names={"ja": JA_NAMES}, predict=True)


def apple_orange_quiz():
    return quiz_of(backward_from_output(apple_orange_graph()))


def subtract_quiz():
    """z = (x − y) × w at x = 5, y = 2, w = 4, by the autograd engine: the − node sends −4 to y."""
    x, y, w = (Variable(np.array(value), name=name) for value, name in ((5.0, "x"), (2.0, "y"), (4.0, "w")))
    d = x - y
    d.name = "d"
    z = d * w
    z.name = "z"
    z.backward(retain_grad=True)
    return quiz_of(graph_of(z))


def judged(quiz, values, name="my_predictions"):
    def learner():
        return values
    learner.__name__ = name
    return check_predictions(quiz, learner)


@pytest.mark.parametrize("values", [
    list(APPLE_ORANGE),                                 # a list
    tuple(APPLE_ORANGE),                                # a tuple
    np.array(APPLE_ORANGE, dtype=np.float32),          # a float32 array
    [1.1, 650.0, 1.1, 1.1, 3.3, 165.0, 2.2, 110.0],    # floats as the drawing prints them
    [1.1, 2 * 325, 11 / 10, 1.1, 3 * 1.1, 150 * 1.1, 2 * 1.1, 100 * 1.1],   # computed, with float rounding
], ids=["list", "tuple", "float32", "typed", "computed"])
def test_correct_alternatives_pass(values):
    result = judged(apple_orange_quiz(), values)
    assert result.status == "PASS", result
    assert repr(result) == ("PASS my_predictions: the 8 backward values the stepper asks for, each within 0.1 % (or "
                            "0.0001) of the gradient the backward pass recorded")


def test_the_sigmoid_values_typed_to_four_decimals_pass():
    quiz = quiz_of(backward_from_output(sigmoid_graph(0.5)))
    assert judged(quiz, [-0.3875, -0.3875, -0.235, 0.235]).passed
    assert judged(quiz, SIGMOID).passed
    assert judged(quiz, [float(f"{v:.3g}") for v in SIGMOID]).passed  # 3 digits: -0.387, -0.235 (within 0.1 %)


def test_swapped_inputs_of_a_multiply_node_fail_naming_the_edge():
    swapped = [1.1, 650, 1.1, 1.1, 3.3, 165, 110, 2.2]  # apple gets apple num's gradient and back
    result = judged(apple_orange_quiz(), swapped)
    assert result.status == "FAIL"
    assert result.problems == [
        "2 of 8 values are wrong; the first, value 7: predict the gradient that the × node (apple price) sends back "
        "to apple: you gave 110\n    hint: that is the gradient sent to apple num; a × node sends back the upstream "
        "gradient times the other input (the upstream gradient is the red value on the edge that leaves the node)"]


def test_the_sign_of_a_subtract_node_fails_with_the_sign_named():
    quiz = subtract_quiz()
    answers = [float(quiz.steps[k].value) for k in quiz.asked]
    assert answers == [4.0, 3.0, 4.0, -4.0]  # to d, to w, to x, to y
    result = judged(quiz, [4, 3, 4, 4])
    assert result.status == "FAIL" and result.problems == [
        "1 of 4 values is wrong; the first, value 4: predict the gradient that the − node (d) sends back to y: you "
        "gave 4\n    hint: the size is right, the sign is not; a − node sends the upstream gradient to its second "
        "input with the sign flipped (the upstream gradient is the red value on the edge that leaves the node)"]


def test_a_fork_not_summed_fails_with_the_fork_rule():
    quiz = quiz_of(fork_graph())
    one_edge = list(FORK)
    one_edge[8] = 450  # tax: the orange edge's gradient alone
    result = judged(quiz, one_edge)
    assert result.status == "FAIL"
    assert "value 9: predict the gradient of tax: it feeds 2 nodes: you gave 450" in result.problems[0]
    assert result.problems[0].endswith("hint: that is the gradient on one of its edges only; a value that feeds "
                                       "several nodes gets the sum of the gradients on its edges")
    assert judged(quiz, FORK).passed


@pytest.mark.parametrize("values, expected", [
    ([1, 1, 1, 1, 1, 1, 1, 1], "8 of 8 values are wrong; the first, value 1: predict the gradient that the × node "
                               "(price) sends back to all price: you gave 1\n    hint: that is the upstream gradient, "
                               "unchanged; a × node"),
    ([1.1, 715, 1.1, 1.1, 3.3, 165, 2.2, 110], "1 of 8 values is wrong; the first, value 2: predict the gradient that "
                                               "the × node (price) sends back to tax: you gave 715\n    hint: that is "
                                               "a value of the forward pass, not a gradient; a × node"),
    ([2.2, 110, 1.1, 1.1, 3.3, 165, 1.1, 650], "these are the right values in another order: give them in the order "
                                               "the stepper asks for them"),
    ([1.1, 650, 1.1, 1.1, 3.3, 165, 2.2, float("nan")], "value 8: predict the gradient that the × node (apple price) "
                                                        "sends back to apple num: you gave nan"),
], ids=["upstream-unchanged", "forward-value", "another-order", "nan"])
def test_other_wrong_values_fail_with_the_first_one_named(values, expected):
    result = judged(apple_orange_quiz(), values)
    assert result.status == "FAIL" and expected in result.problems[0], result
    assert len(result.problems) == 1 and len(repr(result).splitlines()) == 3  # short: one problem, one hint


@pytest.mark.parametrize("values, expected", [
    (list(APPLE_ORANGE[:7]), "my_predictions() returned 7 values; the stepper asks for 8: return a list of 8 "
                             "numbers, one per question, in its order"),
    ([list(APPLE_ORANGE)], "my_predictions() returned the shape (1, 8); the stepper asks for 8"),
    (5, "my_predictions() returned the shape (); the stepper asks for 8"),
    ([1.1, "a lot"] + [1] * 6, "my_predictions() has dtype <U32, not numbers: return a list of 8 numbers"),
    (None, "my_predictions() is None"),
    ({"tax": 650}, "my_predictions() is a dict, not an array of numbers"),
    ([1.1, [650, 1.1]] + [1] * 6, "my_predictions() is a list, not an array of numbers"),
])
def test_a_return_that_is_not_the_numbers_asked_fails_and_says_so(values, expected):
    result = judged(apple_orange_quiz(), values)
    assert result.status == "FAIL" and result.detail == "the check stopped at this problem"
    assert expected in result.problems[0], result


def test_nothing_the_learner_does_escapes():
    quiz = apple_orange_quiz()

    def my_predictions():
        raise NotImplementedError("your 8 values here")
    result = check_predictions(quiz, my_predictions)
    assert repr(result) == ("NOT DONE YET: my_predictions: my_predictions() still raises NotImplementedError: write "
                            "your code there and run this cell again")

    def my_predictions():
        return [1.1, 650 / 0]
    result = check_predictions(quiz, my_predictions)
    assert result.status == "FAIL" and "my_predictions() raised ZeroDivisionError: division by zero (line " in \
        result.problems[0] and "return [1.1, 650 / 0]" in result.problems[0]
    assert "pass your function itself" in check_predictions(quiz, list(APPLE_ORANGE)).problems[0]
    assert "got NoneType" in check_predictions(None, my_predictions).problems[0]
    off = GraphStepper(backward_from_output(apple_orange_graph()))
    assert "with predict mode off" in check_predictions(off, my_predictions).problems[0]


def test_the_verdicts_are_recorded_for_progress():
    forget()
    quiz = apple_orange_quiz()

    def apple_orange_predictions():
        raise NotImplementedError("your 8 values here")
    check_predictions(quiz, apple_orange_predictions)
    assert "apple_orange_predictions  yours: not done" in repr(progress("apple_orange_predictions"))

    def apple_orange_predictions():
        return list(APPLE_ORANGE)
    assert check_predictions(quiz, apple_orange_predictions, solution=True).passed
    table = repr(progress("apple_orange_predictions"))
    assert "yours: not done" in table and "solution: PASS" in table
    forget()


def test_checking_leaves_the_stepper_as_it_was():
    quiz = apple_orange_quiz()
    quiz.goto(5)
    quiz.predict(1.1)
    before = (quiz.position, dict(quiz.tries), dict(quiz.outcomes))
    judged(quiz, APPLE_ORANGE)
    judged(quiz, [0] * 8)
    assert (quiz.position, quiz.tries, quiz.outcomes) == before
