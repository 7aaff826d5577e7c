def fit_to_budget(messages, budget, reserve_output, count_tokens):
    limit = budget - reserve_output
    last_user = max(i for i, m in enumerate(messages) if m["role"] == "user")
    system = [m for m in messages[:last_user] if m["role"] == "system"]
    history = [m for m in messages[:last_user] if m["role"] != "system"]
    latest = messages[last_user:]

    def size(ms):
        return sum(count_tokens(m) for m in ms)

    if size(system) + size(latest) > limit:
        raise ValueError(f"the minimum needs {size(system) + size(latest)} tokens, only {limit} available")
    # drop the oldest message until everything fits
    while history and size(system) + size(history) + size(latest) > limit:
        history.pop(0)
    return system + history + latest
