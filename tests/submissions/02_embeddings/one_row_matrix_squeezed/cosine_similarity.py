def cosine_similarity(a, b):
    """Cosine similarity of vectors or of every pair of rows; 0.0 where either side is zero."""
    def unit_rows(x):
        x = np.atleast_2d(np.asarray(x, dtype=np.float64))
        norms = np.linalg.norm(x, axis=1, keepdims=True)
        return x / np.where(norms == 0, 1.0, norms)

    scores = (unit_rows(a) @ unit_rows(b).T).squeeze()
    return float(scores) if scores.ndim == 0 else scores
