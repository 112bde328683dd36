"""A learner's attempts at the exercises of notebook 07 (training on MNIST), as data for a replay.

ATTEMPTS: (exercise name, label, expected verdict "PASS" or "FAIL", code, check). `code` defines the
learner's names (with its own imports); `check` is the notebook's own check cell, whose last line is
the check call (an expression whose value is the verdict). Run `code`, then `check`, in one fresh
namespace. The correct alternatives are written differently from the notebook's solutions; the
wrong ones are the usual slips.

The accuracy check cell uses the notebook's trained `net` and test images; here they are a small
TwoLayerNet and random images whose labels agree with its predictions on about 60 % of the rows
(so that an accuracy of 0, 1, 0.4 or a count would be seen), set up before the check cell.
"""

SGD_CHECK = """\
from common.selfcheck.training import check_sgd_loop

check_sgd_loop(train)
"""

EPOCH_CHECK = """\
from common.selfcheck.training import check_epoch_loop

check_epoch_loop(train_epochs)
"""

ACCURACY_CHECK = """\
import numpy as np
from common.two_layer_net import TwoLayerNet

# the notebook's trained net and test set, as a stand-in
net = TwoLayerNet(784, 20, 10, weight_init_std=0.5, dtype=np.float32, rng=np.random.default_rng(0))
data = np.random.default_rng(1)
x_test = data.standard_normal((800, 784), dtype=np.float32)
predicted = net.predict(x_test).argmax(axis=1)
t_test = np.eye(10, dtype=np.float32)[np.where(data.random(800) < 0.4, data.integers(0, 10, 800), predicted)]

from common.selfcheck import check_values

cases = [(x_test[:500], t_test[:500]), (x_test[:500], t_test[:500].argmax(axis=1)), (x_test[-300:], t_test[-300:])]
check_values(lambda x, t: accuracy(net.predict(x), t), net.accuracy, cases, name="accuracy")
"""


def loop(body, name="train", before="", header="import numpy as np\n\n"):
    """The learner's loop: `before` runs once, `body` every iteration (indented 8), with i, x, t, net, lr, rng."""
    return (f"{header}def {name}(net, x, t, iters, batch_size, lr, rng):\n    losses = []\n{before}"
            f"    for i in range(iters):\n{body}    return losses\n")


STEP = """\
        grads = net.gradient(x[batch], t[batch])
        for key in net.params:
            net.params[key] -= lr * grads[key]
        losses.append(float(net.lastLayer.loss))
"""

EPOCH_BATCH = """\
        j = i % per_epoch
        if j == 0:
            order = rng.permutation(len(x))
        batch = order[j * batch_size:(j + 1) * batch_size]
"""

ATTEMPTS = [
    # ---------- train: the book's loop ----------
    ("train", "rng.choice without replacement inside each batch, updating from grads.items()", "PASS", """\
import numpy as np

def train(net, x, t, iters, batch_size, lr, rng):
    losses = []
    for _ in range(iters):
        batch = rng.choice(len(x), size=batch_size, replace=False)
        grads = net.gradient(x[batch], t[batch])
        for key, grad in grads.items():
            net.params[key] -= lr * grad
        losses.append(net.lastLayer.loss)
    return losses
""", SGD_CHECK),
    ("train", "the book's script: named keys, train_size, and the after-step loss, returned as an array", "PASS", """\
import numpy as np

def train(net, x, t, iters, batch_size, lr, rng):
    train_loss_list = []
    train_size = x.shape[0]
    for i in range(iters):
        batch_mask = rng.choice(train_size, batch_size)
        x_batch = x[batch_mask]
        t_batch = t[batch_mask]
        grad = net.gradient(x_batch, t_batch)
        for key in ('W1', 'b1', 'W2', 'b2'):
            net.params[key] -= lr * grad[key]
        loss = net.loss(x_batch, t_batch)
        train_loss_list.append(loss)
    return np.array(train_loss_list)
""", SGD_CHECK),
    ("train", "the library's SGD optimizer and a tuple of losses", "PASS", """\
from common.optimizer import SGD

def train(net, x, t, iters, batch_size, lr, rng):
    optimizer = SGD(lr=lr)
    losses = ()
    for _ in range(iters):
        batch = rng.integers(len(x), size=batch_size)
        optimizer.update(net.params, net.gradient(x[batch], t[batch]))
        losses += (float(net.lastLayer.loss),)
    return losses
""", SGD_CHECK),
    ("train", "a float32 learning rate and a while loop", "PASS", """\
import numpy as np

def train(net, x, t, iters, batch_size, lr, rng):
    losses, step = [], np.float32(lr)
    while len(losses) < iters:
        batch = rng.permutation(len(x))[:batch_size]
        grads = net.gradient(x[batch], t[batch])
        for key in net.params:
            net.params[key] -= step * grads[key]
        losses.append(float(net.lastLayer.loss))
    return losses
""", SGD_CHECK),
    ("train", "the book's loop with its accuracy measured once per epoch", "PASS", """\
import numpy as np

def train(net, x, t, iters, batch_size, lr, rng):
    train_loss_list, train_acc_list = [], []
    iter_per_epoch = max(x.shape[0] / batch_size, 1)
    for i in range(iters):
        batch_mask = rng.choice(x.shape[0], batch_size)
        grad = net.gradient(x[batch_mask], t[batch_mask])
        for key in ('W1', 'b1', 'W2', 'b2'):
            net.params[key] -= lr * grad[key]
        train_loss_list.append(float(net.lastLayer.loss))
        if i % iter_per_epoch == 0:
            train_acc_list.append(net.accuracy(x, t))
    return train_loss_list
""", SGD_CHECK),
    ("train", "the batch drawn once, before the loop", "FAIL", loop(STEP, before=(
        "    batch = rng.integers(0, len(x), batch_size)\n")), SGD_CHECK),
    ("train", "np.random.choice, as in the book, ignoring rng", "FAIL", loop(
        "        batch = np.random.choice(len(x), batch_size)\n" + STEP), SGD_CHECK),
    ("train", "randint-style upper bound len(x) - 1", "FAIL", loop(
        "        batch = rng.integers(0, len(x) - 1, batch_size)\n" + STEP), SGD_CHECK),
    ("train", "a step up the gradient (+=)", "FAIL", loop(
        "        batch = rng.integers(0, len(x), batch_size)\n" + STEP.replace("-=", "+=")), SGD_CHECK),
    ("train", "the book's 0.1 typed in instead of lr", "FAIL", loop(
        "        batch = rng.integers(0, len(x), batch_size)\n" + STEP.replace("lr * grads", "0.1 * grads")),
     SGD_CHECK),
    ("train", "a new array in the dict instead of an update in place", "FAIL", loop(
        "        batch = rng.integers(0, len(x), batch_size)\n" + STEP.replace(
            "net.params[key] -= lr * grads[key]", "net.params[key] = net.params[key] - lr * grads[key]")), SGD_CHECK),
    ("train", "the loss of the whole training set, every iteration", "FAIL", loop(
        "        batch = rng.integers(0, len(x), batch_size)\n" + STEP.replace(
            "float(net.lastLayer.loss)", "float(net.loss(x, t))")), SGD_CHECK),
    ("train", "consecutive slices of the data, no randomness", "FAIL", loop(
        "        start = (i * batch_size) % len(x)\n        batch = np.arange(start, start + batch_size) % len(x)\n"
        + STEP), SGD_CHECK),
    ("train", "images and labels drawn with separate indices", "FAIL", loop("""\
        grads = net.gradient(x[rng.integers(0, len(x), batch_size)], t[rng.integers(0, len(x), batch_size)])
        for key in net.params:
            net.params[key] -= lr * grads[key]
        losses.append(float(net.lastLayer.loss))
"""), SGD_CHECK),
    ("train", "forgets to return the losses", "FAIL", loop(
        "        batch = rng.integers(0, len(x), batch_size)\n" + STEP).replace("    return losses\n", "    pass\n"),
     SGD_CHECK),

    # ---------- accuracy ----------
    ("accuracy", "a loop over the rows", "PASS", """\
def accuracy(scores, t):
    right = 0
    for k in range(len(scores)):
        truth = t[k] if t.ndim == 1 else list(t[k]).index(max(t[k]))
        right += int(list(scores[k]).index(max(scores[k])) == truth)
    return right / len(scores)
""", ACCURACY_CHECK),
    ("accuracy", "count_nonzero over the number of rows, labels from np.argmax(t, axis=-1)", "PASS", """\
import numpy as np

def accuracy(scores, t):
    labels = np.argmax(t, axis=-1) if t.ndim > 1 else t
    return np.count_nonzero(np.argmax(scores, axis=1) == labels) / scores.shape[0]
""", ACCURACY_CHECK),
    ("accuracy", "one-hot predictions multiplied with one-hot targets, as float32", "PASS", """\
import numpy as np

def accuracy(scores, t):
    n, c = scores.shape
    predicted = np.eye(c)[scores.argmax(axis=1)]
    target = t if t.ndim == 2 else np.eye(c)[t]
    return np.float32((predicted * target).sum() / n)
""", ACCURACY_CHECK),
    ("accuracy", "the count, not the fraction", "FAIL", """\
import numpy as np

def accuracy(scores, t):
    labels = t.argmax(axis=1) if t.ndim == 2 else t
    return float(np.sum(scores.argmax(axis=1) == labels))
""", ACCURACY_CHECK),
    ("accuracy", "argmax over the wrong axis", "FAIL", """\
import numpy as np

def accuracy(scores, t):
    labels = t.argmax(axis=0) if t.ndim == 2 else t
    return float(np.mean(scores.argmax(axis=0) == labels))
""", ACCURACY_CHECK),
    ("accuracy", "one-hot targets assumed always", "FAIL", """\
import numpy as np

def accuracy(scores, t):
    return float(np.mean(scores.argmax(axis=1) == t.argmax(axis=1)))
""", ACCURACY_CHECK),
    ("accuracy", "one-hot rows compared with the predicted labels as they are", "FAIL", """\
import numpy as np

def accuracy(scores, t):
    return float(np.mean(scores.argmax(axis=1) == t))
""", ACCURACY_CHECK),
    ("accuracy", "integer division", "FAIL", """\
import numpy as np

def accuracy(scores, t):
    labels = t.argmax(axis=1) if t.ndim == 2 else t
    return np.sum(scores.argmax(axis=1) == labels) // len(scores)
""", ACCURACY_CHECK),

    # ---------- train_epochs ----------
    ("train_epochs", "nested loops over epochs and batches on shuffled copies", "PASS", """\
def train_epochs(net, x, t, iters, batch_size, lr, rng):
    losses = []
    while len(losses) < iters:
        order = rng.permutation(len(x))
        x_epoch, t_epoch = x[order], t[order]
        for start in range(0, len(x), batch_size):
            if len(losses) == iters:
                break
            grads = net.gradient(x_epoch[start:start + batch_size], t_epoch[start:start + batch_size])
            for key in net.params:
                net.params[key] -= lr * grads[key]
            losses.append(float(net.lastLayer.loss))
    return losses
""", EPOCH_CHECK),
    ("train_epochs", "batches from a generator, math.ceil", "PASS", """\
import math

def train_epochs(net, x, t, iters, batch_size, lr, rng):
    def batches():
        while True:
            order = rng.permutation(len(x))
            for j in range(math.ceil(len(x) / batch_size)):
                yield order[j * batch_size:(j + 1) * batch_size]

    losses = []
    for _, batch in zip(range(iters), batches()):
        grads = net.gradient(x[batch], t[batch])
        for key, grad in grads.items():
            net.params[key] -= lr * grad
        losses.append(float(net.lastLayer.loss))
    return losses
""", EPOCH_CHECK),
    ("train_epochs", "np.split at multiples of batch_size, losses in a float32 array", "PASS", """\
import numpy as np

def train_epochs(net, x, t, iters, batch_size, lr, rng):
    losses = np.zeros(iters, dtype=np.float32)
    pieces = []
    for i in range(iters):
        if not pieces:
            pieces = np.split(rng.permutation(len(x)), range(batch_size, len(x), batch_size))[::-1]
        batch = pieces.pop()
        grads = net.gradient(x[batch], t[batch])
        for key in net.params:
            net.params[key] -= lr * grads[key]
        losses[i] = net.lastLayer.loss
    return losses
""", EPOCH_CHECK),
    ("train_epochs", "the library's SGD and an epoch counter", "PASS", """\
from common.optimizer import SGD

def train_epochs(net, x, t, iters, batch_size, lr, rng):
    sgd, losses = SGD(lr), []
    per_epoch = (len(x) + batch_size - 1) // batch_size
    for i in range(iters):
        epoch, j = divmod(i, per_epoch)
        if j == 0:
            order = rng.permutation(len(x))
        batch = order[j * batch_size:(j + 1) * batch_size]
        sgd.update(net.params, net.gradient(x[batch], t[batch]))
        losses.append(float(net.lastLayer.loss))
    return losses
""", EPOCH_CHECK),
    ("train_epochs", "the with-replacement loop of train", "FAIL", loop(
        "        batch = rng.integers(0, len(x), batch_size)\n" + STEP, name="train_epochs"), EPOCH_CHECK),
    ("train_epochs", "shuffled once, before the first epoch", "FAIL", loop(
        EPOCH_BATCH.replace("        if j == 0:\n            order = rng.permutation(len(x))\n", "") + STEP,
        name="train_epochs", before="    per_epoch = -(-len(x) // batch_size)\n    order = rng.permutation(len(x))\n"),
     EPOCH_CHECK),
    ("train_epochs", "the same permutation every epoch (a generator seeded anew)", "FAIL", loop(
        EPOCH_BATCH.replace("rng.permutation", "np.random.default_rng(0).permutation") + STEP,
        name="train_epochs", before="    per_epoch = -(-len(x) // batch_size)\n"), EPOCH_CHECK),
    ("train_epochs", "the last partial batch dropped", "FAIL", loop(
        EPOCH_BATCH + STEP, name="train_epochs", before="    per_epoch = len(x) // batch_size\n"), EPOCH_CHECK),
    ("train_epochs", "np.random.permutation, ignoring rng", "FAIL", loop(
        EPOCH_BATCH.replace("rng.permutation", "np.random.permutation") + STEP, name="train_epochs",
        before="    per_epoch = -(-len(x) // batch_size)\n"), EPOCH_CHECK),
    ("train_epochs", "a new permutation for every batch", "FAIL", loop(
        "        batch = rng.permutation(len(x))[:batch_size]\n" + STEP, name="train_epochs"), EPOCH_CHECK),
    ("train_epochs", "one stream of permutations, batches across epoch ends", "FAIL", """\
import numpy as np

def train_epochs(net, x, t, iters, batch_size, lr, rng):
    losses, stream = [], np.zeros(0, dtype=int)
    for i in range(iters):
        if len(stream) < batch_size:
            stream = np.concatenate([stream, rng.permutation(len(x))])
        batch, stream = stream[:batch_size], stream[batch_size:]
        grads = net.gradient(x[batch], t[batch])
        for key in net.params:
            net.params[key] -= lr * grads[key]
        losses.append(float(net.lastLayer.loss))
    return losses
""", EPOCH_CHECK),
    ("train_epochs", "only whole epochs, fewer than iters iterations", "FAIL", """\
def train_epochs(net, x, t, iters, batch_size, lr, rng):
    losses = []
    per_epoch = -(-len(x) // batch_size)
    for epoch in range(iters // per_epoch):
        order = rng.permutation(len(x))
        for j in range(per_epoch):
            batch = order[j * batch_size:(j + 1) * batch_size]
            grads = net.gradient(x[batch], t[batch])
            for key in net.params:
                net.params[key] -= lr * grads[key]
            losses.append(float(net.lastLayer.loss))
    return losses
""", EPOCH_CHECK),
    ("train_epochs", "x and t shuffled in place, separately", "FAIL", """\
def train_epochs(net, x, t, iters, batch_size, lr, rng):
    losses = []
    per_epoch = -(-len(x) // batch_size)
    for i in range(iters):
        j = i % per_epoch
        if j == 0:
            rng.shuffle(x)
            rng.shuffle(t)
        grads = net.gradient(x[j * batch_size:(j + 1) * batch_size], t[j * batch_size:(j + 1) * batch_size])
        for key in net.params:
            net.params[key] -= lr * grads[key]
        losses.append(float(net.lastLayer.loss))
    return losses
""", EPOCH_CHECK),
    ("train_epochs", "np.array_split into equal pieces", "FAIL", loop("""\
        if i % per_epoch == 0:
            pieces = np.array_split(rng.permutation(len(x)), per_epoch)
        batch = pieces[i % per_epoch]
""" + STEP, name="train_epochs", before="    per_epoch = -(-len(x) // batch_size)\n"), EPOCH_CHECK),
]
