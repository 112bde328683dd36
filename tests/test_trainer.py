import numpy as np
import pytest

from common.multi_layer_net_extend import MultiLayerNetExtend
from common.trainer import Trainer


def blobs(rng, n):
    labels = rng.integers(0, 3, n)
    centers = np.array([[2.0, 0, 0, 0], [0, 2.0, 0, 0], [0, 0, 2.0, 0]])
    return centers[labels] + 0.5 * rng.standard_normal((n, 4)), labels


@pytest.mark.parametrize("optimizer,lr", [("SGD", 0.1), ("Adam", 0.01), ("AdaGrad", 0.1)])
def test_trainer_learns_and_returns_its_history(rng, optimizer, lr):
    x_train, t_train = blobs(rng, 300)
    x_test, t_test = blobs(rng, 100)
    net = MultiLayerNetExtend(4, [10], 3, use_batchnorm=True, rng=rng)
    trainer = Trainer(net, x_train, t_train, x_test, t_test, epochs=5, mini_batch_size=30,
                      optimizer=optimizer, optimizer_param={"lr": lr}, verbose=False, rng=rng)
    history = trainer.train()
    assert len(history["train_loss"]) == trainer.max_iter == 50
    assert len(history["train_acc"]) == len(history["test_acc"]) == 5
    assert history["test_acc_final"] > 0.9
    assert history["train_loss"] is trainer.train_loss_list


def test_trainer_rejects_an_unknown_optimizer(rng):
    x, t = blobs(rng, 10)
    with pytest.raises(ValueError, match="unknown optimizer 'Adamax': use one of SGD, Momentum"):
        Trainer(MultiLayerNetExtend(4, [3], 3), x, t, x, t, optimizer="Adamax")


def test_trainer_follows_the_global_seed_like_the_book(rng):
    x, t = blobs(rng, 120)
    losses = []
    for _ in range(2):
        np.random.seed(3)
        net = MultiLayerNetExtend(4, [6], 3)
        trainer = Trainer(net, x, t, x, t, epochs=2, mini_batch_size=20, verbose=False)
        losses.append(trainer.train()["train_loss"])
    assert losses[0] == losses[1]


@pytest.mark.parametrize("sizes,message", [
    ((100, 99, 20, 20), r"Trainer expected one target per sample, got x_train of shape \(100, 4\) and "
                        r"t_train of shape \(99,\)"),
    ((100, 100, 20, 21), r"got x_test of shape \(20, 4\) and t_test of shape \(21,\)"),
])
def test_trainer_rejects_x_and_t_of_different_lengths(rng, sizes, message):
    n_train, n_t_train, n_test, n_t_test = sizes
    x, t = blobs(rng, max(sizes))
    with pytest.raises(ValueError, match=message):
        Trainer(MultiLayerNetExtend(4, [3], 3), x[:n_train], t[:n_t_train], x[:n_test], t[:n_t_test])


@pytest.mark.parametrize("batch_size", [0, -1, 2.5])
def test_trainer_rejects_a_bad_mini_batch_size(rng, batch_size):
    x, t = blobs(rng, 10)
    with pytest.raises(ValueError, match=rf"Trainer expected mini_batch_size to be an integer >= 1, got {batch_size}"):
        Trainer(MultiLayerNetExtend(4, [3], 3), x, t, x, t, mini_batch_size=batch_size)


def test_trainer_rejects_no_training_data(rng):
    x, t = blobs(rng, 10)
    with pytest.raises(ValueError, match="at least one training sample"):
        Trainer(MultiLayerNetExtend(4, [3], 3), x[:0], t[:0], x, t)


def test_trainer_without_verbose_prints_nothing(rng, capsys):
    x, t = blobs(rng, 60)
    Trainer(MultiLayerNetExtend(4, [3], 3), x, t, x, t, epochs=1, mini_batch_size=20, verbose=False).train()
    assert capsys.readouterr() == ("", "")
