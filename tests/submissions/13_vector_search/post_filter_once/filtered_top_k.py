def filtered_top_k(search, keep, k):
    if k < 1:
        raise ValueError(f"k must be at least 1; got {k}")
    hits = [hit for hit in search(k) if keep(hit[0])]
    return FilteredHits(hits, 0, k)
