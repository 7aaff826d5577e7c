"""Class-scale serving: one OpenAI-compatible model server, the RAG and agent lessons against it.

Starts llama-cpp-python's server on loopback with the course's own SmolLM2 file
(the context size of course/llm/local.py, its thread count), then executes
source/04_rag and source/05_agent_loops with nbclient, with

    COURSE_MODEL=openai-compatible:http://127.0.0.1:<port>/v1#smollm2-135m-instruct

in the kernel's environment: the setting a JupyterHub gives every learner (README,
"Class-scale: one model server").

It cannot pass on the in-process model: in the kernel COURSE_LOCAL_MODEL_PATH
points at a file that does not exist, so any use of the local GGUF fails the
notebook, and the server's access log must show each notebook's chat requests.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from course.llm.local import MODEL_ID, N_CTX, default_threads, model_file
from nbcourse import ROOT

pytestmark = pytest.mark.slow

CHAT = re.compile(r'"POST /v1/chat/completions HTTP/1\.1" (\d{3})')
# notebook -> the fewest chat requests its demos make (04: a closed- and an open-book
# question, three grounded answers, abstention; 05: one tool-call demo, an agent run)
NOTEBOOKS = {"04_rag": 5, "05_agent_loops": 2}


def server_command(port: int) -> list[str]:
    """The command in the README, on loopback. SmolLM2 speaks ChatML; the
    chatml-function-calling format lets it see and call the lessons' tools."""
    return [sys.executable, "-m", "llama_cpp.server", "--model", str(model_file()),
            "--model_alias", MODEL_ID, "--host", "127.0.0.1", "--port", str(port),
            "--n_ctx", str(N_CTX), "--n_threads", str(default_threads()),
            "--chat_format", "chatml-function-calling", "--verbose", "False"]


class ModelServer:
    def __init__(self, log: Path):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self, timeout_s: float = 120) -> "ModelServer":
        env = dict(os.environ, OMP_WAIT_POLICY="PASSIVE")  # as course/llm/local.py, for a busy CPU
        with open(self.log, "w") as out:
            self.process = subprocess.Popen(server_command(self.port), stdout=out, stderr=subprocess.STDOUT,
                                            env=env, start_new_session=True)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the model server exited with {self.process.returncode}:\n{self.tail()}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/models", timeout=2) as response:
                    models = [m["id"] for m in json.load(response)["data"]]
                assert models == [MODEL_ID], f"the server offers {models}, expected [{MODEL_ID!r}]"
                return self
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"the model server did not answer within {timeout_s:.0f} s:\n{self.tail()}")

    def chat_statuses(self) -> list[str]:
        """HTTP status of every chat request so far, from the server's access log."""
        return CHAT.findall(self.log.read_text(errors="replace"))

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 10)):
            try:
                os.killpg(self.process.pid, sig)
                self.process.wait(timeout=wait)
                return
            except (ProcessLookupError, subprocess.TimeoutExpired):
                continue


@pytest.fixture(scope="module")
def model_server(tmp_path_factory):
    server = ModelServer(tmp_path_factory.mktemp("model-server") / "server.log").start()
    yield server
    server.stop()


@pytest.mark.parametrize("assignment", sorted(NOTEBOOKS))
def test_lesson_runs_against_one_shared_model_server(assignment, model_server, monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_MODEL", f"openai-compatible:{model_server.base_url}#{MODEL_ID}")
    monkeypatch.setenv("COURSE_LOCAL_MODEL_PATH", str(tmp_path / "no-local-model-in-this-test.gguf"))
    path = ROOT / "source" / assignment / f"{assignment}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    before = len(model_server.chat_statuses())
    started = time.perf_counter()
    try:
        NotebookClient(notebook, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    except CellExecutionError as error:
        pytest.fail(f"{assignment} failed against the model server (the in-process model is out of reach "
                    f"here, so a cell that loads it fails too):\n{str(error)[-3000:]}\n"
                    f"server log:\n{model_server.tail()}")
    statuses = model_server.chat_statuses()[before:]
    print(f"{assignment}: {len(statuses)} chat requests to the server in {time.perf_counter() - started:.0f} s")
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    assert statuses.count("200") >= NOTEBOOKS[assignment], (
        f"{assignment}'s demos made {len(statuses)} chat requests to the server, expected at least "
        f"{NOTEBOOKS[assignment]}: do they call get_model() (which honours COURSE_MODEL)?")
    assert set(statuses) == {"200"}, f"the server refused some requests: {statuses}\n{model_server.tail()}"
