def fit_to_budget(messages, budget, reserve_output, count_tokens):
    limit = budget - reserve_output
    # group the conversation into turns; a new turn starts at each user message
    turns = []
    for message in messages:
        if message["role"] == "user" or not turns:
            turns.append([])
        turns[-1].append(message)
    # drop the oldest turns until it fits, but always keep the last one
    while len(turns) > 1 and sum(count_tokens(m) for turn in turns for m in turn) > limit:
        turns.pop(0)
    kept = [m for turn in turns for m in turn]
    total = sum(count_tokens(m) for m in kept)
    if total > limit:
        raise ValueError(f"the latest turn needs {total} tokens but only {limit} are available")
    return kept
