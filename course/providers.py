"""Real providers: Anthropic, OpenAI, and any OpenAI-compatible server.

Each uses the provider's official SDK (the optional extra `providers`), with
the SDK's own retries turned off: retrying is a policy the course teaches
(lesson 10), not something to hide. Both SDKs speak HTTP through httpx2
(pydantic's fork of httpx, same API): pass http_client=httpx2.Client(
transport=httpx2.MockTransport(handler)) to test without a network.

Does not stream. Does not retry. Does not send images.
"""

from __future__ import annotations

import ipaddress
import json
import os
from urllib.parse import urlparse

from .errors import (
    CourseError,
    MissingAPIKeyError,
    ProviderTimeoutError,
    ProviderUnavailableError,
    RateLimitError,
)
from .guards import check_remote_call
from .models import ChatRequest, Model
from .responses import Response, ToolCall, Usage

INSTALL_HINT = "Install the provider SDKs with: .venv/bin/pip install -e '.[providers]'"
DEFAULT_TIMEOUT_S = 60.0


def _import_sdk(name: str):
    try:
        return __import__(name)
    except ImportError:
        raise CourseError(f"The {name!r} package is not installed. {INSTALL_HINT}") from None


def _api_key(variable: str, provider: str) -> str:
    key = os.environ.get(variable, "").strip()
    if not key:
        raise MissingAPIKeyError(
            f"{provider} needs an API key: set the environment variable {variable} "
            f"(for example `export {variable}=...` before starting Jupyter), or use "
            "the offline default COURSE_MODEL=local."
        )
    return key


def _is_loopback(base_url: str) -> bool:
    host = urlparse(base_url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# --- OpenAI and OpenAI-compatible ---------------------------------------------


class OpenAIModel(Model):
    """openai:<model id>, through the official openai SDK."""

    provider = "openai"
    key_variable = "OPENAI_API_KEY"

    def __init__(self, model_id: str, *, base_url: str | None = None, api_key: str | None = None,
                 http_client=None, timeout_s: float = DEFAULT_TIMEOUT_S):
        self.model_id = model_id
        self.base_url = base_url
        openai = _import_sdk("openai")
        key = api_key or _api_key(self.key_variable, "OpenAI")
        self._errors = openai
        self._client = openai.OpenAI(
            api_key=key, base_url=base_url, http_client=http_client,
            max_retries=0, timeout=timeout_s,
        )

    def _guard(self) -> None:
        check_remote_call(f"{self.provider}:{self.model_id}")

    def _token_limit_argument(self, max_tokens: int) -> dict:
        return {"max_completion_tokens": max_tokens}

    def _execute(self, request: ChatRequest) -> Response:
        self._guard()
        arguments = dict(
            model=self.model_id,
            messages=request.messages,
            temperature=request.temperature,
            **self._token_limit_argument(request.max_tokens),
        )
        if request.seed is not None:
            arguments["seed"] = request.seed
        if request.tools:
            arguments["tools"] = request.tools
        if request.response_schema is not None:
            arguments["response_format"] = self._response_format(request.response_schema)
        completion = self._create(arguments)
        choice = completion.choices[0]
        calls = [
            ToolCall(call.id, call.function.name, call.function.arguments or "{}")
            for call in (choice.message.tool_calls or [])
        ]
        usage = completion.usage
        cached = 0
        details = getattr(usage, "prompt_tokens_details", None) if usage else None
        if details is not None and getattr(details, "cached_tokens", None):
            cached = details.cached_tokens
        return Response(
            text=choice.message.content or "",
            tool_calls=calls,
            usage=Usage(
                input_tokens=usage.prompt_tokens if usage else 0,
                output_tokens=usage.completion_tokens if usage else 0,
                cached_input_tokens=cached,
            ),
            model=self.model_id,
            finish_reason=choice.finish_reason or "stop",
            raw=completion,
        )

    def _response_format(self, schema: dict) -> dict:
        return {"type": "json_schema", "json_schema": {"name": "response", "schema": schema}}

    def _create(self, arguments: dict):
        with self._translated_errors():
            return self._client.chat.completions.create(**arguments)

    def _translated_errors(self):
        return _translate_errors(self._errors, self.base_url or "api.openai.com", self.provider)


class OpenAICompatibleModel(OpenAIModel):
    """openai-compatible:<base url>[#<model>]: llama.cpp server, vLLM, Ollama, ...

    The key comes from OPENAI_COMPATIBLE_API_KEY and may be absent: local
    servers usually ignore it. A server on loopback is not a remote provider,
    so the test-time guard lets it through.
    """

    provider = "openai-compatible"

    def __init__(self, base_url: str, model_name: str | None = None, *, http_client=None,
                 timeout_s: float = DEFAULT_TIMEOUT_S):
        if not base_url.startswith(("http://", "https://")):
            raise CourseError(
                f"openai-compatible needs an http(s) base URL, such as "
                f"'openai-compatible:http://127.0.0.1:8080/v1'; got {base_url!r}"
            )
        key = os.environ.get("OPENAI_COMPATIBLE_API_KEY", "").strip() or "not-needed"
        super().__init__(model_name or "default", base_url=base_url, api_key=key,
                         http_client=http_client, timeout_s=timeout_s)

    def _guard(self) -> None:
        if not _is_loopback(self.base_url):
            check_remote_call(f"the server at {self.base_url}")

    def _token_limit_argument(self, max_tokens: int) -> dict:
        return {"max_tokens": max_tokens}  # what llama.cpp, vLLM and Ollama accept

    # Servers disagree on structured output: vLLM and Ollama take OpenAI's
    # {"type": "json_schema"}; llama-cpp-python's server rejects it and takes
    # {"type": "json_object", "schema": ...}. Try the standard form once, then
    # remember what this server accepts.
    _schema_style = "json_schema"

    def _response_format(self, schema: dict) -> dict:
        if self._schema_style == "json_object":
            return {"type": "json_object", "schema": schema}
        return super()._response_format(schema)

    def _create(self, arguments: dict):
        format_ = arguments.get("response_format", {})
        if format_.get("type") != "json_schema":
            return super()._create(arguments)
        try:
            return self._client.chat.completions.create(**arguments)
        except Exception as error:
            rejected = (isinstance(error, self._errors.APIStatusError) and error.status_code in (400, 422, 500)
                        and "json_schema" in str(error))
            if not rejected:
                with self._translated_errors():
                    raise
        self._schema_style = "json_object"
        arguments = {**arguments, "response_format": self._response_format(format_["json_schema"]["schema"])}
        return super()._create(arguments)


# --- Anthropic ------------------------------------------------------------------


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
        anthropic = _import_sdk("anthropic")
        key = api_key or _api_key(self.key_variable, "Anthropic")
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
        with _translate_errors(self._errors, "api.anthropic.com", self.provider):
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


class _translate_errors:
    """Turn an SDK's exceptions into the course's, with a message that says what to do."""

    def __init__(self, sdk, where: str, provider: str):
        self.sdk, self.where, self.provider = sdk, where, provider

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if error is None:
            return False
        sdk = self.sdk
        if isinstance(error, sdk.APITimeoutError):
            raise ProviderTimeoutError(
                f"{self.provider} did not answer in time ({self.where}). Try again, "
                "raise the timeout, or send a shorter prompt."
            ) from error
        if isinstance(error, sdk.APIConnectionError):
            raise ProviderUnavailableError(
                f"Cannot reach {self.provider} at {self.where}: {error}. Check that the "
                "server is running and the URL is right, or switch back with COURSE_MODEL=local."
            ) from error
        if isinstance(error, sdk.RateLimitError):
            raise RateLimitError(
                f"{self.provider} answered 429 (rate limited). Wait and retry with backoff."
            ) from error
        if isinstance(error, sdk.AuthenticationError):
            raise MissingAPIKeyError(
                f"{self.provider} rejected the API key (401). Check the key in your "
                "environment; it may be mistyped, revoked or for another organisation."
            ) from error
        if isinstance(error, sdk.APIStatusError) and error.status_code >= 500:
            raise ProviderUnavailableError(
                f"{self.provider} answered {error.status_code} (a server error). "
                "It is usually temporary: retry with backoff or fall back to another model."
            ) from error
        return False
