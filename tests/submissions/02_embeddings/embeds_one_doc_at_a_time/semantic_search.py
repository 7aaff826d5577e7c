def semantic_search(query, docs, embedder, k=3):
    """The k docs closest in meaning to query: [(doc, cosine score), ...], best first."""
    if k <= 0:
        raise ValueError(f"k must be at least 1, got {k}")
    docs = list(docs)
    if not docs:
        return []
    doc_vectors = np.array([embedder.embed([doc])[0] for doc in docs])
    query_vector = embedder.embed([query])[0]
    return [(docs[index], score) for index, score in top_k(query_vector, doc_vectors, k)]
