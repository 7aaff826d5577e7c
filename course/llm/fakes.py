"""Deterministic stand-ins for models and embedders, for tests and grading.

    model = ScriptedModel([
        tool_call("get_weather", {"city": "Oslo"}),   # turn 1: call a tool
        "It is 4 degrees in Oslo.",                     # turn 2: answer
    ])
    model.chat(messages)      # returns the next scripted reply
    model.calls               # every ChatRequest it received, in order

A scripted reply is one of: a str (text), a ToolCall or list of ToolCalls
(parallel calls), a Response, or an exception instance (raised, as a provider
error would be). FunctionModel computes each reply from the conversation.

Token usage of fakes is a word count (fake_tokens, fake_usage): deterministic,
not a real tokenizer. Every fake in course.llm counts with it (FaultyModel through
the model it wraps).
Does not simulate latency: see course.llm.faults for a fault-injecting provider.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from typing import Callable, Iterable

import numpy as np

from ..errors import ScriptExhaustedError
from .base import ChatRequest, Model
from .responses import Response, ToolCall, Usage


def tool_call(name: str, arguments: dict | str | None = None, id: str | None = None) -> ToolCall:
    """A ToolCall for a script. A str `arguments` is kept verbatim (so it can be malformed).

    tool_call("add", {"a": 1}) -> ToolCall(id="", name="add", arguments='{"a": 1}')
    An empty id is replaced by call_1, call_2, ... when the model replies.
    """
    if arguments is None:
        arguments = {}
    text = arguments if isinstance(arguments, str) else json.dumps(arguments)
    return ToolCall(id=id or "", name=name, arguments=text)


def fake_tokens(text: str | None) -> int:
    """The fakes' token count: whitespace-separated words. fake_tokens("Hi, Ada!") -> 2"""
    return len((text or "").split())


def fake_usage(messages: list[dict], text: str, calls: list[ToolCall]) -> Usage:
    """Usage of one fake reply: the words of every message's content in, of the reply's
    text and tool-call arguments out. fake_usage([{"role": "user", "content": "a b"}], "c", []) -> Usage(2, 1)"""
    return Usage(
        input_tokens=sum(fake_tokens(m.get("content")) for m in messages),
        output_tokens=fake_tokens(text) + sum(fake_tokens(c.arguments) for c in calls),
    )


class _FakeBase(Model):
    provider = "fake"

    def __init__(self):
        self.calls: list[ChatRequest] = []
        self._ids = itertools.count(1)

    def _respond(self, request: ChatRequest, reply) -> Response:
        if isinstance(reply, BaseException):
            raise reply
        if isinstance(reply, Response):
            return reply
        if isinstance(reply, ToolCall):
            reply = [reply]
        if isinstance(reply, list):
            calls = [
                call if call.id else ToolCall(f"call_{next(self._ids)}", call.name, call.arguments)
                for call in reply
            ]
            text, finish = "", "tool_calls"
        elif isinstance(reply, str):
            calls, text, finish = [], reply, "stop"
        else:
            raise TypeError(
                f"a scripted reply must be str, ToolCall, list of ToolCall, Response "
                f"or an exception; got {type(reply).__name__}"
            )
        return Response(
            text=text,
            tool_calls=calls,
            usage=fake_usage(request.messages, text, calls),
            model=self.model_id,
            finish_reason=finish,
        )


class ScriptedModel(_FakeBase):
    """Returns queued replies in order and records every request.

    then="raise" (default): one call too many raises ScriptExhaustedError.
    then="repeat": keep returning the last reply (a model that never stops).
    """

    model_id = "scripted"

    def __init__(self, replies: Iterable = (), then: str = "raise"):
        super().__init__()
        if then not in ("raise", "repeat"):
            raise ValueError("then must be 'raise' or 'repeat'")
        self.replies = list(replies)
        self.then = then
        self._last = None

    def enqueue(self, *replies) -> "ScriptedModel":
        self.replies.extend(replies)
        return self

    def _execute(self, request: ChatRequest) -> Response:
        self.calls.append(request)
        if self.replies:
            self._last = self.replies.pop(0)
        elif self.then == "raise" or self._last is None:
            raise ScriptExhaustedError(
                f"ScriptedModel was called {len(self.calls)} times but its script has "
                f"only {len(self.calls) - 1} replies. The code under test called the "
                "model more often than the script expects (a loop that does not stop?)."
            )
        return self._respond(request, self._last)


class FunctionModel(_FakeBase):
    """Computes each reply with fn(messages, request) -> reply (any scripted form)."""

    model_id = "function"

    def __init__(self, fn: Callable[[list, ChatRequest], object]):
        super().__init__()
        self.fn = fn

    def _execute(self, request: ChatRequest) -> Response:
        self.calls.append(request)
        return self._respond(request, self.fn(request.messages, request))


class EchoModel(_FakeBase):
    """Replies with the last user message: a model-shaped object with no model."""

    model_id = "echo"

    def _execute(self, request: ChatRequest) -> Response:
        self.calls.append(request)
        users = [m for m in request.messages if m["role"] == "user"]
        return self._respond(request, users[-1].get("content") or "" if users else "")


class FakeEmbedder:
    """Deterministic bag-of-words embedder: shared words give similar vectors.

    Each lower-cased word maps to a fixed random vector (seeded by a hash of the
    word); a text is the normalised sum. A text with no words embeds to the
    zero vector, so code that divides by a norm can be tested on it.
    FakeEmbedder(dim=8).embed(["red cat", "red dog"]).shape -> (2, 8)
    """

    def __init__(self, dim: int = 64, seed: int = 0):
        self.dim = dim
        self.seed = seed
        self.model_id = f"fake-bow-{dim}"

    def _word_vector(self, word: str) -> np.ndarray:
        digest = hashlib.sha256(f"{self.seed}:{word}".encode()).digest()
        rng = np.random.default_rng(int.from_bytes(digest[:8], "little"))
        return rng.standard_normal(self.dim)

    def embed(self, texts: list[str]) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("embed() takes a list of strings; wrap one text as [text]")
        rows = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = re.findall(r"\w+", text.lower())
            if not words:
                continue
            vector = np.sum([self._word_vector(w) for w in words], axis=0)
            rows[row] = vector / np.linalg.norm(vector)
        return rows

    __call__ = embed
