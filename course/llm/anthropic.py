"""Anthropic: anthropic:<model id>, through the official anthropic SDK.

    model = AnthropicModel("claude-haiku-4-5")     # needs ANTHROPIC_API_KEY
    model.chat([{"role": "user", "content": "Hi"}], max_tokens=20).text

The conversation stays in OpenAI's shape everywhere else in the course; this
module translates it to Anthropic's (system text apart, tool results as
tool_result blocks) and the reply back (finish_reason in OpenAI's words).

Does not stream. Does not retry. Does not send images.
"""

from __future__ import annotations

import json

from .base import ChatRequest, Model
from .guards import check_remote_call
from .responses import Response, ToolCall, Usage
from .sdk import DEFAULT_TIMEOUT_S, import_sdk, read_api_key, translate_errors


class AnthropicModel(Model):
    """anthropic:<model id>, through the official anthropic SDK.

    A response_schema goes out as structured output (output_config.format).
    temperature and seed are not sent: the current Messages API (SDK 2.x)
    takes neither.
    """

    provider = "anthropic"
    key_variable = "ANTHROPIC_API_KEY"

    def __init__(self, model_id: str, *, api_key: str | None = None, http_client=None,
                 timeout_s: float = DEFAULT_TIMEOUT_S):
        self.model_id = model_id
        anthropic = import_sdk("anthropic")
        key = api_key or read_api_key(self.key_variable, "Anthropic")
        self._errors = anthropic
        self._client = anthropic.Anthropic(
            api_key=key, http_client=http_client, max_retries=0, timeout=timeout_s,
        )

    def _execute(self, request: ChatRequest) -> Response:
        check_remote_call(f"anthropic:{self.model_id}")
        system, messages = _to_anthropic_messages(request.messages)
        arguments = dict(
            model=self.model_id,
            max_tokens=request.max_tokens,
            messages=messages,
        )
        if system:
            arguments["system"] = system
        tools = [
            {
                "name": tool["function"]["name"],
                "description": tool["function"].get("description", ""),
                "input_schema": tool["function"].get("parameters", {"type": "object"}),
            }
            for tool in request.tools or []
        ]
        if request.response_schema is not None:
            arguments["output_config"] = {"format": {"type": "json_schema", "schema": request.response_schema}}
        if tools:
            arguments["tools"] = tools
        with translate_errors(self._errors, "api.anthropic.com", self.provider):
            message = self._client.messages.create(**arguments)
        texts, calls = [], []
        for block in message.content:
            if block.type == "text":
                texts.append(block.text)
            elif block.type == "tool_use":
                calls.append(ToolCall(block.id, block.name, json.dumps(block.input)))
        usage = message.usage
        cache_read = getattr(usage, "cache_read_input_tokens", None) or 0
        cache_write = getattr(usage, "cache_creation_input_tokens", None) or 0
        return Response(
            text="".join(texts),
            tool_calls=calls,
            usage=Usage(
                input_tokens=usage.input_tokens + cache_read + cache_write,
                output_tokens=usage.output_tokens,
                cached_input_tokens=cache_read,
            ),
            model=self.model_id,
            finish_reason="tool_calls" if calls else _ANTHROPIC_FINISH.get(message.stop_reason, message.stop_reason or "stop"),
            raw=message,
        )


# Response.finish_reason speaks OpenAI's words whatever the provider, so code that
# checks for a cut-off reply ("length") works on Claude too.
_ANTHROPIC_FINISH = {"end_turn": "stop", "stop_sequence": "stop", "max_tokens": "length", "tool_use": "tool_calls"}


def _to_anthropic_messages(messages: list[dict]) -> tuple[str, list[dict]]:
    """OpenAI-shaped history -> (system text, Anthropic messages).

    Tool results become tool_result blocks in a user turn; consecutive results
    share one turn, as Anthropic requires.
    """
    system_parts, converted = [], []
    for message in messages:
        role, content = message["role"], message.get("content") or ""
        if role == "system":
            system_parts.append(content)
        elif role == "tool":
            block = {"type": "tool_result", "tool_use_id": message["tool_call_id"], "content": content}
            if converted and converted[-1]["role"] == "user" and isinstance(converted[-1]["content"], list) \
                    and converted[-1]["content"] and converted[-1]["content"][0].get("type") == "tool_result":
                converted[-1]["content"].append(block)
            else:
                converted.append({"role": "user", "content": [block]})
        elif role == "assistant" and message.get("tool_calls"):
            blocks = [{"type": "text", "text": content}] if content else []
            for call in message["tool_calls"]:
                function = call["function"]
                try:
                    arguments = json.loads(function.get("arguments") or "{}")
                except json.JSONDecodeError:
                    arguments = {"_malformed_arguments": function.get("arguments")}
                blocks.append({"type": "tool_use", "id": call["id"], "name": function["name"],
                               "input": arguments})
            converted.append({"role": "assistant", "content": blocks})
        else:
            converted.append({"role": role, "content": content})
    return "\n\n".join(system_parts), converted
