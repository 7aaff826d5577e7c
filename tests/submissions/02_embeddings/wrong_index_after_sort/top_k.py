def top_k(query, matrix, k):
    if k <= 0:
        raise ValueError("k must be positive")
    scores = np.atleast_1d(cosine_similarity(query, matrix))
    best = sorted(scores, reverse=True)[:k]
    return [(i, float(score)) for i, score in enumerate(best)]
