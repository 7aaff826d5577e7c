"""Lesson 06 (structured output): data and helpers; prompts as specs, outputs as data.

    extraction_prompt(schema)   # the course's spec-style system prompt for extraction
    without_schema(model)       # the same model, with response_schema dropped (no constrained decoding)
    ExtractionError             # what a validate-and-repair loop raises when it gives up
    load_spec_examples()        # prompts with the linter findings they should get
    load_extraction_texts()     # short support e-mails with the fields a reader would extract

Does not lint prompts, parse JSON or run a repair loop: those are the lesson's exercises.
Does not validate anything itself; pydantic does that in the notebook.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..datasets import DATA_DIR, read_jsonl
from ..llm.base import ChatRequest, Model
from ..llm.responses import Response


class ExtractionError(ValueError):
    """The model never produced a reply that validates.

    attempts: how many model calls were made (max_retries + 1 when the loop gave up).
    last_error: the exception raised by validating the last reply (a pydantic ValidationError).
    ExtractionError("no valid reply after 3 attempts", attempts=3, last_error=error)
    """

    def __init__(self, message: str, *, attempts: int, last_error: BaseException | None = None):
        super().__init__(message)
        self.attempts = attempts
        self.last_error = last_error


_EXTRACTION_PROMPT = """You extract data from the text in the user's message and reply with one JSON object.

Output format: JSON only, a single object that matches this JSON Schema:
{schema}

Rules:
- Use only facts stated in the text. If a value is not mentioned, use null where the schema allows it.
- An enum field takes exactly one of its listed values, spelled as listed.
- Write no prose and no code fences: nothing before or after the JSON object.

Example: with the keys "city" and "nights", the text "Book me three nights in Oslo." gives {{"city": "Oslo", "nights": 3}}."""


def extraction_prompt(schema: dict) -> str:
    """The system prompt for extracting data that matches `schema`, written as a spec.

    It names the task, the output format (with the schema as compact JSON), the rules
    for missing values, and one worked example. The text to extract from goes in the
    user message, so it never mixes with the instructions.
    extraction_prompt({"type": "object"}) -> 'You extract data ... {"type": "object"} ...'
    """
    if not isinstance(schema, dict):
        raise TypeError(f"schema must be a JSON Schema dict (Schema.model_json_schema()); got {type(schema).__name__}")
    return _EXTRACTION_PROMPT.format(schema=json.dumps(schema, separators=(", ", ": ")))


class SchemaDroppingModel(Model):
    """Wraps a model and forwards every call without its response_schema.

    It behaves like a provider or server with no structured-output support: the
    prompt still asks for JSON, but nothing forces the reply to be JSON. It records
    the requests it forwarded (`calls`) and the texts that came back (`replies`).
    """

    provider = "wrapper"

    def __init__(self, inner: Model):
        self.inner = inner
        self.model_id = inner.model_id
        self.context_window = inner.context_window
        self.calls: list[ChatRequest] = []
        self.replies: list[str] = []

    def _execute(self, request: ChatRequest) -> Response:
        self.calls.append(request)
        reply = self.inner.chat(request.messages, tools=request.tools, max_tokens=request.max_tokens,
                                temperature=request.temperature, seed=request.seed)
        self.replies.append(reply.text)
        return reply


def without_schema(model: Model) -> SchemaDroppingModel:
    """without_schema(get_model()).chat(messages, response_schema=s) -> unconstrained reply."""
    return SchemaDroppingModel(model)


@dataclass(frozen=True)
class SpecExample:
    id: str
    kind: str        # "good" or "bad"
    prompt: str
    findings: tuple  # the linter codes this prompt should get, in rule order
    note: str


@dataclass(frozen=True)
class ExtractionText:
    id: str
    text: str
    expected: dict   # field -> the value a careful reader would extract


def load_spec_examples(path: str | Path = DATA_DIR / "spec_examples.jsonl") -> list[SpecExample]:
    """The shipped example prompts. len(load_spec_examples()) -> 8 (3 good, 5 bad)"""
    return [SpecExample(**{**row, "findings": tuple(row["findings"])}) for row in read_jsonl(Path(path))]


def load_extraction_texts(path: str | Path = DATA_DIR / "extraction_texts.jsonl") -> list[ExtractionText]:
    """Short support e-mails to Tidewater Labs with expected fields. len(...) -> 5"""
    return [ExtractionText(**row) for row in read_jsonl(Path(path))]
