"""The input checks of the layers, one small function per kind, so that a layer's
forward and backward read as the math they compute.

Each raises ValueError (RuntimeError for a backward with no forward) with a message that
names the layer, the expected and the actual value, and what to pass instead.
"""
import math

import numpy as np


def forward_first(layer, how="forward"):
    """The error for a backward pass that has no forward pass to go back through."""
    return RuntimeError(f"{type(layer).__name__}.backward needs what forward keeps: call {how} first")


def check_dout(layer, dout, shape, how="forward"):
    """dout must have `shape`, the shape of the last forward output (None: there was no forward)."""
    if shape is None:
        raise forward_first(layer, how)
    if np.shape(dout) != tuple(shape):
        raise ValueError(f"{type(layer).__name__}.backward expected dout of shape {tuple(shape)}, the shape "
                         f"of forward's output, got shape {np.shape(dout)}: pass the gradient of that output")


def check_batch(layer, x):
    """x must hold at least one sample."""
    if x.ndim and x.shape[0] == 0:
        raise ValueError(f"{type(layer).__name__} needs at least one sample, got input of shape "
                         f"{x.shape}: pass a batch of one or more")


def check_number(layer, name, value, low, high):
    """value must be a real number with low <= value <= high (a momentum, an epsilon, a ratio)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) \
            or not low <= value <= high:
        raise ValueError(f"{type(layer).__name__} expected {name} to be a number from {low} to {high}, got {value!r}")


def check_ints(layer, **settings):
    """Each setting, name=(value, minimum), must be an int >= its minimum (a stride, a padding,
    a window size)."""
    for name, (value, minimum) in settings.items():
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
            raise ValueError(f"{type(layer).__name__} expected {name} to be an integer >= {minimum}, "
                             f"got {value!r}")


def check_features(layer, x, features, param):
    """x (N, ...) must have `features` numbers per sample, however they are shaped, to fit
    param (name, array): the parameter they meet, named in the message."""
    per_sample = math.prod(x.shape[1:]) if x.ndim > 1 else -1
    if per_sample != features:
        name, array = param
        raise ValueError(f"{type(layer).__name__} expected input of shape (N, {features}) for {name} of shape "
                         f"{np.shape(array)}, got shape {x.shape}")
    check_batch(layer, x)


def check_params(layer, fits, wanted, fix, **arrays):
    """Raise unless every parameter (name=array) is a floating NumPy array (an integer array would cut
    its gradients and updates to whole numbers) and fits: the shapes are what `wanted` says."""
    for name, array in arrays.items():
        if not isinstance(array, np.ndarray) or array.dtype.kind != "f":
            kind = f"an array of dtype {array.dtype}" if isinstance(array, np.ndarray) else type(array).__name__
            raise ValueError(f"{type(layer).__name__} expected {name} as a floating NumPy array, got {kind}: "
                             f"use np.array({name}, dtype=np.float64) (or float32)")
    if not fits:
        got = " and ".join(f"{name} of shape {np.shape(array)}" for name, array in arrays.items())
        raise ValueError(f"{type(layer).__name__} expected {wanted}, got {got}: {fix}")


def check_filters(layer, W, b):
    """W must be filters (FN, C, FH, FW) and b one bias per filter (FN,), both floating arrays;
    returns b. One real number is a bias for every filter (the book's ch07/apply_filter.py
    passes b = 0): it becomes an array (FN,) of W's dtype."""
    if isinstance(W, np.ndarray) and W.ndim == 4 and W.dtype.kind == "f" and np.ndim(b) == 0 \
            and isinstance(b, (int, float, np.integer, np.floating)) and not isinstance(b, bool):
        b = np.full(W.shape[0], b, dtype=W.dtype)
    check_params(layer, np.ndim(W) == 4 and np.shape(b) == np.shape(W)[:1],
                 "W of shape (FN, C, FH, FW) and b of shape (FN,)", "give one bias per filter", W=W, b=b)
    return b


def check_images(layer, x, param=None):
    """x must be a batch of images (N, C, H, W); with param (name, filters (FN, C, FH, FW)),
    with the filters' C channels."""
    channels = None if param is None else np.shape(param[1])[1]
    if x.ndim != 4 or (channels is not None and x.shape[1] != channels):
        c = "C" if channels is None else channels
        fit = "" if param is None else f" for {param[0]} of shape {np.shape(param[1])}"
        raise ValueError(f"{type(layer).__name__} expected input of shape (N, {c}, H, W){fit}, got shape {x.shape}")
    check_batch(layer, x)


def check_window(layer, x, window_h, window_w, pad, what="window"):
    """A window_h x window_w window (what: "window" or "filter") must fit the padded images of x."""
    H, W = x.shape[2:]
    if H + 2 * pad < window_h or W + 2 * pad < window_w:
        raise ValueError(f"{type(layer).__name__} {what} {window_h}x{window_w} does not fit input of shape "
                         f"{x.shape} with pad {pad}: use a smaller {what} or more padding")
