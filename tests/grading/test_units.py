"""Fast checks of the grading pieces: the static tamper scan, the sandbox's refusal and flags."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from traitlets.config import Config

from course.grading.kernel import SandboxKernelManager
from course.grading.sandbox import REPO_ROOT, SandboxUnavailable, sandbox_command, Sandbox
from course.grading.tamper import scan_source
from course.grading.feedback import HideHiddenTests

SOLUTION = '''
def make_messages(question, system=None):
    if not isinstance(question, str) or not question.strip():
        raise ValueError("question must be a non-empty string")
    messages = []
    if system is not None:
        messages.append({"role": "system", "content": system})
    messages.append({"role": "user", "content": question})
    return messages
'''


def test_clean_code_is_not_suspicious():
    assert scan_source(SOLUTION) == []
    assert scan_source("%load_ext course.notebook\nfrom course import get_model\nx = get_model()") == []
    assert scan_source("try:\n    f()\nexcept AssertionError as e:\n    print(e)") == []


@pytest.mark.parametrize("code, reason", [
    ("import builtins\nbuiltins.AssertionError = Exception", "assigns to builtins.AssertionError"),
    ("AssertionError = Exception", "rebinds the name AssertionError"),
    ("import sys\nsys.settrace(lambda *a: None)", "sys.settrace"),
    ("get_ipython().showtraceback = print", "assigns to get_ipython().showtraceback"),
    ("get_ipython().set_custom_exc((AssertionError,), h)", "registers IPython hooks"),
    ("import os\nos._exit(0)", "os._exit"),
    ("import ctypes", "ctypes"),
    ("setattr(builtins, 'print', f)", "calls setattr on builtins"),
    ("import numpy as np\nnp.testing.assert_allclose = f", "assigns to np.testing.assert_allclose"),
])
def test_tampering_patterns_are_found(code, reason):
    found = scan_source(code)
    assert any(reason in r for r in found), found


def _start(config: Config, env: dict):
    async def go():
        km = SandboxKernelManager(kernel_name="python3", config=config)
        old = dict(os.environ)
        os.environ.update(env)
        try:
            await km.start_kernel(cwd=os.getcwd())
            await km.shutdown_kernel(now=True)
            return km
        finally:
            os.environ.clear()
            os.environ.update(old)
    return asyncio.run(go())


def test_grading_refuses_without_bubblewrap(monkeypatch):
    monkeypatch.delenv("COURSE_UNSAFE_GRADING", raising=False)
    config = Config()
    config.Sandbox.bwrap = "no-such-bwrap-here"
    with pytest.raises(SandboxUnavailable, match="COURSE_UNSAFE_GRADING=1"):
        _start(config, {})


def test_validate_without_bubblewrap_runs_unsandboxed_but_autograde_refuses(monkeypatch):
    """A learner's Validate button works where bubblewrap cannot (macOS, Binder); grading never does."""
    monkeypatch.delenv("COURSE_UNSAFE_GRADING", raising=False)
    config = Config()
    config.Sandbox.bwrap = "no-such-bwrap-here"
    km = _start(config, {"NBGRADER_EXECUTION": "validate"})
    assert km.sandboxed is False
    with pytest.raises(SandboxUnavailable, match="COURSE_UNSAFE_GRADING=1"):
        _start(config, {"NBGRADER_EXECUTION": "autograde"})


def test_unsafe_flag_runs_without_sandbox(monkeypatch):
    config = Config()
    config.Sandbox.bwrap = "no-such-bwrap-here"
    km = _start(config, {"COURSE_UNSAFE_GRADING": "1"})
    assert km.sandboxed is False


def test_sandbox_command_hides_course_and_binds_working_copy(tmp_path):
    config = Config()
    config.CourseDirectory.root = str(tmp_path)
    work = tmp_path / "autograded" / "s" / "a"
    work.mkdir(parents=True)
    (work / "a.ipynb").write_text("{}")
    cmd = sandbox_command(["python", "-m", "ipykernel_launcher"], settings=Sandbox(config=config), config=config,
                          cwd=str(work), ipc_dir="/tmp/ipc", cgroups=[])
    joined = " ".join(cmd)
    assert "--unshare-net" in cmd and "--die-with-parent" in cmd
    assert f"--bind {work} {work}" in joined
    assert f"--ro-bind /dev/null {work / 'a.ipynb'}" in joined
    assert "--tmpfs /tmp" in joined  # the scratch course lives under /tmp: hidden with it
    # An allow-list: the root filesystem is never bound whole, so other checkouts and homes are absent.
    assert "--ro-bind / /" not in joined
    bound = {cmd[i + 1] for i, arg in enumerate(cmd) if arg in ("--ro-bind", "--bind")}
    assert str(Path.home()) not in bound and str(REPO_ROOT) not in bound


def test_sandboxed_interrupt_uses_control_channel_but_not_during_shutdown():
    """jupyter_client interrupts right before shutdown_request; that race left kernels
    lingering until SIGTERM, so the manager must skip it while shutting down."""
    km = SandboxKernelManager(config=Config())
    sent = []
    km.sandboxed = True
    km.session.send = lambda socket, msg: sent.append(msg["header"]["msg_type"])
    km._connect_control_socket = lambda: None
    asyncio.run(km._async_interrupt_kernel())
    assert sent == ["interrupt_request"]
    km.shutting_down = True
    asyncio.run(km._async_interrupt_kernel())
    assert sent == ["interrupt_request"], "no interrupt may race the shutdown request"


def test_feedback_placeholder_keeps_visible_tests():
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    cell = new_code_cell('assert f(1) == 1, "visible"\n### BEGIN HIDDEN TESTS\nassert f(2) == 4, "secret"\n### END HIDDEN TESTS\n')
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": "t", "points": 1, "solution": False, "locked": True}
    cell.outputs = [new_output("error", ename="AssertionError", evalue="secret",
                               traceback=["----> 3 assert f(2) == 4, \"secret\""])]
    nb, _ = HideHiddenTests().preprocess(new_notebook(cells=[cell]), {})
    out = nb.cells[0]
    assert "f(2) == 4" not in out.source and "visible" in out.source and "hidden tests" in out.source
    assert out.outputs[0].traceback == ["AssertionError: secret"]
