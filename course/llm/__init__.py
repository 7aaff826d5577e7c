"""The model layer: one Model interface, its providers, fakes and guards.

    from course.llm.registry import get_model
    get_model("echo").chat([{"role": "user", "content": "hi"}]).text   # -> "hi"

    base        Model, ChatRequest: the request checks and pricing
    registry    get_model, register_provider, override_model, parse_spec
    openai      OpenAIModel, OpenAICompatibleModel      anthropic   AnthropicModel
    local       LocalModel (SmolLM2 on llama.cpp)       sdk         what hosted providers share
    fakes       ScriptedModel, FunctionModel, EchoModel, FakeEmbedder, fake_tokens
    faults      FaultyModel, FakeClock (lesson 10)      guards      no remote calls under tests
    responses   Response, ToolCall, Usage

Imports point one way: providers import base; the registry imports providers
only through its table, when a spec asks for one; base imports neither.
Does not import anything itself: `import course.llm` stays free.
"""
