"""The course library: infrastructure the notebooks import, never an exercise's answer.

Names load lazily, so `import course` stays fast; heavy libraries (llama.cpp,
ONNX Runtime, tiktoken) load on first use. Where each name lives:

    llm.registry    get_model, override_model, register_provider
    llm.base        Model, ChatRequest
    llm.responses   Response, ToolCall, Usage
    llm.fakes       ScriptedModel, FunctionModel, EchoModel, FakeEmbedder, tool_call
    llm.local       LocalModel, get_local_model
    llm.openai      OpenAIModel, OpenAICompatibleModel
    llm.anthropic   AnthropicModel
    llm.guards      allow_remote_calls
    tokens          cl100k, get_encoding, local_tokenizer, token_pieces
    embeddings      MiniLMEmbedder, get_embedder
    catalog         load_catalog
    datasets        load_corpus, load_questions
    checks          same, difference (strict comparison for test cells);
                    agrees, grading_settings in course.checks
    doctor          check_environment
    errors          CourseError and its subclasses
"""

import importlib

__version__ = "0.1.0"

_EXPORTS = {
    "get_model": "llm.registry", "override_model": "llm.registry", "register_provider": "llm.registry",
    "Model": "llm.base", "ChatRequest": "llm.base",
    "Response": "llm.responses", "ToolCall": "llm.responses", "Usage": "llm.responses",
    "ScriptedModel": "llm.fakes", "FunctionModel": "llm.fakes", "EchoModel": "llm.fakes",
    "FakeEmbedder": "llm.fakes", "tool_call": "llm.fakes",
    "LocalModel": "llm.local", "get_local_model": "llm.local",
    "AnthropicModel": "llm.anthropic", "OpenAIModel": "llm.openai", "OpenAICompatibleModel": "llm.openai",
    "cl100k": "tokens", "get_encoding": "tokens", "local_tokenizer": "tokens", "token_pieces": "tokens",
    "MiniLMEmbedder": "embeddings", "get_embedder": "embeddings",
    "load_catalog": "catalog",
    "load_corpus": "datasets", "load_questions": "datasets",
    "allow_remote_calls": "llm.guards",
    "same": "checks", "difference": "checks",
    "check_environment": "doctor",
    "CourseError": "errors", "UnknownModelError": "errors", "MissingAPIKeyError": "errors",
    "ProviderUnavailableError": "errors", "RateLimitError": "errors",
    "ProviderTimeoutError": "errors", "NetworkRefusedError": "errors",
    "ModelFileError": "errors", "ContextOverflowError": "errors", "ScriptExhaustedError": "errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'course' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__():
    return sorted(list(globals()) + __all__)
