def pack_sources(hits, budget, count_tokens):
    """Pack search hits, best first, into at most budget tokens: (content, ids shown).

    >>> hits = [Hit("a", 9.0, "alpha one two"), Hit("b", 7.0, "beta " * 9), Hit("c", 5.0, "gamma three")]
    >>> pack_sources(hits, budget=8, count_tokens=count_words)   # a: 4 words; +b: 14, skip; +c: 7
    ('[a] alpha one two\n\n[c] gamma three', ['a', 'c'])
    """
    blocks, shown = [], []
    for hit in hits:
        candidate = blocks + [f"[{hit.id}] {hit.text}"]
        if count_tokens("\n\n".join(candidate)) > budget:
            break  # full: stop packing
        blocks, shown = candidate, shown + [hit.id]
    if not blocks:
        return NO_SOURCES, []
    return "\n\n".join(blocks), shown
