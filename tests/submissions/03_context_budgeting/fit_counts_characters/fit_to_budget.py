def fit_to_budget(messages, budget, reserve_output, count_tokens):
    def size(message):
        # count the text of the message
        return len(message.get("content") or "")

    limit = budget - reserve_output
    last_user = max(i for i, m in enumerate(messages) if m["role"] == "user")
    keep = {i for i, m in enumerate(messages) if m["role"] == "system" or i >= last_user}
    used = sum(size(messages[i]) for i in keep)
    if used > limit:
        raise ValueError(f"the minimum needs {used} tokens but only {limit} are available")
    turns = []
    for i in range(last_user):
        if messages[i]["role"] == "system":
            continue
        if messages[i]["role"] == "user" or not turns:
            turns.append([])
        turns[-1].append(i)
    for turn in reversed(turns):
        turn_size = sum(size(messages[i]) for i in turn)
        if used + turn_size > limit:
            break
        used += turn_size
        keep.update(turn)
    return [m for i, m in enumerate(messages) if i in keep]
