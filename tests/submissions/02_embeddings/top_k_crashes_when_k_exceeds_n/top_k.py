def top_k(query, matrix, k):
    if k <= 0:
        raise ValueError("k must be positive")
    scores = np.atleast_1d(cosine_similarity(query, matrix))
    best = np.argpartition(-scores, k)[:k]  # O(n) selection, then sort only the k best
    best = sorted(best, key=lambda i: (-scores[i], i))
    return [(int(i), float(scores[i])) for i in best]
