def topk_recall(queries, exact, approx, k):
    recalls = []
    for query in np.atleast_2d(queries):
        truth = {index for index, _ in top_k(query, exact, k)}
        found = {index for index, _ in top_k(query, approx, k)}
        recalls.append(len(truth & found) / k)
    return float(np.mean(recalls))
