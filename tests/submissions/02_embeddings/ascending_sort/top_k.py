def top_k(query, matrix, k):
    if k <= 0:
        raise ValueError("k must be positive")
    scores = np.atleast_1d(cosine_similarity(query, matrix))
    order = np.argsort(scores, kind="stable")[:k]
    return [(int(i), float(scores[i])) for i in order]
