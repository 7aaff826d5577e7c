"""The scripted agent scenarios play exactly the exchanges their docstrings describe.

Each test replays a scenario by hand, message by message, the way a correct
agent loop would, so the scripts are checked without an agent loop in the
library or in the tests.
"""

import inspect
import json

import pytest

from course.lessons.agent_loops import (
    NO_TOOLS,
    SupportDesk,
    ToolProtocolError,
    add,
    answers_at_once,
    check_tool_protocol,
    get_weather,
    latest_tool_results,
    malformed_arguments,
    never_stops,
    parallel_calls,
    refund_request,
    token_hungry,
    tool_raises,
    two_step_run,
    unknown_tool,
    wrong_arguments,
)
from course.errors import ScriptExhaustedError

USER = {"role": "user", "content": "hi"}
TOOLS = [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}]


def calls_of(response):
    return [(call.id, call.name, call.arguments) for call in response.tool_calls]


def answer_all(messages, response, contents):
    """Append the assistant turn and one tool message per call, with the given contents."""
    messages.append(response.to_message())
    for call, content in zip(response.tool_calls, contents):
        messages.append({"role": "tool", "tool_call_id": call.id, "content": content})


def test_sample_tools():
    assert get_weather("Oslo") == "4 degrees, light rain"
    with pytest.raises(ValueError, match="no weather data for 'Atlantis'"):
        get_weather("Atlantis")
    assert add(2, 3) == 5
    # real annotations, not strings: a schema builder reads them directly
    assert inspect.signature(add).parameters["a"].annotation is int
    assert inspect.signature(SupportDesk().refund_order).parameters["amount"].annotation is float


def test_support_desk_logs_every_call_that_reaches_it():
    desk = SupportDesk()
    tools = desk.tools()
    assert set(tools) == {"lookup_order", "refund_order", "delete_account"}
    assert SupportDesk.dangerous == {"refund_order", "delete_account"}
    assert tools["lookup_order"]("A100") == {"order_id": "A100", "status": "delivered", "total": 42.5}
    assert tools["refund_order"](order_id="A100", amount=42.5) == "refunded 42.50 on order A100"
    assert tools["delete_account"]("U7") == "deleted account U7"
    with pytest.raises(KeyError):
        tools["lookup_order"]("Z9")
    assert [name for name, _ in desk.log] == ["lookup_order", "refund_order", "delete_account", "lookup_order"]
    assert SupportDesk().log == []  # a fresh desk per test


def test_protocol_accepts_answered_calls_in_any_order():
    messages = [USER, {"role": "assistant", "content": "", "tool_calls": [
        {"id": "a", "type": "function", "function": {"name": "x", "arguments": "{}"}},
        {"id": "b", "type": "function", "function": {"name": "x", "arguments": "{}"}}]},
        {"role": "tool", "tool_call_id": "b", "content": "B"},
        {"role": "tool", "tool_call_id": "a", "content": "A"}]
    check_tool_protocol(messages)
    assert latest_tool_results(messages) == ["A", "B"]  # call order, not arrival order


@pytest.mark.parametrize("tail, match", [
    ([{"role": "tool", "tool_call_id": "b", "content": "B"}], "have no result"),              # one call unanswered
    ([{"role": "tool", "tool_call_id": "zz", "content": "?"}], "tool_call_id='zz'"),          # wrong id
    ([{"role": "user", "content": "result: A"}], r"\(user\) comes while"),                    # wrong role
    ([{"role": "tool", "tool_call_id": "a", "content": "A"},
      {"role": "tool", "tool_call_id": "a", "content": "A"}], "tool_call_id='a'"),            # answered twice
])
def test_protocol_rejects_what_providers_reject(tail, match):
    messages = [USER, {"role": "assistant", "content": "", "tool_calls": [
        {"id": "a", "type": "function", "function": {"name": "x", "arguments": "{}"}},
        {"id": "b", "type": "function", "function": {"name": "x", "arguments": "{}"}}]}] + tail
    with pytest.raises(ToolProtocolError, match=match):
        check_tool_protocol(messages)


def test_protocol_rejects_a_result_without_its_assistant_turn():
    with pytest.raises(ToolProtocolError):
        check_tool_protocol([USER, {"role": "tool", "tool_call_id": "call_1", "content": "x"}])


def test_answers_at_once_answers_then_refuses_a_second_call():
    model = answers_at_once("Hello!")
    assert model.chat([USER], tools=TOOLS).text == "Hello!"
    with pytest.raises(ScriptExhaustedError):
        model.chat([USER], tools=TOOLS)


def test_two_step_run_quotes_the_result_it_was_sent():
    model = two_step_run()
    messages = [USER]
    first = model.chat(messages, tools=TOOLS)
    assert calls_of(first) == [("call_1", "get_weather", '{"city": "Oslo"}')]
    answer_all(messages, first, ["SENT BACK"])
    assert model.chat(messages, tools=TOOLS).text == "In Oslo it is SENT BACK."
    with pytest.raises(ScriptExhaustedError, match="Does the loop stop"):
        model.chat(messages + [{"role": "assistant", "content": "x"}, USER], tools=TOOLS)


def test_two_step_run_with_a_provider_style_id():
    first = two_step_run("Cairo", call_id="toolu_1").chat([USER], tools=TOOLS)
    assert calls_of(first) == [("toolu_1", "get_weather", '{"city": "Cairo"}')]


def test_scenarios_answer_in_text_when_no_tools_are_offered():
    assert two_step_run().chat([USER]).text == NO_TOOLS
    assert never_stops().chat([USER]).text == NO_TOOLS


def test_parallel_calls_need_every_result():
    model = parallel_calls()
    first = model.chat([USER], tools=TOOLS)
    assert calls_of(first) == [("call_1", "get_weather", '{"city": "Oslo"}'),
                               ("call_2", "get_weather", '{"city": "Lima"}')]
    only_first = [USER, first.to_message(), {"role": "tool", "tool_call_id": "call_1", "content": "x"}]
    with pytest.raises(ToolProtocolError, match="call_2"):
        model.chat(only_first, tools=TOOLS)
    messages = [USER]
    answer_all(messages, first, [get_weather("Oslo"), get_weather("Lima")])
    assert parallel_calls().chat([USER], tools=TOOLS)  # a fresh model starts again at turn 1
    assert model.chat(messages, tools=TOOLS).text == "Oslo: 4 degrees, light rain. Lima: 19 degrees, sunny."


def test_parallel_calls_with_given_ids():
    first = parallel_calls(("Oslo", "Lima", "Cairo"), ids=("t1", "t2", "t3")).chat([USER], tools=TOOLS)
    assert [c.id for c in first.tool_calls] == ["t1", "t2", "t3"]


def play(model, contents_per_turn):
    """Replay a scenario: answer each turn's calls with the given contents; return the replies."""
    messages, replies = [USER], []
    for contents in contents_per_turn:
        reply = model.chat(messages, tools=TOOLS)
        replies.append(reply)
        answer_all(messages, reply, contents)
    replies.append(model.chat(messages, tools=TOOLS))
    return replies


def test_unknown_tool_then_recovery():
    replies = play(unknown_tool(), [["Error: unknown tool 'get_wether'"], ["4 degrees, light rain"]])
    assert [calls_of(r) for r in replies[:2]] == [[("call_1", "get_wether", '{"city": "Oslo"}')],
                                                 [("call_2", "get_weather", '{"city": "Oslo"}')]]
    assert replies[2].text == "In Oslo it is 4 degrees, light rain."


def test_malformed_arguments_are_kept_verbatim():
    replies = play(malformed_arguments(), [["Error: x"], ["Error: y"], ["5"]])
    assert [r.tool_calls[0].arguments for r in replies[:3]] == ['{"a": 2, "b": ', "[2, 3]", '{"a": 2, "b": 3}']
    assert replies[3].text == "2 + 3 = 5"


def test_wrong_arguments_sequence():
    replies = play(wrong_arguments(), [["Error"]] * 3 + [["5"]])
    assert [json.loads(r.tool_calls[0].arguments) for r in replies[:4]] == [
        {"a": "two", "b": 3}, {"a": 2}, {"a": 2, "b": 3, "c": 4}, {"a": 2, "b": 3}]
    assert replies[4].text == "2 + 3 = 5"


def test_tool_raises_quotes_the_error_content():
    replies = play(tool_raises(), [["Error: ValueError: no weather data for 'Atlantis'"]])
    assert replies[0].tool_calls[0].arguments == '{"city": "Atlantis"}'
    assert replies[1].text == "Sorry, I could not get the weather (Error: ValueError: no weather data for 'Atlantis')."


def test_never_stops_gives_up_after_its_limit():
    model = never_stops(limit=3)
    messages = [USER]
    for expected_id in ["call_1", "call_2", "call_3"]:
        reply = model.chat(messages, tools=TOOLS)
        assert calls_of(reply) == [(expected_id, "get_weather", '{"city": "Oslo"}')]
        answer_all(messages, reply, ["4 degrees, light rain"])
    with pytest.raises(ScriptExhaustedError):
        model.chat(messages, tools=TOOLS)


def test_never_stops_without_a_limit_keeps_going():
    model = never_stops(limit=None)
    messages = [USER]
    for _ in range(60):
        reply = model.chat(messages, tools=TOOLS)
        answer_all(messages, reply, ["x"])
    assert len(model.calls) == 60


def test_token_hungry_reports_exact_usage():
    model = token_hungry(tokens_per_call=100, limit=2)
    messages = [USER]
    for expected_id in ["call_1", "call_2"]:
        reply = model.chat(messages, tools=TOOLS)
        assert reply.usage.total_tokens == 100 and reply.tool_calls[0].id == expected_id
        answer_all(messages, reply, ["x"])
    with pytest.raises(ScriptExhaustedError):
        model.chat(messages, tools=TOOLS)


def test_refund_request_reports_what_the_gate_said():
    replies = play(refund_request(), [['{"order_id": "A100"}'], ["not approved"]])
    assert [calls_of(r)[0][1:] for r in replies[:2]] == [
        ("lookup_order", '{"order_id": "A100"}'), ("refund_order", '{"order_id": "A100", "amount": 42.5}')]
    assert replies[2].text == "Refund: not approved"


def test_the_library_holds_no_exercise_answers():
    import course.lessons.agent_loops as module

    for name in ["run_agent", "tool_schema", "require_approval"]:
        assert not hasattr(module, name)
