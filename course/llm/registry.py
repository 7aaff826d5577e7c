"""get_model(spec) picks a model; the one place a spec (and $COURSE_MODEL) is read.

    model = get_model()              # override_model()'s, else $COURSE_MODEL, else "local"
    reply = model.chat([{"role": "user", "content": "Hi"}], max_tokens=20)

Specs:
    local                              SmolLM2-135M-Instruct through llama.cpp
    echo                               a fake that repeats the last user message
    anthropic:<model id>               Anthropic's SDK (needs ANTHROPIC_API_KEY)
    openai:<model id>                  OpenAI's SDK (needs OPENAI_API_KEY)
    openai-compatible:<base url>[#<model>]  llama.cpp server, vLLM, Ollama, ...

The built-in providers are a plain table of "module:factory" names, imported
only when their prefix is asked for: registering a provider can neither hide
nor remove them, and `import course` loads no SDK.
Does not retry and does not stream: see lesson 10.
"""

from __future__ import annotations

import contextlib
import contextvars
import importlib
import os
from typing import Callable, NamedTuple

from ..errors import UnknownModelError
from .base import Model

DEFAULT_SPEC = "local"


class Spec(NamedTuple):
    """A spec split at its first colon. parse_spec("openai:gpt-4o") -> Spec("openai", "gpt-4o")"""

    prefix: str
    rest: str


def parse_spec(spec: str) -> Spec:
    """'<prefix>[:<rest>]' -> Spec. parse_spec("local") -> Spec("local", "")"""
    prefix, _, rest = spec.partition(":")
    return Spec(prefix, rest)


def default_spec() -> str:
    """The spec get_model() uses when nothing overrides it: $COURSE_MODEL, else "local"."""
    return os.environ.get("COURSE_MODEL", "").strip() or DEFAULT_SPEC


# prefix -> ("module:factory", how the rest becomes the factory's arguments):
#   "none"       factory()                       the rest, if any, is ignored
#   "rest"       factory(rest)                   the rest is required
#   "url#model"  factory(base_url, model|None)   the rest is required
_BUILTIN: dict[str, tuple[str, str]] = {
    "local": ("course.llm.local:get_local_model", "none"),
    "echo": ("course.llm.fakes:EchoModel", "none"),
    "anthropic": ("course.llm.anthropic:AnthropicModel", "rest"),
    "openai": ("course.llm.openai:OpenAIModel", "rest"),
    "openai-compatible": ("course.llm.openai:OpenAICompatibleModel", "url#model"),
}
_REGISTERED: dict[str, tuple[Callable[[str], Model], bool]] = {}  # prefix -> (factory, needs_rest)
_OVERRIDE = contextvars.ContextVar("course_model_override", default=None)


def register_provider(prefix: str, factory: Callable[[str], Model], *, needs_rest: bool = True) -> None:
    """Make get_model("<prefix>:<rest>") call factory("<rest>"); with needs_rest=False,
    get_model("<prefix>") works too. A registered prefix takes precedence over a built-in one."""
    _REGISTERED[prefix] = (factory, needs_rest)


def _builtin(prefix: str, rest: str) -> Model | None:
    """The built-in model for prefix, or None if the prefix is not built in or lacks its rest."""
    if prefix not in _BUILTIN:
        return None
    target, arguments = _BUILTIN[prefix]
    if arguments != "none" and not rest:
        return None
    module, _, name = target.partition(":")
    factory = getattr(importlib.import_module(module), name)
    if arguments == "none":
        return factory()
    if arguments == "url#model":
        base_url, _, model_name = rest.partition("#")
        return factory(base_url, model_name or None)
    return factory(rest)


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
        spec = default_spec()
    prefix, rest = parse_spec(spec)
    if prefix in _REGISTERED:
        factory, needs_rest = _REGISTERED[prefix]
        if rest or not needs_rest:
            return factory(rest)
    else:
        model = _builtin(prefix, rest)
        if model is not None:
            return model
    raise UnknownModelError(
        f"Unknown model spec {spec!r}. Use one of: 'local', 'echo', "
        "'anthropic:<model id>', 'openai:<model id>', "
        "'openai-compatible:<base url>[#<model>]' "
        f"(for example 'openai-compatible:http://127.0.0.1:8080/v1'){_registered_forms()}. "
        "Set it with COURSE_MODEL or pass it to get_model()."
    )


def _registered_forms() -> str:
    """", 'mine:<...>'" for each registered prefix that is not a built-in one."""
    return "".join(f", '{name}:<...>'" for name in sorted(set(_REGISTERED) - set(_BUILTIN)))


def default_model() -> tuple[str, Model]:
    """What get_model() returns now, and where that choice came from (for the doctor).

    default_model() -> ("COURSE_MODEL=echo", <EchoModel fake:echo>)
    Inside override_model(fake): ("override_model", fake).
    """
    overridden = _OVERRIDE.get()
    if overridden is not None:
        return "override_model", overridden
    spec = default_spec()
    return f"COURSE_MODEL={spec}", get_model(spec)


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
