"""Scripted and function fakes, and the fake embedder: deterministic by design."""

import numpy as np
import pytest

from course import FakeEmbedder, FunctionModel, RateLimitError, ScriptedModel, ScriptExhaustedError, tool_call
from course.llm.responses import Response

HI = [{"role": "user", "content": "hello there"}]


def test_scripted_replies_come_in_order_and_calls_are_recorded():
    model = ScriptedModel(["one", "two"])
    assert [model.chat(HI).text, model.chat(HI, max_tokens=7).text] == ["one", "two"]
    assert len(model.calls) == 2 and model.calls[1].max_tokens == 7
    assert model.calls[0].messages == HI


def test_tool_calls_get_sequential_ids_and_keep_arguments_verbatim():
    model = ScriptedModel([tool_call("lookup", '{"q": "oops'), [tool_call("a"), tool_call("b", {"x": 1})]])
    first = model.chat(HI)
    assert first.tool_calls[0].arguments == '{"q": "oops'  # malformed on purpose
    assert first.finish_reason == "tool_calls" and first.text == ""
    second = model.chat(HI)
    assert [(c.id, c.name, c.arguments) for c in second.tool_calls] == [
        ("call_2", "a", "{}"), ("call_3", "b", '{"x": 1}')]


def test_explicit_tool_call_ids_are_kept():
    reply = ScriptedModel([tool_call("a", {}, id="toolu_9")]).chat(HI)
    assert reply.tool_calls[0].id == "toolu_9"


def test_exceptions_in_the_script_are_raised_like_provider_errors():
    model = ScriptedModel([RateLimitError("429"), "after"])
    with pytest.raises(RateLimitError):
        model.chat(HI)
    assert model.chat(HI).text == "after"


def test_running_past_the_script_says_so():
    model = ScriptedModel(["only"])
    model.chat(HI)
    with pytest.raises(ScriptExhaustedError, match="called 2 times"):
        model.chat(HI)


def test_repeat_keeps_returning_the_last_reply():
    model = ScriptedModel([tool_call("again")], then="repeat")
    names = [model.chat(HI).tool_calls[0].name for _ in range(5)]
    assert names == ["again"] * 5


def test_enqueue_and_response_objects():
    model = ScriptedModel().enqueue(Response(text="raw", finish_reason="length"))
    reply = model.chat(HI)
    assert (reply.text, reply.finish_reason) == ("raw", "length")


def test_bad_script_item_is_a_type_error():
    with pytest.raises(TypeError, match="scripted reply"):
        ScriptedModel([42]).chat(HI)


def test_usage_is_a_deterministic_word_count():
    reply = ScriptedModel(["three word reply"]).chat(HI)
    assert (reply.usage.input_tokens, reply.usage.output_tokens) == (2, 3)


def test_function_model_sees_the_conversation():
    model = FunctionModel(lambda messages, request: f"{len(messages)} messages, last: {messages[-1]['content']}")
    assert model.chat(HI).text == "1 messages, last: hello there"


def test_fake_embedder_is_deterministic_normalised_and_word_based():
    embedder = FakeEmbedder(dim=16)
    vectors = embedder.embed(["red cat", "red cat", "red dog", "blue whale swims", ""])
    assert vectors.shape == (5, 16) and vectors.dtype == np.float32
    assert np.allclose(vectors[0], vectors[1])
    assert np.allclose(np.linalg.norm(vectors[:4], axis=1), 1.0, atol=1e-6)
    assert vectors[0] @ vectors[2] > vectors[0] @ vectors[3]  # shared word -> closer
    assert not vectors[4].any()  # no words -> the zero vector
    assert np.allclose(FakeEmbedder(dim=16).embed(["red cat"]), vectors[0])
    assert not np.allclose(FakeEmbedder(dim=16, seed=1).embed(["red cat"]), vectors[0])


def test_fake_embedder_rejects_a_bare_string():
    with pytest.raises(TypeError, match="list of strings"):
        FakeEmbedder().embed("oops")


@pytest.mark.parametrize("text, tokens", [
    (None, 0), ("", 0), ("?", 1), ("Hi, Ada!", 2), ("  two\twords\n", 2), ("déjà vu 🙂", 3),
])
def test_fake_tokens_are_whitespace_separated_words(text, tokens):
    from course.llm.fakes import fake_tokens

    assert fake_tokens(text) == tokens


def test_every_fake_counts_usage_the_same_way():
    """Scripted, function and echo fakes (and the faulty one around them) share fake_usage."""
    from course.llm.fakes import EchoModel, fake_usage
    from course.llm.faults import FaultyModel

    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hello there you"}]
    call = tool_call("add", {"a": 1})
    expected_text = fake_usage(messages, "hello there you", [])
    assert expected_text.input_tokens == 5 and expected_text.output_tokens == 3
    assert ScriptedModel(["hello there you"]).chat(messages).usage == expected_text
    assert FunctionModel(lambda m, r: "hello there you").chat(messages).usage == expected_text
    assert EchoModel().chat(messages).usage == expected_text
    assert FaultyModel(EchoModel(), ["ok"]).chat(messages).usage == expected_text
    assert ScriptedModel([call]).chat(messages).usage == fake_usage(messages, "", [call])
