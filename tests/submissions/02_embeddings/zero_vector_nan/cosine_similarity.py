def cosine_similarity(a, b):
    a = a / np.linalg.norm(a, axis=-1, keepdims=True)
    b = b / np.linalg.norm(b, axis=-1, keepdims=True)
    scores = a @ b.T
    return float(scores) if np.ndim(scores) == 0 else scores
