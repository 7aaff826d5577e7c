def chunk_text(text, max_tokens, overlap, count_tokens):
    """Split text into chunks of whole units (headings and paragraphs) with offsets."""
    if max_tokens < 1 or overlap < 0:
        raise ValueError("bad arguments")
    if not text:
        return []
    # units: cut before headings and after blank lines
    starts, offset, previous_blank = [0], 0, False
    for line in text.splitlines(keepends=True):
        blank = not line.strip()
        if not blank and (line.startswith("#") or previous_blank) and text[starts[-1]:offset].strip():
            starts.append(offset)
        offset += len(line)
        previous_blank = blank
    units = list(zip(starts, starts[1:] + [len(text)]))
    chunks = []
    i = 0
    while i < len(units):
        j = i
        while j + 1 < len(units) and count_tokens(text[units[i][0]:units[j + 1][1]]) <= max_tokens:
            j += 1
        start, end = units[i][0], units[j][1]
        chunks.append({"text": text[start:end], "start": start, "end": end})
        i = j + 1  # TODO: overlap
    return chunks
