"""OpenAI, and any server that speaks its API: openai:<model id>, openai-compatible:<base url>[#<model>].

    model = OpenAIModel("gpt-4o-mini")                                    # needs OPENAI_API_KEY
    model = OpenAICompatibleModel("http://127.0.0.1:8080/v1", "smollm2")  # llama.cpp server, vLLM, Ollama
    model.chat([{"role": "user", "content": "Hi"}], max_tokens=20).text

Both go through the official openai SDK (the optional extra `providers`) with its
retries off; course.llm.sdk says how to test them without a network.

Does not stream. Does not retry. Does not send images.
"""

from __future__ import annotations

import ipaddress
import os
from urllib.parse import urlparse

from ..errors import CourseError
from .base import ChatRequest, Model
from .guards import check_remote_call
from .responses import Response, ToolCall, Usage
from .sdk import DEFAULT_TIMEOUT_S, import_sdk, read_api_key, translate_errors


def _is_loopback(base_url: str) -> bool:
    host = urlparse(base_url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class OpenAIModel(Model):
    """openai:<model id>, through the official openai SDK."""

    provider = "openai"
    key_variable = "OPENAI_API_KEY"

    def __init__(self, model_id: str, *, base_url: str | None = None, api_key: str | None = None,
                 http_client=None, timeout_s: float = DEFAULT_TIMEOUT_S):
        self.model_id = model_id
        self.base_url = base_url
        openai = import_sdk("openai")
        key = api_key or read_api_key(self.key_variable, "OpenAI")
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
        return translate_errors(self._errors, self.base_url or "api.openai.com", self.provider)


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
