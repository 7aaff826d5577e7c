"""The public surface of `course` stays as intended, and importing it stays light."""

import subprocess
import sys

import course

EXPECTED = {
    "AnthropicModel", "ChatRequest", "ContextOverflowError", "CourseError", "EchoModel",
    "FakeEmbedder", "FunctionModel", "LocalModel", "MiniLMEmbedder", "MissingAPIKeyError",
    "Model", "ModelFileError", "NetworkRefusedError", "OpenAICompatibleModel", "OpenAIModel",
    "ProviderTimeoutError", "ProviderUnavailableError", "RateLimitError", "Response",
    "ScriptExhaustedError", "ScriptedModel", "ToolCall", "UnknownModelError", "Usage",
    "allow_remote_calls", "check_environment", "cl100k", "difference", "same", "get_embedder", "get_encoding",
    "get_local_model", "get_model", "load_catalog", "load_corpus", "load_questions",
    "local_tokenizer", "override_model", "register_provider", "token_pieces", "tool_call",
}


def test_public_names_are_exactly_the_intended_ones():
    assert set(course.__all__) == EXPECTED


def test_every_public_name_resolves():
    for name in course.__all__:
        assert getattr(course, name) is not None, name


def test_unknown_attribute_raises_attribute_error():
    try:
        course.does_not_exist
    except AttributeError as error:
        assert "does_not_exist" in str(error)
    else:
        raise AssertionError("expected AttributeError")


def test_import_course_loads_no_heavy_library():
    """Heavy libraries load on first use, so `import course` stays fast (make bench times it)."""
    heavy = ["llama_cpp", "onnxruntime", "tiktoken", "numpy", "pandas", "matplotlib", "ipywidgets",
             "openai", "anthropic", "httpx", "tokenizers", "bm25s"]
    code = f"import sys, course; print([m for m in {heavy!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", f"import course pulled in {out.strip()}"
