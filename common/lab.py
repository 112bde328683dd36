"""The training lab: train a one-hidden-layer network on MNIST in a background
thread, with settings a reader can change between runs and a history of runs
to compare. The widgets live in common.lab_view; everything here works from
plain Python as well:

    lab = TrainingLab(x_train, t_train, x_test, t_test)
    lab.set(lr=0.5, hidden_size=100)
    run = lab.train()      # starts in the background, returns at once
    lab.wait()             # until it ends (finished, stopped or diverged)
    run.summary()

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

OPTIMIZER_NAMES = ("SGD", "Momentum", "AdaGrad", "Adam")
ACTIVATIONS = {"ReLU": "relu", "Sigmoid": "sigmoid"}
WEIGHT_INITS = {"0.01": 0.01, "Xavier": "xavier", "He": "he"}
INTEGER_SETTINGS = ("hidden_size", "batch_size", "subset")
NUMBER_SETTINGS = ("lr", "epochs")


def _type_problem(name, value):
    """Why value cannot be setting name (None when its type is right). bool is no number here,
    and a float is no integer, even 50.0: a slider or a typo, not a choice, gives either."""
    if name in INTEGER_SETTINGS and (isinstance(value, (bool, np.bool_))
                                     or not isinstance(value, (int, np.integer))):
        return f"{name}={value!r} (a whole number: use an int, not {type(value).__name__})"
    if name in NUMBER_SETTINGS and (isinstance(value, (bool, np.bool_))
                                    or not isinstance(value, (int, float, np.integer, np.floating))):
        return f"{name}={value!r} (a number: use an int or a float, not {type(value).__name__})"
    return None


@dataclass(frozen=True)
class Settings:
    """One run's settings. epochs may be fractional (0.5 = half the subset once)."""
    lr: float = 0.1
    hidden_size: int = 50
    batch_size: int = 100
    epochs: float = 2.0
    optimizer: str = "SGD"
    activation: str = "ReLU"
    weight_init: str = "He"
    subset: int = 10000

    def check(self, train_size):
        """Raise TypeError (a wrong type) or ValueError (out of range) naming the setting,
        the value and what to use."""
        problems = [p for p in (_type_problem(f, getattr(self, f)) for f in INTEGER_SETTINGS + NUMBER_SETTINGS) if p]
        if problems:
            raise TypeError("bad lab setting: " + "; ".join(problems))
        if not 1e-4 <= self.lr <= 10:
            problems.append(f"lr={self.lr} (use 1e-4 to 10)")
        if not 1 <= self.hidden_size <= 1000:
            problems.append(f"hidden_size={self.hidden_size} (use 1 to 1000)")
        if not 1 <= self.batch_size <= 1000:
            problems.append(f"batch_size={self.batch_size} (use 1 to 1000)")
        if not 0 < self.epochs <= 100:
            problems.append(f"epochs={self.epochs} (use more than 0, at most 100)")
        if not 1 <= self.subset <= train_size:
            problems.append(f"subset={self.subset} (use 1 to {train_size}, the training set's size)")
        for name, allowed in (("optimizer", OPTIMIZER_NAMES), ("activation", tuple(ACTIVATIONS)),
                              ("weight_init", tuple(WEIGHT_INITS))):
            if getattr(self, name) not in allowed:
                problems.append(f"{name}={getattr(self, name)!r} (use one of {', '.join(allowed)})")
        if problems:
            raise ValueError("bad lab setting: " + "; ".join(problems))

    @property
    def iterations(self):
        return max(1, round(self.epochs * self.subset / self.batch_size))

    def label(self):
        return (f"{self.optimizer} lr={self.lr:.3g} hidden={self.hidden_size} batch={self.batch_size} "
                f"{self.activation} init={self.weight_init} n={self.subset}")


class Run:
    """One training run: its settings, what it recorded, and how it ended.

    losses: loss per iteration. evals: (iteration, train accuracy, test accuracy)
    on fixed evaluation samples. status: 'running', 'finished', 'stopped', 'diverged' or 'failed'.
    A diverged run keeps the iteration and the loss it diverged at (diverged_at,
    diverged_loss, not in losses: no step was taken from them).
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


class TrainingLab:
    """Trains MultiLayerNet(784, [hidden_size], 10) in float32 on (x_train, t_train).

    x_*: (N, 784) float images; t_*: labels (N,) or one-hot (N, 10). Live accuracy
    is measured on fixed samples of eval_size training and test images; the final
    test accuracy and predictions of a finished run use the whole test set.
    Listeners (callables taking the lab and the run) are called from the training
    thread when a run starts, after each iteration's bookkeeping and when it has
    ended; the widget view is one of them.
    """

    def __init__(self, x_train, t_train, x_test, t_test, seed=0, eval_size=2000):
        x_train, x_test = np.asarray(x_train), np.asarray(x_test)
        for name, x in (("x_train", x_train), ("x_test", x_test)):
            if x.ndim != 2 or x.shape[1] != 784:
                raise ValueError(f"{name} must have shape (N, 784), got {x.shape}: load it with "
                                 "load_mnist(flatten=True)")
            if len(x) == 0:
                raise ValueError(f"{name} holds no images: the lab needs at least one training "
                                 "and one test image")
            if x.dtype.kind in "iu" and x.max() > 1:
                raise ValueError(f"{name} holds {x.dtype} pixels {x.min()}..{x.max()}: the lab expects "
                                 "them scaled to 0..1, as load_mnist(normalize=True) gives (or x / 255)")
        self.x_train = np.asarray(x_train, dtype=np.float32)
        self.x_test = np.asarray(x_test, dtype=np.float32)
        self.pixel_range = (float(self.x_train.min()), float(self.x_train.max()))
        self.t_train, self.t_test = self._labels(t_train), self._labels(t_test)
        if len(self.x_train) != len(self.t_train) or len(self.x_test) != len(self.t_test):
            raise ValueError(f"images and labels differ in number: {len(self.x_train)} and "
                             f"{len(self.t_train)} for training, {len(self.x_test)} and {len(self.t_test)} for test")
        self.seed = seed
        rng = np.random.default_rng(seed)
        self.eval_train = rng.choice(len(self.x_train), min(eval_size, len(self.x_train)), replace=False)
        self.eval_test = rng.choice(len(self.x_test), min(eval_size, len(self.x_test)), replace=False)
        self.settings = Settings(subset=min(Settings.subset, len(self.x_train)))
        self.runs = []       # since the last reset, oldest first
        self.listeners = []  # callables (lab, run): run is None for a change of settings or notice
        self.notice = ""
        self._lock = threading.Lock()  # held to check and start, never while joining or notifying
        self._started = []   # runs whose threads may still be alive (also runs dropped by reset)
        self._view = None

    def view(self):
        """The widgets (common.lab_view.LabView), made on first use."""
        if self._view is None:
            from common.lab_view import LabView
            self._view = LabView(self)
        return self._view

    # What a front end without the widgets' live state shows instead of the lab: JupyterLab 4
    # with ipywidgets 8 does not restore widgets from a notebook's stored state before its
    # kernel has run the cell (jupyterlab/jupyterlab#15361), so it shows this text.
    PLACEHOLDER = "The training lab appears here when the notebook runs: Run > Run All Cells."

    def _ipython_display_(self):
        from IPython.display import display
        bundle = self.view().widget._repr_mimebundle_()
        bundle["text/plain"] = self.PLACEHOLDER  # not "VBox(children=(HBox(..."
        display(bundle, raw=True)

    @staticmethod
    def _labels(t):
        t = np.asarray(t)
        return t.argmax(axis=1) if t.ndim == 2 else t

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
        """Change settings (names of Settings). During a run they apply to the next run.
        A wrong type raises TypeError, a value out of range ValueError, both naming the setting."""
        unknown = set(changes) - {f.name for f in fields(Settings)}
        if unknown:
            raise ValueError(f"unknown lab setting {', '.join(sorted(unknown))}: use "
                             f"{', '.join(f.name for f in fields(Settings))}")
        problems = [p for p in (_type_problem(name, value) for name, value in changes.items()) if p]
        if problems:
            raise TypeError("bad lab setting: " + "; ".join(problems))
        changes = {name: value.item() if isinstance(value, np.generic) else value  # plain Python numbers
                   for name, value in changes.items()}
        new = replace(self.settings, **changes)
        new.check(len(self.x_train))
        self.settings = new
        if self.running:
            self.notice = "A run is in progress: the new settings apply to the next run."
        self._notify(None)
        return new

    def train(self):
        """Start a run with the current settings in the background; returns it.
        While a run is going, does nothing and returns None (one run at a time).
        A run that was told to stop, or is past its last iteration, is waited for first
        (it ends within one iteration), so Train right after Stop starts a run."""
        settings = self.settings
        settings.check(len(self.x_train))
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
        for listener in list(self.listeners):
            listener(self, run)

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
    def _diverged(run, loss, grads):
        """NaN or inf anywhere, or a loss ten times the first one (or ten times ln 10, a
        uniform guess's loss): the exact softmax keeps an exploding loss finite for a while."""
        if not np.isfinite(loss) or not all(np.isfinite(g).all() for g in grads.values()):
            return True
        return loss > 10 * max(run.losses[0] if run.losses else loss, np.log(10))

    def _train(self, run):
        try:
            self._notify(run)  # the run has started: no loss yet
            self._train_loop(run)
        except Exception as error:  # noqa: BLE001 (a failed run must say why, not kill the thread)
            run.status, run.message = "failed", f"failed: {type(error).__name__}: {error}"
        run.seconds = time.perf_counter() - run.started
        try:
            self._notify(run)
        except Exception as error:  # noqa: BLE001
            run.message += f" (display failed: {type(error).__name__}: {error})"

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
                    break
                batch = rng.integers(0, len(x), s.batch_size)
                grads = net.gradient(x[batch], t[batch])
                loss = float(net.lastLayer.loss)
                if self._diverged(run, loss, grads):
                    run.diverged_at, run.diverged_loss = i, loss
                    run.status = "diverged"
                    run.message = f"diverged at iteration {i} (loss {loss:.4g}): {self._divergence_advice(s)}"
                    break
                optimizer.update(net.params, grads)
                run.losses.append(loss)
                if i % eval_every == 0 or i == s.iterations - 1:
                    self._evaluate(run, net, i)
                self._notify(run)
            else:
                run.status = "finished"
                predictions = net.predict(self.x_test).argmax(axis=1)
                run.predictions = predictions
                run.test_accuracy = float(np.mean(predictions == self.t_test))
