"""Tamper detection and robust execution for autograding.

Three nbgrader preprocessors, configured in nbgrader_config.py:

- ``InspectSubmission`` (first in ``Autograde.sanitize_preprocessors``): compares
  the submitted notebook with the gradebook before nbgrader repairs it (deleted,
  edited, duplicated or forged test cells) and scans the student's code for
  tampering with the grading machinery (AST, not text).
- ``GuardedExecute`` (replaces ``Execute`` in ``Autograde.autograde_preprocessors``):
  runs the notebook like nbgrader's Execute, plus: a guard installed before any
  student code and checked (with a random token) before every graded test cell
  and at the end; a canary test that must fail; a hard stop for a cell that
  ignores the interrupt after its time limit; a cap on output per cell; and
  kernel deaths turned into failed cells instead of a crashed grading run; and
  each cell's stdout and stderr merged into one output each, so a score never
  depends on how the kernel happened to chunk them.
- ``RecordFlags`` (last in ``Autograde.autograde_preprocessors``): writes the
  findings to the gradebook: the submitted notebook is ``flagged``, every grade
  ``needs_manual_grade``, the reasons go into the auto comments of the answer
  cells, and on evidence of tampering every autograded score is withheld (0)
  until a person reviews it.

Findings are ``Flag(kind, reason, withhold)``. Kinds: ``tamper`` (scores withheld),
``structure``, ``resource`` and ``submission`` (scores kept, submission flagged).
"""

from __future__ import annotations

import ast
import json
import random
import re
import secrets
import time
import typing as t
from dataclasses import asdict, dataclass

from jupyter_core.utils import run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Bool, Dict, Float, Integer, List, Unicode

from . import guard_source

MIMIC = re.compile(r"(?i)(all\s+tests?\s+passed|\btests?\s+passed\b|\bscore\s*[:=]\s*\d+\s*/\s*\d+|"
                   r"success!\s*your notebook passes|\bpoints?\s*[:=]\s*\d+\s*/\s*\d+)")
FLAG_PREFIX = "[course-grading] FLAGGED FOR REVIEW:"
METADATA_KEY = "course_grading"


@dataclass(frozen=True)
class Flag:
    kind: str  # tamper | structure | resource | submission
    reason: str
    withhold: bool = False

    def __str__(self) -> str:
        return f"{self.kind}: {self.reason}"


def _flags_of(meta: dict) -> list[Flag]:
    return [Flag(**f) for f in meta.get(METADATA_KEY, {}).get("flags", [])]


def _store_flags(meta: dict, flags: list[Flag]) -> None:
    seen, unique = set(), []
    for flag in flags:
        if (flag.kind, flag.reason) not in seen:
            seen.add((flag.kind, flag.reason))
            unique.append(flag)
    meta.setdefault(METADATA_KEY, {})["flags"] = [asdict(f) for f in unique]


# --- static inspection ------------------------------------------------------------

GUARDED_MODULES = {"builtins", "sys", "IPython", "ipykernel", "numpy", "np", "course", "fakes", "unittest",
                   "traceback", "threading", "jupyter_client", "zmq", "__builtins__"}
GUARDED_NAMES = {"AssertionError", "BaseException", "Exception", "print", "isinstance", "__import__",
                 "get_ipython", "ScriptedModel", "__builtins__"}
DANGEROUS_CALLS = {
    ("sys", "settrace"): "sets a trace function (sys.settrace)",
    ("sys", "setprofile"): "sets a profile function (sys.setprofile)",
    ("threading", "settrace"): "sets a thread trace function",
    ("threading", "setprofile"): "sets a thread profile function",
    ("sys", "_getframe"): "inspects the grader's stack frames (sys._getframe)",
    ("gc", "get_referrers"): "walks the interpreter's objects (gc.get_referrers)",
    ("gc", "get_objects"): "walks the interpreter's objects (gc.get_objects)",
    ("os", "_exit"): "ends the kernel abruptly (os._exit)",
    ("os", "kill"): "sends signals (os.kill)",
    ("os", "abort"): "ends the kernel abruptly (os.abort)",
}
SHELL_ATTRS = {"showtraceback", "_showtraceback", "set_custom_exc", "ast_transformers", "input_transformers_post",
               "input_transformers_cleanup", "events", "run_cell", "run_cell_async", "excepthook",
               "displayhook", "display_pub", "register_magic_function", "custom_exceptions", "kernel"}


def _dotted(node: ast.AST) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    elif isinstance(node, ast.Call):
        parts.append(_dotted(node.func) + "()")
    return ".".join(reversed(parts))


# How a test compares or tests an answer: a class of the student's that defines one of
# these decides its own comparisons (an object equal to everything passes every `==`).
# No exercise asks for one; an exercise that does lists it in
# InspectSubmission.allowed_dunders (nbgrader_config.py), by answer cell.
COMPARISON_DUNDERS = {"__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__bool__", "__len__",
                      "__contains__", "__class__", "__instancecheck__", "__subclasscheck__"}


def _comparison_dunders(tree: ast.AST, allowed: frozenset) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                names = []
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    names = [item.name]
                elif isinstance(item, (ast.Assign, ast.AnnAssign)):
                    targets = item.targets if isinstance(item, ast.Assign) else [item.target]
                    names = [t.id for t in targets if isinstance(t, ast.Name)]
                found += [f"defines {name} on class {node.name}" for name in names
                          if name in COMPARISON_DUNDERS and name not in allowed]
        elif isinstance(node, ast.Call) and _dotted(node.func).split(".")[-1] == "type" and len(node.args) == 3 \
                and isinstance(node.args[2], ast.Dict):
            found += [f"defines {key.value} on a class made with type()" for key in node.args[2].keys
                      if isinstance(key, ast.Constant) and key.value in COMPARISON_DUNDERS and key.value not in allowed]
        elif isinstance(node, ast.Call) and _dotted(node.func).split(".")[-1] == "setattr" and len(node.args) >= 2 \
                and isinstance(node.args[1], ast.Constant) and node.args[1].value in COMPARISON_DUNDERS:
            found.append(f"sets {node.args[1].value} with setattr")
        elif isinstance(node, ast.Attribute) and node.attr in COMPARISON_DUNDERS and isinstance(node.ctx, ast.Store):
            found.append(f"assigns to {_dotted(node)}")
        elif isinstance(node, (ast.Import, ast.ImportFrom)) and any(a.name == "ANY" for a in node.names):
            found.append("imports ANY, which equals everything")
        elif isinstance(node, ast.Attribute) and node.attr == "ANY" and _dotted(node).startswith(("mock.", "unittest.")):
            found.append(f"uses {_dotted(node)}, which equals everything")
    return found


def scan_source(source: str, allowed_dunders: frozenset = frozenset()) -> list[str]:
    """Reasons why this code looks like it tampers with grading ([] when clean)."""
    # IPython magics and shell escapes are not Python: drop those lines before parsing.
    lines = [("pass" if line.lstrip().startswith(("%", "!")) else line) for line in source.splitlines()]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return []
    reasons = []
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        elif isinstance(node, ast.Delete):
            targets = node.targets
        for target in targets:
            for sub in ast.walk(target):
                if isinstance(sub, ast.Attribute):
                    root = _dotted(sub).split(".")[0]
                    if root in GUARDED_MODULES or sub.attr in SHELL_ATTRS or sub.attr in GUARDED_NAMES:
                        reasons.append(f"assigns to {_dotted(sub)}")
                elif isinstance(sub, ast.Subscript) and _dotted(sub.value).split(".")[0] in ("builtins", "__builtins__", "sys"):
                    reasons.append(f"assigns into {_dotted(sub.value)}[...]")
                elif isinstance(sub, ast.Name) and sub.id in GUARDED_NAMES and isinstance(sub.ctx, (ast.Store, ast.Del)):
                    reasons.append(f"rebinds the name {sub.id}")
        if isinstance(node, ast.Call):
            name = _dotted(node.func)
            parts = name.split(".")
            if len(parts) >= 2 and (parts[-2], parts[-1]) in DANGEROUS_CALLS:
                reasons.append(DANGEROUS_CALLS[(parts[-2], parts[-1])])
            if parts[-1] in ("setattr", "delattr") and node.args:
                target = _dotted(node.args[0]).split(".")[0]
                if target in GUARDED_MODULES or target.startswith("get_ipython") or target in GUARDED_NAMES:
                    reasons.append(f"calls {parts[-1]} on {_dotted(node.args[0])}")
            if parts[-1] in ("set_custom_exc", "register") and "get_ipython()" in name:
                reasons.append(f"registers IPython hooks ({name})")
            if parts[-1] in ("exec", "eval", "compile") and parts[0] in ("exec", "eval", "compile") and node.args \
                    and not isinstance(node.args[0], ast.Constant):
                reasons.append(f"runs dynamically built code ({parts[-1]})")
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] + ([node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
            if any(n.split(".")[0] in ("ctypes", "cffi") for n in names):
                reasons.append("imports ctypes (raw memory access)")
        if isinstance(node, ast.Attribute) and node.attr in ("f_back", "f_globals", "f_locals", "tb_frame", "gi_frame"):
            reasons.append(f"reaches into interpreter frames (.{node.attr})")
    reasons += _comparison_dunders(tree, allowed_dunders)
    return sorted(set(reasons))


HIDDEN_TESTS = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS[ \t]*$", re.MULTILINE | re.DOTALL)


def _normal(source: str) -> str:
    """Cell source as released: hidden tests removed, blank lines and trailing space ignored."""
    return "\n".join(line.rstrip() for line in HIDDEN_TESTS.sub("", source).splitlines() if line.strip())


class InspectSubmission(NbGraderPreprocessor):
    """Compare the submission with the gradebook and scan student code, before nbgrader repairs it."""

    enabled = Bool(True, help="Inspect submissions for tampering.").tag(config=True)
    allowed_dunders = Dict(help="Answer cell grade_id -> comparison or truth dunders its "
                           "exercise asks for (by default defining one flags the submission).").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: dict):
        if not self.enabled:
            return nb, resources
        flags = list(_flags_of(nb.metadata))
        info = resources.get("nbgrader", {})
        notebook_id, assignment_id = info.get("notebook"), info.get("assignment")
        expected: dict[str, tuple[str, str, bool]] = {}  # grade_id -> (source, kind, locked)
        try:
            with Gradebook(info["db_url"]) as gb:
                notebook = gb.find_notebook(notebook_id, assignment_id)
                for cell in notebook.source_cells:
                    expected[cell.name] = (cell.source, cell.cell_type, bool(cell.locked))
                graded = {c.name for c in notebook.grade_cells}
                answers = {c.name for c in notebook.solution_cells}
        except (KeyError, MissingEntry):
            return nb, resources
        counts: dict[str, int] = {}
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            grade_id = meta.get("grade_id")
            if grade_id:
                counts[grade_id] = counts.get(grade_id, 0) + 1
            if grade_id in expected:
                source, _kind, locked = expected[grade_id]
                if locked and _normal(cell.source) != _normal(source):
                    what = "test cell" if grade_id in graded else "read-only cell"
                    flags.append(Flag("structure", f"{what} '{grade_id}' was edited (nbgrader restores it from the gradebook)"))
                if grade_id in graded and grade_id not in answers and (meta.get("solution") or not meta.get("grade")):
                    flags.append(Flag("structure", f"test cell '{grade_id}' had its nbgrader metadata changed"))
            elif grade_id and (meta.get("grade") or meta.get("solution") or meta.get("locked")):
                flags.append(Flag("structure", f"an unknown graded cell '{grade_id}' was added"))
            if cell.cell_type == "code" and not meta.get("locked") and not (grade_id in graded and grade_id not in answers):
                for reason in scan_source(cell.source, frozenset(self.allowed_dunders.get(grade_id, ()))):
                    flags.append(Flag("tamper", f"student code {reason} (in cell '{grade_id or 'unnamed'}')", True))
        for grade_id, (_source, _kind, locked) in expected.items():
            if counts.get(grade_id, 0) == 0:
                what = "test cell" if grade_id in graded and grade_id not in answers else "cell"
                flags.append(Flag("structure", f"{what} '{grade_id}' was deleted (nbgrader restores it from the gradebook)"))
            elif counts[grade_id] > 1:
                # Keep the first copy graded; later copies become plain cells. (nbgrader 0.9.6's
                # DeduplicateIds + add_missing_cells crash on a duplicate: KeyError 'grade_id'.)
                first = True
                for cell in nb.cells:
                    if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
                        if not first:
                            del cell.metadata["nbgrader"]
                        first = False
                flags.append(Flag("structure", f"cell '{grade_id}' appears {counts[grade_id]} times (nbgrader keeps the first)"))
        _store_flags(nb.metadata, flags)
        return nb, resources


def _error(ename: str, evalue: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


class GuardedExecute(Execute):
    """nbgrader's Execute with tamper probes, hard limits and survivable kernel deaths."""

    guard = Bool(True, help="Install and check the in-kernel guard and canaries.").tag(config=True)
    preimport = List(Unicode(), ["course.fakes", "numpy.testing"],
                     help="Modules imported (and so snapshotted) before any student code.").tag(config=True)
    max_output_bytes = Integer(1_000_000, help="Output kept per cell; the rest is dropped.").tag(config=True)
    kill_after_timeout = Bool(True, help="Kill the kernel when a cell ignores the interrupt after its timeout.").tag(config=True)
    probe_timeout = Float(30, help="Seconds a guard probe may take.").tag(config=True)
    # How a kernel splits stdout and stderr into messages is timing: print("x") is two
    # writes, and a flush can fall between them on a busy machine. Merged, the outputs
    # are the same however they were chunked, and a warning split from its newline
    # still matches IgnorePattern (a lone "\n" on stderr would otherwise fail the cell).
    coalesce_streams = Bool(True, help="Merge each cell's stream outputs of the same name.").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: dict, km=None):
        self._flags: list[Flag] = list(_flags_of(nb.metadata))
        self._dead: str | None = None
        self._guard_name = "_g" + secrets.token_hex(8)
        self._installed = False
        self._tried_install = False
        self._seen: set[str] = set()
        self._cell_bytes: dict[int, int] = {}
        self._truncated: set[int] = set()
        nb, resources = super().preprocess(nb, resources, km=km)
        _store_flags(nb.metadata, self._flags)
        resources.setdefault(METADATA_KEY, {})["flags"] = list(self._flags)
        return nb, resources

    # -- probes ------------------------------------------------------------------------
    def _run_hidden(self, source: str, index: int) -> tuple[NotebookNode, dict | None]:
        cell = NotebookNode(cell_type="code", source=source, metadata=NotebookNode(), outputs=[],
                            execution_count=None, id="probe")
        saved_timeout, self.timeout = self.timeout, int(self.probe_timeout)
        saved_cell = self.nb.cells[index]  # nbclient writes the executed cell back at nb.cells[index]
        try:
            self.execute_cell(cell, index, store_history=False)
        finally:
            self.timeout = saved_timeout
            self.nb.cells[index] = saved_cell
        return cell

    def _install(self) -> None:
        self._tried_install = True
        code = "".join(f"try:\n    import {m}\nexcept Exception:\n    pass\n" for m in self.preimport)
        cell = self._run_hidden(code + guard_source.INSTALL % {"name": self._guard_name}, -1)
        if any(o.output_type == "error" for o in cell.outputs):
            self.log.warning("grading guard did not install: %s", cell.outputs)
            self._flags.append(Flag("tamper", "the grader's integrity guard could not be installed", True))
        else:
            self._installed = True

    def _probe(self, where: str) -> None:
        token = "@@" + secrets.token_hex(12) + "@@"
        try:
            cell = self._run_hidden(guard_source.CHECK % {"name": self._guard_name, "token": token}, -1)
        except (DeadKernelError, CellTimeoutError, RuntimeError) as error:
            self._flags.append(Flag("tamper", f"the grader's integrity check could not run {where} ({type(error).__name__})", True))
            return
        text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream" and o.name == "stdout")
        found = [line for line in text.splitlines() if line.startswith(token)]
        if len(found) != 1:
            errors = [f"{o.ename}: {o.evalue}" for o in cell.outputs if o.output_type == "error"]
            self._flags.append(Flag("tamper", f"the grader's integrity check gave no answer {where} "
                                              f"(output hidden or faked{'; ' + errors[0][:200] if errors else ''})", True))
            return
        try:
            problems = json.loads(found[0][len(token):])
        except ValueError:
            problems = ["the integrity check's answer was garbled"]
        for problem in problems:
            if problem not in self._seen:
                self._seen.add(problem)
                self._flags.append(Flag("tamper", f"{problem} (first seen {where})", True))

    def _canary(self, where: str) -> None:
        token = "canary-" + secrets.token_hex(8)
        a = random.randint(1000, 9999)
        try:
            cell = self._run_hidden(guard_source.CANARY % {"a": a, "b": a + 1, "token": token}, -1)
        except (DeadKernelError, CellTimeoutError, RuntimeError) as error:
            self._flags.append(Flag("tamper", f"the grader's canary test could not run {where} ({type(error).__name__})", True))
            return
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if not any(o.ename == "AssertionError" and token in str(o.evalue) for o in errors):
            self._flags.append(Flag("tamper", f"a test that must fail did not report its AssertionError {where} "
                                              "(failures are being hidden)", True))

    # -- cells ---------------------------------------------------------------------------
    def preprocess_cell(self, cell: NotebookNode, resources: dict, index: int):
        cell, resources = self._preprocess_cell(cell, resources, index)
        if index == len(self.nb.cells) - 1 and self.guard and self._installed and not self._dead:
            try:
                self._probe("after the last cell")
                self._canary("after the last cell")
            except Exception as error:  # never lose a grading run to a probe
                self._flags.append(Flag("tamper", f"the final integrity check failed ({type(error).__name__})", True))
        return cell, resources

    def _preprocess_cell(self, cell: NotebookNode, resources: dict, index: int):
        if cell.cell_type != "code" or not cell.source.strip():
            return super().preprocess_cell(cell, resources, index)
        if self.guard and not self._tried_install and not self._dead:
            self._install()
        if self._dead:
            cell.outputs = [_error("KernelDied", f"not run: {self._dead}")]
            return cell, resources
        is_test = utils.is_grade(cell) and not utils.is_solution(cell)
        if is_test and self.guard and self._installed:
            name = cell.metadata.get("nbgrader", {}).get("grade_id", index)
            self._probe(f"before test cell '{name}'")
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            name = cell.metadata.get("nbgrader", {}).get("grade_id") or f"#{index}"
            self._dead = f"the kernel died in cell {name} (os._exit, a crash, or the memory/CPU limit)"
            self._flags.append(Flag("resource", self._dead))
            cell.outputs = list(cell.get("outputs", [])) + [_error("KernelDied", self._dead)]
            # Whether the kernel announced this cell's number before it died is a race:
            # the same submission must give the same autograded notebook every time.
            cell.execution_count = None
        except CellTimeoutError:
            name = cell.metadata.get("nbgrader", {}).get("grade_id") or f"#{index}"
            self._dead = f"cell {name} ran past {self.timeout} s and ignored the interrupt; the kernel was stopped"
            self._flags.append(Flag("resource", self._dead))
            cell.outputs = list(cell.get("outputs", [])) + [_error("CellTimeoutError", self._dead)]
            self._kill()
        else:
            for output in cell.outputs:
                if output.output_type == "error" and output.ename == "CellTimeoutError":
                    name = cell.metadata.get("nbgrader", {}).get("grade_id") or f"#{index}"
                    self._flags.append(Flag("resource", f"cell {name} ran past {self.timeout} s and was interrupted"))
                    break
        if cell.get("id") != "probe":
            text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")[:200_000]
            if MIMIC.search(text):
                name = cell.metadata.get("nbgrader", {}).get("grade_id") or f"#{index}"
                self._flags.append(Flag("mimic", f"cell {name} prints text that mimics grading results "
                                                 f"({MIMIC.search(text).group(0)!r}); it does not change the score"))
        if index in self._truncated:
            cell.outputs.append(NotebookNode(output_type="stream", name="stdout",
                                             text=f"\n[output cut by the grader after {self.max_output_bytes} bytes]\n"))
            name = cell.metadata.get("nbgrader", {}).get("grade_id") or f"#{index}"
            self._flags.append(Flag("resource", f"cell {name} printed more than {self.max_output_bytes} bytes (cut)"))
        return cell, resources

    def _kill(self) -> None:
        try:
            run_sync(self.km.shutdown_kernel)(now=True)
        except Exception as error:  # already gone
            self.log.debug("kill: %s", error)

    def output(self, outs, msg, display_id, cell_index):
        if msg["msg_type"] in ("stream", "display_data", "execute_result", "update_display_data"):
            size = len(json.dumps(msg.get("content", {})))
            total = self._cell_bytes.get(cell_index, 0) + size
            self._cell_bytes[cell_index] = total
            if total > self.max_output_bytes:
                self._truncated.add(cell_index)
                return None
        return super().output(outs, msg, display_id, cell_index)

    def on_cell_executed(self, **kwargs):  # noqa: D401 (nbgrader's hook)
        cell = kwargs["cell"]
        if cell.get("id") != "probe":
            self._cell_bytes.pop(kwargs.get("cell_index"), None)
        return super().on_cell_executed(**kwargs)


class RecordFlags(NbGraderPreprocessor):
    """Write the findings into the gradebook (run after SaveAutoGrades)."""

    def preprocess(self, nb: NotebookNode, resources: dict):
        flags = [f if isinstance(f, Flag) else Flag(**f) for f in resources.get(METADATA_KEY, {}).get("flags", [])] \
            or _flags_of(nb.metadata)
        if not flags:
            return nb, resources
        info = resources["nbgrader"]
        record_flags(info["db_url"], info["assignment"], info["student"], info["notebook"], flags)
        return nb, resources


def record_flags(db_url: str, assignment: str, student: str, notebook: str, flags: list[Flag]) -> None:
    withhold = any(f.withhold for f in flags)
    text = FLAG_PREFIX + " " + " | ".join(str(f) for f in flags)
    if withhold:
        text += " | autograded scores withheld (set to 0) until a person reviews this submission"
    with Gradebook(db_url) as gb:
        submitted = gb.find_submission_notebook(notebook, assignment, student)
        submitted.flagged = True
        for grade in submitted.grades:
            if withhold and grade.auto_score is not None and grade.cell.cell_type == "code":
                grade.auto_score = 0.0
            grade.needs_manual_grade = True
        for comment in submitted.comments:
            previous = comment.auto_comment or ""
            previous = previous.split(FLAG_PREFIX)[0].strip()
            comment.auto_comment = (previous + "\n\n" if previous else "") + text
        gb.db.commit()


def flags_from_gradebook(gb: Gradebook, assignment: str, student: str) -> list[str]:
    """The flag reasons recorded for one student's submission."""
    reasons = []
    try:
        submission = gb.find_submission(assignment, student)
    except MissingEntry:
        return reasons
    for notebook in submission.notebooks:
        for comment in notebook.comments:
            text = comment.auto_comment or ""
            if FLAG_PREFIX in text:
                for part in text.split(FLAG_PREFIX, 1)[1].split(" | "):
                    part = part.strip()
                    if part and part not in reasons:
                        reasons.append(part)
    return reasons
