"""What every network here shares, on one contract.

A layer has forward(x), or forward(x, train_flg) where training and inference differ, and
backward(dout) -> dx, and leaves the gradient of each parameter array P it holds in dP
(W: dW, b: db, gamma: dgamma, beta: dbeta). A network has params (name -> array), whose
arrays are the very arrays its layers hold, layers (an OrderedDict run in order) and
lastLayer (SoftmaxWithLoss); Network gives it predict, loss, accuracy, numerical_gradient
and gradient from these.
"""
import functools
import inspect
import warnings

import numpy as np

from common.functions import check_targets
from common.gradient import numerical_gradient

PARAMETERS = ("W", "b", "gamma", "beta")  # the parameter arrays a layer may hold; gradients in d + name


@functools.cache
def takes_train_flg(layer_type):
    """True if layer_type.forward takes train_flg (Dropout, BatchNormalization)."""
    return "train_flg" in inspect.signature(layer_type.forward).parameters


def network_dtype(who, dtype):
    """np.dtype(dtype), which must be float32 or float64 (integers would cut the gradients to whole
    numbers, float16 keeps too few digits to learn)."""
    try:
        dtype = np.dtype(dtype)
    except TypeError:
        dtype = None
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"{who} expected dtype np.float32 or np.float64, got {dtype!r}: integer weights cannot "
                         "learn (their gradients are cut to whole numbers), float16 keeps too few digits")
    return dtype


def weight_std(weight_init_std, fan_in):
    """'relu'/'he' -> sqrt(2 / fan_in); 'sigmoid'/'xavier' -> sqrt(1 / fan_in); a number -> itself."""
    if isinstance(weight_init_std, str):
        name = weight_init_std.lower()
        if name in ("relu", "he"):
            return np.sqrt(2.0 / fan_in)
        if name in ("sigmoid", "xavier"):
            return np.sqrt(1.0 / fan_in)
        raise ValueError(f"unknown weight_init_std {weight_init_std!r}: use a number, "
                         "'relu'/'he' or 'sigmoid'/'xavier'")
    if isinstance(weight_init_std, bool) or not isinstance(weight_init_std, (int, float, np.integer, np.floating)) \
            or not np.isfinite(weight_init_std) or weight_init_std < 0:
        raise ValueError(f"weight_init_std must be a finite number >= 0 or 'relu'/'he'/'sigmoid'/'xavier', "
                         f"got {weight_init_std!r}")
    return float(weight_init_std)


def weight_decay_penalty(params, weight_decay_lambda):
    """0.5 * lambda * sum(W**2) over every weight (the params named W...), as in the book's loss."""
    if not weight_decay_lambda:
        return 0
    return sum(0.5 * weight_decay_lambda * np.sum(W**2) for key, W in params.items() if key.startswith("W"))


def check_size(who, name, value):
    """Raise unless value is a size: an int >= 1 (units of a layer, samples of a batch)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{who} expected {name} to be an integer >= 1, got {value!r}")


def randn(rng, *shape):
    """Standard normal samples; rng None uses np.random, so np.random.seed repeats them."""
    return rng.standard_normal(shape) if rng is not None else np.random.randn(*shape)


class Network:
    weight_decay_lambda = 0
    eval_batch_size = 10_000  # accuracy() without batch_size predicts this many rows at a time

    @property
    def last_layer(self):
        """The book's name for lastLayer in MultiLayerNet, MultiLayerNetExtend and SimpleConvNet:
        one object, two names (setting either sets both)."""
        return self.lastLayer

    @last_layer.setter
    def last_layer(self, layer):
        self.lastLayer = layer

    def predict(self, x, train_flg=False):
        """Scores (N, output_size) for x (N, ...); x is cast to the network's dtype."""
        x = np.asarray(x, dtype=self.dtype)
        for layer in self.layers.values():
            x = layer.forward(x, train_flg) if takes_train_flg(type(layer)) else layer.forward(x)
        return x

    def loss(self, x, t, train_flg=False):
        """Mean cross-entropy of softmax(predict(x)) against t, plus any weight decay."""
        y = self.predict(x, train_flg)
        return self.lastLayer.forward(y, t) + weight_decay_penalty(self.params, self.weight_decay_lambda)

    def accuracy(self, x, t, batch_size=None):
        """Fraction of x classified as t (labels or one-hot), predicted batch_size rows at a time.

        Each row is predicted on its own, so batch_size changes only speed and memory; the
        default, eval_batch_size, keeps the intermediate arrays small (faster here, and
        less memory than predicting all of x at once). A sample whose scores are not all finite
        (a network that diverged) counts as wrong, with a RuntimeWarning.
        """
        if batch_size is not None and (not isinstance(batch_size, (int, np.integer)) or batch_size < 1):
            raise ValueError(f"accuracy expected batch_size to be a positive integer or None, got {batch_size!r}")
        if len(x) == 0:
            raise ValueError("accuracy needs at least one sample, got an empty x")
        step = batch_size or self.eval_batch_size
        correct = broken = 0
        for i in range(0, len(x), step):
            y = self.predict(x[i:i + step])
            if i == 0:  # the targets must fit the scores: labels (N,) in 0..C-1, or one-hot (N, C)
                t = check_targets(t, (len(x), y.shape[1]), "accuracy")
                t = t.argmax(axis=1) if t.ndim == 2 else t
            finite = np.isfinite(y).all(axis=1)  # a row of NaN or infinite scores predicts nothing: wrong
            broken += int(np.count_nonzero(~finite))
            correct += int(np.count_nonzero((y.argmax(axis=1) == t[i:i + step]) & finite))
        if broken:  # the book's scripts plot the accuracy of networks that diverged: a warning, not an error
            warnings.warn(f"accuracy: the network's scores are not finite (NaN or infinite) for {broken} of "
                          f"{len(x)} samples, counted as wrong: check x for NaN, and whether training "
                          "diverged (then lower the learning rate or the weight scale)", RuntimeWarning,
                          stacklevel=2)
        return correct / x.shape[0]

    def numerical_gradient(self, x, t):
        """Gradient of the loss for every parameter by central differences (slow: for checks)."""
        loss_w = lambda _: self.loss(x, t, train_flg=True)  # noqa: E731
        return {key: numerical_gradient(loss_w, self.params[key]) for key in self.params}

    def gradient(self, x, t):
        """Gradient of the loss for every parameter by backpropagation, with weight decay.

        Afterwards lastLayer.loss holds this batch's loss (without weight decay).
        """
        self.loss(x, t, train_flg=True)
        dout = self.lastLayer.backward(1)
        for layer in reversed(self.layers.values()):
            dout = layer.backward(dout)
        grads = {key: self.gradient_of(key) for key in self.params}
        if self.weight_decay_lambda:
            for key in grads:
                if key.startswith("W"):
                    grads[key] = grads[key] + self.weight_decay_lambda * self.params[key]
        return grads

    def gradient_of(self, key):
        """The gradient that backward left for params[key] in the layer holding that very array."""
        array = self.params[key]
        holder = getattr(self, "_holders", {}).get(key)  # (layer, name) found last time, if it still holds it
        if holder is None or getattr(holder[0], holder[1], None) is not array:
            holder = next(((layer, name) for layer in self.layers.values() for name in PARAMETERS
                           if getattr(layer, name, None) is array), None)
            if holder is None:
                raise ValueError(f"params[{key!r}] is not an array of any layer, so its gradient is unknown: "
                                 f"change a parameter in place (params[{key!r}][...] = new) instead of "
                                 "replacing the array, or give the layer the new array too")
            self.__dict__.setdefault("_holders", {})[key] = holder
        layer, name = holder
        return getattr(layer, "d" + name)
