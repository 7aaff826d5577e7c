"""Fast checks of the grading pieces: the static tamper scan, the sandbox's refusal and flags."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
from traitlets.config import Config

from course.grading.kernel import SandboxKernelManager
from course.grading.sandbox import REPO_ROOT, SandboxUnavailable, sandbox_command, Sandbox
from course.grading.inspect import scan_source
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


TAMPERING = [
    ("import builtins\nbuiltins.AssertionError = Exception", "assigns to builtins.AssertionError"),
    ("AssertionError = Exception", "rebinds the name AssertionError"),
    ("import sys\nsys.settrace(lambda *a: None)", "sys.settrace"),
    ("get_ipython().showtraceback = print", "assigns to get_ipython().showtraceback"),
    ("get_ipython().set_custom_exc((AssertionError,), h)", "registers IPython hooks"),
    ("import os\nos._exit(0)", "os._exit"),
    ("import ctypes", "ctypes"),
    ("setattr(builtins, 'print', f)", "calls setattr on builtins"),
    ("import numpy as np\nnp.testing.assert_allclose = f", "assigns to np.testing.assert_allclose"),
]


EQUALS_EVERYTHING = """
class X:
    def __eq__(self, other):
        return True
    def __bool__(self):
        return True
    __len__ = lambda self: 1
    def __getattr__(self, name):
        return X()
def ask(model, question, system=None):
    return X()
"""


# Answers that decide their own comparisons: an object whose __eq__ returns True passes
# every `assert result == expected`.
SELF_JUDGING = [
    (EQUALS_EVERYTHING, "defines __eq__ on class X"),
    (EQUALS_EVERYTHING, "defines __bool__ on class X"),
    (EQUALS_EVERYTHING, "defines __len__ on class X"),
    ("class Outer:\n    class Inner:\n        def __ne__(self, o): return False", "defines __ne__ on class Inner"),
    ("Y = type('Y', (), {'__eq__': lambda s, o: True})", "defines __eq__ on a class made with type()"),
    ("setattr(Y, '__eq__', lambda s, o: True)", "sets __eq__ with setattr"),
    ("m = MagicMock()\nm.__eq__ = lambda s, o: True", "assigns to m.__eq__"),
    ("from unittest.mock import ANY\ndef f(x):\n    return ANY", "imports ANY, which equals everything"),
    ("import unittest.mock as mock\ndef f(x):\n    return mock.ANY", "uses mock.ANY"),
]


@pytest.mark.parametrize("code, reason", TAMPERING + SELF_JUDGING)
def test_tampering_patterns_are_found(code, reason):
    found = scan_source(code)
    assert any(reason in r for r in found), found


def test_a_comparison_dunder_the_exercise_asks_for_is_allowed():
    code = "class Money:\n    def __eq__(self, other):\n        return self.cents == other.cents"
    assert scan_source(code, frozenset({"__eq__"})) == []
    assert scan_source(code) == ["defines __eq__ on class Money"]


def test_no_solution_of_the_course_is_flagged():
    import nbformat

    from nbcourse import ROOT, is_answer_cell, nbgrader_meta, solution_code

    for path in sorted((ROOT / "source").glob("*/*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if is_answer_cell(cell):
                assert scan_source(solution_code(cell.source)) == [], (path.name, nbgrader_meta(cell)["grade_id"])




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


@pytest.mark.slow  # two kernels
def test_graded_streams_are_merged_however_the_kernel_chunked_them(tmp_path):
    """A flush between a warning and its newline leaves the "\\n" as an output of its own;
    nbgrader counts any stderr left in a test cell as a failure, so unmerged it would cost
    the cell its points. Merged, the warning matches IgnorePattern whole and is dropped."""
    from nbformat.v4 import new_code_cell, new_notebook
    from nbgrader.preprocessors import IgnorePattern
    from nbgrader.utils import determine_grade

    from course.grading.execute import GuardedExecute
    from course.grading.config import load_config
    from nbcourse import ROOT

    # The explicit flushes do what a busy machine does now and then: split the messages.
    source = ('import sys\nprint("Paris.", flush=True)\nprint("Berlin.")\n'
              'sys.stderr.write("Warning: slow path"); sys.stderr.flush(); sys.stderr.write("\\n");\n')

    def grade(coalesce: bool):
        cell = new_code_cell(source)
        cell.metadata["nbgrader"] = {"grade": True, "grade_id": "t", "points": 1, "solution": False, "locked": True}
        config = load_config(ROOT)
        config.GuardedExecute.guard = False
        config.GuardedExecute.coalesce_streams = coalesce
        resources = {"metadata": {"path": str(tmp_path)}}
        nb, resources = GuardedExecute(config=config).preprocess(new_notebook(cells=[cell]), resources)
        outputs = [(o.output_type, o.get("name"), o.get("text")) for o in nb.cells[0].outputs]
        nb, _ = IgnorePattern(config=config).preprocess(nb, resources)
        return outputs, determine_grade(nb.cells[0], None)

    outputs, score = grade(coalesce=True)
    assert outputs == [("stream", "stdout", "Paris.\nBerlin.\n"), ("stream", "stderr", "Warning: slow path\n")]
    assert score == (1, 1)
    outputs, score = grade(coalesce=False)  # what nbgrader's own Execute records
    assert ("stream", "stderr", "\n") in outputs and score == (0, 1)


def test_notebook_comparison_ignores_chunking_but_not_content(tmp_path):
    """Two gradings of one submission compare equal however the kernel chunked its
    streams, and unequal when what was printed, raised or shown differs."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    from helpers import comparable

    def saved(name, outputs):
        cell = new_code_cell("print('Paris.'); print('Berlin.')", execution_count=3, outputs=outputs)
        cell.metadata["execution"] = {"iopub.status.busy": f"2026-12-05T01:0{len(name)}:00Z"}
        nbformat.write(new_notebook(cells=[cell]), tmp_path / f"{name}.ipynb")
        return comparable(tmp_path / f"{name}.ipynb")

    def out(name, text):
        return new_output("stream", name=name, text=text)

    whole = saved("whole", [out("stdout", "Paris.\nBerlin.\n"), out("stderr", "Warning: x\n")])
    assert saved("chunks", [out("stdout", "Paris."), out("stdout", "\nBerlin.\n"), out("stderr", "Warning: x\n")]) == whole
    assert saved("interleaved", [out("stdout", "Paris.\n"), out("stderr", "Warning: x\n"), out("stdout", "Berlin.\n")]) == whole
    assert saved("other_text", [out("stdout", "Paris.\nRome.\n"), out("stderr", "Warning: x\n")]) != whole
    assert saved("no_stderr", [out("stdout", "Paris.\nBerlin.\n")]) != whole
    error = new_output("error", ename="AssertionError", evalue="at 0x7f00aa", traceback=[])
    assert saved("error", [out("stdout", "Paris.\nBerlin.\n"), error]) != saved("error2", [out("stdout", "Paris.\nBerlin.\n")])


@pytest.mark.parametrize("old, new", [
    ("course.grading.tamper.InspectSubmission", "course.grading.inspect.InspectSubmission"),
    ("course.grading.tamper.GuardedExecute", "course.grading.execute.GuardedExecute"),
    ("course.grading.tamper.RecordFlags", "course.grading.gradebook.RecordFlags"),
    ("course.grading.tamper.scan_source", "course.grading.inspect.scan_source"),
    ("course.grading.tamper.flags_from_gradebook", "course.grading.gradebook.flags_from_gradebook"),
])
def test_configs_copied_before_the_split_still_load(old, new):
    """An instructor's nbgrader_config.py may still name the preprocessors by their old
    module (kept one release): the dotted path resolves to the same class."""
    from traitlets.utils.importstring import import_item

    assert import_item(old) is import_item(new)
