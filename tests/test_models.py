"""get_model specs, the override context, request checks and cost."""

import pytest

from course import (
    EchoModel,
    LocalModel,
    ScriptedModel,
    UnknownModelError,
    get_model,
    load_catalog,
    override_model,
    register_provider,
)
from course.models import Model
from course.responses import Response, Usage

HI = [{"role": "user", "content": "hi"}]


def test_default_spec_is_the_local_model(monkeypatch):
    monkeypatch.delenv("COURSE_MODEL", raising=False)
    assert isinstance(get_model(), LocalModel)


def test_course_model_variable_sets_the_default(monkeypatch):
    monkeypatch.setenv("COURSE_MODEL", "echo")
    assert isinstance(get_model(), EchoModel)


@pytest.mark.parametrize("spec", ["nonsense", "gpt-4o", "anthropic", "anthropic:", "openai-compatible:", "loca"])
def test_unknown_spec_names_the_valid_forms(spec):
    with pytest.raises(UnknownModelError) as caught:
        get_model(spec)
    message = str(caught.value)
    assert repr(spec) in message and "openai-compatible:<base url>" in message and "COURSE_MODEL" in message


def test_a_model_instance_passes_through():
    fake = ScriptedModel(["x"])
    assert get_model(fake) is fake


def test_override_swaps_the_default_inside_the_block_only(monkeypatch):
    monkeypatch.setenv("COURSE_MODEL", "echo")
    fake = ScriptedModel(["from the fake"])

    def code_under_test():
        return get_model().chat(HI).text

    with override_model(fake):
        assert code_under_test() == "from the fake"
        assert get_model("echo") is not fake  # an explicit spec still wins
    assert isinstance(get_model(), EchoModel)


def test_overrides_nest():
    outer, inner = ScriptedModel(["o"]), ScriptedModel(["i"])
    with override_model(outer):
        with override_model(inner):
            assert get_model() is inner
        assert get_model() is outer


def test_register_provider_adds_a_prefix():
    class Constant(Model):
        provider = "constant"

        def __init__(self, text):
            self.model_id, self.text = "constant", text

        def _execute(self, request):
            return Response(text=self.text)

    register_provider("constant", Constant)
    assert get_model("constant:hello").chat(HI).text == "hello"
    with pytest.raises(UnknownModelError, match="'constant:<...>'"):  # the error lists it
        get_model("nonsense:x")


def test_registering_a_provider_first_keeps_the_builtin_ones():
    """In a fresh interpreter (the order of registrations decides): a provider registered
    before any get_model call must not hide "echo" or "local" (a bug: it did)."""
    import subprocess
    import sys

    code = ("from course.models import get_model, register_provider\n"
            "register_provider('mine', lambda rest: get_model('echo'))\n"
            "print(type(get_model('echo')).__name__, type(get_model('mine:x')).__name__)\n"
            "register_provider('bare', lambda rest: get_model('echo'), needs_rest=False)\n"
            "print(type(get_model('bare')).__name__)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["EchoModel", "EchoModel", "EchoModel"], done.stdout


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
