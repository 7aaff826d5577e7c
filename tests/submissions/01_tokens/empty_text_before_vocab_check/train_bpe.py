def train_bpe(text, vocab_size):
    """Learn byte-level BPE merges from text: {(id, id): new_id}, in the order learned."""
    if not text:
        return {}
    if vocab_size < 256:
        raise ValueError(f"vocab_size must be at least 256, got {vocab_size}")
    ids = list(text.encode("utf-8"))
    merges = {}
    for new_id in range(256, vocab_size):
        counts = count_pairs(ids)
        if not counts:
            break
        pair = max(counts, key=counts.get)
        if counts[pair] < 2:
            break
        ids = merge_pair(ids, pair, new_id)
        merges[pair] = new_id
    return merges
