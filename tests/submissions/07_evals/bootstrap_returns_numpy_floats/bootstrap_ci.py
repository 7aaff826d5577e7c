import numpy as np


def bootstrap_ci(values, n_resamples=2000, confidence=0.95, seed=0):
    """A percentile bootstrap confidence interval for the mean of values: (low, high).

    >>> bootstrap_ci([1.0, 1.0, 1.0], n_resamples=100, confidence=0.9, seed=0)
    (1.0, 1.0)
    """
    values = np.asarray(values, dtype=float)
    if values.ndim != 1 or len(values) == 0:
        raise ValueError("values must be a non-empty 1-D sequence of numbers")
    if not 0 < confidence < 1:
        raise ValueError("confidence must be strictly between 0 and 1")
    if n_resamples < 1:
        raise ValueError("n_resamples must be at least 1")
    rng = np.random.default_rng(seed)
    n = len(values)
    rows = rng.integers(0, n, size=(n_resamples, n))  # one resample per row
    resample_means = values[rows].mean(axis=1)
    low, high = np.percentile(resample_means, [100 * (1 - confidence) / 2, 100 * (1 + confidence) / 2])
    return low, high
