"""Optimizers: each updates a dict of parameter arrays in place from a dict of gradients.

Parameters may also be plain Python numbers, as in the book's 2-D examples
(params = {"x": -7.0, "y": 2}): those are replaced by the updated values.
"""
import numpy as np


def zeros_like(value):
    """Zeros for an optimizer's state: value's shape, value's dtype if floating, else float64."""
    value = np.asarray(value)
    return np.zeros(value.shape, dtype=value.dtype if value.dtype.kind == "f" else np.float64)


def setting(who, name, value, low, high):
    """value, checked to be a finite real number in [low, high], else ValueError."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not np.isfinite(value) or not low <= value <= high:
        raise ValueError(f"{who} expected {name} to be a finite number from {low} to {high}, got {value!r}")
    return value


def check_update(who, params, grads):
    """The grads fit the params: one gradient per parameter, of its shape; no integer array
    (an update could not be stored in it). Raises ValueError naming the key and both shapes."""
    for key, value in params.items():
        if key not in grads:
            raise ValueError(f"{who}.update: grads has no {key!r} (it has {sorted(grads)}): give a gradient for "
                             "every parameter")
        if np.shape(grads[key]) != np.shape(value):
            raise ValueError(f"{who}.update: grads[{key!r}] has shape {np.shape(grads[key])}, but params[{key!r}] "
                             f"has shape {np.shape(value)}: a gradient has its parameter's shape")
        if isinstance(value, np.ndarray) and value.dtype.kind != "f":
            raise ValueError(f"{who}.update: params[{key!r}] is an array of dtype {value.dtype}, which cannot hold "
                             "an update: use floating parameters (astype(np.float64))")


def state_for(state, params):
    """state (a dict, or None the first time) with zeros for every parameter it does not have yet."""
    state = {} if state is None else state
    for key, value in params.items():
        if key not in state:
            state[key] = zeros_like(value)
    return state


class SGD:
    """W <- W - lr * dW"""

    def __init__(self, lr=0.01):
        self.lr = setting("SGD", "lr", lr, 0, np.inf)

    def update(self, params, grads):
        check_update("SGD", params, grads)
        for key in params:
            params[key] -= self.lr * grads[key]


class Momentum:
    """v <- momentum * v - lr * dW;  W <- W + v"""

    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = setting("Momentum", "lr", lr, 0, np.inf)
        self.momentum = setting("Momentum", "momentum", momentum, 0, 1)
        self.v = None  # velocity per parameter

    def update(self, params, grads):
        check_update("Momentum", params, grads)
        self.v = state_for(self.v, params)
        for key in params:
            self.v[key] *= self.momentum
            self.v[key] -= self.lr * grads[key]
            params[key] += self.v[key]


class Nesterov:
    """Nesterov's accelerated gradient, in the book's form (http://arxiv.org/abs/1212.0901)."""

    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = setting("Nesterov", "lr", lr, 0, np.inf)
        self.momentum = setting("Nesterov", "momentum", momentum, 0, 1)
        self.v = None  # velocity per parameter

    def update(self, params, grads):
        check_update("Nesterov", params, grads)
        self.v = state_for(self.v, params)
        m, lr = self.momentum, self.lr
        for key in params:
            params[key] += m * m * self.v[key] - (1 + m) * lr * grads[key]
            self.v[key] *= m
            self.v[key] -= lr * grads[key]


class AdaGrad:
    """h <- h + dW^2;  W <- W - lr * dW / (sqrt(h) + 1e-7)"""

    def __init__(self, lr=0.01):
        self.lr = setting("AdaGrad", "lr", lr, 0, np.inf)
        self.h = None  # sum of squared gradients per parameter

    def update(self, params, grads):
        check_update("AdaGrad", params, grads)
        self.h = state_for(self.h, params)
        for key in params:
            self.h[key] += grads[key] * grads[key]
            params[key] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + 1e-7)


class RMSprop:
    """h <- decay * h + (1 - decay) * dW^2;  W <- W - lr * dW / (sqrt(h) + 1e-7)"""

    def __init__(self, lr=0.01, decay_rate=0.99):
        self.lr = setting("RMSprop", "lr", lr, 0, np.inf)
        self.decay_rate = setting("RMSprop", "decay_rate", decay_rate, 0, 1)
        self.h = None  # decaying mean of squared gradients per parameter

    def update(self, params, grads):
        check_update("RMSprop", params, grads)
        self.h = state_for(self.h, params)
        for key in params:
            self.h[key] *= self.decay_rate
            self.h[key] += (1 - self.decay_rate) * grads[key] * grads[key]
            params[key] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + 1e-7)


class Adam:
    """Adam (http://arxiv.org/abs/1412.6980v8) with bias correction folded into the step size."""

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr = setting("Adam", "lr", lr, 0, np.inf)
        self.beta1 = setting("Adam", "beta1", beta1, 0, 1 - 1e-12)
        self.beta2 = setting("Adam", "beta2", beta2, 0, 1 - 1e-12)
        self.iter = 0
        self.m = None  # decaying mean of gradients per parameter
        self.v = None  # decaying mean of squared gradients per parameter

    def update(self, params, grads):
        check_update("Adam", params, grads)
        self.m, self.v = state_for(self.m, params), state_for(self.v, params)
        self.iter += 1
        b1, b2 = self.beta1, self.beta2
        lr_t = float(self.lr * np.sqrt(1.0 - b2**self.iter) / (1.0 - b1**self.iter))
        for key in params:
            self.m[key] += (1 - b1) * (grads[key] - self.m[key])
            self.v[key] += (1 - b2) * (grads[key] ** 2 - self.v[key])
            params[key] -= lr_t * self.m[key] / (np.sqrt(self.v[key]) + 1e-7)


OPTIMIZERS = {cls.__name__: cls for cls in (SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam)}
"""Every optimizer by its class name: SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam."""


def optimizer_class(name):
    """The optimizer class called name, in any case ('Adam', 'adam' or 'ADAM', as the book's
    Trainer accepts it). Raises ValueError naming the choices for any other name."""
    by_lower = {key.lower(): cls for key, cls in OPTIMIZERS.items()}
    if not isinstance(name, str) or name.lower() not in by_lower:
        raise ValueError(f"unknown optimizer {name!r}: use one of {', '.join(OPTIMIZERS)}")
    return by_lower[name.lower()]
