def recall_at_k(retrieved, relevant, k):
    """Fraction of the relevant ids found in the top k.

    >>> recall_at_k(["a", "x", "b", "y"], {"a", "b", "c"}, k=2)   # a found, b at rank 3 is too late
    0.3333333333333333
    """
    relevant_given = list(relevant)
    relevant = set(relevant)
    if not relevant:
        raise ValueError("recall is undefined for a question with no relevant documents")
    if k < 1:
        raise ValueError(f"k must be at least 1; got {k}")
    return len(set(retrieved[:k]) & relevant) / len(relevant_given)


def mrr(retrieved_lists, relevant_lists):
    """Mean over questions of 1 / (rank of the first relevant id); 0 when none is retrieved.

    >>> mrr([["x", "a"], ["b"], ["y"]], [{"a"}, {"b"}, {"c"}])   # (1/2 + 1 + 0) / 3
    0.5
    """
    if len(retrieved_lists) != len(relevant_lists):
        raise ValueError("give one relevant collection per retrieved list")
    if not retrieved_lists:
        raise ValueError("MRR of no questions is undefined")
    total = 0.0
    for retrieved, relevant in zip(retrieved_lists, relevant_lists):
        relevant = set(relevant)
        if not relevant:
            raise ValueError("a question with no relevant documents has no reciprocal rank")
        for rank, doc_id in enumerate(retrieved, start=1):
            if doc_id in relevant:
                total += 1.0 / rank
                break
    return total / len(retrieved_lists)
