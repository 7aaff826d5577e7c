def recall_at_k(approx, exact):
    if len(approx) != len(exact):
        raise ValueError(f"{len(approx)} approximate result lists for {len(exact)} exact ones")
    if len(exact) == 0:
        raise ValueError("recall needs at least one query")
    recalls = []
    for found, truth in zip(approx, exact):
        truth = set(truth)
        if not truth:
            raise ValueError("a query with no exact neighbours has no recall")
        found = set(found)
        recalls.append(len(truth & found) / len(found) if found else 0.0)
    return sum(recalls) / len(recalls)
