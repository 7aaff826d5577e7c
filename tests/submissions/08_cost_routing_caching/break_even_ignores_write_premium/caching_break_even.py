def caching_break_even(model_info, prefix_tokens, min_cacheable_tokens=1024):
    """The hit rate above which caching a prompt prefix saves money, or None if it never can.

    Cost model, per request, for a prefix of P tokens (the rest of the request
    costs the same either way):
      no caching:          P * input
      caching, a miss:     P * cache_write   (the prefix is written to the cache)
      caching, a hit:      P * cached_input  (the prefix is read from the cache)
    With hit rate h, caching costs P * (h * cached_input + (1 - h) * cache_write).

    Return None if prefix_tokens < min_cacheable_tokens (the provider will not
    cache it) or if cached_input >= input (a hit saves nothing). Otherwise return
    0.0 if cache_write <= input (no write premium: any hit rate saves), else the h
    where both costs are equal.

    toy = toy_model(input=4.0, output=20.0, cached_input=0.4, cache_write=5.0)
    caching_break_even(toy, 2_000)   # -> 0.2173... (= 1.0 / 4.6)
    caching_break_even(toy, 500)     # -> None: too short to cache
    """
    if prefix_tokens < min_cacheable_tokens:
        return None
    if model_info.cached_input >= model_info.input:
        return None
    # a miss costs what plain input costs, a hit costs less: any hit rate saves
    return 0.0
