"""One training step, shared by Trainer, the training lab and the benchmarks."""
import numpy as np

from common.network import weight_decay_penalty


def step(net, optimizer, x, t):
    """One mini-batch update of net's parameters; returns the batch's loss (a float).

    x: a mini-batch (N, ...), t: its targets (N,) or (N, C). net.gradient(x, t) gives the
    gradients and optimizer.update(net.params, grads) applies them. The loss returned is the
    one at the parameters that gave the gradient: read from the network's last layer
    (lastLayer, or the book's last_layer), plus the weight decay penalty, so no second
    forward pass is needed. A network with no last layer is asked net.loss(x, t) after the
    update, as the book's Trainer asks.
    """
    grads = net.gradient(x, t)
    last = getattr(net, "lastLayer", getattr(net, "last_layer", None))
    loss = getattr(last, "loss", None)
    if loss is not None:
        loss = float(loss + weight_decay_penalty(net.params, getattr(net, "weight_decay_lambda", 0)))
    optimizer.update(net.params, grads)
    if loss is None:
        loss = float(net.loss(x, t))
    return loss


def random_batch(rng, n, batch_size):
    """batch_size indices drawn from 0..n-1 with replacement, as the book draws mini-batches:
    rng a numpy Generator, or None for np.random (so np.random.seed repeats the book's draws)."""
    if rng is not None:
        return rng.integers(0, n, batch_size)
    return np.random.randint(0, n, batch_size)
