"""The book's Trainer: mini-batch training with a progress bar; returns its history."""
import contextlib

import numpy as np
from tqdm import tqdm

from common.network import check_size
from common.optimizer import optimizer_class
from common.progress_bar import ProgressBar
from common.training import random_batch, step


class Trainer:
    """Train `network` on (x_train, t_train) for `epochs` epochs of mini-batches.

    optimizer: a name ('SGD', 'Momentum', 'Nesterov', 'AdaGrad', 'RMSprop', 'Adam')
    with optimizer_param, as in the book. evaluate_sample_num_per_epoch: evaluate
    accuracy on only that many leading samples (None: all). verbose prints what the
    book's Trainer prints (the loss of every iteration, the accuracies of every epoch,
    the final test accuracy) with a progress bar (common.progress_bar: tqdm in a terminal, a
    widget in a notebook); verbose=False shows and prints
    nothing. Works with any network that has params, gradient, loss and accuracy.
    """

    def __init__(self, network, x_train, t_train, x_test, t_test, epochs=20,
                 mini_batch_size=100, optimizer="SGD", optimizer_param={"lr": 0.01},  # noqa: B006 (the book's call)
                 evaluate_sample_num_per_epoch=None, verbose=True, rng=None):
        optimizer_type = optimizer_class(optimizer)  # any case, as the book's Trainer
        for name, x, t in (("train", x_train, t_train), ("test", x_test, t_test)):
            if len(x) != len(t):
                raise ValueError(f"Trainer expected one target per sample, got x_{name} of shape "
                                 f"{np.shape(x)} and t_{name} of shape {np.shape(t)}: pass as many of each")
        if len(x_train) == 0:
            raise ValueError("Trainer needs at least one training sample, got an empty x_train")
        check_size("Trainer", "mini_batch_size", mini_batch_size)
        self.network = network
        self.verbose = verbose
        self.x_train = x_train
        self.t_train = t_train
        self.x_test = x_test
        self.t_test = t_test
        self.epochs = epochs
        self.batch_size = mini_batch_size
        self.evaluate_sample_num_per_epoch = evaluate_sample_num_per_epoch
        if isinstance(epochs, bool) or not isinstance(epochs, (int, float, np.integer, np.floating)) \
                or not np.isfinite(epochs) or epochs <= 0:
            raise ValueError(f"Trainer expected epochs to be a finite number > 0, got {epochs!r}")
        n = evaluate_sample_num_per_epoch
        if n is not None and (isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1):
            raise ValueError(f"Trainer expected evaluate_sample_num_per_epoch to be None (all) or an integer >= 1, "
                             f"got {n!r}")
        try:
            self.optimizer = optimizer_type(**optimizer_param)
        except TypeError as error:
            raise ValueError(f"Trainer: optimizer_param {optimizer_param!r} does not fit {optimizer_type.__name__}: "
                             f"{error}") from None
        self.rng = rng  # None: np.random, so that np.random.seed repeats a run, as in the book
        self.train_size = x_train.shape[0]
        self.iter_per_epoch = max(self.train_size / mini_batch_size, 1)
        self.max_iter = int(epochs * self.iter_per_epoch)
        self.current_iter = 0
        self.current_epoch = 0
        self.train_loss_list = []
        self.train_acc_list = []
        self.test_acc_list = []

    def _evaluate(self):
        n = self.evaluate_sample_num_per_epoch
        x_tr, t_tr, x_te, t_te = self.x_train, self.t_train, self.x_test, self.t_test
        if n is not None:
            x_tr, t_tr, x_te, t_te = x_tr[:n], t_tr[:n], x_te[:n], t_te[:n]
        self.train_acc_list.append(self.network.accuracy(x_tr, t_tr))
        self.test_acc_list.append(self.network.accuracy(x_te, t_te))

    def train_step(self):
        """One mini-batch update; evaluates accuracy at the end of each epoch."""
        batch = random_batch(self.rng, self.train_size, self.batch_size)
        loss = step(self.network, self.optimizer, self.x_train[batch], self.t_train[batch])
        self.train_loss_list.append(loss)
        self._say(f"train loss:{loss}")
        if self.current_iter % self.iter_per_epoch < 1:
            self.current_epoch += 1
            self._evaluate()
            self._say(f"=== epoch:{self.current_epoch}, train acc:{self.train_acc_list[-1]}, "
                      f"test acc:{self.test_acc_list[-1]} ===")
        self.current_iter += 1

    def _say(self, line):
        """Print a line as the book's Trainer does (verbose only), above the progress bar."""
        if self.verbose:
            tqdm.write(line)

    def train(self):
        """Run all iterations, then the final evaluation. Returns the history dict:
        train_loss (per iteration: the batch loss with weight decay, as in the book's;
        read from the network's last layer, so before the update, when it has one),
        train_acc and test_acc (per epoch), test_acc_final.
        """
        bar = ProgressBar(self.max_iter, "training") if self.verbose else contextlib.nullcontext()
        with bar:
            for _ in range(self.max_iter):
                self.train_step()
                if self.verbose:
                    shown = {"test_acc": self.test_acc_list[-1]} if self.test_acc_list else {}
                    bar.update(loss=self.train_loss_list[-1], **shown)
        test_acc = self.network.accuracy(self.x_test, self.t_test)
        self._say("=============== Final Test Accuracy ===============")
        self._say(f"test acc:{test_acc}")
        return {"train_loss": self.train_loss_list, "train_acc": self.train_acc_list,
                "test_acc": self.test_acc_list, "test_acc_final": test_acc}
