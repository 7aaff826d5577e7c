"""course.lessons.structured_output: the extraction prompt, the schema-dropping wrapper, the error and the shipped data."""

import json

import pytest

from course.llm.fakes import ScriptedModel
from course.lessons.structured_output import (
    ExtractionError,
    SchemaDroppingModel,
    extraction_prompt,
    load_extraction_texts,
    load_spec_examples,
    without_schema,
)

RULES = ["no-output-format", "no-examples", "vague-length", "no-refusal-rule", "contradiction", "undelimited-input"]
HI = [{"role": "user", "content": "hello"}]


def test_extraction_prompt_embeds_the_schema_compactly():
    schema = {"type": "object", "properties": {"plan": {"enum": ["free", "team"]}}, "required": ["plan"]}
    prompt = extraction_prompt(schema)
    assert json.dumps(schema, separators=(", ", ": ")) in prompt
    assert "JSON" in prompt and "null" in prompt and "Example" in prompt
    assert "{schema}" not in prompt and '{"city": "Oslo", "nights": 3}' in prompt  # braces survive format()


def test_extraction_prompt_rejects_a_class_instead_of_a_schema():
    with pytest.raises(TypeError, match="model_json_schema"):
        extraction_prompt(object)


def test_extraction_error_is_a_value_error_carrying_attempts_and_last_error():
    cause = ValueError("bad field")
    error = ExtractionError("gave up", attempts=3, last_error=cause)
    assert isinstance(error, ValueError) and str(error) == "gave up"
    assert (error.attempts, error.last_error) == (3, cause)
    with pytest.raises(TypeError):
        ExtractionError("attempts is keyword-only", 3)


def test_without_schema_drops_the_schema_and_records_calls():
    inner = ScriptedModel(["not json", "still not"])
    wrapped = without_schema(inner)
    assert isinstance(wrapped, SchemaDroppingModel) and wrapped.model_id == inner.model_id
    reply = wrapped.chat(HI, response_schema={"type": "object"}, max_tokens=7, temperature=0.5, seed=3)
    assert reply.text == "not json"
    forwarded = inner.calls[0]
    assert forwarded.response_schema is None
    assert (forwarded.max_tokens, forwarded.temperature, forwarded.seed) == (7, 0.5, 3)
    assert wrapped.calls[0].response_schema == {"type": "object"}  # what the caller asked for
    wrapped.chat(HI)
    assert wrapped.replies == ["not json", "still not"] and len(wrapped.calls) == 2


def test_spec_examples_are_well_formed():
    examples = load_spec_examples()
    assert len(examples) == 8 and len({e.id for e in examples}) == 8
    assert sum(e.kind == "good" for e in examples) == 3
    for example in examples:
        assert example.kind in ("good", "bad") and example.prompt.strip() and example.note
        assert (example.kind == "good") == (example.findings == ())
        assert list(example.findings) == [code for code in RULES if code in example.findings], example.id
    assert {code for e in examples for code in e.findings} == set(RULES)  # every rule is exercised


def test_extraction_texts_have_expected_fields_that_occur_in_the_text():
    texts = load_extraction_texts()
    assert len(texts) == 5 and len({t.id for t in texts}) == 5
    for item in texts:
        assert set(item.expected) == {"customer_email", "area", "plan", "wants_refund"}
        assert item.expected["customer_email"] in item.text
        assert item.expected["area"] in {"billing", "login", "alerts", "status-page"}
        assert item.expected["plan"] in {"free", "team", "business", "enterprise", None}
        assert isinstance(item.expected["wants_refund"], bool)
        assert item.expected["plan"] is None or item.expected["plan"] in item.text.lower()
