import numpy as np


def bootstrap_ci(values, n_resamples=2000, confidence=0.95, seed=0):
    values = np.asarray(values, dtype=float)
    if len(values) == 0 or not 0 < confidence < 1 or n_resamples < 1:
        raise ValueError("bad input")
    n = len(values)
    rng = np.random.default_rng(seed)
    means = values[rng.integers(0, n, size=(n_resamples, n))].mean(axis=1)
    low, high = np.percentile(means, [100 * (1 - confidence), 100 * confidence])
    return float(low), float(high)
