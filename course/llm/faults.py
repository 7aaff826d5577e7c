"""A fault-injecting fake provider and a fake clock, for lesson 10 (reliability).

    clock = FakeClock()
    model = FaultyModel(EchoModel(), ["429", server_error(503), "ok"], clock=clock, latency_s=0.8)
    model.chat(messages)   # RateLimitError, then ProviderUnavailableError, then the echo
    model.log              # [CallRecord(index=0, start_s=0.0, latency_s=0.0, outcome='rate_limit'), ...]
    clock.sleep(2.0)       # instant: records the sleep and moves simulated time on

Faults raise the library's own errors (course/errors.py), as the real providers do:

    "429"  rate_limit(retry_after)  RateLimitError            status_code 429, .retry_after (s or None)
    "500"  server_error(status)     ProviderUnavailableError  status_code 500 (or 502, 503, 529)
    "timeout"  timeout()            ProviderTimeoutError      after timeout_s of simulated time
    "truncated"  truncated(keep)    no error: the reply is cut, finish_reason "length"
    "400"  bad_request()            ContextOverflowError      status_code 400 (not transient)
    "401"  auth_error()             MissingAPIKeyError        status_code 401 (not transient)

Time is simulated: each call moves the FakeClock on by its latency, and a
reply slower than timeout_s becomes a timeout. random_faults, lognormal_latency
and run_traffic drive seeded runs of many requests for charts.

Does not retry, back off, break circuits, fall back or trace: those are the
lesson's exercises. Does not simulate concurrent clients or streaming.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace
from typing import Callable, Iterable

from ..errors import (
    ContextOverflowError,
    CourseError,
    MissingAPIKeyError,
    ProviderTimeoutError,
    ProviderUnavailableError,
    RateLimitError,
)
from .base import ChatRequest, Model
from .fakes import EchoModel
from .responses import Response, ToolCall, Usage

KINDS = ("ok", "rate_limit", "server_error", "timeout", "truncated", "bad_request", "auth")


class FakeClock:
    """Simulated seconds. clock() reads it; sleep() and advance() move it on at once.

    clock = FakeClock(); clock.sleep(1.5); clock.advance(0.25)
    clock() -> 1.75    clock.sleeps -> [1.5]   (advance() is not a sleep)
    Pass clock where code wants time.monotonic, and clock.sleep where it wants time.sleep.
    """

    def __init__(self, start: float = 0.0):
        self.now = float(start)
        self.sleeps: list[float] = []  # every sleep() duration, in order

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError(f"sleep length must be non-negative; got {seconds!r}")
        self.sleeps.append(seconds)
        self.now += seconds

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError(f"time only moves forward; got {seconds!r}")
        self.now += seconds

    def __repr__(self) -> str:
        return f"<FakeClock t={self.now:.3f}s, {len(self.sleeps)} sleeps>"


@dataclass(frozen=True)
class Fault:
    """What one call does. kind is one of KINDS.

    retry_after: seconds the provider asks you to wait (rate_limit only; None: not sent).
    status: the HTTP status for server errors (500, 502, 503, 529).
    keep: the share of the reply kept by a truncated fault (0 < keep < 1).
    """

    kind: str
    retry_after: float | None = None
    status: int | None = None
    keep: float = 0.5

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; use one of {KINDS}")
        if not 0 < self.keep < 1:
            raise ValueError(f"keep must be between 0 and 1 (exclusive); got {self.keep!r}")


def rate_limit(retry_after: float | None = None) -> Fault:
    """A 429. rate_limit(2.0) -> the error's .retry_after is 2.0 (seconds)."""
    return Fault("rate_limit", retry_after=retry_after)


def server_error(status: int = 500) -> Fault:
    """A 5xx: 500 internal error, 502 bad gateway, 503 unavailable, 529 overloaded."""
    if not 500 <= status <= 599:
        raise ValueError(f"a server error has a 5xx status; got {status}")
    return Fault("server_error", status=status)


def timeout() -> Fault:
    """No answer: the client gives up after the model's timeout_s."""
    return Fault("timeout")


def truncated(keep: float = 0.5) -> Fault:
    """A reply cut off part way (text or tool-call JSON), finish_reason "length"."""
    return Fault("truncated", keep=keep)


def bad_request() -> Fault:
    """A 400: the request itself is wrong. Retrying sends the same wrong request."""
    return Fault("bad_request")


def auth_error() -> Fault:
    """A 401: the API key was rejected. Retrying does not fix a key."""
    return Fault("auth")


_SHORTHAND = {
    "ok": None, "429": rate_limit(), "500": server_error(500), "502": server_error(502),
    "503": server_error(503), "529": server_error(529), "timeout": timeout(),
    "truncated": truncated(), "400": bad_request(), "401": auth_error(),
}


def as_fault(item) -> Fault | None:
    """A schedule item as a Fault (None: answer normally). as_fault("429") -> Fault('rate_limit')"""
    if item is None or isinstance(item, Fault):
        return item
    if isinstance(item, str) and item in _SHORTHAND:
        return _SHORTHAND[item]
    raise ValueError(f"a fault is a Fault, None or one of {sorted(_SHORTHAND)}; got {item!r}")


@dataclass(frozen=True)
class CallRecord:
    """One call to a FaultyModel: when it started and how it ended (a KINDS name)."""

    index: int
    start_s: float
    latency_s: float
    outcome: str


class FaultyModel(Model):
    """A Model that wraps another and injects faults on a schedule, in simulated time.

    faults: a list (call i gets item i; calls after the end answer normally) or a
        function (index, now) -> Fault | None, such as random_faults(seed, ...).
        Items are Fault objects, None, or shorthand: "ok", "429", "500", "502",
        "503", "529", "timeout", "truncated", "400", "401".
    inner: the model that answers (default EchoModel()).
    latency_s: simulated seconds a reply takes: a float, a function index -> float
        (lognormal_latency(...)), or None for the inner model's own measured latency.
    error_latency_s: simulated seconds before a 4xx/5xx error comes back.
    timeout_s: the client's per-call timeout: a timeout fault, or a reply slower
        than this, raises ProviderTimeoutError after timeout_s of simulated time.
    model_id, provider: what the replies report (default: the inner model's), so a
        fake can stand in for a catalog model and be priced like it.

    Every call moves `clock` on and appends a CallRecord to .log.
    """

    def __init__(self, inner: Model | None = None, faults: Iterable | Callable = (), *,
                 clock: FakeClock | None = None, latency_s: float | Callable | None = None,
                 error_latency_s: float = 0.0, timeout_s: float = 30.0,
                 model_id: str | None = None, provider: str | None = None):
        if inner is None:
            inner = EchoModel()
        if timeout_s <= 0 or error_latency_s < 0:
            raise ValueError("timeout_s must be positive and error_latency_s non-negative")
        self.inner = inner
        if callable(faults):
            self.schedule, self.fault_fn = None, faults
        else:
            self.schedule, self.fault_fn = [as_fault(item) for item in faults], None
        self.clock = clock if clock is not None else FakeClock()
        self.latency_s = latency_s
        self.error_latency_s = error_latency_s
        self.timeout_s = timeout_s
        self.model_id = model_id or inner.model_id
        self.provider = provider or inner.provider
        self.calls: list[ChatRequest] = []
        self.log: list[CallRecord] = []

    def _fault(self, index: int) -> Fault | None:
        if self.fault_fn is not None:
            return as_fault(self.fault_fn(index, self.clock()))
        return self.schedule[index] if index < len(self.schedule) else None

    def _execute(self, request: ChatRequest) -> Response:
        index, start = len(self.calls), self.clock()
        self.calls.append(request)
        fault = self._fault(index)
        kind = fault.kind if fault else "ok"
        if kind in ("rate_limit", "server_error", "bad_request", "auth"):
            self._finish(index, start, self.error_latency_s, kind)
            raise _error(fault, index)
        if kind == "timeout":
            self._finish(index, start, self.timeout_s, kind)
            raise _timeout_error(self, index)
        reply = self.inner.chat(request.messages, tools=request.tools,
                                response_schema=request.response_schema,
                                max_tokens=request.max_tokens,
                                temperature=request.temperature, seed=request.seed)
        latency = self._latency(index, reply)
        if latency > self.timeout_s:  # the answer came, but after the client gave up
            self._finish(index, start, self.timeout_s, "timeout")
            raise _timeout_error(self, index)
        if kind == "truncated":
            reply = _cut(reply, fault.keep)
        self._finish(index, start, latency, kind)
        return replace(reply, latency_s=latency, model=self.model_id, cost_usd=None)

    def _latency(self, index: int, reply: Response) -> float:
        if self.latency_s is None:
            return reply.latency_s
        value = self.latency_s(index) if callable(self.latency_s) else self.latency_s
        if value < 0:
            raise ValueError(f"latency must be non-negative; got {value!r}")
        return float(value)

    def _finish(self, index: int, start: float, seconds: float, outcome: str) -> None:
        self.clock.advance(seconds)
        self.log.append(CallRecord(index, start, seconds, outcome))


def _error(fault: Fault, index: int) -> CourseError:
    where = f"(injected on call {index + 1})"
    if fault.kind == "rate_limit":
        wait = "" if fault.retry_after is None else f", Retry-After: {fault.retry_after:g} s"
        error = RateLimitError(f"429 Too Many Requests{wait} {where}")
        error.retry_after = fault.retry_after
        error.status_code = 429
    elif fault.kind == "server_error":
        error = ProviderUnavailableError(f"{fault.status} server error {where}")
        error.status_code = fault.status
    elif fault.kind == "bad_request":
        error = ContextOverflowError(f"400 Bad Request: the prompt is too long for the context window {where}")
        error.status_code = 400
    else:
        error = MissingAPIKeyError(f"401 Unauthorized: the API key was rejected {where}")
        error.status_code = 401
    return error


def _timeout_error(model: FaultyModel, index: int) -> ProviderTimeoutError:
    error = ProviderTimeoutError(f"no answer within {model.timeout_s:g} s (injected on call {index + 1})")
    error.status_code = None
    return error


def _cut(reply: Response, keep: float) -> Response:
    """The reply cut off part way, as when max_tokens runs out or a stream drops."""
    calls = list(reply.tool_calls)
    if calls:
        last = calls[-1]
        calls[-1] = ToolCall(last.id, last.name, last.arguments[: int(len(last.arguments) * keep)])
    text = reply.text[: int(len(reply.text) * keep)]
    usage = Usage(reply.usage.input_tokens, int(reply.usage.output_tokens * keep),
                  reply.usage.cached_input_tokens)
    return replace(reply, text=text, tool_calls=calls, usage=usage, finish_reason="length")


# --- seeded profiles and a traffic driver, for simulated runs -----------------

def _unit(seed, *key) -> random.Random:
    """A Random seeded by (seed, key): the same call gets the same draw in any run order."""
    return random.Random(":".join(str(part) for part in (seed, *key)))


def random_faults(seed: int = 0, *, rate_limit: float = 0.0, server_error: float = 0.0,
                  timeout: float = 0.0, truncated: float = 0.0, retry_after: float | None = None,
                  outage: tuple[float, float] | None = None, outage_rate: float = 0.9) -> Callable:
    """A seeded fault function for FaultyModel: each call fails with the given probabilities.

    outage=(start_s, end_s): in that window of simulated time, a further outage_rate
    of calls get a 503. Call i's draw depends only on (seed, i), so runs repeat exactly.
    random_faults(7, server_error=0.1)(index=3, now=0.0) -> None or Fault('server_error', status=500)
    """
    rates = {"rate_limit": rate_limit, "server_error": server_error, "timeout": timeout, "truncated": truncated}
    if any(not 0 <= p <= 1 for p in rates.values()) or sum(rates.values()) > 1 or not 0 <= outage_rate <= 1:
        raise ValueError(f"probabilities must be in [0, 1] and sum to at most 1; got {rates}, {outage_rate}")
    makers = {"rate_limit": lambda: Fault("rate_limit", retry_after=retry_after),
              "server_error": lambda: Fault("server_error", status=500),
              "timeout": lambda: Fault("timeout"), "truncated": lambda: Fault("truncated")}

    def fault(index: int, now: float) -> Fault | None:
        rng = _unit(seed, "fault", index)
        draw, outage_draw = rng.random(), rng.random()
        if outage and outage[0] <= now < outage[1] and outage_draw < outage_rate:
            return Fault("server_error", status=503)
        for kind, p in rates.items():
            if draw < p:
                return makers[kind]()
            draw -= p
        return None

    return fault


def lognormal_latency(seed: int = 0, median_s: float = 0.8, sigma: float = 0.5) -> Callable:
    """A seeded latency function for FaultyModel: median_s * exp(sigma * z), z ~ N(0, 1).

    A long right tail, like real model latency. lognormal_latency(0, 1.0, 0.0)(5) -> 1.0
    """
    if median_s <= 0 or sigma < 0:
        raise ValueError("median_s must be positive and sigma non-negative")

    def latency(index: int) -> float:
        return median_s * math.exp(sigma * _unit(seed, "latency", index).gauss(0.0, 1.0))

    return latency


@dataclass(frozen=True)
class RequestRecord:
    """One request of a simulated run: start time, latency, and the error's type name (or None)."""

    index: int
    start_s: float
    latency_s: float
    error: str | None


def run_traffic(handle: Callable[[int], object], n_requests: int, clock: FakeClock,
                every_s: float = 1.0) -> list[RequestRecord]:
    """Send n_requests through handle(i), one every every_s of simulated time, one at a time.

    A request that is still running when the next is due delays it (one client, no
    concurrency). A CourseError from handle is recorded as a failed request; any
    other exception is a bug and propagates.
    run_traffic(lambda i: model.chat(msgs), 3, clock) -> [RequestRecord(0, 0.0, 0.8, None), ...]
    """
    records = []
    for index in range(n_requests):
        due = index * every_s
        if clock() < due:
            clock.advance(due - clock())
        start, error = clock(), None
        try:
            handle(index)
        except CourseError as caught:
            error = type(caught).__name__
        records.append(RequestRecord(index, start, clock() - start, error))
    return records
