import numpy as np


def paired_comparison(results_a, results_b, n_resamples=2000, seed=0, confidence=0.95):
    ids_a = [r["id"] for r in results_a]
    ids_b = [r["id"] for r in results_b]
    if len(set(ids_a)) != len(ids_a) or len(set(ids_b)) != len(ids_b) or set(ids_a) != set(ids_b):
        raise ValueError("the runs must cover the same ids, once each")
    passed_a = np.array([int(r["passed"]) for r in results_a], dtype=float)
    passed_b = np.array([int(r["passed"]) for r in results_b], dtype=float)
    by_id_b = {r["id"]: r["passed"] for r in results_b}
    wins = sum(1 for r in results_a if by_id_b[r["id"]] and not r["passed"])
    losses = sum(1 for r in results_a if r["passed"] and not by_id_b[r["id"]])
    n = len(passed_a)
    rng = np.random.default_rng(seed)
    means_a = passed_a[rng.integers(0, n, size=(n_resamples, n))].mean(axis=1)
    means_b = passed_b[rng.integers(0, n, size=(n_resamples, n))].mean(axis=1)
    low, high = np.percentile(means_b - means_a, [100 * (1 - confidence) / 2, 100 * (1 + confidence) / 2])
    return {"n": n, "wins": wins, "losses": losses, "ties": n - wins - losses,
            "mean_diff": passed_b.mean() - passed_a.mean(), "ci": (float(low), float(high))}
