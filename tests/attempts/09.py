"""A learner's attempts at the exercises of notebook 09 (optimizers, initialisation, regularization),
as data for a replay.

ATTEMPTS: (exercise name, label, expected verdict "PASS" or "FAIL", code, check). `code` defines the
learner's names (with its own imports); `check` is the notebook's own check cell, whose last line is
the check call (an expression whose value is the verdict). Run `code`, then `check`, in one fresh
namespace. The correct alternatives are written differently from the notebook's solutions; the
wrong ones are the usual slips.
"""

MOMENTUM_CHECK = """\
from common.optimizer import Momentum
from common.selfcheck import check_optimizer

check_optimizer(MyMomentum, reference=Momentum, lr=0.1, momentum=0.8)
"""

DROPOUT_CHECK = """\
import numpy as np
from common.selfcheck import check_dropout

np.random.seed(0)  # the same masks on every run
check_dropout(InvertedDropout, inverted=True)
"""

BATCHNORM_CHECK = """\
from common.selfcheck import check_batchnorm

check_batchnorm(MyBatchNorm)
"""

DECAY_CHECK = """\
from common.selfcheck.regularization import check_weight_decay

check_weight_decay(weight_decay_grads)
"""

# MyBatchNorm's skeleton gives __init__ and forward; the learner writes backward.
BATCHNORM_GIVEN = '''\
import numpy as np

class MyBatchNorm:
    def __init__(self, gamma, beta, momentum=0.9, eps=1e-6):
        self.gamma, self.beta, self.momentum, self.eps = gamma, beta, momentum, eps
        self.running_mean = np.zeros_like(gamma)
        self.running_var = np.zeros_like(gamma)
        self.xn = self.std = self.dgamma = self.dbeta = None

    def forward(self, x, train_flg=True):
        if not train_flg:
            return self.gamma * (x - self.running_mean) / np.sqrt(self.running_var + self.eps) + self.beta
        mu, var = x.mean(axis=0), x.var(axis=0)
        self.std = np.sqrt(var + self.eps)
        self.xn = (x - mu) / self.std
        self.running_mean = self.momentum * self.running_mean + (1 - self.momentum) * mu
        self.running_var = self.momentum * self.running_var + (1 - self.momentum) * var
        return self.gamma * self.xn + self.beta

'''


def batchnorm(backward):
    """The given class with the learner's backward (indented as a method)."""
    return BATCHNORM_GIVEN + "\n".join("    " + line if line else "" for line in backward.strip("\n").split("\n")) + "\n"


ATTEMPTS = [
    # ---------- MyMomentum ----------
    ("MyMomentum", "the book's code: velocities built in a loop on the first call", "PASS", """\
import numpy as np

class MyMomentum:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.v = None

    def update(self, params, grads):
        if self.v is None:
            self.v = {}
            for key, val in params.items():
                self.v[key] = np.zeros_like(val)
        for key in params.keys():
            self.v[key] = self.momentum * self.v[key] - self.lr * grads[key]
            params[key] += self.v[key]
""", MOMENTUM_CHECK),
    ("MyMomentum", "PyTorch's form: a buffer of gradients, p -= lr * buf", "PASS", """\
class MyMomentum:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum, self.buffer = lr, momentum, {}

    def update(self, params, grads):
        for key, g in grads.items():
            self.buffer[key] = self.momentum * self.buffer.get(key, 0) + g
            params[key] -= self.lr * self.buffer[key]
""", MOMENTUM_CHECK),
    ("MyMomentum", "in-place velocity updates, state made with setdefault", "PASS", """\
import numpy as np

class MyMomentum:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.velocity = {}

    def update(self, params, grads):
        for key in params:
            v = self.velocity.setdefault(key, np.zeros(params[key].shape))
            v *= self.momentum
            v -= self.lr * grads[key]
            params[key] += v
""", MOMENTUM_CHECK),
    ("MyMomentum", "forgets the velocity: a new one on every call (that is SGD)", "FAIL", """\
import numpy as np

class MyMomentum:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum = lr, momentum

    def update(self, params, grads):
        v = {key: np.zeros_like(val) for key, val in params.items()}
        for key in params:
            v[key] = self.momentum * v[key] - self.lr * grads[key]
            params[key] += v[key]
""", MOMENTUM_CHECK),
    ("MyMomentum", "the push with the wrong sign (+ lr * g)", "FAIL", """\
class MyMomentum:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum, self.v = lr, momentum, {}

    def update(self, params, grads):
        for key in params:
            self.v[key] = self.momentum * self.v.get(key, 0) + self.lr * grads[key]
            params[key] += self.v[key]
""", MOMENTUM_CHECK),
    ("MyMomentum", "replaces the parameter arrays instead of updating them in place", "FAIL", """\
class MyMomentum:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum, self.v = lr, momentum, {}

    def update(self, params, grads):
        for key in params:
            self.v[key] = self.momentum * self.v.get(key, 0) - self.lr * grads[key]
            params[key] = params[key] + self.v[key]
""", MOMENTUM_CHECK),
    ("MyMomentum", "the velocities on the class: shared by every instance", "FAIL", """\
class MyMomentum:
    v = {}

    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum = lr, momentum

    def update(self, params, grads):
        for key in params:
            self.v[key] = self.momentum * self.v.get(key, 0) - self.lr * grads[key]
            params[key] += self.v[key]
""", MOMENTUM_CHECK),
    ("MyMomentum", "moves by the old velocity, then updates it", "FAIL", """\
class MyMomentum:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum, self.v = lr, momentum, {}

    def update(self, params, grads):
        for key in params:
            params[key] += self.v.get(key, 0)
            self.v[key] = self.momentum * self.v.get(key, 0) - self.lr * grads[key]
""", MOMENTUM_CHECK),
    ("MyMomentum", "friction hard-coded as 0.9, ignoring the momentum given", "FAIL", """\
class MyMomentum:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.v = lr, {}

    def update(self, params, grads):
        for key in params:
            self.v[key] = 0.9 * self.v.get(key, 0) - self.lr * grads[key]
            params[key] += self.v[key]
""", MOMENTUM_CHECK),
    ("MyMomentum", "no friction: v <- v - lr * g", "FAIL", """\
class MyMomentum:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum, self.v = lr, momentum, {}

    def update(self, params, grads):
        for key in params:
            self.v[key] = self.v.get(key, 0) - self.lr * grads[key]
            params[key] += self.v[key]
""", MOMENTUM_CHECK),
    ("MyMomentum", "one velocity for all parameters", "FAIL", """\
class MyMomentum:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum, self.v = lr, momentum, 0

    def update(self, params, grads):
        for key in params:
            self.v = self.momentum * self.v - self.lr * grads[key]
            params[key] += self.v
""", MOMENTUM_CHECK),
    ("MyMomentum", "scales the gradient arrays it was given in place (grads[key] *= -lr)", "FAIL", """\
import numpy as np

class MyMomentum:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum, self.v = lr, momentum, None

    def update(self, params, grads):
        if self.v is None:
            self.v = {key: np.zeros_like(val) for key, val in params.items()}
        for key in params:
            grads[key] *= -self.lr
            self.v[key] *= self.momentum
            self.v[key] += grads[key]
            params[key] += self.v[key]
""", MOMENTUM_CHECK),
    ("MyMomentum", "__init__ takes the parameters too (not the optimizers' interface)", "FAIL", """\
import numpy as np

class MyMomentum:
    def __init__(self, params, lr=0.01, momentum=0.9):
        self.lr, self.momentum = lr, momentum
        self.v = {key: np.zeros_like(val) for key, val in params.items()}

    def update(self, params, grads):
        for key in params:
            self.v[key] = self.momentum * self.v[key] - self.lr * grads[key]
            params[key] += self.v[key]
""", MOMENTUM_CHECK),
    ("MyMomentum", "a correct class, but the check is given an instance", "FAIL", """\
import numpy as np

class MyMomentum:
    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum, self.v = lr, momentum, {}

    def update(self, params, grads):
        for key in params:
            self.v[key] = self.momentum * self.v.get(key, 0) - self.lr * grads[key]
            params[key] += self.v[key]
""", MOMENTUM_CHECK.replace("check_optimizer(MyMomentum,", "check_optimizer(MyMomentum(),")),

    # ---------- InvertedDropout ----------
    ("InvertedDropout", "a boolean mask and the scale kept apart, np.where", "PASS", """\
import numpy as np

class InvertedDropout:
    def __init__(self, dropout_ratio=0.5):
        self.dropout_ratio = dropout_ratio
        self.mask = None

    def forward(self, x, train_flg=True):
        if train_flg:
            self.keep = 1.0 - self.dropout_ratio
            self.mask = np.random.rand(*x.shape) > self.dropout_ratio
            return np.where(self.mask, x / self.keep, 0.0)
        return x

    def backward(self, dout):
        return np.where(self.mask, dout / self.keep, 0.0)
""", DROPOUT_CHECK),
    ("InvertedDropout", "the mask as float32, x cast to float32", "PASS", """\
import numpy as np

class InvertedDropout:
    def __init__(self, dropout_ratio=0.5):
        self.dropout_ratio = dropout_ratio
        self.mask = None

    def forward(self, x, train_flg=True):
        x = np.asarray(x, dtype=np.float32)
        if not train_flg:
            return x
        keep = np.random.random(x.shape) > self.dropout_ratio
        self.mask = keep.astype(np.float32) / np.float32(1 - self.dropout_ratio)
        return x * self.mask

    def backward(self, dout):
        return (dout * self.mask).astype(np.float32)
""", DROPOUT_CHECK),
    ("InvertedDropout", "the book's Dropout (scaled at inference)", "FAIL", """\
import numpy as np

class InvertedDropout:
    def __init__(self, dropout_ratio=0.5):
        self.dropout_ratio = dropout_ratio
        self.mask = None

    def forward(self, x, train_flg=True):
        if train_flg:
            self.mask = np.random.rand(*x.shape) > self.dropout_ratio
            return x * self.mask
        return x * (1.0 - self.dropout_ratio)

    def backward(self, dout):
        return dout * self.mask
""", DROPOUT_CHECK),
    ("InvertedDropout", "scales by (1 - r) in training instead of dividing", "FAIL", """\
import numpy as np

class InvertedDropout:
    def __init__(self, dropout_ratio=0.5):
        self.dropout_ratio = dropout_ratio
        self.mask = None

    def forward(self, x, train_flg=True):
        if not train_flg:
            return x
        self.mask = (np.random.rand(*x.shape) > self.dropout_ratio) * (1.0 - self.dropout_ratio)
        return x * self.mask

    def backward(self, dout):
        return dout * self.mask
""", DROPOUT_CHECK),
    ("InvertedDropout", "backward forgets the scale", "FAIL", """\
import numpy as np

class InvertedDropout:
    def __init__(self, dropout_ratio=0.5):
        self.dropout_ratio = dropout_ratio
        self.mask = None

    def forward(self, x, train_flg=True):
        if not train_flg:
            return x
        self.mask = np.random.rand(*x.shape) > self.dropout_ratio
        return x * self.mask / (1.0 - self.dropout_ratio)

    def backward(self, dout):
        return dout * self.mask
""", DROPOUT_CHECK),
    ("InvertedDropout", "one mask for good: drawn on the first call only", "FAIL", """\
import numpy as np

class InvertedDropout:
    def __init__(self, dropout_ratio=0.5):
        self.dropout_ratio = dropout_ratio
        self.mask = None

    def forward(self, x, train_flg=True):
        if not train_flg:
            return x
        if self.mask is None:
            self.mask = (np.random.rand(*x.shape) > self.dropout_ratio) / (1.0 - self.dropout_ratio)
        return x * self.mask

    def backward(self, dout):
        return dout * self.mask
""", DROPOUT_CHECK),
    ("InvertedDropout", "keeps where the random number is below the ratio (drops 1 - r)", "FAIL", """\
import numpy as np

class InvertedDropout:
    def __init__(self, dropout_ratio=0.5):
        self.dropout_ratio = dropout_ratio
        self.mask = None

    def forward(self, x, train_flg=True):
        if not train_flg:
            return x
        self.mask = (np.random.rand(*x.shape) < self.dropout_ratio) / (1.0 - self.dropout_ratio)
        return x * self.mask

    def backward(self, dout):
        return dout * self.mask
""", DROPOUT_CHECK),
    ("InvertedDropout", "writes the mask into x (x *= mask)", "FAIL", """\
import numpy as np

class InvertedDropout:
    def __init__(self, dropout_ratio=0.5):
        self.dropout_ratio = dropout_ratio
        self.mask = None

    def forward(self, x, train_flg=True):
        if not train_flg:
            return x
        self.mask = (np.random.rand(*x.shape) > self.dropout_ratio) / (1.0 - self.dropout_ratio)
        x *= self.mask
        return x

    def backward(self, dout):
        return dout * self.mask
""", DROPOUT_CHECK),
    ("InvertedDropout", "drops units at inference too", "FAIL", """\
import numpy as np

class InvertedDropout:
    def __init__(self, dropout_ratio=0.5):
        self.dropout_ratio = dropout_ratio
        self.mask = None

    def forward(self, x, train_flg=True):
        self.mask = (np.random.rand(*x.shape) > self.dropout_ratio) / (1.0 - self.dropout_ratio)
        return x * self.mask

    def backward(self, dout):
        return dout * self.mask
""", DROPOUT_CHECK),
    ("InvertedDropout", "backward returns the mask, ignoring dout", "FAIL", """\
import numpy as np

class InvertedDropout:
    def __init__(self, dropout_ratio=0.5):
        self.dropout_ratio = dropout_ratio
        self.mask = None

    def forward(self, x, train_flg=True):
        if not train_flg:
            return x
        self.mask = (np.random.rand(*x.shape) > self.dropout_ratio) / (1.0 - self.dropout_ratio)
        return x * self.mask

    def backward(self, dout):
        return self.mask
""", DROPOUT_CHECK),

    # ---------- MyBatchNorm ----------
    ("MyBatchNorm", "dx-hat first, then the two batch means", "PASS", batchnorm("""
def backward(self, dout):
    self.dbeta = dout.sum(axis=0)
    self.dgamma = (dout * self.xn).sum(axis=0)
    dxn = self.gamma * dout
    return (dxn - dxn.mean(axis=0) - self.xn * (dxn * self.xn).mean(axis=0)) / self.std
"""), BATCHNORM_CHECK),
    ("MyBatchNorm", "the step-by-step chain, rebuilding xc = xn * std", "PASS", batchnorm("""
def backward(self, dout):
    n = dout.shape[0]
    xc = self.xn * self.std
    self.dbeta = np.sum(dout, axis=0)
    self.dgamma = np.sum(self.xn * dout, axis=0)
    dxn = self.gamma * dout
    dstd = -np.sum(dxn * xc / self.std**2, axis=0)
    dvar = 0.5 * dstd / self.std
    dxc = dxn / self.std + (2.0 / n) * xc * dvar
    return dxc - dxc.mean(axis=0)
"""), BATCHNORM_CHECK),
    ("MyBatchNorm", "one column at a time in a loop", "PASS", batchnorm("""
def backward(self, dout):
    n, d = dout.shape
    dx = np.empty_like(dout, dtype=float)
    self.dgamma, self.dbeta = np.empty(d), np.empty(d)
    for j in range(d):
        g, xn = dout[:, j], self.xn[:, j]
        self.dbeta[j], self.dgamma[j] = g.sum(), (g * xn).sum()
        dx[:, j] = self.gamma[j] / (n * self.std[j]) * (n * g - g.sum() - xn * (g * xn).sum())
    return dx
"""), BATCHNORM_CHECK),
    ("MyBatchNorm", "forgets the mean term (the shift by mu)", "FAIL", batchnorm("""
def backward(self, dout):
    n = len(dout)
    self.dbeta = dout.sum(axis=0)
    self.dgamma = np.sum(dout * self.xn, axis=0)
    return self.gamma / (n * self.std) * (n * dout - self.xn * self.dgamma)
"""), BATCHNORM_CHECK),
    ("MyBatchNorm", "forgets the term along xn (the scale by sigma)", "FAIL", batchnorm("""
def backward(self, dout):
    n = len(dout)
    self.dbeta = dout.sum(axis=0)
    self.dgamma = np.sum(dout * self.xn, axis=0)
    return self.gamma / (n * self.std) * (n * dout - self.dbeta)
"""), BATCHNORM_CHECK),
    ("MyBatchNorm", "the xn term with the wrong sign", "FAIL", batchnorm("""
def backward(self, dout):
    n = len(dout)
    self.dbeta = dout.sum(axis=0)
    self.dgamma = np.sum(dout * self.xn, axis=0)
    return self.gamma / (n * self.std) * (n * dout - self.dbeta + self.xn * self.dgamma)
"""), BATCHNORM_CHECK),
    ("MyBatchNorm", "sums where means were needed (no N)", "FAIL", batchnorm("""
def backward(self, dout):
    self.dbeta = dout.sum(axis=0)
    self.dgamma = np.sum(dout * self.xn, axis=0)
    return self.gamma / self.std * (dout - self.dbeta - self.xn * self.dgamma)
"""), BATCHNORM_CHECK),
    ("MyBatchNorm", "forgets gamma in dx", "FAIL", batchnorm("""
def backward(self, dout):
    n = len(dout)
    self.dbeta = dout.sum(axis=0)
    self.dgamma = np.sum(dout * self.xn, axis=0)
    return 1 / (n * self.std) * (n * dout - self.dbeta - self.xn * self.dgamma)
"""), BATCHNORM_CHECK),
    ("MyBatchNorm", "dgamma without xn", "FAIL", batchnorm("""
def backward(self, dout):
    n = len(dout)
    self.dbeta = dout.sum(axis=0)
    self.dgamma = dout.sum(axis=0)
    dgamma_true = np.sum(dout * self.xn, axis=0)
    return self.gamma / (n * self.std) * (n * dout - self.dbeta - self.xn * dgamma_true)
"""), BATCHNORM_CHECK),
    ("MyBatchNorm", "centres dout in place (dout -= its mean)", "FAIL", batchnorm("""
def backward(self, dout):
    self.dbeta = dout.sum(axis=0)
    self.dgamma = np.sum(dout * self.xn, axis=0)
    dout -= dout.mean(axis=0)
    return self.gamma / self.std * (dout - self.xn * self.dgamma / len(dout))
"""), BATCHNORM_CHECK),
    ("MyBatchNorm", "writes into the kept xn (a second backward differs)", "FAIL", batchnorm("""
def backward(self, dout):
    n = len(dout)
    self.dbeta = dout.sum(axis=0)
    self.xn *= self.gamma
    self.dgamma = np.sum(dout * self.xn, axis=0) / self.gamma
    return 1 / (n * self.std) * (n * self.gamma * dout - self.gamma * self.dbeta - self.xn * self.dgamma)
"""), BATCHNORM_CHECK),

    # ---------- weight_decay_grads ----------
    ("weight_decay_grads", "a loop over copies of the gradients", "PASS", """\
def weight_decay_grads(params, grads, lam):
    new = {}
    for key in grads:
        new[key] = grads[key].copy()
        if key[0] == "W":
            new[key] += lam * params[key]
    return new
""", DECAY_CHECK),
    ("weight_decay_grads", "the book's loop over W1, W2, ... by index", "PASS", """\
def weight_decay_grads(params, grads, lam):
    new = dict(grads)
    idx = 1
    while "W" + str(idx) in params:
        new["W" + str(idx)] = grads["W" + str(idx)] + lam * params["W" + str(idx)]
        idx += 1
    return new
""", DECAY_CHECK),
    ("weight_decay_grads", "lists of numbers as the values", "PASS", """\
def weight_decay_grads(params, grads, lam):
    return {k: (g + lam * params[k]).tolist() if k.startswith("W") else g.tolist() for k, g in grads.items()}
""", DECAY_CHECK),
    ("weight_decay_grads", "lam cast to each parameter's dtype (float32 stays float32)", "PASS", """\
import numpy as np

def weight_decay_grads(params, grads, lam):
    return {k: g + np.asarray(lam, dtype=params[k].dtype) * params[k] if k.startswith("W") else g
            for k, g in grads.items()}
""", DECAY_CHECK),
    ("weight_decay_grads", "2 * lam * W: the 0.5 not cancelled", "FAIL", """\
def weight_decay_grads(params, grads, lam):
    return {k: g + 2 * lam * params[k] if k.startswith("W") else g for k, g in grads.items()}
""", DECAY_CHECK),
    ("weight_decay_grads", "0.5 * lam * W: the 2 of the derivative lost", "FAIL", """\
def weight_decay_grads(params, grads, lam):
    return {k: g + 0.5 * lam * params[k] if k.startswith("W") else g for k, g in grads.items()}
""", DECAY_CHECK),
    ("weight_decay_grads", "subtracts lam * W", "FAIL", """\
def weight_decay_grads(params, grads, lam):
    return {k: g - lam * params[k] if k.startswith("W") else g for k, g in grads.items()}
""", DECAY_CHECK),
    ("weight_decay_grads", "decays the biases too", "FAIL", """\
def weight_decay_grads(params, grads, lam):
    return {k: g + lam * params[k] for k, g in grads.items()}
""", DECAY_CHECK),
    ("weight_decay_grads", "everything but b: BatchNorm's gamma decayed too", "FAIL", """\
def weight_decay_grads(params, grads, lam):
    return {k: g if k.startswith("b") else g + lam * params[k] for k, g in grads.items()}
""", DECAY_CHECK),
    ("weight_decay_grads", "only the first layer's weights", "FAIL", """\
def weight_decay_grads(params, grads, lam):
    return {k: g + lam * params[k] if k == "W1" else g for k, g in grads.items()}
""", DECAY_CHECK),
    ("weight_decay_grads", "lam hard-coded as the book's 0.1", "FAIL", """\
def weight_decay_grads(params, grads, lam):
    return {k: g + 0.1 * params[k] if k.startswith("W") else g for k, g in grads.items()}
""", DECAY_CHECK),
    ("weight_decay_grads", "the penalty's gradient alone, backprop's dropped", "FAIL", """\
def weight_decay_grads(params, grads, lam):
    return {k: lam * params[k] if k.startswith("W") else g for k, g in grads.items()}
""", DECAY_CHECK),
    ("weight_decay_grads", "adds the penalty itself (0.5 * lam * W**2)", "FAIL", """\
def weight_decay_grads(params, grads, lam):
    return {k: g + 0.5 * lam * params[k] ** 2 if k.startswith("W") else g for k, g in grads.items()}
""", DECAY_CHECK),
    ("weight_decay_grads", "an L1 gradient (lam * sign(W))", "FAIL", """\
import numpy as np

def weight_decay_grads(params, grads, lam):
    return {k: g + lam * np.sign(params[k]) if k.startswith("W") else g for k, g in grads.items()}
""", DECAY_CHECK),
    ("weight_decay_grads", "lam * sum(W), one number for the whole matrix", "FAIL", """\
import numpy as np

def weight_decay_grads(params, grads, lam):
    return {k: g + lam * np.sum(params[k]) if k.startswith("W") else g for k, g in grads.items()}
""", DECAY_CHECK),
    ("weight_decay_grads", "adds into grads in place and returns it", "FAIL", """\
def weight_decay_grads(params, grads, lam):
    for k in grads:
        if k.startswith("W"):
            grads[k] += lam * params[k]
    return grads
""", DECAY_CHECK),
    ("weight_decay_grads", "adds into grads in place and returns nothing", "FAIL", """\
def weight_decay_grads(params, grads, lam):
    for k in grads:
        if k.startswith("W"):
            grads[k] += lam * params[k]
""", DECAY_CHECK),
    ("weight_decay_grads", "shrinks the weights instead (the optimizer's job)", "FAIL", """\
def weight_decay_grads(params, grads, lam):
    for k in params:
        if k.startswith("W"):
            params[k] *= 1 - lam
    return dict(grads)
""", DECAY_CHECK),
    ("weight_decay_grads", "returns the weights' gradients only", "FAIL", """\
def weight_decay_grads(params, grads, lam):
    return {k: g + lam * params[k] for k, g in grads.items() if k.startswith("W")}
""", DECAY_CHECK),
    ("weight_decay_grads", "scales the gradient by (1 - lam)", "FAIL", """\
def weight_decay_grads(params, grads, lam):
    return {k: g * (1 - lam) if k.startswith("W") else g for k, g in grads.items()}
""", DECAY_CHECK),
]

