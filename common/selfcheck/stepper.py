"""A graded predict exercise on the graph stepper: the learner writes a function that returns the
backward values a common.stepper.GraphStepper in predict mode asks for, in its order.

    quiz = GraphStepper(backward_from_output(sigmoid_graph(0.5)), predict=True)
    check_predictions(quiz, sigmoid_predictions)                  # the learner's function
    check_predictions(quiz, sigmoid_predictions, solution=True)   # the hidden solution's

Each value is compared with the gradient that the graph's backward pass recorded, within 0.1 %
(or 0.0001): the drawing's 4 decimals are enough, and anything computed to full precision is well
inside. A FAIL names the first wrong value, its question and its rule in words, and what the value
is where it is a usual mistake (the sign flipped, the other input's gradient, one edge of a fork,
the right values in another order).
"""
from common.selfcheck.core import CheckResult, Failed, as_numbers, name_of, run, verdict
from common.selfcheck.progress import graded
from common.stepper import GraphStepper, close
from common.stepper import value_text as text


def check_predictions(quiz, predictions, *, solution=False):
    """Judge predictions(), a function of no arguments returning the values quiz asks for (a list,
    tuple or array of numbers, in the order the stepper asks for them). Records the verdict for
    progress() under the function's name (solution=True: as the solution's)."""
    return _check(quiz, predictions, name=name_of(predictions), solution=solution)


@graded
def _check(quiz, predictions, name):
    return verdict(name, lambda: _judge(quiz, predictions, name))


def _judge(quiz, predictions, name):
    if not isinstance(quiz, GraphStepper) or not quiz.asked:
        raise Failed("check_predictions(quiz, predictions) needs the stepper that asks the questions, made with "
                     f"GraphStepper(graph, predict=True); got {type(quiz).__name__}"
                     + (" with predict mode off" if isinstance(quiz, GraphStepper) else ""))
    if not callable(predictions):
        raise Failed(f"pass your function itself, check_predictions(quiz, your_function), not what it returns "
                     f"(got a {type(predictions).__name__})")
    values, problem = as_numbers(f"{name}()", run(f"{name}()", predictions))
    n = len(quiz.asked)
    if problem:
        raise Failed(f"{problem}: return a list of {n} numbers")
    if values.shape != (n,):
        got = f"{values.size} value{'s' * (values.size != 1)}" if values.ndim == 1 else f"the shape {values.shape}"
        raise Failed(f"{name}() returned {got}; the stepper asks for {n}: return a list of {n} numbers, one per "
                     "question, in its order")
    wrong = [(i, k, float(v)) for i, (k, v) in enumerate(zip(quiz.asked, values), start=1)
             if not close(v, quiz.steps[k].value)]
    problems = []
    if wrong:
        i, k, guess = wrong[0]
        note = quiz.mistake(k, guess)
        hint = note + quiz.hint(k)
        answers = sorted(float(quiz.steps[j].value) for j in quiz.asked)
        if not note and all(close(v, answer) for v, answer in zip(sorted(values), answers)):
            hint = "these are the right values in another order: give them in the order the stepper asks for them"
        problems.append(f"{len(wrong)} of {n} values {'is' if len(wrong) == 1 else 'are'} wrong; the first, value {i}: "
                        f"{quiz.question(k)}: you gave {text(guess)}\n    hint: {hint}")
    return CheckResult(name, compared=f"the {n} backward values the stepper asks for, each within 0.1 % (or 0.0001) "
                                      "of the gradient the backward pass recorded", problems=problems)
