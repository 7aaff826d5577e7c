def top_k(query, matrix, k):
    if k <= 0:
        raise ValueError("k must be positive")
    scores = np.atleast_1d(cosine_similarity(query, matrix))
    order = np.argsort(scores)[::-1][:k]  # descending, but equal scores come out highest index first
    return [(int(i), float(scores[i])) for i in order]
