"""The Model base class: request checks, latency and model filled in, cost from the catalog."""

import pytest

from course import EchoModel, ScriptedModel, load_catalog
from course.llm.responses import Response, Usage

HI = [{"role": "user", "content": "hi"}]


@pytest.mark.parametrize("messages, fragment", [
    ([], "non-empty list"),
    ("hello", "non-empty list"),
    ([{"role": "robot", "content": "x"}], "role"),
    ([{"role": "user", "content": 42}], "must be a string"),
    ([{"role": "tool", "content": "x"}], "tool_call_id"),
])
def test_bad_messages_get_a_clear_error(messages, fragment):
    with pytest.raises(ValueError, match=fragment):
        EchoModel().chat(messages)


def test_bad_tools_and_max_tokens_get_a_clear_error():
    with pytest.raises(ValueError, match="tools\\[0\\]"):
        EchoModel().chat(HI, tools=[{"name": "add"}])
    with pytest.raises(ValueError, match="max_tokens"):
        EchoModel().chat(HI, max_tokens=0)


def test_cost_comes_from_the_catalog():
    info = next(iter(load_catalog().by_provider("openai")))
    usage = Usage(input_tokens=1_000_000, output_tokens=500_000, cached_input_tokens=200_000)
    fake = ScriptedModel([Response(text="x", usage=usage, model=info.id)])
    reply = fake.chat(HI)
    expected = 800_000 * info.input / 1e6 + 200_000 * info.cached_input / 1e6 + 500_000 * info.output / 1e6
    assert reply.cost_usd == pytest.approx(expected)


def test_cost_is_none_for_a_model_without_a_price():
    assert ScriptedModel(["x"]).chat(HI).cost_usd is None


def test_response_fills_latency_and_model():
    reply = ScriptedModel(["x"]).chat(HI)
    assert reply.model == "scripted" and reply.latency_s > 0


def test_response_to_message_round_trips_tool_calls():
    from course import tool_call

    reply = ScriptedModel([[tool_call("add", {"a": 1}), tool_call("sub", {"b": 2})]]).chat(HI)
    message = reply.to_message()
    assert message["role"] == "assistant" and message["content"] == ""
    assert [c["id"] for c in message["tool_calls"]] == ["call_1", "call_2"]
    assert message["tool_calls"][0]["function"] == {"name": "add", "arguments": '{"a": 1}'}
