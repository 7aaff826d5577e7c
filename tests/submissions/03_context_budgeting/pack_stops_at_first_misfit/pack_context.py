def pack_context(chunks, budget):
    ordered = sorted(chunks, key=lambda c: (-c["priority"], c["position"]))
    chosen, used = [], 0
    for chunk in ordered:
        if used + chunk["tokens"] > budget:
            break  # the budget is full
        chosen.append(chunk)
        used += chunk["tokens"]
    return sorted(chosen, key=lambda c: c["position"])
