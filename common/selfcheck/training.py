"""Self-checks of a learner's training loops (notebook 07).

    check_sgd_loop(train)          the book's loop: a new random mini-batch every iteration
    check_epoch_loop(train_epochs) every image once per epoch, in a new order each epoch

Both take a loop loop(net, x, t, iters, batch_size, lr, rng) -> one loss per iteration and run
it first on a stand-in network that learns nothing and records what the loop does: the batch
each gradient() call is given (each image is its own index), the step taken on its parameters
after each gradient, and the loss the loop reports. Then on a small problem that a correct loop
learns in a moment (common.selfcheck.networks.check_training: TwoLayerNet on 3 blobs).
"""
import warnings

import numpy as np

from common.selfcheck import networks
from common.selfcheck.core import FAIL, NOT_DONE, CheckResult, Failed, as_numbers, name_of, run, verdict
from common.selfcheck.progress import graded

LR = 0.05  # not the usual 0.1, so that a loop that ignores lr is seen


def batch_loss(indices):
    """The stand-in's loss of a batch: a number that differs from batch to batch (and from the
    whole set's), the same whether read from lastLayer.loss or asked again with loss(x, t)."""
    return float(1.0 + np.mean(np.cos(np.asarray(indices, dtype=np.float64))))


class _LastLayer:
    loss = None  # set by each gradient() call, as SoftmaxWithLoss.forward sets it


class Recorder:
    """A network that learns nothing. x (n, 3): column 0 is the image's index; t (n, 2): column 0
    the same index (so a batch whose labels were shuffled apart from its images is seen).
    gradient(x, t) records the indices and returns new gradient arrays that differ at every call;
    it checks that the parameters moved by -lr * the last gradients since the previous call."""

    def __init__(self, n, lr):
        self.n, self.lr = n, lr
        # the names of the book's TwoLayerNet, which the book's loop names one by one
        self.params = {"W1": np.linspace(-1.0, 1.0, 6).reshape(3, 2), "b1": np.array([0.5, -0.25]),
                       "W2": np.array([[0.3], [-0.7]]), "b2": np.array([0.1])}
        self.arrays = dict(self.params)        # the arrays the layers would hold
        self.lastLayer = _LastLayer()
        self.batches, self.losses = [], []     # per gradient() call
        self.problems = []                     # what went wrong, in order (the first matters)
        self._before, self._grads = None, None

    def data(self):
        index = np.arange(self.n, dtype=np.float64)
        return np.stack([index, index / self.n, np.ones(self.n)], axis=1), np.stack([index, index % 3], axis=1)

    def _note(self, problem):
        if problem not in self.problems:
            self.problems.append(problem)

    def _check_step(self, when):
        """The parameters against the step expected from the last gradients (when: 'after batch k')."""
        if self._before is None:
            return
        for key in self._before:
            now = self.params.get(key) if isinstance(self.params, dict) else None
            if now is not self.arrays[key]:
                self._note(f"net.params['{key}'] is no longer the array the network holds ({when})\n    hint: "
                           "update it in place (-=): the layers keep these very arrays, so a new array "
                           "(params[key] = params[key] - ...) never reaches them and the network does not learn")
                return
        problem = step_problem(self._before, {k: self.arrays[k] for k in self._before}, self._grads, self.lr)
        if problem:
            self._note(f"{problem[0]} ({when})" + (f"\n    hint: {problem[1]}" if problem[1] else ""))

    def gradient(self, x, t):
        k = len(self.batches)
        self._check_step(f"after batch {k}")
        indices = self._indices(x, t)
        self.batches.append(indices)
        loss = batch_loss(indices) if indices.size else 0.0
        self.lastLayer.loss = np.float64(loss)
        self.losses.append(loss)
        rng = np.random.default_rng(100 + k)
        grads = {key: rng.uniform(0.5, 1.5, value.shape) * rng.choice([-1.0, 1.0], value.shape)
                 for key, value in self.arrays.items()}
        self._before = {key: value.copy() for key, value in self.arrays.items()}
        self._grads = {key: g.copy() for key, g in grads.items()}
        return grads

    def loss(self, x, t):
        return np.float64(batch_loss(self._indices(x, t, note=False)))

    def predict(self, x):
        """Scores (N, 2) of zeros: a loop that also measures accuracy, as the book's does, may ask."""
        return np.zeros((len(x), 2))

    def accuracy(self, x, t):
        return 0.0

    def finish(self):
        """After the loop returned: the last step."""
        self._check_step("after the last batch")

    def _indices(self, x, t, note=True):
        x, t = np.asarray(x), np.asarray(t)
        if x.ndim != 2 or x.shape[1:] != (3,) or t.ndim != 2 or len(t) != len(x):
            if note:
                self._note(f"gradient(x, t) was given x of shape {x.shape} and t of shape {t.shape}, expected "
                           "(k, 3) and (k, 2): rows of the x and t the loop was given\n    hint: pass "
                           "x[batch] and t[batch], where batch holds the indices of the images")
            return np.zeros(0, dtype=int)
        indices = np.rint(x[:, 0]).astype(int)
        if note and not np.array_equal(t[:, 0], x[:, 0]):
            self._note("the labels of a batch are not those of its images\n    hint: index x and t with the same "
                       "indices (x[batch], t[batch]); shuffling x and t separately pairs images with wrong labels")
        return indices


def step_problem(before, after, grads, lr):
    """(problem, hint) when after is not before - lr * grads for every parameter, else None."""
    for key in before:
        delta, want = after[key] - before[key], -lr * grads[key]
        if np.allclose(delta, want, rtol=1e-6, atol=1e-12):
            continue
        if np.allclose(delta, 0, atol=1e-15):
            others = [k for k in before if k != key and not np.allclose(after[k], before[k], atol=1e-15)]
            if others:
                return (f"params['{key}'] did not move, but params['{others[0]}'] did",
                        "step every parameter: loop over the keys of net.params")
            return "the parameters did not move after a gradient", \
                "after each gradient, move every parameter against its gradient, scaled by lr"
        k = float(np.sum(delta * want) / np.sum(want * want))
        if np.allclose(delta, k * want, rtol=1e-6, atol=1e-12):
            if np.isclose(k, -1):
                return "the parameters moved up the gradient, not down", "subtract the step: the gradient " \
                    "points to where the loss grows"
            if np.isclose(k * lr, 0.1):
                return f"the step is 0.1 times the gradient, but lr is {lr:g}", "use the lr the loop is given"
            if np.isclose(k * lr, 1):
                return "the step is the gradient itself, without lr", "scale the gradient by lr"
            return f"the step is {k * lr:.3g} times the gradient, but lr is {lr:g}", "step by lr times the gradient"
        return f"params['{key}'] did not move by -lr times its gradient", \
            "one step per gradient: params[key] minus lr times grads[key], for the gradients just computed"
    return None


def run_loop(name, loop, n, batch_size, iters, seed):
    """Run the learner's loop on a Recorder with n images; (recorder, returned losses, x/t problem)."""
    net = Recorder(n, LR)
    x, t = net.data()
    x_given, t_given = x.copy(), t.copy()
    state = np.random.get_state()
    np.random.seed(12345)  # the same global state for every run: a loop using np.random is seen
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            losses = run(name, loop, net, x_given, t_given, iters, batch_size, LR, np.random.default_rng(seed))
    finally:
        np.random.set_state(state)
    net.finish()
    changed = None
    if not (np.array_equal(x, x_given) and np.array_equal(t, t_given)):
        changed = ("the loop changed x or t in place (shuffled them?)\n    hint: leave the data as it is and "
                   "shuffle the indices instead: rows of x and t are taken by an index array")
    return net, losses, changed


def losses_problem(name, losses, net, iters):
    """A problem sentence if the loop did not return the loss of each of its iters batches."""
    if losses is None:
        return f"{name} returned None\n    hint: return the list of losses, one per iteration"
    if isinstance(losses, (str, bytes, dict)) or not hasattr(losses, "__len__"):
        return f"{name} returned a {type(losses).__name__}, expected a list of losses, one per iteration"
    if len(losses) != iters:
        return f"{name} returned {len(losses)} losses for {iters} iterations: one per iteration"
    array, problem = as_numbers("the losses", list(losses))
    if problem or array.shape != (iters,):
        return f"{name} returned {problem or 'losses that are not one number each'}\n    hint: record " \
            "float(net.lastLayer.loss), the loss gradient() just computed"
    expected = np.array(net.losses[:iters])
    if np.allclose(array, expected, rtol=1e-6, atol=1e-9):
        return None
    whole = batch_loss(np.arange(net.n))
    if np.allclose(array, whole):
        return "the losses are the whole set's loss, not the batches'\n    hint: record the loss of the batch " \
            "gradient() just computed: net.lastLayer.loss"
    if iters > 1 and np.allclose(array[1:], expected[:-1]):
        return "each loss is the previous batch's\n    hint: read net.lastLayer.loss after gradient(), not before"
    k = int(np.argmax(~np.isclose(array, expected, rtol=1e-6, atol=1e-9)))
    return f"loss {k} is {array[k]:.6g}, expected the loss of batch {k}, {expected[k]:.6g}\n    hint: record " \
        "float(net.lastLayer.loss) after each gradient() call"


def calls_problem(net, iters, batch_size):
    calls = len(net.batches)
    if calls != iters:
        return (f"gradient() was called {calls} times in {iters} iterations\n    hint: one gradient per "
                "iteration, and exactly iters iterations (also when iters ends in the middle of an epoch)")
    return None


# ---------- the book's loop ----------

def sampling_problems(runs, n, batch_size, iters):
    """What is wrong with the batches of a loop that should draw a new random batch each iteration."""
    (net, _), (other, _) = runs
    sizes = [len(b) for b in net.batches]
    if any(s != batch_size for s in sizes):
        return [f"the batches have {', '.join(map(str, sorted(set(sizes))))} images, expected {batch_size} each"]
    if any(b.min() < 0 or b.max() >= n for b in net.batches):
        return ["a batch holds an index outside 0..n-1"]
    if all(np.array_equal(b, net.batches[0]) for b in net.batches):
        return ["every iteration used the same batch\n    hint: draw a new batch inside the loop, at every "
                "iteration"]
    if np.array_equal(np.concatenate(net.batches), np.arange(iters * batch_size) % n):
        return ["the batches walk through the images in their stored order: nothing is random\n    hint: draw "
                "the indices at random (from rng)"]
    if same_runs(net, other):
        return ["the batches do not depend on the rng the loop is given\n    hint: draw them from rng (a NumPy "
                "Generator: rng.integers, rng.choice, rng.permutation), not from np.random or a new "
                "generator, so that a run can be repeated"]
    drawn = set(np.concatenate(net.batches + other.batches).tolist())
    never = [k for k in (0, n - 1) if k not in drawn]
    if never:
        return [f"image {never[0]} was never drawn in {2 * iters} batches of {batch_size} (of images 0..{n - 1})"
                f"\n    hint: draw from all the images: rng.integers(low, high) draws low ... high - 1"]
    return []


def _check_loop(loop, name, cases, batches_problems, compared):
    if not callable(loop) or isinstance(loop, type):
        what = f"the class {loop.__name__}" if isinstance(loop, type) else f"a {type(loop).__name__}"
        raise Failed(f"expected the loop function, got {what}: pass the function itself, without calling it")
    problems = []
    for n, batch_size, iters in cases:
        runs = [run_loop(name, loop, n, batch_size, iters, seed) for seed in (0, 1)]
        net, losses, changed = runs[0]
        found = [p for p in [changed, *net.problems[:1], calls_problem(net, iters, batch_size)] if p]
        if not found:
            found = batches_problems([r[:2] for r in runs], n, batch_size, iters)
        if not found:
            problem = losses_problem(name, losses, net, iters)
            found = [problem] if problem else []
        if found:
            problems = [f"on {n} images, batches of {batch_size}, {iters} iterations: {p}" for p in found[:2]]
            break
    state = np.random.get_state()
    try:
        learned = networks.check_training(loop)
    finally:
        np.random.set_state(state)  # a loop that draws from np.random leaves it as it was
    if learned.status == NOT_DONE:
        return learned
    if learned.status == FAIL and not problems:
        problems = [f"on 3 blobs: {p}" for p in learned.problems]
    return CheckResult(name, f"{compared}; then {learned.compared or 'TwoLayerNet on 3 blobs'}", problems=problems)


@graded
def check_sgd_loop(loop, name=None):
    """A training loop loop(net, x, t, iters, batch_size, lr, rng) -> a list of the iters batch
    losses that draws a new random mini-batch of batch_size images from rng at every iteration (the
    book's loop; with or without replacement). Run on a stand-in network, 50 images in batches of 8
    for 40 iterations at lr 0.05, twice (rng seeds 0 and 1): batches that change from iteration to
    iteration, reach every image and depend on rng; one gradient() per iteration; every parameter
    moved in place by -lr * its gradient; the loss of each batch returned; x and t unchanged. Then
    check_training's 300 iterations on 3 blobs (the loss must halve, accuracy 0.9)."""
    name = name or name_of(loop)
    compared = ("a stand-in network (50 images, batches of 8, 40 iterations): random batches from rng, a step "
                "of lr in place after each gradient, one loss per batch")
    return verdict(name, lambda: _check_loop(loop, name, [(50, 8, 40)], sampling_problems, compared))


# ---------- every image once per epoch ----------

def epoch_sizes(n, batch_size, iters):
    """The batch sizes of iters iterations: each epoch is n // batch_size full batches, then one
    batch of the n % batch_size images that remain (if any)."""
    one = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
    return [one[i % len(one)] for i in range(iters)]


def epochs_of(batches, n, batch_size):
    """The batches grouped by epoch (the expected sizes), each epoch's indices concatenated."""
    per_epoch = -(-n // batch_size)
    return [np.concatenate(batches[k:k + per_epoch]) for k in range(0, len(batches), per_epoch)]


def epoch_problems(runs, n, batch_size, iters):
    """What is wrong with the batches of a loop that should use every image once per epoch, in a new
    order from rng each epoch, the last batch of an epoch holding the images that remain."""
    (net, _), (other, _) = runs
    batches = net.batches
    sizes, expected = [len(b) for b in batches], epoch_sizes(n, batch_size, iters)
    if any(b.size and (b.min() < 0 or b.max() >= n) for b in batches):
        return ["a batch holds an index outside 0..n-1"]
    stream = np.concatenate(batches) if batches else np.zeros(0, dtype=int)
    rest = n % batch_size
    if sizes != expected:
        full = n // batch_size
        if all(s == batch_size for s in sizes) and rest:
            chunks = [stream[k:k + n] for k in range(0, len(stream) - n + 1, n)]
            if chunks and all(np.array_equal(np.sort(c), np.arange(n)) for c in chunks):
                return [f"a batch runs across the end of an epoch into the next one\n    hint: each epoch "
                        f"starts a new order; its last batch holds the {rest} images that remain"]
            groups = [np.concatenate(batches[k:k + full]) for k in range(0, len(batches), full)]
            if all(len(np.unique(g)) == len(g) for g in groups):
                return [f"each epoch is {full} batches of {batch_size}: the last {rest} images of each epoch's "
                        f"order are never used\n    hint: an epoch ends with one smaller batch, of the "
                        f"{rest} images that remain, so that every image is used once per epoch"]
        if sizes and all(s == batch_size for s in sizes) and any(len(np.unique(g)) < len(g)
                                                                   for g in epochs_of(batches, n, batch_size)):
            return [duplicates_problem(batches, n, batch_size)]
        shown = ", ".join(map(str, sizes[:len(expected)][:10]))
        return [f"the batches have {shown} images, expected " + ", ".join(map(str, expected[:10]))
                + f"\n    hint: an epoch is {n // batch_size} batches of {batch_size}"
                + (f", then one of the {rest} images that remain" if rest else "") + ", in a new order"]
    epochs = epochs_of(batches, n, batch_size)
    if any(len(np.unique(e)) < len(e) for e in epochs):
        return [duplicates_problem(batches, n, batch_size)]
    if np.array_equal(epochs[0], np.arange(n)):
        return ["the first epoch uses the images in their stored order: nothing is shuffled\n    hint: at the "
                "start of each epoch, draw a random order of all the indices"]
    if len(epochs) > 1 and all(np.array_equal(e, epochs[0][:len(e)]) for e in epochs[1:]):
        hint = ("draw a new order at the start of every epoch, from the rng the loop is given"
                if same_runs(net, other) else "draw a new order at the start of every epoch, not once before "
                "the loop")
        return [f"every epoch uses the same order\n    hint: {hint}"]
    if same_runs(net, other):
        return ["the order does not depend on the rng the loop is given\n    hint: draw it from rng "
                "(rng.permutation), not from np.random or a new generator, so that a run can be repeated"]
    return []


def same_runs(net, other):
    return len(net.batches) == len(other.batches) and all(np.array_equal(a, b)
                                                          for a, b in zip(net.batches, other.batches))


def duplicates_problem(batches, n, batch_size):
    epoch = epochs_of(batches, n, batch_size)[0]
    twice = len(epoch) - len(np.unique(epoch))
    return (f"within the first epoch, {twice} images were used twice or more (and as many others not at "
            "all)\n    hint: draws with replacement? take consecutive slices of one random order of all "
            "the images per epoch")


@graded
def check_epoch_loop(loop, name=None):
    """A training loop loop(net, x, t, iters, batch_size, lr, rng) -> a list of the iters batch
    losses that uses every image once per epoch: at the start of each epoch a new random order of
    all the images, from rng, cut into consecutive batches of batch_size, the last batch of an epoch
    holding the n % batch_size images that remain. Run on a stand-in network: 50 images in batches
    of 8 for 17 iterations (two epochs of 7 batches, 8, ..., 8, 2, then 3 batches more) and 60 in
    batches of 20 for 7 iterations, each twice (rng seeds 0 and 1); then as check_sgd_loop for the
    steps, the losses and the data, and check_training's 300 iterations on 3 blobs."""
    name = name or name_of(loop)
    cases = [(50, 8, 17), (60, 20, 7)]
    compared = ("a stand-in network (50 images in batches of 8 for 17 iterations, 60 in batches of 20 for 7): "
                "every image once per epoch with the rest in a last, smaller batch, a new order from rng each "
                "epoch, a step of lr in place after each gradient, one loss per batch")
    return verdict(name, lambda: _check_loop(loop, name, cases, epoch_problems, compared))


# ---------- notebook 08: an order for the backward pass, without generations ----------

def _graphs():
    """(description, x, y, label of each function) for the small graphs of notebook 08: the diamond,
    a graph whose a and b are both used twice at different depths, one where x feeds three functions,
    and two outputs of one function (split) used at different depths."""
    import common.autograd_ops as F
    from common.autograd import Variable

    graphs = []
    x = Variable(np.array(2.0))
    a = x ** 2
    aa = a * a
    y = aa + a
    graphs.append(("the diamond a = x**2, y = a*a + a", x, y,
                   {a.creator: "Pow (a = x**2)", aa.creator: "Mul (a*a)", y.creator: "Add (a*a + a)"}))

    x = Variable(np.array(0.5))
    a = F.exp(x)
    b = a * x
    ba, xx = b * a, x * x
    s = a + xx
    q = b / s
    y = ba + q
    graphs.append(("a = exp(x), b = a*x, y = b*a + b/(a + x*x)", x, y,
                   {a.creator: "Exp (a = exp(x))", b.creator: "Mul (b = a*x)", ba.creator: "Mul (b*a)",
                    xx.creator: "Mul (x*x)", s.creator: "Add (a + x*x)", q.creator: "Div (b/(a + x*x))",
                    y.creator: "Add (b*a + b/(a + x*x))"}))

    x = Variable(np.array(-1.3))
    a = x * 3.0
    aa, ax = a * a, a + x
    p, c = aa * ax, a ** 3
    y = p - c
    graphs.append(("a = 3x, y = (a*a)*(a + x) - a**3", x, y,
                   {a.creator: "Mul (a = 3x)", aa.creator: "Mul (a*a)", ax.creator: "Add (a + x)",
                    p.creator: "Mul ((a*a)*(a + x))", c.creator: "Pow (a**3)", y.creator: "Sub (... - a**3)"}))

    x = Variable(np.array([[0.5, -1.0], [2.0, 0.3]]))
    top, bottom = F.split(x, [1])
    t2 = top * 2.0
    e = F.exp(bottom)
    m = t2 * e
    y = (m + bottom).sum()
    graphs.append(("top, bottom = split(x), y = sum(2*top * exp(bottom) + bottom)", x, y,
                   {top.creator: "Split (top, bottom)", t2.creator: "Mul (2*top)", e.creator: "Exp (exp(bottom))",
                    m.creator: "Mul (2*top * exp(bottom))", y.creator.inputs[0].creator: "Add (... + bottom)",
                    y.creator: "Sum"}))
    return graphs


def _functions_of(y):
    """Every function y depends on (a set), by the links the engine keeps."""
    found, todo = set(), [y.creator]
    while todo:
        f = todo.pop()
        if f is not None and f not in found:
            found.add(f)
            todo.extend(x.creator for x in f.inputs)
    return found


def _backward_in(order, y, x):
    """x.grad after running each function's backward in the given order (gradients that meet add up)."""
    grads = {id(y): np.ones_like(y.data)}
    for f in order:
        outs = [out() for out in f.outputs]
        gys = [grads.get(id(o), np.zeros(shape, dtype)) if o is not None else np.zeros(shape, dtype)
               for o, (shape, dtype) in zip(outs, f.output_kinds)]
        gxs = f.backward(*gys)
        for v, gx in zip(f.inputs, gxs if isinstance(gxs, tuple) else (gxs,)):
            grads[id(v)] = gx if id(v) not in grads else grads[id(v)] + gx
    return grads.get(id(x))


def _order_problem(name, got, description, x, y, labels):
    """A problem sentence when got is not a valid backward order of y's functions, else None."""
    from common.autograd import Function

    functions = _functions_of(y)
    if got is None:
        return f"{name} returned None\n    hint: return the list of functions"
    try:
        order = list(got)
    except TypeError:
        return f"{name} returned a {type(got).__name__}, expected a list of Functions"
    strangers = [f for f in order if not isinstance(f, Function)]
    if strangers:
        kind = type(strangers[0]).__name__
        hint = " (the creators of the Variables, v.creator)" if kind == "Variable" else ""
        return f"on {description}: the list holds a {kind}, not only Functions\n    hint: list the functions" \
            f"{hint}"
    label = lambda f: labels.get(f, type(f).__name__)  # noqa: E731
    twice = [f for k, f in enumerate(order) if f in order[:k]]
    if twice:
        return f"on {description}: {label(twice[0])} is in the list twice\n    hint: note the functions already " \
            "visited (a set) and visit each once: a function used by two others is reached twice"
    missing = [f for f in functions if f not in order]
    if missing:
        return f"on {description}: {label(missing[0])} is missing from the list\n    hint: follow every input of " \
            "every function (f.inputs, then each input's creator), not only the first"
    extra = [f for f in order if f not in functions]
    if extra:
        return f"on {description}: the list holds a function that y does not depend on"
    position = {f: k for k, f in enumerate(order)}
    for f in order:
        for v in f.inputs:
            if v.creator is not None and position[v.creator] < position[f]:
                wrong = _backward_in(order, y, x)
                right = _backward_in(sorted(order, key=lambda g: _depth_below(g, y)), y, x)
                return (f"on {description}: {label(v.creator)} comes before {label(f)}, which uses its output, so "
                        f"it would pass on an incomplete gradient (x.grad {_shown(wrong)} instead of "
                        f"{_shown(right)})\n    hint: every function must come after all the functions that use its "
                        "outputs (the recording order, reversed, has that property)")
    return None


def _depth_below(f, y):
    """The length of the longest path from y's creator down to f (a valid order sorts by it)."""
    depth, todo = {y.creator: 0}, [y.creator]
    while todo:
        g = todo.pop()
        for v in g.inputs:
            c = v.creator
            if c is not None and depth.get(c, -1) < depth[g] + 1:
                depth[c] = depth[g] + 1
                todo.append(c)
    return depth.get(f, 0)


def _shown(value):
    array = np.asarray(value, dtype=np.float64)
    return f"{float(array):.4g}" if array.ndim == 0 else np.array2string(array, precision=4, separator=", ")


def _check_backward_order(function, name):
    if not callable(function) or isinstance(function, type):
        raise Failed(f"expected the function itself, got a {type(function).__name__}: pass {name}, without "
                     "calling it")
    graphs = _graphs()
    for description, x, y, labels in graphs:
        functions = _functions_of(y)
        for f in functions:
            f.generation = 0  # an order must not come from the generations
        links = {f: [v.creator for v in f.inputs] for f in functions}
        got = run(f"{name}(y)", function, y)
        if any([v.creator for v in f.inputs] != links[f] for f in functions) or y.grad is not None:
            return CheckResult(name, problems=[f"on {description}: {name} changed the graph (a creator, an input "
                                               "or a gradient)\n    hint: only read f.inputs and v.creator"])
        problem = _order_problem(name, got, description, x, y, labels)
        if problem:
            return CheckResult(name, "the order of every function on 4 graphs", problems=[problem])
    return CheckResult(name, f"the order of every function on {len(graphs)} graphs (the diamond, a split among "
                       "them), generations set to 0: each function once, after every function that uses its "
                       "outputs")


@graded
def check_backward_order(function, name=None):
    """function(y) -> the Functions that the autograd Variable y depends on, each once, in an order
    valid for backward: every function before the creators of its inputs, that is after every
    function that uses its outputs. Judged on 4 small graphs (the diamond of notebook 08, a and b
    used twice at different depths, x feeding three functions, the two outputs of a split) whose
    functions' generations are set to 0 first, so that the order cannot come from them. The graph
    must stay unchanged. A wrong order is named by the two functions it swaps, with the gradient
    of x it would give."""
    name = name or name_of(function)
    return verdict(name, lambda: _check_backward_order(function, name))
