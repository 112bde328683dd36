"""The training lab: train a one-hidden-layer network on MNIST in a background
thread, with settings a reader can change between runs and a history of runs
to compare. Plain Python, no widgets: common.lab_view draws a lab (it imports
this module, never the other way round).

    lab = TrainingLab(x_train, t_train, x_test, t_test)
    lab.set(lr=0.5, hidden_size=100)
    run = lab.train()      # starts in the background, returns at once
    lab.wait()             # until it ends (finished, stopped or diverged)
    run.summary()

Every argument and setting is checked once, where it enters: TrainingLab() checks the
data, Settings() checks every setting (a Settings that exists is valid), and set() adds
the one rule that needs the data (subset at most the number of training images).

One run at a time: train() checks and starts under a lock, stop() stops and waits
for every run the lab started, and listeners (called from the training thread)
may call stop(), train() and set() themselves.
"""
import threading
import time
from dataclasses import asdict, dataclass, fields, replace

import numpy as np

from common.multi_layer_net import MultiLayerNet
from common.optimizer import OPTIMIZERS
from common.training import random_batch, step

OPTIMIZER_NAMES = ("SGD", "Momentum", "AdaGrad", "Adam")  # the four the book's chapter 6 compares
ACTIVATIONS = {"ReLU": "relu", "Sigmoid": "sigmoid"}
WEIGHT_INITS = {"0.01": 0.01, "Xavier": "xavier", "He": "he"}
CHOICES = {"optimizer": OPTIMIZER_NAMES, "activation": tuple(ACTIVATIONS), "weight_init": tuple(WEIGHT_INITS)}
WHOLE_NUMBERS = {"hidden_size": (1, 1000), "batch_size": (1, 1000), "subset": (1, None)}  # inclusive ranges
NUMBERS = {"lr": "use 1e-4 to 10", "epochs": "use more than 0, at most 100"}
assert set(OPTIMIZER_NAMES) <= set(OPTIMIZERS)


def _is_whole(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _is_number(value):
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def _in_range(name, value):
    if name == "lr":
        return 1e-4 <= value <= 10  # False for NaN
    return 0 < value <= 100         # epochs


@dataclass(frozen=True)
class Settings:
    """One run's settings, checked when made: a Settings that exists is valid.

    A wrong type raises TypeError, a value out of range or an unknown choice ValueError,
    each naming the setting, the value and what to use. A bool is no number and a float
    no whole number, even 50.0: a slider or a typo gives either, not a choice. NumPy
    numbers become Python numbers; choices match in any case ('adam' -> 'Adam').
    epochs may be fractional (0.5 = half the subset once).
    """
    lr: float = 0.1
    hidden_size: int = 50
    batch_size: int = 100
    epochs: float = 2.0
    optimizer: str = "SGD"
    activation: str = "ReLU"
    weight_init: str = "He"
    subset: int = 10000

    def __post_init__(self):
        wrong_type, out_of_range = [], []
        for name, (low, high) in WHOLE_NUMBERS.items():
            value = getattr(self, name)
            if not _is_whole(value):
                wrong_type.append(f"{name}={value!r} (a whole number: use an int, not {type(value).__name__})")
            elif not (low <= value and (high is None or value <= high)):
                out_of_range.append(f"{name}={value} (use {low} to {high})" if high is not None
                                    else f"{name}={value} (use {low} or more)")
            else:
                object.__setattr__(self, name, int(value))
        for name, advice in NUMBERS.items():
            value = getattr(self, name)
            if not _is_number(value):
                wrong_type.append(f"{name}={value!r} (a number: use an int or a float, not {type(value).__name__})")
            elif not _in_range(name, value):
                out_of_range.append(f"{name}={value} ({advice})")
            elif isinstance(value, np.generic):
                object.__setattr__(self, name, value.item())
        for name, allowed in CHOICES.items():
            value = getattr(self, name)
            choices = ", ".join(repr(a) for a in allowed)
            if not isinstance(value, str):
                wrong_type.append(f"{name}={value!r} (one of the strings {choices}, not {type(value).__name__})")
                continue
            match = [a for a in allowed if a.lower() == value.lower()]
            if match:
                object.__setattr__(self, name, match[0])
            else:
                out_of_range.append(f"{name}={value!r} (use one of {choices})")
        if wrong_type:
            raise TypeError("bad lab setting: " + "; ".join(wrong_type))
        if out_of_range:
            raise ValueError("bad lab setting: " + "; ".join(out_of_range))

    @property
    def iterations(self):
        return max(1, round(self.epochs * self.subset / self.batch_size))

    def label(self):
        return (f"{self.optimizer} lr={self.lr:.3g} hidden={self.hidden_size} batch={self.batch_size} "
                f"{self.activation} init={self.weight_init} n={self.subset}")


class ListenerError(RuntimeError):
    """A listener raised: names the listener and its error (the error is the __cause__)."""


class Run:
    """One training run: its settings, what it recorded, and how it ended.

    losses: loss per iteration. evals: (iteration, train accuracy, test accuracy)
    on fixed evaluation samples. status: 'running', 'finished', 'stopped', 'diverged' or 'failed'.
    A diverged run keeps the iteration and the loss it diverged at (diverged_at == len(losses),
    diverged_loss, not in losses): the run ends there, its network is of no further use.
    """

    def __init__(self, number, settings):
        self.number = number
        self.settings = settings
        self.losses = []
        self.evals = []
        self.status = "running"
        self.message = ""
        self.diverged_at = None
        self.diverged_loss = None
        self.network = None
        self.test_accuracy = None
        self.predictions = None
        self.started = time.perf_counter()
        self.seconds = None
        self._stop = threading.Event()  # set by stop(): this run ends within one iteration
        self._thread = None

    @property
    def ending(self):
        """Asked to stop, or already past its last iteration (its thread may still be notifying)."""
        return self._stop.is_set() or self.status != "running"

    def summary(self):
        last = self.evals[-1] if self.evals else (0, float("nan"), float("nan"))
        text = (f"run {self.number} ({self.settings.label()}): {self.status} after "
                f"{len(self.losses)} of {self.settings.iterations} iterations")
        if self.status in ("diverged", "failed"):
            return f"{text}; {self.message}"
        text += f"; last loss {self.losses[-1]:.3f}" if self.losses else ""
        text += f"; train accuracy {last[1]:.3f}, test accuracy {last[2]:.3f}"
        return text


def _whole_argument(name, value, low, example):
    """value as an int >= low, or a TypeError/ValueError naming the argument."""
    if not _is_whole(value):
        raise TypeError(f"TrainingLab: {name}={value!r} is not a whole number: use an int >= {low}, "
                        f"e.g. {name}={example}")
    if value < low:
        raise ValueError(f"TrainingLab: {name}={value} is below {low}: use an int >= {low}, e.g. {name}={example}")
    return int(value)


def _images(name, x):
    """(x as float32 (N, 784), (its lowest, its highest pixel)), or an error naming the argument,
    what is wrong and the fix. Accepts (N, 784), (N, 28, 28) and (N, 1, 28, 28), as load_mnist
    gives them."""
    try:
        x = np.asarray(x)
    except ValueError as error:  # ragged lists
        raise ValueError(f"TrainingLab: {name} is not an array of images ({error}): pass an array (N, 784)") \
            from None
    if x.dtype.kind not in "biuf":
        raise TypeError(f"TrainingLab: {name} holds {x.dtype} values, not numbers: pass pixel values scaled "
                        "to 0..1, as load_mnist(normalize=True) gives them")
    if x.ndim in (3, 4) and x.shape[-2:] == (28, 28) and (x.ndim == 3 or x.shape[1] == 1):
        x = x.reshape(len(x), 784)
    if x.ndim != 2 or x.shape[1] != 784:
        raise ValueError(f"TrainingLab: {name} must have shape (N, 784) (or (N, 28, 28), (N, 1, 28, 28)), got "
                         f"{x.shape}: load it with load_mnist(flatten=True)")
    if len(x) == 0:
        raise ValueError(f"TrainingLab: {name} holds no images: the lab needs at least one training "
                         "and one test image")
    if x.dtype.kind in "iu" and x.max() > 1:
        raise ValueError(f"TrainingLab: {name} holds {x.dtype} pixels {x.min()}..{x.max()}: the lab expects "
                         "them scaled to 0..1, as load_mnist(normalize=True) gives (or x / 255)")
    with np.errstate(over="ignore"):  # float64 beyond float32's range becomes inf, refused below
        x = np.asarray(x, dtype=np.float32)
    low, high = float(x.min()), float(x.max())  # NaN if any pixel is NaN, inf if any is infinite
    if not (np.isfinite(low) and np.isfinite(high)):
        bad = ~np.isfinite(x).all(axis=1)
        raise ValueError(f"TrainingLab: {name} holds NaN or infinite pixels (or beyond float32) in "
                         f"{int(bad.sum())} images, the first image {int(np.argmax(bad))}: drop them "
                         f"({name}[np.isfinite({name}).all(axis=1)], with their labels) or fix them")
    return x, (low, high)


def _labels(name, t, images, count):
    """t as int64 labels (N,) in 0..9, from labels or one-hot rows (N, 10), or an error naming
    the argument, the value and the fix. images, count: the images' argument name and number."""
    t = np.asarray(t)
    if t.dtype.kind not in "iuf":  # bool, str, object, complex
        raise TypeError(f"TrainingLab: {name} holds {t.dtype} values: use the digits 0..9 as ints "
                        f"(np.asarray({name}, dtype=int)) or one-hot rows (N, 10)")
    if t.ndim == 2:
        if t.shape[1] != 10:
            fix = f"{name}.ravel() gives one label per image" if t.shape[1] == 1 else \
                "use one column per digit 0..9, or the labels themselves (load_mnist(one_hot_label=False))"
            raise ValueError(f"TrainingLab: {name} has one-hot rows of width {t.shape[1]}, not 10: {fix}")
        not_one_hot = ~(np.isin(t, (0, 1)).all(axis=1) & (t.sum(axis=1) == 1))
        if not_one_hot.any():
            row = int(np.argmax(not_one_hot))
            raise ValueError(f"TrainingLab: {name}[{row}] = {t[row].tolist()} is not one-hot (one 1, nine 0s): "
                             "pass one-hot rows or the labels 0..9 themselves")
        labels = t.argmax(axis=1)
    elif t.ndim == 1:
        labels = t
        if t.dtype.kind == "f":
            bad = ~(np.isfinite(t) & (t == np.round(t)))
            if bad.any():
                i = int(np.argmax(bad))
                raise ValueError(f"TrainingLab: {name}[{i}] = {t[i]} is not a whole number: the labels are the "
                                 "digits 0..9")
    else:
        raise ValueError(f"TrainingLab: {name} must have shape (N,) (labels 0..9) or (N, 10) (one-hot), got "
                         f"{t.shape}")
    if len(labels) != count:
        raise ValueError(f"TrainingLab: {images} has {count} images but {name} has {len(labels)} labels: "
                         "pass one label per image, in the same order")
    outside = (labels < 0) | (labels > 9)
    if outside.any():
        i = int(np.argmax(outside))
        raise ValueError(f"TrainingLab: {name} holds {int(outside.sum())} labels outside 0..9, the first "
                         f"{name}[{i}] = {labels[i]}: the lab trains a 10-digit classifier, so pass the digits 0..9")
    return labels.astype(np.int64)


class TrainingLab:
    """Trains MultiLayerNet(784, [hidden_size], 10) in float32 on (x_train, t_train).

    x_*: (N, 784) images with pixels in 0..1 ((N, 28, 28) and (N, 1, 28, 28) are flattened);
    t_*: labels 0..9 (N,) or one-hot (N, 10). seed: an int >= 0; run k draws from seed + k.
    Live accuracy is measured on fixed samples of eval_size (an int >= 1) training and test
    images (all of them where a set is smaller); the final test accuracy and predictions of
    a finished run use the whole test set. Bad data raises TypeError or ValueError naming
    the argument, the value and the fix.

    Listeners (callables taking the lab and the run; run None for a change of settings, a
    notice or a reset) are called after each change, and from the training thread when a run
    starts, after each iteration's bookkeeping and when it has ended. A listener that raises
    does not keep the others from being called; its error is raised as ListenerError to
    whoever made the change (set() has then made it), and ends a run as failed.
    """

    def __init__(self, x_train, t_train, x_test, t_test, seed=0, eval_size=2000):
        self.seed = _whole_argument("seed", seed, 0, 0)
        eval_size = _whole_argument("eval_size", eval_size, 1, 2000)
        self.x_train, self.pixel_range = _images("x_train", x_train)
        self.x_test, _ = _images("x_test", x_test)
        self.t_train = _labels("t_train", t_train, "x_train", len(self.x_train))
        self.t_test = _labels("t_test", t_test, "x_test", len(self.x_test))
        rng = np.random.default_rng(self.seed)
        self.eval_train = rng.choice(len(self.x_train), min(eval_size, len(self.x_train)), replace=False)
        self.eval_test = rng.choice(len(self.x_test), min(eval_size, len(self.x_test)), replace=False)
        self._settings = Settings(subset=min(Settings.subset, len(self.x_train)))
        self.runs = []       # since the last reset, oldest first
        self.listeners = []  # callables (lab, run): run is None for a change of settings or notice
        self.notice = ""
        self._lock = threading.Lock()  # held to check and start, never while joining or notifying
        self._started = []   # runs whose threads may still be alive (also runs dropped by reset)

    def __repr__(self):
        return (f"<TrainingLab: {len(self.x_train):,} training and {len(self.x_test):,} test images, "
                f"{len(self.runs)} runs; show it with: from common.lab_view import LabView; LabView(lab)>")

    @property
    def settings(self):
        """The settings of the next run (a Settings); change them with set()."""
        return self._settings

    @property
    def running(self):
        """True while the thread of any run the lab started is alive."""
        with self._lock:
            return bool(self._alive())

    def _alive(self):
        """The started runs whose threads are alive (call with the lock held)."""
        self._started = [r for r in self._started if r._thread.is_alive()]
        return list(self._started)

    @staticmethod
    def _join(runs, timeout=None):
        """Wait for the runs' threads, except the calling thread's own (a listener's run)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        for run in runs:
            if run._thread is not threading.current_thread():
                run._thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))

    def set(self, **changes):
        """Change settings (names of Settings) and return the new Settings. During a run they
        apply to the next run. A wrong type raises TypeError, a value out of range ValueError,
        both naming the setting; nothing changes then. A listener that raises: ListenerError,
        after the change."""
        unknown = set(changes) - {f.name for f in fields(Settings)}
        if unknown:
            raise ValueError(f"unknown lab setting {', '.join(sorted(unknown))}: use "
                             f"{', '.join(f.name for f in fields(Settings))}")
        new = replace(self._settings, **changes)  # Settings checks every value
        if new.subset > len(self.x_train):
            raise ValueError(f"bad lab setting: subset={new.subset} (use 1 to {len(self.x_train)}, the training "
                             "set's size)")
        self._settings = new
        if self.running:
            self.notice = "A run is in progress: the new settings apply to the next run."
        self._notify(None)
        return new

    def train(self):
        """Start a run with the current settings in the background; returns it.
        While a run is going, does nothing and returns None (one run at a time).
        A run that was told to stop, or is past its last iteration, is waited for first
        (it ends within one iteration), so Train right after Stop starts a run."""
        settings = self._settings
        while True:
            with self._lock:
                alive = self._alive()
                refused = any(not r.ending for r in alive)
                others = [r for r in alive if r._thread is not threading.current_thread()]
                if refused:
                    self.notice = "A run is already in progress: press Stop first, or wait for it to end."
                elif not others:
                    run = Run(self.runs[-1].number + 1 if self.runs else 1, settings)
                    run._thread = threading.Thread(target=self._train, args=(run,), daemon=True,
                                                   name=f"lab-run-{run.number}")
                    run._thread.start()
                    self._started.append(run)
                    self.runs.append(run)
                    self.notice = ""
                    return run
            if refused:
                self._notify(None)
                return None
            self._join(others)

    def stop(self, wait=True):
        """Ask every run to stop (each does within one iteration) and, with wait, wait until
        all have ended. From a listener, the listener's own run ends after the listener returns."""
        with self._lock:
            runs = self._alive()
            for run in runs:
                run._stop.set()
        if wait:
            self._join(runs)

    def wait(self, timeout=None):
        """Block until every run has ended (or timeout seconds). Returns the last run (or None)."""
        with self._lock:
            runs = self._alive()
        self._join(runs, timeout)
        return self.runs[-1] if self.runs else None

    def reset(self):
        """Stop any run and forget all runs (the comparison plot starts afresh). A run that
        another thread started after the stop stays."""
        self.stop()
        with self._lock:
            self.runs = [r for r in self._alive() if not r.ending]
            self.notice = ""
        self._notify(None)

    def history(self):
        """Every run as a plain dict: settings, status, message, losses, evals, test_accuracy."""
        return [{"number": r.number, "settings": asdict(r.settings), "status": r.status,
                 "message": r.message, "losses": list(r.losses), "evals": list(r.evals),
                 "test_accuracy": r.test_accuracy} for r in self.runs]

    def _notify(self, run):
        """Call every listener; raise ListenerError for the first that raised, after the rest ran."""
        failed = None
        for listener in list(self.listeners):
            try:
                listener(self, run)
            except Exception as error:  # noqa: BLE001 (the other listeners still hear of the change)
                if failed is None:
                    failed = (listener, error)
        if failed is not None:
            listener, error = failed
            name = getattr(listener, "__qualname__", None) or repr(listener)
            raise ListenerError(f"lab listener {name} raised {type(error).__name__}: {error}") from error

    @staticmethod
    def _accuracy(run, net, x, t, chunk=1000):
        correct = 0
        for i in range(0, len(x), chunk):
            if run._stop.is_set():
                return float("nan")
            correct += int(np.sum(net.predict(x[i:i + chunk]).argmax(axis=1) == t[i:i + chunk]))
        return correct / len(x)

    def _evaluate(self, run, net, iteration):
        tr = self._accuracy(run, net, self.x_train[self.eval_train], self.t_train[self.eval_train])
        te = self._accuracy(run, net, self.x_test[self.eval_test], self.t_test[self.eval_test])
        if not run._stop.is_set():
            run.evals.append((iteration, tr, te))

    def _divergence_advice(self, settings):
        low, high = self.pixel_range
        if max(abs(low), abs(high)) > 10:
            return (f"the training images range {low:.4g}..{high:.4g}, not 0..1: scale them "
                    "(load_mnist(normalize=True), or x / 255); a lower learning rate would only hide it")
        return f"lower the learning rate (now {settings.lr:.3g})"

    @staticmethod
    def _diverged(run, loss):
        """NaN or inf, or a loss ten times the first one (or ten times ln 10, a uniform guess's
        loss): the exact softmax keeps an exploding loss finite for a while. A step whose
        gradients were NaN or inf makes the next loss NaN (every weight reaches every score)."""
        if not np.isfinite(loss):
            return True
        return loss > 10 * max(run.losses[0] if run.losses else loss, np.log(10))

    @staticmethod
    def _finite(params):
        return all(np.isfinite(p).all() for p in params.values())

    def _diverge(self, run, iteration, loss, cause):
        run.diverged_at, run.diverged_loss = iteration, loss
        run.status = "diverged"
        run.message = f"diverged at iteration {iteration} ({cause}): {self._divergence_advice(run.settings)}"

    def _train(self, run):
        try:
            self._notify(run)  # the run has started: no loss yet
            self._train_loop(run)
        except Exception as error:  # noqa: BLE001 (a failed run must say why, not kill the thread)
            run.status, run.message = "failed", f"failed: {type(error).__name__}: {error}"
        run.seconds = time.perf_counter() - run.started
        try:
            self._notify(run)
        except Exception as error:  # noqa: BLE001 (the run has ended: its outcome stands)
            run.message += f" ({error})" if isinstance(error, ListenerError) else f" ({type(error).__name__}: {error})"

    def _train_loop(self, run):
        s = run.settings
        rng = np.random.default_rng(self.seed + run.number)
        net = MultiLayerNet(784, [s.hidden_size], 10, activation=ACTIVATIONS[s.activation],
                            weight_init_std=WEIGHT_INITS[s.weight_init], dtype=np.float32, rng=rng)
        optimizer = OPTIMIZERS[s.optimizer](lr=s.lr)
        run.network = net
        eval_every = max(1, s.iterations // 20)
        x, t = self.x_train[:s.subset], self.t_train[:s.subset]
        with np.errstate(all="ignore"):  # divergence is detected below, not warned about
            for i in range(s.iterations):
                if run._stop.is_set():
                    run.status, run.message = "stopped", f"stopped at iteration {i}"
                    return
                batch = random_batch(rng, len(x), s.batch_size)
                loss = step(net, optimizer, x[batch], t[batch])  # the loss before this step's update
                if self._diverged(run, loss):
                    self._diverge(run, i, loss, f"loss {loss:.4g}")
                    return
                run.losses.append(loss)
                if i % eval_every == 0 or i == s.iterations - 1:
                    self._evaluate(run, net, i)
                self._notify(run)
            if not self._finite(net.params):  # the last step's gradients were NaN or inf
                self._diverge(run, s.iterations, float("nan"), "the last step made weights NaN or infinite")
                return
            run.status = "finished"
            predictions = net.predict(self.x_test).argmax(axis=1)
            run.predictions = predictions
            run.test_accuracy = float(np.mean(predictions == self.t_test))
