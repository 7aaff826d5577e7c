def paired_comparison(results_a, results_b, n_resamples=2000, seed=0, confidence=0.95):
    if len(results_a) != len(results_b):
        raise ValueError("the runs must have the same length")
    ids_a = [r["id"] for r in results_a]
    ids_b = [r["id"] for r in results_b]
    if len(set(ids_a)) != len(ids_a) or len(set(ids_b)) != len(ids_b) or set(ids_a) != set(ids_b):
        raise ValueError("the runs must cover the same ids, once each")
    diffs = [int(b["passed"]) - int(a["passed"]) for a, b in zip(results_a, results_b)]
    return {"n": len(diffs), "wins": diffs.count(1), "losses": diffs.count(-1), "ties": diffs.count(0),
            "mean_diff": sum(diffs) / len(diffs),
            "ci": bootstrap_ci(diffs, n_resamples=n_resamples, confidence=confidence, seed=seed)}
