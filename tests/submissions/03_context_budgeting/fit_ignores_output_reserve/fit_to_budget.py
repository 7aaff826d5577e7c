def fit_to_budget(messages, budget, reserve_output, count_tokens):
    last_user = max(i for i, m in enumerate(messages) if m["role"] == "user")
    keep = {i for i, m in enumerate(messages) if m["role"] == "system" or i >= last_user}
    used = sum(count_tokens(messages[i]) for i in keep)
    if used > budget:
        raise ValueError(f"the minimum needs {used} tokens but the budget is {budget}")
    turns = []
    for i in range(last_user):
        if messages[i]["role"] == "system":
            continue
        if messages[i]["role"] == "user" or not turns:
            turns.append([])
        turns[-1].append(i)
    for turn in reversed(turns):
        size = sum(count_tokens(messages[i]) for i in turn)
        if used + size > budget:
            break
        used += size
        keep.update(turn)
    return [m for i, m in enumerate(messages) if i in keep]
