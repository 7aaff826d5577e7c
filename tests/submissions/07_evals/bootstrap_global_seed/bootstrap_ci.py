import numpy as np


def bootstrap_ci(values, n_resamples=2000, confidence=0.95, seed=0):
    values = np.asarray(values, dtype=float)
    if len(values) == 0 or not 0 < confidence < 1 or n_resamples < 1:
        raise ValueError("bad input")
    n = len(values)
    np.random.seed(seed)
    means = np.array([np.random.choice(values, n).mean() for _ in range(n_resamples)])
    low, high = np.percentile(means, [100 * (1 - confidence) / 2, 100 * (1 + confidence) / 2])
    return float(low), float(high)
