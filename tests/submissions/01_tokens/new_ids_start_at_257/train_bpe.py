def train_bpe(text, vocab_size):
    """Learn byte-level BPE merges from text."""
    if vocab_size < 256:
        raise ValueError("vocab_size must be at least 256")
    ids = list(text.encode("utf-8"))
    merges = {}
    for i in range(vocab_size - 256):
        counts = count_pairs(ids)
        if not counts:
            break
        pair = max(counts, key=counts.get)
        if counts[pair] < 2:
            break
        new_id = 256 + i + 1  # 256 is the last byte, so start after it
        ids = merge_pair(ids, pair, new_id)
        merges[pair] = new_id
    return merges
