def chunk_text(text, max_tokens, overlap, count_tokens):
    r"""Split text into chunks of whole units (headings and paragraphs) with offsets.

    >>> words = lambda s: len(s.split())
    >>> doc = "# A\none two\n\nthree four\n\n# B\nfive six"
    >>> [(c["start"], c["end"]) for c in chunk_text(doc, max_tokens=6, overlap=1, count_tokens=words)]
    [(0, 25), (13, 37)]
    >>> chunk_text(doc, 6, 1, words)[1]["text"]   # repeats the paragraph "three four"
    'three four\n\n# B\nfive six'
    """
    if max_tokens < 1:
        raise ValueError(f"max_tokens must be at least 1; got {max_tokens}")
    if overlap < 0:
        raise ValueError(f"overlap must be 0 or more; got {overlap}")
    if not text:
        return []
    starts, offset, previous_blank = [0], 0, False
    for line in text.splitlines(keepends=True):
        blank = line in ('\n', '')
        if not blank and (line.startswith("#") or previous_blank) and text[starts[-1]:offset].strip():
            starts.append(offset)
        offset += len(line)
        previous_blank = blank
    units = list(zip(starts, starts[1:] + [len(text)]))  # (start, end) of each unit

    def fits(first, last):
        return count_tokens(text[units[first][0]:units[last][1]]) <= max_tokens

    chunks, new = [], 0  # new: the first unit not yet in any chunk
    while new < len(units):
        first = max(new - overlap, 0) if chunks else new
        while first < new and not fits(first, new):
            first += 1
        last = new
        while last + 1 < len(units) and fits(first, last + 1):
            last += 1
        start, end = units[first][0], units[last][1]
        chunks.append({"text": text[start:end], "start": start, "end": end})
        new = last + 1
    return chunks
