def reciprocal_rank_fusion(rankings, k=60):
    """Fuse rankings of ids: score(id) = sum of 1 / (k + rank)."""
    scores = {}
    for ranking in rankings:
        for rank, doc_id in enumerate(ranking):
            scores[doc_id] = scores.get(doc_id, 0.0) + 1 / (k + rank)
    return sorted(scores, key=lambda doc_id: scores[doc_id], reverse=True)
