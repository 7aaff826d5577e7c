"""The one model interface every provider implements, and what it checks and prices.

    class Constant(Model):
        model_id = "constant"
        def _execute(self, request: ChatRequest) -> Response:
            return Response(text="hi")

    reply = Constant().chat([{"role": "user", "content": "Hi"}], max_tokens=20)
    reply.text, reply.tool_calls, reply.usage, reply.latency_s, reply.cost_usd

A provider is a Model subclass that implements one method, _execute(request);
chat() checks the request, times the call and prices the reply from the
catalog. Picking a model by spec is course.llm.registry's job.
Does not retry and does not stream: see lesson 10.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ..catalog import load_catalog
from .responses import Response

_ROLES = {"system", "user", "assistant", "tool"}


@dataclass(frozen=True)
class ChatRequest:
    """Everything a provider needs for one call, already checked."""

    messages: list
    tools: list | None = None
    response_schema: dict | None = None
    max_tokens: int = 256
    temperature: float = 0.0
    seed: int | None = 0
    extra: dict = field(default_factory=dict)


class Model:
    """Base class. Subclasses set model_id and implement _execute(request)."""

    model_id: str = "model"
    provider: str = "base"
    context_window: int | None = None

    def chat(
        self,
        messages: list[dict],
        *,
        tools: list[dict] | None = None,
        response_schema: dict | None = None,
        max_tokens: int = 256,
        temperature: float = 0.0,
        seed: int | None = 0,
    ) -> Response:
        """Send a conversation; return a Response with latency and cost filled in.

        tools: OpenAI-style function tools,
            [{"type": "function", "function": {"name", "description", "parameters"}}]
        response_schema: a JSON Schema the reply text must satisfy.
        """
        request = ChatRequest(
            messages=_checked_messages(messages),
            tools=_checked_tools(tools),
            response_schema=response_schema,
            max_tokens=_checked_max_tokens(max_tokens),
            temperature=float(temperature),
            seed=seed,
        )
        started = time.perf_counter()
        response = self._execute(request)
        if not response.latency_s:
            response.latency_s = time.perf_counter() - started
        if not response.model:
            response.model = self.model_id
        if response.cost_usd is None:
            response.cost_usd = _price(response)
        return response

    def _execute(self, request: ChatRequest) -> Response:
        raise NotImplementedError(f"{type(self).__name__} must implement _execute(request)")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.provider}:{self.model_id}>"


def _checked_messages(messages) -> list[dict]:
    if not isinstance(messages, list) or not messages:
        raise ValueError(
            "messages must be a non-empty list of dicts such as "
            '[{"role": "user", "content": "Hello"}]'
        )
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") not in _ROLES:
            raise ValueError(
                f"messages[{index}] must be a dict with a role in {sorted(_ROLES)}; "
                f"got {message!r}"
            )
        content = message.get("content")
        if content is not None and not isinstance(content, str):
            raise ValueError(
                f"messages[{index}]['content'] must be a string (or None on an "
                f"assistant turn that only calls tools); got {type(content).__name__}"
            )
        if message["role"] == "tool" and not message.get("tool_call_id"):
            raise ValueError(
                f"messages[{index}] is a tool result without 'tool_call_id': "
                "every tool result must name the call it answers"
            )
    return [dict(message) for message in messages]


def _checked_tools(tools) -> list | None:
    if not tools:
        return None
    for index, tool in enumerate(tools):
        function = tool.get("function") if isinstance(tool, dict) else None
        if tool.get("type") != "function" or not isinstance(function, dict) or not function.get("name"):
            raise ValueError(
                f"tools[{index}] must look like "
                '{"type": "function", "function": {"name": ..., "parameters": {...}}}'
            )
    return list(tools)


def _checked_max_tokens(max_tokens) -> int:
    if not isinstance(max_tokens, int) or max_tokens < 1:
        raise ValueError(f"max_tokens must be a positive int; got {max_tokens!r}")
    return max_tokens


def _price(response: Response) -> float | None:
    catalog = load_catalog()
    if response.model not in catalog:
        return None
    info = catalog[response.model]
    usage = response.usage
    fresh_input = usage.input_tokens - usage.cached_input_tokens
    dollars = (
        fresh_input * info.input
        + usage.cached_input_tokens * info.cached_input
        + usage.output_tokens * info.output
    )
    return dollars / 1_000_000
