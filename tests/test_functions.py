import numpy as np
import pytest

from common.functions import (
    cross_entropy_error,
    identity_function,
    relu,
    relu_grad,
    sigmoid,
    sigmoid_grad,
    softmax,
    softmax_loss,
    step_function,
    sum_squared_error,
)


def reference_loss(x, label):
    """-log softmax(x)[label] in exact-enough float64 via Python's math module."""
    import math
    m = max(x)
    return -(x[label] - m - math.log(sum(math.exp(v - m) for v in x)))


def test_simple_functions_match_the_book():
    x = np.array([-1.0, 0.0, 2.0])
    assert identity_function(x) is x
    assert step_function(x).tolist() == [0, 0, 1]
    assert relu(x).tolist() == [0.0, 0.0, 2.0]
    assert relu_grad(x).tolist() == [0.0, 1.0, 1.0]
    np.testing.assert_allclose(sigmoid(x), 1 / (1 + np.exp(-x)))
    np.testing.assert_allclose(sigmoid_grad(x), sigmoid(x) * (1 - sigmoid(x)))
    assert sum_squared_error(np.array([0.1, 0.9]), np.array([0, 1])) == pytest.approx(0.01)


def test_sigmoid_is_finite_and_silent_for_huge_inputs():
    y = sigmoid(np.array([-1e4, -800.0, 0.0, 800.0, 1e4]))
    assert y.tolist() == [0.0, 0.0, 0.5, 1.0, 1.0]


def test_softmax_1d_and_batched_agree():
    x = np.array([[0.3, 2.9, 4.0], [1.0, 1.0, 1.0]])
    batched = softmax(x)
    np.testing.assert_allclose(softmax(x[0]), batched[0])
    np.testing.assert_allclose(batched.sum(axis=1), 1.0)
    np.testing.assert_allclose(batched[1], 1 / 3)


def test_softmax_and_loss_stay_finite_for_huge_logits():
    x = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4]])
    y = softmax(x)
    assert np.all(np.isfinite(y))
    np.testing.assert_allclose(y, [[1, 0, 0], [0, 0.5, 0.5]])
    assert softmax_loss(x, np.array([0, 1])) == pytest.approx(np.log(2) / 2)
    assert softmax_loss(x, np.array([1, 0])) == pytest.approx(2e4 + np.log(2) / 2, rel=1e-12)


def test_cross_entropy_is_finite_for_probability_zero():
    loss = cross_entropy_error(np.array([0.0, 1.0]), np.array([1.0, 0.0]))
    assert np.isfinite(loss) and loss > 700


def test_loss_is_exact_where_the_book_is_off():
    # The true class gets probability about 0.002; the book's log(y + 1e-7) is off there.
    x = np.array([0.0, 6.2146, 0.0, 0.0])
    label = 0
    exact = reference_loss(x.tolist(), label)
    assert softmax(x)[label] == pytest.approx(0.002, rel=0.01)
    assert softmax_loss(x, np.array(label)) == pytest.approx(exact, rel=1e-6)
    assert cross_entropy_error(softmax(x), np.array(label)) == pytest.approx(exact, rel=1e-6)
    book = -np.log(softmax(x)[label] + 1e-7)
    assert abs(book - exact) > 1e-5  # what the book's version gets wrong


@pytest.mark.parametrize("one_hot", [False, True])
def test_cross_entropy_accepts_labels_and_one_hot_1d_and_batched(one_hot):
    y = np.array([[0.1, 0.7, 0.2], [0.5, 0.25, 0.25]])
    labels = np.array([1, 0])
    t = np.eye(3)[labels] if one_hot else labels
    expected = -(np.log(0.7) + np.log(0.5)) / 2
    assert cross_entropy_error(y, t) == pytest.approx(expected)
    assert cross_entropy_error(y[0], t[0]) == pytest.approx(-np.log(0.7))


def test_float32_stays_float32():
    x = np.array([[1.0, 2.0, 3.0]], dtype=np.float32)
    for f in (sigmoid, sigmoid_grad, relu, relu_grad, softmax):
        assert f(x).dtype == np.float32, f.__name__
    assert softmax_loss(x, np.array([0])).dtype == np.float32


def test_bad_targets_are_named():
    y = softmax(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"cross_entropy_error expected targets of shape \(2,\) \(labels\) or \(2, 3\) \(one-hot\) .* got shape \(3,\)"):
        cross_entropy_error(y, np.array([0, 1, 2]))
    with pytest.raises(ValueError, match=r"softmax_loss expected labels in 0..2 for 3 classes, got values from 0 to 3"):
        softmax_loss(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match="softmax_loss expected integer labels, got dtype float64"):
        softmax_loss(np.zeros((2, 3)), np.array([0.0, 1.0]))


def test_labels_of_shape_n_1_and_empty_batches():
    x = np.array([[0.3, 2.9, 4.0], [1.0, 1.0, 1.0]])
    assert softmax_loss(x, np.array([[2], [0]])) == softmax_loss(x, np.array([2, 0]))
    assert cross_entropy_error(softmax(x), np.array([[2], [0]])) == cross_entropy_error(softmax(x), np.array([2, 0]))
    for f in (softmax_loss, cross_entropy_error):
        with pytest.raises(ValueError, match=rf"{f.__name__} needs at least one sample, got scores of shape \(0, 3\)"):
            f(np.zeros((0, 3)), np.zeros(0, dtype=int))
