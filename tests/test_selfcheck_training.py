"""check_sgd_loop, check_epoch_loop and check_backward_order (common.selfcheck.training) judge
right: correct alternatives PASS, the usual mistakes FAIL with the hint that names them, a skeleton
says NOT DONE YET, and nothing the learner's code does escapes."""
import math

import numpy as np
import pytest

from common.optimizer import SGD
from common.selfcheck.core import FAIL, NOT_DONE, PASS
from common.selfcheck.progress import _verdicts, forget
from common.selfcheck.training import (
    _backward_in,
    _graphs,
    check_backward_order,
    check_epoch_loop,
    check_sgd_loop,
    epoch_sizes,
)


def step(net, grads, lr):
    for key in net.params:
        net.params[key] -= lr * grads[key]


# ---------- the book's loop: correct alternatives ----------

def with_replacement(net, x, t, iters, batch_size, lr, rng):
    losses = []
    for _ in range(iters):
        batch = rng.integers(0, len(x), batch_size)
        step(net, net.gradient(x[batch], t[batch]), lr)
        losses.append(float(net.lastLayer.loss))
    return losses


def without_replacement_in_a_batch(net, x, t, iters, batch_size, lr, rng):
    losses = []
    for _ in range(iters):
        batch = rng.choice(len(x), batch_size, replace=False)
        grads = net.gradient(x[batch], t[batch])
        for key, g in grads.items():
            net.params[key] -= lr * g
        losses.append(net.lastLayer.loss)
    return np.array(losses)


def the_books_keys_and_after_step_loss(net, x, t, iters, batch_size, lr, rng):
    train_loss_list = []
    train_size = x.shape[0]
    for _ in range(iters):
        batch_mask = rng.choice(train_size, batch_size)
        x_batch, t_batch = x[batch_mask], t[batch_mask]
        grad = net.gradient(x_batch, t_batch)
        for key in ("W1", "b1", "W2", "b2"):
            net.params[key] -= lr * grad[key]
        train_loss_list.append(net.loss(x_batch, t_batch))  # the book's second forward pass
    return tuple(train_loss_list)


def an_optimizer_and_float32_lr(net, x, t, iters, batch_size, lr, rng):
    optimizer, losses = SGD(lr=float(np.float32(lr))), []
    for _ in range(iters):
        batch = rng.permutation(len(x))[:batch_size]
        optimizer.update(net.params, net.gradient(x[batch], t[batch]))
        losses.append(float(net.lastLayer.loss))
    return losses


def the_books_loop_with_its_accuracy_per_epoch(net, x, t, iters, batch_size, lr, rng):
    losses, accuracies = [], []
    iter_per_epoch = max(len(x) / batch_size, 1)
    for i in range(iters):
        batch = rng.choice(len(x), batch_size)
        step(net, net.gradient(x[batch], t[batch]), lr)
        losses.append(float(net.lastLayer.loss))
        if i % iter_per_epoch == 0:
            accuracies.append(net.accuracy(x, t))
    return losses


SGD_CORRECT = [with_replacement, without_replacement_in_a_batch, the_books_keys_and_after_step_loss,
               an_optimizer_and_float32_lr, the_books_loop_with_its_accuracy_per_epoch]


@pytest.mark.parametrize("loop", SGD_CORRECT, ids=lambda f: f.__name__)
def test_correct_sgd_loops_pass(loop):
    result = check_sgd_loop(loop)
    assert result.status == PASS, repr(result)
    assert "stand-in network" in repr(result) and "3 blobs" in repr(result)


# ---------- the book's loop: typical mistakes ----------

def one_batch_for_all(net, x, t, iters, batch_size, lr, rng):
    batch, losses = rng.integers(0, len(x), batch_size), []
    for _ in range(iters):
        step(net, net.gradient(x[batch], t[batch]), lr)
        losses.append(float(net.lastLayer.loss))
    return losses


def in_stored_order(net, x, t, iters, batch_size, lr, rng):
    losses = []
    for i in range(iters):
        batch = np.arange(i * batch_size, (i + 1) * batch_size) % len(x)
        step(net, net.gradient(x[batch], t[batch]), lr)
        losses.append(float(net.lastLayer.loss))
    return losses


def global_random(net, x, t, iters, batch_size, lr, rng):
    losses = []
    for _ in range(iters):
        batch = np.random.choice(len(x), batch_size)
        step(net, net.gradient(x[batch], t[batch]), lr)
        losses.append(float(net.lastLayer.loss))
    return losses


def never_the_last_image(net, x, t, iters, batch_size, lr, rng):
    losses = []
    for _ in range(iters):
        batch = rng.integers(0, len(x) - 1, batch_size)  # as if high were included
        step(net, net.gradient(x[batch], t[batch]), lr)
        losses.append(float(net.lastLayer.loss))
    return losses


def up_the_gradient(net, x, t, iters, batch_size, lr, rng):
    losses = []
    for _ in range(iters):
        batch = rng.integers(0, len(x), batch_size)
        grads = net.gradient(x[batch], t[batch])
        for key in net.params:
            net.params[key] += lr * grads[key]
        losses.append(float(net.lastLayer.loss))
    return losses


def a_fixed_learning_rate(net, x, t, iters, batch_size, lr, rng):
    return with_replacement(net, x, t, iters, batch_size, 0.1, rng)


def no_learning_rate(net, x, t, iters, batch_size, lr, rng):
    return with_replacement(net, x, t, iters, batch_size, 1.0, rng)


def new_arrays(net, x, t, iters, batch_size, lr, rng):
    losses = []
    for _ in range(iters):
        batch = rng.integers(0, len(x), batch_size)
        grads = net.gradient(x[batch], t[batch])
        for key in net.params:
            net.params[key] = net.params[key] - lr * grads[key]
        losses.append(float(net.lastLayer.loss))
    return losses


def only_the_weights(net, x, t, iters, batch_size, lr, rng):
    losses = []
    for _ in range(iters):
        batch = rng.integers(0, len(x), batch_size)
        grads = net.gradient(x[batch], t[batch])
        for key in ("W1", "W2"):
            net.params[key] -= lr * grads[key]
        losses.append(float(net.lastLayer.loss))
    return losses


def the_whole_sets_loss(net, x, t, iters, batch_size, lr, rng):
    losses = []
    for _ in range(iters):
        batch = rng.integers(0, len(x), batch_size)
        step(net, net.gradient(x[batch], t[batch]), lr)
        losses.append(float(net.loss(x, t)))
    return losses


def loss_read_before_the_gradient(net, x, t, iters, batch_size, lr, rng):
    losses = []
    for _ in range(iters):
        losses.append(float(net.lastLayer.loss))
        batch = rng.integers(0, len(x), batch_size)
        step(net, net.gradient(x[batch], t[batch]), lr)
    return losses


def no_return(net, x, t, iters, batch_size, lr, rng):
    with_replacement(net, x, t, iters, batch_size, lr, rng)


def one_loss_short(net, x, t, iters, batch_size, lr, rng):
    return with_replacement(net, x, t, iters, batch_size, lr, rng)[1:]


def two_gradients_an_iteration(net, x, t, iters, batch_size, lr, rng):
    losses = []
    for _ in range(iters):
        batch = rng.integers(0, len(x), batch_size)
        net.gradient(x[batch], t[batch])
        losses.append(float(net.lastLayer.loss))
        step(net, net.gradient(x[batch], t[batch]), lr)
    return losses


def labels_shuffled_apart(net, x, t, iters, batch_size, lr, rng):
    losses = []
    for _ in range(iters):
        step(net, net.gradient(x[rng.integers(0, len(x), batch_size)], t[rng.integers(0, len(x), batch_size)]), lr)
        losses.append(float(net.lastLayer.loss))
    return losses


def shuffles_the_data(net, x, t, iters, batch_size, lr, rng):
    losses = []
    for _ in range(iters):
        rng.shuffle(x)
        rng.shuffle(t)
        step(net, net.gradient(x[:batch_size], t[:batch_size]), lr)
        losses.append(float(net.lastLayer.loss))
    return losses


SGD_WRONG = [
    (one_batch_for_all, "the same batch"),
    (in_stored_order, "stored order"),
    (global_random, "do not depend on the rng"),
    (never_the_last_image, "was never drawn"),
    (up_the_gradient, "up the gradient"),
    (a_fixed_learning_rate, "0.1 times the gradient, but lr is 0.05"),
    (no_learning_rate, "without lr"),
    (new_arrays, "update it in place"),
    (only_the_weights, "params['b1'] did not move"),
    (the_whole_sets_loss, "whole set's loss"),
    (loss_read_before_the_gradient, "raised TypeError"),
    (no_return, "returned None"),
    (one_loss_short, "returned 39 losses for 40 iterations"),
    (two_gradients_an_iteration, "called 80 times in 40 iterations"),
    (labels_shuffled_apart, "labels of a batch are not those of its images"),
    (shuffles_the_data, "changed x or t in place"),
]


@pytest.mark.parametrize("loop, hint", SGD_WRONG, ids=[f.__name__ for f, _ in SGD_WRONG])
def test_usual_mistakes_in_the_sgd_loop_fail_with_their_hint(loop, hint):
    result = check_sgd_loop(loop)
    assert result.status == FAIL, repr(result)
    assert hint in repr(result)


# ---------- every image once per epoch: correct alternatives ----------

def per_epoch(net, x, t, iters, batch_size, lr, rng):
    losses, per = [], -(-len(x) // batch_size)
    for i in range(iters):
        j = i % per
        if j == 0:
            order = rng.permutation(len(x))
        batch = order[j * batch_size:(j + 1) * batch_size]
        step(net, net.gradient(x[batch], t[batch]), lr)
        losses.append(float(net.lastLayer.loss))
    return losses


def nested_loops(net, x, t, iters, batch_size, lr, rng):
    losses = []
    while True:
        x_shuffled_order = rng.permutation(len(x))
        xs, ts = x[x_shuffled_order], t[x_shuffled_order]  # copies: x and t stay as they are
        for start in range(0, len(x), batch_size):
            if len(losses) == iters:
                return losses
            grads = net.gradient(xs[start:start + batch_size], ts[start:start + batch_size])
            step(net, grads, lr)
            losses.append(float(net.lastLayer.loss))


def batches_from_a_generator(net, x, t, iters, batch_size, lr, rng):
    def batches():
        while True:
            order = rng.permutation(len(x))
            yield from (order[k:k + batch_size] for k in range(0, len(order), batch_size))

    losses = np.zeros(iters, dtype=np.float32)
    for i, batch in zip(range(iters), batches()):
        step(net, net.gradient(x[batch], t[batch]), np.float32(lr))
        losses[i] = net.lastLayer.loss
    return losses


def math_ceil_and_array_split(net, x, t, iters, batch_size, lr, rng):
    per = math.ceil(len(x) / batch_size)
    losses = []
    for i in range(iters):
        if i % per == 0:
            pieces = np.split(rng.permutation(len(x)), range(batch_size, len(x), batch_size))
        batch = pieces[i % per]
        step(net, net.gradient(x[batch], t[batch]), lr)
        losses.append(float(net.lastLayer.loss))
    return losses


EPOCH_CORRECT = [per_epoch, nested_loops, batches_from_a_generator, math_ceil_and_array_split]


@pytest.mark.parametrize("loop", EPOCH_CORRECT, ids=lambda f: f.__name__)
def test_correct_epoch_loops_pass(loop):
    result = check_epoch_loop(loop)
    assert result.status == PASS, repr(result)


# ---------- every image once per epoch: typical mistakes ----------

def shuffles_once(net, x, t, iters, batch_size, lr, rng):
    losses, per, order = [], -(-len(x) // batch_size), rng.permutation(len(x))
    for i in range(iters):
        j = i % per
        batch = order[j * batch_size:(j + 1) * batch_size]
        step(net, net.gradient(x[batch], t[batch]), lr)
        losses.append(float(net.lastLayer.loss))
    return losses


def same_permutation_every_epoch(net, x, t, iters, batch_size, lr, rng):
    losses, per = [], -(-len(x) // batch_size)
    for i in range(iters):
        j = i % per
        if j == 0:
            order = np.random.default_rng(0).permutation(len(x))
        batch = order[j * batch_size:(j + 1) * batch_size]
        step(net, net.gradient(x[batch], t[batch]), lr)
        losses.append(float(net.lastLayer.loss))
    return losses


def drops_the_last_batch(net, x, t, iters, batch_size, lr, rng):
    losses, per = [], len(x) // batch_size
    for i in range(iters):
        j = i % per
        if j == 0:
            order = rng.permutation(len(x))
        batch = order[j * batch_size:(j + 1) * batch_size]
        step(net, net.gradient(x[batch], t[batch]), lr)
        losses.append(float(net.lastLayer.loss))
    return losses


def runs_across_epochs(net, x, t, iters, batch_size, lr, rng):
    stream, losses = np.zeros(0, dtype=int), []
    for _ in range(iters):
        while len(stream) < batch_size:
            stream = np.concatenate([stream, rng.permutation(len(x))])
        batch, stream = stream[:batch_size], stream[batch_size:]
        step(net, net.gradient(x[batch], t[batch]), lr)
        losses.append(float(net.lastLayer.loss))
    return losses


def not_shuffled(net, x, t, iters, batch_size, lr, rng):
    losses, per = [], -(-len(x) // batch_size)
    for i in range(iters):
        j = i % per
        batch = np.arange(len(x))[j * batch_size:(j + 1) * batch_size]
        step(net, net.gradient(x[batch], t[batch]), lr)
        losses.append(float(net.lastLayer.loss))
    return losses


def global_permutation(net, x, t, iters, batch_size, lr, rng):
    losses, per = [], -(-len(x) // batch_size)
    for i in range(iters):
        j = i % per
        if j == 0:
            order = np.random.permutation(len(x))
        batch = order[j * batch_size:(j + 1) * batch_size]
        step(net, net.gradient(x[batch], t[batch]), lr)
        losses.append(float(net.lastLayer.loss))
    return losses


def a_new_permutation_every_batch(net, x, t, iters, batch_size, lr, rng):
    losses = []
    for _ in range(iters):
        batch = rng.permutation(len(x))[:batch_size]
        step(net, net.gradient(x[batch], t[batch]), lr)
        losses.append(float(net.lastLayer.loss))
    return losses


def whole_epochs_only(net, x, t, iters, batch_size, lr, rng):
    losses, per = [], -(-len(x) // batch_size)
    for _ in range(iters // per):
        order = rng.permutation(len(x))
        for j in range(per):
            batch = order[j * batch_size:(j + 1) * batch_size]
            step(net, net.gradient(x[batch], t[batch]), lr)
            losses.append(float(net.lastLayer.loss))
    return losses


def one_batch_too_many(net, x, t, iters, batch_size, lr, rng):
    losses, per = [], len(x) // batch_size + 1
    for i in range(iters):
        j = i % per
        if j == 0:
            order = rng.permutation(len(x))
        batch = order[j * batch_size:(j + 1) * batch_size]
        step(net, net.gradient(x[batch], t[batch]), lr)
        losses.append(float(net.lastLayer.loss))
    return losses


def equal_pieces(net, x, t, iters, batch_size, lr, rng):
    per, losses = -(-len(x) // batch_size), []
    for i in range(iters):
        if i % per == 0:
            pieces = np.array_split(rng.permutation(len(x)), per)
        batch = pieces[i % per]
        step(net, net.gradient(x[batch], t[batch]), lr)
        losses.append(float(net.lastLayer.loss))
    return losses


EPOCH_WRONG = [
    (with_replacement, "used twice or more"),
    (a_new_permutation_every_batch, "used twice or more"),
    (shuffles_once, "not once before the loop"),
    (same_permutation_every_epoch, "every epoch uses the same order"),
    (drops_the_last_batch, "never used"),
    (runs_across_epochs, "runs across the end of an epoch"),
    (not_shuffled, "nothing is shuffled"),
    (global_permutation, "does not depend on the rng"),
    (whole_epochs_only, "called 14 times in 17 iterations"),
    (equal_pieces, "the batches have 8, 7, 7"),
    (new_arrays, "update it in place"),
    (a_fixed_learning_rate, "0.1 times the gradient"),
    (shuffles_the_data, "changed x or t in place"),
]


@pytest.mark.parametrize("loop, hint", EPOCH_WRONG, ids=[f.__name__ for f, _ in EPOCH_WRONG])
def test_usual_mistakes_in_the_epoch_loop_fail_with_their_hint(loop, hint):
    result = check_epoch_loop(loop)
    assert result.status == FAIL, repr(result)
    assert hint in repr(result)


def test_an_extra_empty_batch_fails_where_the_images_divide_evenly():
    # 60 images in batches of 20: three batches an epoch, and a fourth would be empty
    result = check_epoch_loop(one_batch_too_many)
    assert result.status == FAIL and "images" in repr(result)


def test_the_epoch_sizes_end_with_the_images_that_remain():
    assert epoch_sizes(50, 8, 17) == [8] * 6 + [2] + [8] * 6 + [2] + [8] * 3
    assert epoch_sizes(60, 20, 7) == [20] * 7


# ---------- both loops: skeletons, exceptions, what is passed ----------

def skeleton(net, x, t, iters, batch_size, lr, rng):
    losses = []
    raise NotImplementedError("your code here")
    return losses


def raises(net, x, t, iters, batch_size, lr, rng):
    return [1 / 0]


@pytest.mark.parametrize("check", [check_sgd_loop, check_epoch_loop])
def test_a_skeleton_is_not_done_and_nothing_escapes(check):
    assert check(skeleton).status == NOT_DONE
    result = check(raises)
    assert result.status == FAIL and "ZeroDivisionError" in repr(result) and "line" in repr(result)
    for thing in (SGD, [1, 2], None):
        result = check(thing, name="train")
        assert result.status == FAIL and "expected the loop function" in repr(result)


@pytest.mark.parametrize("check", [check_sgd_loop, check_epoch_loop])
def test_the_check_leaves_np_random_as_it_was(check):
    np.random.seed(3)
    expected = np.random.random()
    np.random.seed(3)
    check(global_random)
    assert np.random.random() == expected


def test_the_verdicts_are_recorded_under_the_loops_names():
    forget()
    check_sgd_loop(with_replacement)
    check_epoch_loop(per_epoch, solution=True)
    assert _verdicts["with_replacement"] == {"yours": PASS}
    assert _verdicts["per_epoch"] == {"solution": PASS}
    forget()


# ---------- an order for backward (notebook 08) ----------

def depth_first(y):
    order, seen = [], set()

    def visit(f):
        if f is None or f in seen:
            return
        seen.add(f)
        for x in f.inputs:
            visit(x.creator)
        order.append(f)

    visit(y.creator)
    return order[::-1]


def depth_first_with_a_stack(y):
    order, seen, stack = [], set(), [(y.creator, False)]
    while stack:
        f, expanded = stack.pop()
        if expanded:
            order.append(f)
        elif f is not None and f not in seen:
            seen.add(f)
            stack.append((f, True))
            stack.extend((x.creator, False) for x in f.inputs)
    return list(reversed(order))


def counting_uses(y):  # Kahn's algorithm: a function is ready when every user of its outputs has run
    users, todo, found = {}, [y.creator], set()
    while todo:
        f = todo.pop()
        if f in found:
            continue
        found.add(f)
        for x in f.inputs:
            if x.creator is not None:
                users[x.creator] = users.get(x.creator, 0) + 1
                todo.append(x.creator)
    ready, order = [y.creator], []
    while ready:
        f = ready.pop()
        order.append(f)
        for x in f.inputs:
            if x.creator is not None:
                users[x.creator] -= 1
                if users[x.creator] == 0:
                    ready.append(x.creator)
    return tuple(order)


def discovery_order(y):
    order, stack, seen = [], [y.creator], {y.creator}
    while stack:
        f = stack.pop()
        order.append(f)
        for x in f.inputs:
            if x.creator is not None and x.creator not in seen:
                seen.add(x.creator)
                stack.append(x.creator)
    return order


def breadth_first(y):
    order, queue, seen = [], [y.creator], {y.creator}
    while queue:
        f = queue.pop(0)
        order.append(f)
        for x in f.inputs:
            if x.creator is not None and x.creator not in seen:
                seen.add(x.creator)
                queue.append(x.creator)
    return order


def preorder(y):
    order, seen = [], set()

    def visit(f):
        if f is None or f in seen:
            return
        seen.add(f)
        order.append(f)
        for x in f.inputs:
            visit(x.creator)

    visit(y.creator)
    return order


def not_reversed(y):
    return depth_first(y)[::-1]


def by_generation(y):
    return sorted(discovery_order(y), key=lambda f: -f.generation)


def no_seen_set(y):
    order = []

    def visit(f):
        if f is not None:
            for x in f.inputs:
                visit(x.creator)
            order.append(f)

    visit(y.creator)
    return order[::-1]


def first_input_only(y):
    order, f = [], y.creator
    while f is not None:
        order.append(f)
        f = f.inputs[0].creator
    return order


def the_variables(y):
    order, seen = [], set()

    def visit(v):
        if id(v) in seen or v.creator is None:
            return
        seen.add(id(v))
        for x in v.creator.inputs:
            visit(x)
        order.append(v)

    visit(y)
    return order[::-1]


def cuts_the_links(y):
    order = depth_first(y)
    for f in order:
        for x in f.inputs:
            x.creator = None
    return order


ORDER_CORRECT = [depth_first, depth_first_with_a_stack, counting_uses]
ORDER_WRONG = [
    (discovery_order, "Pow (a = x**2) comes before Mul (a*a)"),
    (breadth_first, "comes before"),
    (preorder, "comes before"),
    (not_reversed, "x.grad 0 instead of 36"),
    (by_generation, "x.grad 4 instead of 36"),
    (no_seen_set, "in the list twice"),
    (first_input_only, "is missing from the list"),
    (the_variables, "holds a Variable"),
    (cuts_the_links, "changed the graph"),
    (lambda y: None, "returned None"),
]


@pytest.mark.parametrize("function", ORDER_CORRECT, ids=lambda f: f.__name__)
def test_correct_orders_pass(function):
    result = check_backward_order(function)
    assert result.status == PASS, repr(result)
    assert "generations set to 0" in repr(result)


@pytest.mark.parametrize("function, hint", ORDER_WRONG, ids=[f.__name__ for f, _ in ORDER_WRONG])
def test_wrong_orders_fail_with_their_hint(function, hint):
    result = check_backward_order(function)
    assert result.status == FAIL, repr(result)
    assert hint in repr(result)


def test_an_order_check_of_a_skeleton_is_not_done_and_nothing_escapes():
    def skeleton(y):
        raise NotImplementedError("your code here")

    def raises(y):
        return y.creator.no_such_thing

    assert check_backward_order(skeleton).status == NOT_DONE
    result = check_backward_order(raises)
    assert result.status == FAIL and "AttributeError" in repr(result)
    assert check_backward_order(depth_first(_graphs()[0][2]), name="backward_order").status == FAIL


def test_the_graphs_gradients_in_a_valid_order_are_the_engines():
    for (_, x, y, labels), (_, x2, y2, _) in zip(_graphs(), _graphs()):
        assert set(labels) == set(depth_first(y))  # every function is labelled
        y2.backward()
        np.testing.assert_allclose(_backward_in(depth_first(y), y, x), x2.grad, rtol=1e-12)
