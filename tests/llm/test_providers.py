"""Anthropic, OpenAI and OpenAI-compatible clients, tested through httpx2.MockTransport (pydantic's httpx fork, which both SDKs use).

No test here touches the network: the SDKs talk to a handler that records the
request and returns a canned provider response.
"""

import json

import httpx2 as httpx  # the SDKs (openai 3, anthropic 2) use pydantic's httpx2, same API
import pytest

from course import (
    MissingAPIKeyError,
    NetworkRefusedError,
    ProviderTimeoutError,
    ProviderUnavailableError,
    RateLimitError,
    allow_remote_calls,
    get_model,
    load_catalog,
)
from course.errors import CourseError
from course.llm.anthropic import AnthropicModel
from course.llm.openai import OpenAICompatibleModel, OpenAIModel

HI = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi"}]
TOOLS = [{"type": "function", "function": {"name": "add", "description": "Add.",
          "parameters": {"type": "object", "properties": {"a": {"type": "integer"}}}}}]
OPENAI_ID = load_catalog().by_provider("openai")[0].id
ANTHROPIC_ID = load_catalog().by_provider("anthropic")[0].id


class Recorder:
    """A MockTransport handler that returns queued (status, json) pairs and keeps requests."""

    def __init__(self, *replies):
        self.replies, self.requests = list(replies), []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        status, body = self.replies.pop(0)
        if isinstance(body, Exception):
            raise body
        return httpx.Response(status, json=body)

    def client(self):
        return httpx.Client(transport=httpx.MockTransport(self))

    def body(self, index=-1):
        return json.loads(self.requests[index].content)


def openai_completion(content="Hello", tool_calls=None, cached=0, finish="stop"):
    return {
        "id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": OPENAI_ID,
        "choices": [{"index": 0, "finish_reason": finish,
                     "message": {"role": "assistant", "content": content, "tool_calls": tool_calls}}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 2, "total_tokens": 12,
                  "prompt_tokens_details": {"cached_tokens": cached}},
    }


def anthropic_message(content, stop="end_turn"):
    return {
        "id": "msg_1", "type": "message", "role": "assistant", "model": ANTHROPIC_ID,
        "content": content, "stop_reason": stop, "stop_sequence": None,
        "usage": {"input_tokens": 10, "output_tokens": 5, "cache_read_input_tokens": 3,
                  "cache_creation_input_tokens": 2},
    }


@pytest.fixture
def keys(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")


# --- OpenAI ----------------------------------------------------------------------


def test_openai_text_reply_usage_and_cost(keys):
    recorder = Recorder((200, openai_completion("Hello", cached=4)))
    model = OpenAIModel(OPENAI_ID, http_client=recorder.client())
    with allow_remote_calls():
        reply = model.chat(HI, max_tokens=20, temperature=0.5, seed=3)
    assert reply.text == "Hello" and reply.model == OPENAI_ID
    assert (reply.usage.input_tokens, reply.usage.output_tokens, reply.usage.cached_input_tokens) == (10, 2, 4)
    assert reply.cost_usd > 0
    body = recorder.body()
    assert body["messages"] == HI and body["max_completion_tokens"] == 20
    assert body["temperature"] == 0.5 and body["seed"] == 3
    assert recorder.requests[0].headers["authorization"] == "Bearer sk-test"


def test_openai_tool_calls_and_response_schema(keys):
    calls = [{"id": "call_a", "type": "function", "function": {"name": "add", "arguments": '{"a": 1}'}}]
    recorder = Recorder((200, openai_completion(None, calls, finish="tool_calls")), (200, openai_completion('{"x": 1}')))
    model = OpenAIModel(OPENAI_ID, http_client=recorder.client())
    with allow_remote_calls():
        reply = model.chat(HI, tools=TOOLS)
        assert [(c.id, c.name, c.arguments) for c in reply.tool_calls] == [("call_a", "add", '{"a": 1}')]
        assert recorder.body()["tools"] == TOOLS
        schema = {"type": "object", "properties": {"x": {"type": "integer"}}}
        assert model.chat(HI, response_schema=schema).json() == {"x": 1}
    assert recorder.body()["response_format"]["json_schema"]["schema"] == schema


@pytest.mark.parametrize("status, error", [(429, RateLimitError), (500, ProviderUnavailableError),
                                           (503, ProviderUnavailableError), (401, MissingAPIKeyError)])
def test_openai_errors_become_course_errors(keys, status, error):
    recorder = Recorder((status, {"error": {"message": "nope", "type": "x"}}))
    model = OpenAIModel(OPENAI_ID, http_client=recorder.client())
    with allow_remote_calls(), pytest.raises(error):
        model.chat(HI)
    assert len(recorder.requests) == 1, "the SDK's own retries must be off"


def test_openai_unreachable_and_timeout(keys):
    for raised, error, fragment in [(httpx.ConnectError("refused"), ProviderUnavailableError, "Cannot reach"),
                                    (httpx.ReadTimeout("slow"), ProviderTimeoutError, "did not answer in time")]:
        model = OpenAIModel(OPENAI_ID, http_client=Recorder((0, raised)).client())
        with allow_remote_calls(), pytest.raises(error, match=fragment):
            model.chat(HI)


def test_missing_key_names_the_variable(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    with pytest.raises(MissingAPIKeyError, match="OPENAI_API_KEY"):
        get_model(f"openai:{OPENAI_ID}")
    with pytest.raises(MissingAPIKeyError, match="ANTHROPIC_API_KEY"):
        get_model(f"anthropic:{ANTHROPIC_ID}")


def test_remote_calls_are_refused_under_tests(keys):
    recorder = Recorder((200, openai_completion()))
    model = OpenAIModel(OPENAI_ID, http_client=recorder.client())
    with pytest.raises(NetworkRefusedError, match="PYTEST_CURRENT_TEST|COURSE_OFFLINE"):
        model.chat(HI)
    assert recorder.requests == [], "a refused call must not reach the transport"


def test_remote_calls_are_refused_under_nbgrader(keys, monkeypatch):
    monkeypatch.delenv("PYTEST_CURRENT_TEST", raising=False)
    monkeypatch.delenv("COURSE_OFFLINE", raising=False)
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    model = OpenAIModel(OPENAI_ID, http_client=Recorder((200, openai_completion())).client())
    with pytest.raises(NetworkRefusedError, match="NBGRADER_EXECUTION"):
        model.chat(HI)


def test_course_allow_network_variable_allows(keys, monkeypatch):
    monkeypatch.setenv("COURSE_ALLOW_NETWORK", "1")
    model = OpenAIModel(OPENAI_ID, http_client=Recorder((200, openai_completion("ok"))).client())
    assert model.chat(HI).text == "ok"


# --- OpenAI-compatible ------------------------------------------------------------


def test_openai_compatible_uses_base_url_model_name_and_max_tokens(monkeypatch):
    monkeypatch.delenv("OPENAI_COMPATIBLE_API_KEY", raising=False)
    recorder = Recorder((200, openai_completion("served")))
    model = OpenAICompatibleModel("http://127.0.0.1:8080/v1", "smollm2", http_client=recorder.client())
    reply = model.chat(HI, max_tokens=9)  # loopback: allowed even under tests
    assert reply.text == "served" and reply.cost_usd is None
    assert str(recorder.requests[0].url) == "http://127.0.0.1:8080/v1/chat/completions"
    assert recorder.body()["model"] == "smollm2" and recorder.body()["max_tokens"] == 9


def test_openai_compatible_remote_host_is_guarded():
    model = OpenAICompatibleModel("https://llm.example.com/v1", http_client=Recorder().client())
    with pytest.raises(NetworkRefusedError):
        model.chat(HI)


def test_openai_compatible_spec_parsing():
    model = get_model("openai-compatible:http://localhost:11434/v1#llama3.2")
    assert (model.base_url, model.model_id) == ("http://localhost:11434/v1", "llama3.2")
    assert get_model("openai-compatible:http://localhost:8000/v1").model_id == "default"
    with pytest.raises(CourseError, match="http"):
        get_model("openai-compatible:localhost:8000")


def test_openai_compatible_unreachable_server_says_what_to_check():
    model = OpenAICompatibleModel("http://127.0.0.1:9/v1", http_client=Recorder((0, httpx.ConnectError("refused"))).client())
    with pytest.raises(ProviderUnavailableError, match="127.0.0.1:9.*server is running"):
        model.chat(HI)


def test_openai_compatible_falls_back_to_json_object_schema_once(monkeypatch):
    """llama-cpp-python's server rejects response_format json_schema (its error names the
    literal); the client retries with {"type": "json_object", "schema": ...} and remembers."""
    monkeypatch.delenv("OPENAI_COMPATIBLE_API_KEY", raising=False)
    schema = {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}
    rejected = {"error": {"message": "Input should be 'text' or 'json_object' (got 'json_schema')",
                          "type": "internal_server_error"}}
    recorder = Recorder((500, rejected), (200, openai_completion('{"name": "Ada"}')),
                        (200, openai_completion('{"name": "Bo"}')))
    model = OpenAICompatibleModel("http://127.0.0.1:8080/v1", http_client=recorder.client())
    assert model.chat(HI, response_schema=schema).text == '{"name": "Ada"}'
    assert recorder.body(0)["response_format"]["type"] == "json_schema"
    assert recorder.body(1)["response_format"] == {"type": "json_object", "schema": schema}
    model.chat(HI, response_schema=schema)
    assert len(recorder.requests) == 3 and recorder.body(2)["response_format"]["type"] == "json_object"


def test_openai_compatible_other_server_errors_are_not_retried(monkeypatch):
    monkeypatch.delenv("OPENAI_COMPATIBLE_API_KEY", raising=False)
    recorder = Recorder((500, {"error": {"message": "out of memory"}}))
    model = OpenAICompatibleModel("http://127.0.0.1:8080/v1", http_client=recorder.client())
    with pytest.raises(ProviderUnavailableError, match="500"):
        model.chat(HI, response_schema={"type": "object"})
    assert len(recorder.requests) == 1


# --- Anthropic ---------------------------------------------------------------------


def test_anthropic_converts_history_tools_and_usage(keys):
    recorder = Recorder((200, anthropic_message(
        [{"type": "text", "text": "Adding."}, {"type": "tool_use", "id": "toolu_1", "name": "add", "input": {"a": 1}}],
        stop="tool_use")))
    model = AnthropicModel(ANTHROPIC_ID, http_client=recorder.client())
    history = HI + [
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "toolu_0", "type": "function", "function": {"name": "add", "arguments": '{"a": 2}'}},
            {"id": "toolu_9", "type": "function", "function": {"name": "add", "arguments": '{"a": 3}'}}]},
        {"role": "tool", "tool_call_id": "toolu_0", "content": "2"},
        {"role": "tool", "tool_call_id": "toolu_9", "content": "3"},
    ]
    with allow_remote_calls():
        reply = model.chat(history, tools=TOOLS, max_tokens=50)
    body = recorder.body()
    assert body["system"] == "Be brief." and body["max_tokens"] == 50
    assert body["messages"][0] == {"role": "user", "content": "hi"}
    assert body["messages"][1]["content"][0] == {"type": "tool_use", "id": "toolu_0", "name": "add", "input": {"a": 2}}
    assert [b["tool_use_id"] for b in body["messages"][2]["content"]] == ["toolu_0", "toolu_9"], (
        "consecutive tool results share one user turn")
    assert body["tools"][0]["input_schema"] == TOOLS[0]["function"]["parameters"]
    assert reply.text == "Adding." and reply.finish_reason == "tool_calls"
    assert [(c.id, c.name, json.loads(c.arguments)) for c in reply.tool_calls] == [("toolu_1", "add", {"a": 1})]
    assert (reply.usage.input_tokens, reply.usage.cached_input_tokens, reply.usage.output_tokens) == (15, 3, 5)


def test_anthropic_response_schema_uses_structured_output(keys):
    recorder = Recorder((200, anthropic_message([{"type": "text", "text": '{"x": 1}'}])))
    model = AnthropicModel(ANTHROPIC_ID, http_client=recorder.client())
    schema = {"type": "object", "properties": {"x": {"type": "integer"}}}
    with allow_remote_calls():
        reply = model.chat(HI, response_schema=schema)
    assert reply.json() == {"x": 1} and reply.tool_calls == []
    assert recorder.body()["output_config"] == {"format": {"type": "json_schema", "schema": schema}}


@pytest.mark.parametrize("status, error", [(429, RateLimitError), (529, ProviderUnavailableError)])
def test_anthropic_errors_become_course_errors(keys, status, error):
    recorder = Recorder((status, {"type": "error", "error": {"type": "overloaded_error", "message": "busy"}}))
    model = AnthropicModel(ANTHROPIC_ID, http_client=recorder.client())
    with allow_remote_calls(), pytest.raises(error):
        model.chat(HI)
    assert len(recorder.requests) == 1


@pytest.mark.parametrize("stop, finish", [("end_turn", "stop"), ("max_tokens", "length"), ("stop_sequence", "stop")])
def test_anthropic_stop_reasons_read_like_openai_finish_reasons(keys, stop, finish):
    """A reply cut off at max_tokens says "length" on every provider (10's fallback checks for it)."""
    recorder = Recorder((200, anthropic_message([{"type": "text", "text": "Partial"}], stop=stop)))
    model = AnthropicModel(ANTHROPIC_ID, http_client=recorder.client())
    with allow_remote_calls():
        reply = model.chat(HI, max_tokens=5)
    assert reply.finish_reason == finish
