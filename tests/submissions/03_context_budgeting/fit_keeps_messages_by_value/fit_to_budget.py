def fit_to_budget(messages, budget, reserve_output, count_tokens):
    """Return the messages to send: system messages, the most recent whole turns that fit,
    and the latest user turn, in their original order.

    With SUPPORT_CHAT and count_words (144 tokens in all), budget=150 and reserve_output=40
    leave 110 tokens for the prompt. Dropping the oldest turn (18 tokens) leaves 126: too many.
    Dropping the next one (43) leaves 83, which fits:

    >>> kept = fit_to_budget(SUPPORT_CHAT, budget=150, reserve_output=40, count_tokens=count_words)
    >>> [m["role"] for m in kept]
    ['system', 'user', 'assistant', 'tool', 'tool', 'assistant', 'user']
    >>> fit_to_budget(SUPPORT_CHAT, budget=30, reserve_output=20, count_tokens=count_words)
    Traceback (most recent call last):
    ValueError: the system messages and the latest user turn need 20 tokens, but only 10 are available ...
    """
    limit = budget - reserve_output
    last_user = max(i for i, message in enumerate(messages) if message["role"] == "user")
    keep = {i for i, message in enumerate(messages) if message["role"] == "system" or i >= last_user}
    used = sum(count_tokens(messages[i]) for i in keep)
    if used > limit:
        raise ValueError(
            f"the system messages and the latest user turn need {used} tokens, but only {limit} "
            f"are available (budget {budget} - reserve_output {reserve_output})")
    turns = []  # lists of indices, oldest first
    for i in range(last_user):
        if messages[i]["role"] == "system":
            continue
        if messages[i]["role"] == "user" or not turns:
            turns.append([])
        turns[-1].append(i)
    for turn in reversed(turns):  # newest first: keep turns while they fit
        size = sum(count_tokens(messages[i]) for i in turn)
        if used + size > limit:
            break
        used += size
        keep.update(turn)
    kept = [messages[i] for i in keep]
    return [message for message in messages if message in kept]
