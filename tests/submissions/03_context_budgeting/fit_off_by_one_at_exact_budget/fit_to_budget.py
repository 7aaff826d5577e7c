def fit_to_budget(messages, budget, reserve_output, count_tokens):
    limit = budget - reserve_output
    last_user = max(i for i, m in enumerate(messages) if m["role"] == "user")
    keep = {i for i, m in enumerate(messages) if m["role"] == "system" or i >= last_user}
    used = sum(count_tokens(messages[i]) for i in keep)
    if used >= limit:
        raise ValueError(f"the minimum needs {used} tokens but only {limit} are available")
    turns = []
    for i in range(last_user):
        if messages[i]["role"] == "system":
            continue
        if messages[i]["role"] == "user" or not turns:
            turns.append([])
        turns[-1].append(i)
    for turn in reversed(turns):
        size = sum(count_tokens(messages[i]) for i in turn)
        if used + size >= limit:
            break
        used += size
        keep.update(turn)
    return [m for i, m in enumerate(messages) if i in keep]
