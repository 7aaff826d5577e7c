def encode(text, merges):
    """Token ids of text: its UTF-8 bytes, then every merge applied in the order learned."""
    ids = list(text.encode("utf-8"))
    for pair, new_id in merges.items():
        ids = merge_pair(ids, pair, new_id)
    return ids


def decode(ids, merges):
    """The text of ids, one token at a time."""
    vocab = {i: bytes([i]) for i in range(256)}
    for (a, b), new_id in merges.items():
        vocab[new_id] = vocab[a] + vocab[b]
    return "".join(vocab[i].decode("utf-8", errors="replace") for i in ids)
