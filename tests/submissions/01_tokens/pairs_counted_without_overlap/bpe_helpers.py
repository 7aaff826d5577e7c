def count_pairs(ids):
    """Count adjacent pairs of ids, in order of first occurrence."""
    counts = {}
    i = 0
    while i < len(ids) - 1:
        pair = (ids[i], ids[i + 1])
        counts[pair] = counts.get(pair, 0) + 1
        if ids[i] == ids[i + 1]:
            i += 2  # "aa" is used up: do not count its second "a" again
        else:
            i += 1
    return counts


def merge_pair(ids, pair, new_id):
    """A new list with each occurrence of pair replaced by new_id, left to right, no overlap."""
    merged, i = [], 0
    while i < len(ids):
        if i + 1 < len(ids) and ids[i] == pair[0] and ids[i + 1] == pair[1]:
            merged.append(new_id)
            i += 2
        else:
            merged.append(ids[i])
            i += 1
    return merged
