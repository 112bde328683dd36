"""Helpers shared by the tests."""
import signal

import numpy as np
from hypothesis import strategies as st


def away_from_zero(rng, shape, margin=0.05):
    """Standard normal values with |x| >= margin, so a kink at 0 (ReLU, max pooling)
    is never within the numerical-gradient step."""
    x = rng.standard_normal(shape)
    return np.where(np.abs(x) < margin, np.sign(x + 1e-12) * (margin + np.abs(x)), x)


@st.composite
def conv_case(draw):
    """(N, C, H, W), FH, FW, stride, pad and a seed: a small convolution whose filter fits."""
    n, c = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    fh, fw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    stride, pad = draw(st.integers(1, 3)), draw(st.integers(0, 2))
    h = draw(st.integers(max(1, fh - 2 * pad), 9))
    w = draw(st.integers(max(1, fw - 2 * pad), 9))
    return (n, c, h, w), fh, fw, stride, pad, draw(st.integers(0, 2**32 - 1))


def read_cache(path):
    """The loader's cached arrays at path, or None when there is none or it is not sound."""
    from dataset import mnist
    return mnist._read_cache(path)[0]


def interruptible():
    """preexec_fn for a child process that a test stops with SIGINT: SIGINT at its default, so the
    child's Python turns it into KeyboardInterrupt even when the test run was started in the
    background (a shell starts background commands with SIGINT ignored, and children inherit it)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
