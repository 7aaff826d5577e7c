def recall_at_k(retrieved, relevant, k):
    """Fraction of the relevant ids found in the top k."""
    if not relevant:
        raise ValueError("no relevant documents")
    if k < 1:
        raise ValueError("k must be positive")
    hits = [doc_id for doc_id in retrieved[:k] if doc_id in relevant]
    return len(hits) / k


def mrr(retrieved_lists, relevant_lists):
    """Mean over questions of 1 / (rank of the first relevant id); 0 when none is retrieved."""
    if len(retrieved_lists) != len(relevant_lists) or not retrieved_lists:
        raise ValueError("need one relevant set per question, and at least one question")
    total = 0.0
    for retrieved, relevant in zip(retrieved_lists, relevant_lists):
        if not relevant:
            raise ValueError("unanswerable question")
        for rank, doc_id in enumerate(retrieved, start=1):
            if doc_id in relevant:
                total += 1 / rank
                break
    return total / len(retrieved_lists)
