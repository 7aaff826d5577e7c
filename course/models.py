"""One model interface for every provider, and get_model(spec) to pick one.

    model = get_model()              # COURSE_MODEL, else "local"
    reply = model.chat([{"role": "user", "content": "Hi"}], max_tokens=20)
    reply.text, reply.tool_calls, reply.usage, reply.latency_s, reply.cost_usd

Specs:
    local                              SmolLM2-135M-Instruct through llama.cpp
    echo                               a fake that repeats the last user message
    anthropic:<model id>               Anthropic's SDK (needs ANTHROPIC_API_KEY)
    openai:<model id>                  OpenAI's SDK (needs OPENAI_API_KEY)
    openai-compatible:<base url>[#<model>]  llama.cpp server, vLLM, Ollama, ...

A provider is a Model subclass that implements one method, _execute(request).
Built-in providers register through the same register_provider() that any
other code can call. Does not retry and does not stream: see lesson 10.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import time
from dataclasses import dataclass, field
from typing import Callable

from .errors import UnknownModelError
from .responses import Response

DEFAULT_SPEC = "local"
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
    from .catalog import load_catalog

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


# --- the registry -------------------------------------------------------------

_OVERRIDE = contextvars.ContextVar("course_model_override", default=None)


def _local(rest: str) -> Model:
    from .local import get_local_model

    return get_local_model()


def _echo(rest: str) -> Model:
    from .fakes import EchoModel

    return EchoModel()


def _anthropic(rest: str) -> Model:
    from .providers import AnthropicModel

    return AnthropicModel(rest)


def _openai(rest: str) -> Model:
    from .providers import OpenAIModel

    return OpenAIModel(rest)


def _openai_compatible(rest: str) -> Model:
    from .providers import OpenAICompatibleModel

    base_url, _, model_name = rest.partition("#")
    return OpenAICompatibleModel(base_url, model_name or None)


# prefix -> (factory, whether the spec needs a part after the colon). The built-ins are a
# plain table, not registrations: registering a provider can neither hide nor remove them.
_BUILTIN: dict[str, tuple[Callable[[str], Model], bool]] = {
    "local": (_local, False),
    "echo": (_echo, False),
    "anthropic": (_anthropic, True),
    "openai": (_openai, True),
    "openai-compatible": (_openai_compatible, True),
}
_REGISTERED: dict[str, tuple[Callable[[str], Model], bool]] = {}


def register_provider(prefix: str, factory: Callable[[str], Model], *, needs_rest: bool = True) -> None:
    """Make get_model("<prefix>:<rest>") call factory("<rest>"); with needs_rest=False,
    get_model("<prefix>") works too. A registered prefix takes precedence over a built-in one."""
    _REGISTERED[prefix] = (factory, needs_rest)


def get_model(spec: str | Model | None = None) -> Model:
    """Resolve a spec to a Model.

    With no spec: the model set by override_model(), else $COURSE_MODEL, else "local".
    get_model("openai:gpt-4o-mini") -> <OpenAIModel openai:gpt-4o-mini>
    """
    if isinstance(spec, Model):
        return spec
    if spec is None:
        overridden = _OVERRIDE.get()
        if overridden is not None:
            return overridden
        spec = os.environ.get("COURSE_MODEL", "").strip() or DEFAULT_SPEC
    prefix, _, rest = spec.partition(":")
    factory, needs_rest = _REGISTERED.get(prefix) or _BUILTIN.get(prefix) or (None, True)
    if factory is None or (needs_rest and not rest):
        registered = "".join(f", '{name}:<...>'" for name in sorted(set(_REGISTERED) - set(_BUILTIN)))
        raise UnknownModelError(
            f"Unknown model spec {spec!r}. Use one of: 'local', 'echo', "
            "'anthropic:<model id>', 'openai:<model id>', "
            "'openai-compatible:<base url>[#<model>]' "
            f"(for example 'openai-compatible:http://127.0.0.1:8080/v1'){registered}. "
            "Set it with COURSE_MODEL or pass it to get_model()."
        )
    return factory(rest)


@contextlib.contextmanager
def override_model(model: Model | str):
    """Inside this block, get_model() with no spec returns `model`.

    with override_model(ScriptedModel(["hi"])):
        code_under_test()      # its get_model() calls get the fake
    """
    token = _OVERRIDE.set(get_model(model))
    try:
        yield _OVERRIDE.get()
    finally:
        _OVERRIDE.reset(token)
