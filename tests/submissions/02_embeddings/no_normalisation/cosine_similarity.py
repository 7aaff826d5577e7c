def cosine_similarity(a, b):
    # embeddings are normalised already, so the dot product is the cosine
    scores = np.asarray(a) @ np.asarray(b).T
    return float(scores) if np.ndim(scores) == 0 else scores
