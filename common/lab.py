"""The training lab: train a one-hidden-layer network on MNIST in a background
thread, with settings a reader can change between runs and a history of runs
to compare. The widgets live in common.lab_view; everything here works from
plain Python as well:

    lab = TrainingLab(x_train, t_train, x_test, t_test)
    lab.set(lr=0.5, hidden_size=100)
    run = lab.train()      # starts in the background, returns at once
    lab.wait()             # until it ends (finished, stopped or diverged)
    run.summary()
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
        """Raise ValueError naming the setting, the value and the allowed range."""
        problems = []
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
    """

    def __init__(self, number, settings):
        self.number, self.settings = number, settings
        self.losses, self.evals = [], []
        self.status, self.message = "running", ""
        self.network = self.test_accuracy = self.predictions = None
        self.started = time.perf_counter()
        self.seconds = None

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
    thread after each iteration's bookkeeping; the widget view is one of them.
    """

    def __init__(self, x_train, t_train, x_test, t_test, seed=0, eval_size=2000):
        self.x_train = np.asarray(x_train, dtype=np.float32)
        self.x_test = np.asarray(x_test, dtype=np.float32)
        self.t_train, self.t_test = self._labels(t_train), self._labels(t_test)
        for name, x in (("x_train", self.x_train), ("x_test", self.x_test)):
            if x.ndim != 2 or x.shape[1] != 784:
                raise ValueError(f"{name} must have shape (N, 784), got {x.shape}: load it with "
                                 "load_mnist(flatten=True)")
        if len(self.x_train) != len(self.t_train) or len(self.x_test) != len(self.t_test):
            raise ValueError(f"images and labels differ in number: {len(self.x_train)} and "
                             f"{len(self.t_train)} for training, {len(self.x_test)} and {len(self.t_test)} for test")
        self.seed = seed
        rng = np.random.default_rng(seed)
        self.eval_train = rng.choice(len(self.x_train), min(eval_size, len(self.x_train)), replace=False)
        self.eval_test = rng.choice(len(self.x_test), min(eval_size, len(self.x_test)), replace=False)
        self.settings = Settings(subset=min(Settings.subset, len(self.x_train)))
        self.runs, self.listeners, self.notice = [], [], ""
        self._thread, self._stop, self._view = None, threading.Event(), None

    def view(self):
        """The widgets (common.lab_view.LabView), made on first use."""
        if self._view is None:
            from common.lab_view import LabView
            self._view = LabView(self)
        return self._view

    def _ipython_display_(self):
        from IPython.display import display
        display(self.view().widget)

    @staticmethod
    def _labels(t):
        t = np.asarray(t)
        return t.argmax(axis=1) if t.ndim == 2 else t

    @property
    def running(self):
        return self._thread is not None and self._thread.is_alive()

    def set(self, **changes):
        """Change settings (names of Settings). During a run they apply to the next run."""
        unknown = set(changes) - {f.name for f in fields(Settings)}
        if unknown:
            raise ValueError(f"unknown lab setting {', '.join(sorted(unknown))}: use "
                             f"{', '.join(f.name for f in fields(Settings))}")
        new = replace(self.settings, **changes)
        new.check(len(self.x_train))
        self.settings = new
        if self.running:
            self.notice = "A run is in progress: the new settings apply to the next run."
        self._notify(None)
        return new

    def train(self):
        """Start a run with the current settings in the background; returns it.
        While a run is going, does nothing and returns None (one run at a time)."""
        if self.running:
            self.notice = "A run is already in progress: press Stop first, or wait for it to end."
            self._notify(None)
            return None
        self.settings.check(len(self.x_train))
        run = Run(len(self.runs) + 1, self.settings)
        self.runs.append(run)
        self.notice = ""
        self._stop.clear()
        self._thread = threading.Thread(target=self._train, args=(run,), daemon=True,
                                        name=f"lab-run-{run.number}")
        self._thread.start()
        return run

    def stop(self):
        """Ask the current run to stop (it does within one iteration) and wait for it."""
        self._stop.set()
        self.wait()

    def wait(self, timeout=None):
        """Block until the current run has ended. Returns the last run (or None)."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self.runs[-1] if self.runs else None

    def reset(self):
        """Stop any run and forget all runs (the comparison plot starts afresh)."""
        self.stop()
        self.runs, self.notice = [], ""
        self._notify(None)

    def history(self):
        """Every run as a plain dict: settings, status, message, losses, evals, test_accuracy."""
        return [{"number": r.number, "settings": asdict(r.settings), "status": r.status,
                 "message": r.message, "losses": list(r.losses), "evals": list(r.evals),
                 "test_accuracy": r.test_accuracy} for r in self.runs]

    def _notify(self, run):
        for listener in list(self.listeners):
            listener(self, run)

    def _accuracy(self, net, x, t, chunk=1000):
        correct = 0
        for i in range(0, len(x), chunk):
            if self._stop.is_set():
                return float("nan")
            correct += int(np.sum(net.predict(x[i:i + chunk]).argmax(axis=1) == t[i:i + chunk]))
        return correct / len(x)

    def _evaluate(self, run, net, iteration):
        tr = self._accuracy(net, self.x_train[self.eval_train], self.t_train[self.eval_train])
        te = self._accuracy(net, self.x_test[self.eval_test], self.t_test[self.eval_test])
        if not self._stop.is_set():
            run.evals.append((iteration, tr, te))

    @staticmethod
    def _diverged(run, loss, grads):
        """NaN or inf anywhere, or a loss ten times the first one (or ten times ln 10, a
        uniform guess's loss): the exact softmax keeps an exploding loss finite for a while."""
        if not np.isfinite(loss) or not all(np.isfinite(g).all() for g in grads.values()):
            return True
        return loss > 10 * max(run.losses[0] if run.losses else loss, np.log(10))

    def _train(self, run):
        try:
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
        optimizer = OPTIMIZERS[s.optimizer.lower()](lr=s.lr)
        run.network = net
        eval_every = max(1, s.iterations // 20)
        x, t = self.x_train[:s.subset], self.t_train[:s.subset]
        with np.errstate(all="ignore"):  # divergence is detected below, not warned about
            for i in range(s.iterations):
                if self._stop.is_set():
                    run.status, run.message = "stopped", f"stopped at iteration {i}"
                    break
                batch = rng.integers(0, len(x), s.batch_size)
                grads = net.gradient(x[batch], t[batch])
                loss = float(net.lastLayer.loss)
                if self._diverged(run, loss, grads):
                    run.status = "diverged"
                    run.message = (f"diverged at iteration {i} (loss {loss:.4g}): lower the learning rate "
                                   f"(now {s.lr:.3g})")
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
