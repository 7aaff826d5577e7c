def route(request, candidates, quality_floor, latency_ceiling):
    """The cheapest candidate that is good enough and fast enough for this request.

    adequate: candidate.quality.get(request.task, 0.0) >= quality_floor
    fast enough: candidate.ttft_s + request.output_tokens / candidate.tokens_per_s <= latency_ceiling
    cost: request_cost(candidate.info, request.input_tokens, request.output_tokens)
    Ties on cost go to the candidate listed first. ValueError if no candidate qualifies.

    route(load_requests()[0], load_candidates("local", "anthropic"), 0.85, 10.0).info.tier  -> 'small'
    """
    best, best_cost = None, None
    for candidate in candidates:
        latency = candidate.ttft_s + request.output_tokens / candidate.tokens_per_s
        if candidate.quality.get(request.task, 0.0) < quality_floor or latency > latency_ceiling:
            continue
        cost = candidate.info.input + candidate.info.output
        if best_cost is None or cost < best_cost:
            best, best_cost = candidate, cost
    if best is None:
        raise ValueError(
            f"no candidate fits request {request.id!r} ({request.task}): none has quality >= "
            f"{quality_floor} and latency <= {latency_ceiling} s")
    return best
