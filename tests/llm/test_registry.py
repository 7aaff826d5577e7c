"""get_model specs, the override context, provider registration, and what the doctor is told."""

import pytest

from course import (
    EchoModel,
    LocalModel,
    ScriptedModel,
    UnknownModelError,
    get_model,
    override_model,
    register_provider,
)
from course.llm.base import Model
from course.llm.registry import Spec, default_model, default_spec, parse_spec
from course.llm.responses import Response

HI = [{"role": "user", "content": "hi"}]


def test_default_spec_is_the_local_model(monkeypatch):
    monkeypatch.delenv("COURSE_MODEL", raising=False)
    assert isinstance(get_model(), LocalModel)


def test_course_model_variable_sets_the_default(monkeypatch):
    monkeypatch.setenv("COURSE_MODEL", "echo")
    assert isinstance(get_model(), EchoModel)


@pytest.mark.parametrize("spec", ["nonsense", "gpt-4o", "anthropic", "anthropic:", "openai-compatible:", "loca"])
def test_unknown_spec_names_the_valid_forms(spec):
    with pytest.raises(UnknownModelError) as caught:
        get_model(spec)
    message = str(caught.value)
    assert repr(spec) in message and "openai-compatible:<base url>" in message and "COURSE_MODEL" in message


def test_a_model_instance_passes_through():
    fake = ScriptedModel(["x"])
    assert get_model(fake) is fake


def test_override_swaps_the_default_inside_the_block_only(monkeypatch):
    monkeypatch.setenv("COURSE_MODEL", "echo")
    fake = ScriptedModel(["from the fake"])

    def code_under_test():
        return get_model().chat(HI).text

    with override_model(fake):
        assert code_under_test() == "from the fake"
        assert get_model("echo") is not fake  # an explicit spec still wins
    assert isinstance(get_model(), EchoModel)


def test_overrides_nest():
    outer, inner = ScriptedModel(["o"]), ScriptedModel(["i"])
    with override_model(outer):
        with override_model(inner):
            assert get_model() is inner
        assert get_model() is outer


def test_register_provider_adds_a_prefix():
    class Constant(Model):
        provider = "constant"

        def __init__(self, text):
            self.model_id, self.text = "constant", text

        def _execute(self, request):
            return Response(text=self.text)

    register_provider("constant", Constant)
    assert get_model("constant:hello").chat(HI).text == "hello"
    with pytest.raises(UnknownModelError, match="'constant:<...>'"):  # the error lists it
        get_model("nonsense:x")


def test_registering_a_provider_first_keeps_the_builtin_ones():
    """In a fresh interpreter (the order of registrations decides): a provider registered
    before any get_model call must not hide "echo" or "local" (a bug: it did)."""
    import subprocess
    import sys

    code = ("from course.llm.registry import get_model, register_provider\n"
            "register_provider('mine', lambda rest: get_model('echo'))\n"
            "print(type(get_model('echo')).__name__, type(get_model('mine:x')).__name__)\n"
            "register_provider('bare', lambda rest: get_model('echo'), needs_rest=False)\n"
            "print(type(get_model('bare')).__name__)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["EchoModel", "EchoModel", "EchoModel"], done.stdout


def test_old_module_path_still_registers_in_the_same_registry():
    """course.models re-exports the registry (kept one release for notebooks)."""
    import course.models

    assert course.models.get_model is get_model and course.models.register_provider is register_provider


@pytest.mark.parametrize("spec, parsed", [
    ("local", Spec("local", "")),
    ("openai:gpt-4o-mini", Spec("openai", "gpt-4o-mini")),
    ("openai-compatible:http://127.0.0.1:8080/v1#smollm2", Spec("openai-compatible", "http://127.0.0.1:8080/v1#smollm2")),
    ("", Spec("", "")),
])
def test_parse_spec_splits_at_the_first_colon(spec, parsed):
    assert parse_spec(spec) == parsed


def test_default_spec_reads_the_variable_stripped(monkeypatch):
    monkeypatch.setenv("COURSE_MODEL", "  echo \n")
    assert default_spec() == "echo"
    monkeypatch.setenv("COURSE_MODEL", " ")
    assert default_spec() == "local"


def test_default_model_says_where_the_choice_came_from(monkeypatch):
    monkeypatch.setenv("COURSE_MODEL", "echo")
    where, model = default_model()
    assert where == "COURSE_MODEL=echo" and isinstance(model, EchoModel)
    fake = ScriptedModel(["x"])
    with override_model(fake):
        assert default_model() == ("override_model", fake)
