"""The fault-injecting provider and the fake clock: exact, instant and repeatable."""

import json

import pytest

from course.catalog import load_catalog
from course.errors import ContextOverflowError, CourseError, MissingAPIKeyError  # the 400, any, the 401
from course.errors import ProviderTimeoutError, ProviderUnavailableError, RateLimitError  # transient ones
from course.llm.fakes import ScriptedModel, tool_call
from course.llm.faults import (
    CallRecord,
    FakeClock,
    Fault,
    FaultyModel,
    as_fault,
    auth_error,
    bad_request,
    lognormal_latency,
    random_faults,
    rate_limit,
    run_traffic,
    server_error,
    timeout,
    truncated,
)

HI = [{"role": "user", "content": "hello there general kenobi"}]


def test_fake_clock_sleeps_and_advances_without_waiting():
    clock = FakeClock(10.0)
    clock.sleep(1.5)
    clock.advance(0.25)
    clock.sleep(0)
    assert clock() == 11.75 and clock.sleeps == [1.5, 0]
    with pytest.raises(ValueError):
        clock.sleep(-1)
    with pytest.raises(ValueError):
        clock.advance(-0.1)


def test_schedule_raises_the_library_errors_in_order():
    clock = FakeClock()
    model = FaultyModel(None, ["429", server_error(503), "timeout", "400", "401", "ok"],
                        clock=clock, latency_s=2.0, error_latency_s=0.1, timeout_s=5.0)
    expected = [(RateLimitError, 429), (ProviderUnavailableError, 503), (ProviderTimeoutError, None),
                (ContextOverflowError, 400), (MissingAPIKeyError, 401)]
    for kind, status in expected:
        with pytest.raises(kind) as caught:
            model.chat(HI)
        assert type(caught.value) is kind and caught.value.status_code == status
    assert model.chat(HI).text == "hello there general kenobi"
    assert [r.outcome for r in model.log] == ["rate_limit", "server_error", "timeout", "bad_request", "auth", "ok"]
    assert [r.latency_s for r in model.log] == [0.1, 0.1, 5.0, 0.1, 0.1, 2.0]
    assert clock() == pytest.approx(7.4) and clock.sleeps == []
    assert len(model.calls) == 6


def test_only_transient_faults_are_provider_unavailable_errors():
    transient = [rate_limit(), server_error(), timeout()]
    permanent = [bad_request(), auth_error()]
    for fault in transient + permanent:
        with pytest.raises(CourseError) as caught:
            FaultyModel(None, [fault]).chat(HI)
        assert isinstance(caught.value, ProviderUnavailableError) == (fault in transient)


def test_retry_after_is_carried_on_the_error():
    model = FaultyModel(None, [rate_limit(2.5), "429"])
    for want in (2.5, None):
        with pytest.raises(RateLimitError) as caught:
            model.chat(HI)
        assert caught.value.retry_after == want


def test_calls_after_the_schedule_answer_and_records_start_times():
    clock = FakeClock()
    model = FaultyModel(None, ["500"], clock=clock, latency_s=1.0, error_latency_s=0.5)
    with pytest.raises(ProviderUnavailableError):
        model.chat(HI)
    for _ in range(3):
        assert model.chat(HI).latency_s == 1.0
    assert model.log == [CallRecord(0, 0.0, 0.5, "server_error"), CallRecord(1, 0.5, 1.0, "ok"),
                         CallRecord(2, 1.5, 1.0, "ok"), CallRecord(3, 2.5, 1.0, "ok")]


def test_slow_reply_becomes_a_timeout():
    clock = FakeClock()
    model = FaultyModel(None, [], clock=clock, latency_s=lambda i: [1.0, 9.0][i], timeout_s=4.0)
    assert model.chat(HI).latency_s == 1.0
    with pytest.raises(ProviderTimeoutError):
        model.chat(HI)
    assert clock() == 5.0 and model.log[-1].outcome == "timeout"


def test_truncated_text_and_tool_call_json():
    inner = ScriptedModel(["one two three four five six seven eight", tool_call("lookup", {"query": "refund policy"})])
    model = FaultyModel(inner, [truncated(0.5), truncated(0.5)], latency_s=1.0)
    cut = model.chat(HI)
    assert cut.text == "one two three four "  # 19 of 39 characters
    assert cut.finish_reason == "length" and cut.usage.output_tokens == 4
    call = model.chat(HI).tool_calls[0]
    with pytest.raises(json.JSONDecodeError):
        json.loads(call.arguments)
    with pytest.raises(ValueError):
        truncated(1.0)


def test_replies_report_the_stand_in_model_and_are_priced_from_the_catalog():
    catalog = load_catalog()
    info = next(m for m in catalog.models.values() if m.input > 0)
    model = FaultyModel(None, [], model_id=info.id, provider=info.provider, latency_s=0.3)
    reply = model.chat(HI)
    assert model.model_id == info.id and model.provider == info.provider and reply.model == info.id
    want = (reply.usage.input_tokens * info.input + reply.usage.output_tokens * info.output) / 1_000_000
    assert reply.cost_usd == pytest.approx(want) and want > 0


def test_shorthand_and_bad_items():
    assert as_fault("ok") is None and as_fault(None) is None
    assert as_fault("503") == Fault("server_error", status=503)
    for bad in ["418", 429, "rate limited"]:
        with pytest.raises(ValueError):
            as_fault(bad)
    with pytest.raises(ValueError):
        Fault("meltdown")
    with pytest.raises(ValueError):
        server_error(404)


def test_random_faults_repeat_exactly_and_hit_their_rates():
    profile = random_faults(3, rate_limit=0.1, server_error=0.05, retry_after=1.0)
    first = [profile(i, 0.0) for i in range(4000)]
    assert first == [profile(i, 0.0) for i in reversed(range(4000))][::-1]  # order does not matter
    kinds = [f.kind for f in first if f]
    assert 0.08 < kinds.count("rate_limit") / 4000 < 0.12
    assert 0.035 < kinds.count("server_error") / 4000 < 0.065
    assert all(f.retry_after == 1.0 for f in first if f and f.kind == "rate_limit")
    assert first != [random_faults(4, rate_limit=0.1, server_error=0.05)(i, 0.0) for i in range(4000)]
    outage = random_faults(3, outage=(100.0, 200.0), outage_rate=1.0)
    assert outage(7, 99.9) is None and outage(7, 100.0) == Fault("server_error", status=503)
    with pytest.raises(ValueError):
        random_faults(rate_limit=0.7, server_error=0.5)


def test_lognormal_latency_is_seeded_with_the_right_median():
    latency = lognormal_latency(1, median_s=0.8, sigma=0.5)
    values = sorted(latency(i) for i in range(2001))
    assert values == sorted(lognormal_latency(1, 0.8, 0.5)(i) for i in range(2001))
    assert 0.74 < values[1000] < 0.86 and values[-1] > 2.0  # a long right tail
    assert lognormal_latency(0, 1.0, 0.0)(5) == 1.0


def test_run_traffic_paces_requests_and_records_errors():
    clock = FakeClock()
    model = FaultyModel(None, ["ok", "503", "ok", "ok"], clock=clock, latency_s=lambda i: [0.5, 0, 2.5, 0.2][i],
                        error_latency_s=0.1)
    records = run_traffic(lambda i: model.chat(HI), 4, clock, every_s=1.0)
    assert [(r.start_s, r.error) for r in records] == [(0.0, None), (1.0, "ProviderUnavailableError"),
                                                      (2.0, None), (4.5, None)]
    assert [r.latency_s for r in records] == pytest.approx([0.5, 0.1, 2.5, 0.2])


def test_run_traffic_lets_bugs_through():
    with pytest.raises(KeyError):
        run_traffic(lambda i: {}["missing"], 1, FakeClock())
