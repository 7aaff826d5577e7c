from collections import Counter


def count_pairs(ids):
    """Count adjacent pairs of ids, overlaps included, in order of first occurrence."""
    return dict(Counter(zip(ids, ids[1:])).most_common())


def merge_pair(ids, pair, new_id):
    """A new list with each occurrence of pair replaced by new_id, left to right, no overlap."""
    merged, i = [], 0
    while i < len(ids):
        if i + 1 < len(ids) and (ids[i], ids[i + 1]) == pair:
            merged.append(new_id)
            i += 2
        else:
            merged.append(ids[i])
            i += 1
    return merged
