def pack_context(chunks, budget):
    """Choose chunks greedily by priority within budget tokens; return them in document order.

    With POLICY_CHUNKS and budget=85: pto-carryover (priority 9, 50 tokens) fits; pto-requests
    (5, 70) would make 120, skip; pto-payout (5, 30) makes 80, fits; pto-allowance (2, 40) would
    make 120, skip; pto-questions (1, 20) would make 100, skip.

    >>> [c["id"] for c in pack_context(POLICY_CHUNKS, 85)]
    ['pto-carryover', 'pto-payout']
    """
    chosen, used = [], 0
    for chunk in sorted(chunks, key=lambda c: (-c["priority"], c["position"])):
        if used >= budget:
            break
        if used + chunk["tokens"] <= budget:
            chosen.append(chunk)
            used += chunk["tokens"]
    return sorted(chosen, key=lambda c: c["position"])
