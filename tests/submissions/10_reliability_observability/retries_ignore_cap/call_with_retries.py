import time


def call_with_retries(call, *, max_attempts=4, base_s=0.5, cap_s=8.0, rng=None,
                      sleep=time.sleep, clock=time.monotonic, deadline_s=None):
    """Return call(), retrying transient provider errors with capped, jittered backoff.

    - max_attempts counts calls in all: 1 means a single call and no retry. ValueError if < 1.
    - Retry only ProviderUnavailableError (RateLimitError and ProviderTimeoutError included).
      Any other exception propagates at once, unchanged.
    - Before retry k (k = 0 after the first failure): delay = backoff_delay(k, base_s, cap_s, rng)
      (full jitter); if the error has a `retry_after` that is not None, delay = max(delay, retry_after).
      Then sleep(delay). rng=None means a fresh random.Random().
    - When the last attempt fails, raise its error at once: no sleep after it.
    - deadline_s: a budget for the whole call, measured with clock() from entry. If sleeping
      `delay` would end after start + deadline_s, raise the current error instead of sleeping.

    >>> clock = FakeClock()
    >>> flaky = FaultyModel(EchoModel(), ["503", "ok"], clock=clock, latency_s=1.0)
    >>> call_with_retries(lambda: flaky.chat(QUESTION), rng=random.Random(0),
    ...                   sleep=clock.sleep, clock=clock).text
    'What does the Team plan cost per seat?'
    >>> clock.sleeps     # one retry: uniform(0, 0.5) from random.Random(0)
    [0.42221092576252406]
    """
    if max_attempts < 1:
        raise ValueError(f"max_attempts counts calls and must be at least 1; got {max_attempts}")
    rng = rng if rng is not None else random.Random()
    start = clock()
    for attempt in range(max_attempts):
        try:
            return call()
        except ProviderUnavailableError as error:
            if attempt == max_attempts - 1:
                raise
            delay = backoff_delay(attempt, base_s, 8.0, rng)
            retry_after = getattr(error, "retry_after", None)
            if retry_after is not None:
                delay = max(retry_after, delay)
            if deadline_s is not None and clock() + delay > start + deadline_s:
                raise
            sleep(delay)
