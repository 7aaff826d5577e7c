def backoff_delay(attempt, base_s, cap_s, rng, jitter="full"):
    """Seconds to wait before retry number `attempt` (0 = the first retry).

    ceiling = min(cap_s, base_s * 2 ** attempt)
      jitter="full":  rng.uniform(0, ceiling)                          one draw from rng
      jitter="equal": ceiling / 2 + rng.uniform(0, ceiling / 2)        one draw from rng
      jitter="none":  ceiling                                          no draw
    ValueError if attempt < 0, base_s <= 0, cap_s < base_s, or jitter is not one of the three.

    >>> [backoff_delay(k, 0.5, 8.0, random.Random(0), jitter="none") for k in range(6)]
    [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    >>> backoff_delay(3, 0.5, 8.0, random.Random(0))   # uniform(0, 4.0) from a seeded rng
    3.3776874061001925
    """
    if attempt < 0:
        raise ValueError(f"attempt counts retries from 0; got {attempt}")
    if base_s <= 0 or cap_s < base_s:
        raise ValueError(f"need 0 < base_s <= cap_s; got base_s={base_s}, cap_s={cap_s}")
    ceiling = min(cap_s, base_s * 2 ** attempt)
    if jitter == "full":
        return random.uniform(0, ceiling)
    if jitter == "equal":
        return ceiling / 2 + random.uniform(0, ceiling / 2)
    if jitter == "none":
        return ceiling
    raise ValueError(f"jitter must be 'full', 'equal' or 'none'; got {jitter!r}")
