"""What a chat call returns: text, tool calls, usage, latency, model id and cost.

Messages are plain dicts in the OpenAI chat shape, because that is the shape
most providers and servers accept:

    {"role": "system" | "user" | "assistant" | "tool", "content": str}
    assistant turns may carry "tool_calls"; tool turns carry "tool_call_id".

Does not stream. Does not hold provider-specific extras beyond `raw`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ToolCall:
    """One tool call requested by the model.

    `arguments` is the JSON text exactly as the model wrote it, which may be
    malformed: parsing and validating it is the caller's job.
    ToolCall("call_1", "add", '{"a": 1, "b": 2}')
    """

    id: str
    name: str
    arguments: str

    def to_dict(self) -> dict:
        """OpenAI message shape: {"id", "type": "function", "function": {...}}."""
        return {
            "id": self.id,
            "type": "function",
            "function": {"name": self.name, "arguments": self.arguments},
        }


@dataclass(frozen=True)
class Usage:
    """Token counts for one call. Cached input tokens are part of input_tokens."""

    input_tokens: int = 0
    output_tokens: int = 0
    cached_input_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens


@dataclass
class Response:
    """One model reply.

    text is "" when the model only called tools. cost_usd is None when the
    model has no price in the catalog (scripted fakes, unknown servers).
    finish_reason uses OpenAI's words for every provider: "stop", "length" (cut
    off at max_tokens), "tool_calls" (Anthropic's end_turn, max_tokens and
    tool_use are translated).
    """

    text: str
    tool_calls: list[ToolCall] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    latency_s: float = 0.0
    model: str = ""
    cost_usd: float | None = None
    finish_reason: str = "stop"
    raw: Any = field(default=None, repr=False, compare=False)

    def to_message(self) -> dict:
        """The assistant message to append to the conversation history."""
        message: dict = {"role": "assistant", "content": self.text}
        if self.tool_calls:
            message["tool_calls"] = [call.to_dict() for call in self.tool_calls]
        return message

    def json(self) -> Any:
        """Parse text as JSON; raises json.JSONDecodeError on malformed output."""
        return json.loads(self.text)
