"""Helpers shared by the tests."""
import numpy as np


def away_from_zero(rng, shape, margin=0.05):
    """Standard normal values with |x| >= margin, so a kink at 0 (ReLU, max pooling)
    is never within the numerical-gradient step."""
    x = rng.standard_normal(shape)
    return np.where(np.abs(x) < margin, np.sign(x + 1e-12) * (margin + np.abs(x)), x)
