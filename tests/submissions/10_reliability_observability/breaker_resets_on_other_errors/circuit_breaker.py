class CircuitBreaker:
    """Fail fast while a provider keeps failing; try it again after a cooldown.

    closed    -> calls go through. failure_threshold CONSECUTIVE provider failures
                 (ProviderUnavailableError) open the breaker; a success resets the count.
    open      -> call(fn) raises CircuitOpenError without calling fn.
    half_open -> an open breaker reads as half_open once clock() - opened_at >= cooldown_s.
                 The next call is the trial: success closes the breaker (count back to 0),
                 a provider failure opens it again, with opened_at = now (a fresh cooldown).
    Other exceptions pass through and leave the breaker as it was.
    ValueError if failure_threshold < 1 or cooldown_s < 0.

    >>> clock = FakeClock(); breaker = CircuitBreaker(failure_threshold=2, cooldown_s=10, clock=clock)
    >>> breaker.call(failing)  # ProviderUnavailableError, breaker.state == "closed"
    >>> breaker.call(failing)  # ProviderUnavailableError, breaker.state == "open"
    >>> breaker.call(failing)  # CircuitOpenError: failing was not called
    >>> clock.advance(10); breaker.state
    'half_open'
    """

    def __init__(self, failure_threshold=3, cooldown_s=30.0, clock=time.monotonic):
        if failure_threshold < 1:
            raise ValueError(f"failure_threshold must be at least 1; got {failure_threshold}")
        if cooldown_s < 0:
            raise ValueError(f"cooldown_s must not be negative; got {cooldown_s}")
        self.failure_threshold = failure_threshold
        self.cooldown_s = cooldown_s
        self.clock = clock
        self.failures = 0        # consecutive provider failures while closed
        self.opened_at = None    # clock() when it last opened; None while closed

    @property
    def state(self):
        """The state, "closed", "open" or "half_open", read from the clock: no call is needed."""
        if self.opened_at is None:
            return "closed"
        if self.clock() - self.opened_at >= self.cooldown_s:
            return "half_open"
        return "open"

    def call(self, fn):
        """Return fn() through the breaker, or raise CircuitOpenError while it is open."""
        state = self.state
        if state == "open":
            left = self.opened_at + self.cooldown_s - self.clock()
            raise CircuitOpenError(f"circuit open: not calling the provider for another {left:.1f} s")
        try:
            result = fn()
        except ProviderUnavailableError:
            if state == "half_open":
                self.opened_at = self.clock()          # the trial failed: a fresh cooldown
            else:
                self.failures += 1
                if self.failures >= self.failure_threshold:
                    self.opened_at = self.clock()
            raise
        except Exception:
            self.failures = 0      # the provider answered (a 400 is an answer): the outage streak is over
            raise
        self.failures = 0
        self.opened_at = None
        return result
