def topk_recall(queries, exact, approx, k):
    """Mean fraction of each query's exact top-k that the approximate matrix also returns."""
    if k <= 0:
        raise ValueError(f"k must be at least 1, got {k}")
    recalls = []
    for query in np.atleast_2d(queries):
        truth = set(np.argsort(-(exact @ query), kind="stable")[:k].tolist())
        found = set(np.argsort(-(approx @ query), kind="stable")[:k].tolist())
        recalls.append(len(truth & found) / len(truth))
    return float(np.mean(recalls))
