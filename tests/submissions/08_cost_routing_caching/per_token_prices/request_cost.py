def request_cost(model_info, input_tokens, output_tokens, cached_tokens=0, cache_write_tokens=0):
    """Dollar cost of one request, from a catalog row (prices in USD per million tokens).

    input_tokens counts every input token, including the cached_tokens read from the
    prompt cache and the cache_write_tokens written to it. Each token is billed once:
    fresh input at `input`, cached reads at `cached_input`, cache writes at
    `cache_write`, output at `output`.

    toy = toy_model(input=2.0, output=10.0, cached_input=0.2, cache_write=2.5)
    request_cost(toy, 10_000, 500)                         # -> 0.025  (0.02 in + 0.005 out)
    request_cost(toy, 10_000, 500, cached_tokens=8_000)    # -> 0.0106 (2,000 fresh + 8,000 cached)
    request_cost(toy, 10_000, 500, cached_tokens=12_000)   # ValueError: more cached than input
    """
    counts = (input_tokens, output_tokens, cached_tokens, cache_write_tokens)
    if any(n < 0 for n in counts):
        raise ValueError(f"token counts must not be negative; got {counts}")
    if cached_tokens + cache_write_tokens > input_tokens:
        raise ValueError(
            f"cached_tokens ({cached_tokens}) + cache_write_tokens ({cache_write_tokens}) "
            f"cannot exceed input_tokens ({input_tokens}): they are part of the input")
    fresh = input_tokens - cached_tokens - cache_write_tokens
    dollars = (fresh * model_info.input
               + cached_tokens * model_info.cached_input
               + cache_write_tokens * model_info.cache_write
               + output_tokens * model_info.output)
    return dollars
