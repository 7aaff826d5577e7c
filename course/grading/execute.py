"""The guarded executor: nbgrader's ``Execute`` made robust against student code.

``GuardedExecute`` (replaces ``Execute`` in ``Autograde.autograde_preprocessors``)
runs the notebook like nbgrader's Execute, plus: a guard installed before any
student code and checked (with a random token) before every graded test cell
and at the end; a canary test that must fail; a hard stop for a cell that
ignores the interrupt after its time limit; a cap on output per cell; and
kernel deaths turned into failed cells instead of a crashed grading run; and
each cell's stdout and stderr merged into one output each, so a score never
depends on how the kernel happened to chunk them.

    c.Autograde.autograde_preprocessors = ["course.grading.execute.GuardedExecute", ...]
    c.GuardedExecute.max_output_bytes = 1_000_000  # nbgrader_config.py

What it finds (a killed kernel, a guard that reports tampering, output that mimics
grading results) becomes course.grading.flags ``Flag``s in the notebook's metadata and
in ``resources``; course.grading.gradebook's ``RecordFlags`` writes them. Does not
sandbox the kernel (course.grading.kernel starts it in bubblewrap) and does not read
the student's source (course.grading.inspect does, before this runs).
"""

from __future__ import annotations

import json
import random
import re
import secrets

from jupyter_core.utils import run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.preprocessors import Execute
from traitlets import Bool, Float, Integer, List, Unicode

from . import guard_source
from .flags import METADATA_KEY, Flag, flags_of, store_flags

MIMIC = re.compile(r"(?i)(all\s+tests?\s+passed|\btests?\s+passed\b|\bscore\s*[:=]\s*\d+\s*/\s*\d+|"
                   r"success!\s*your notebook passes|\bpoints?\s*[:=]\s*\d+\s*/\s*\d+)")


def _error(ename: str, evalue: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


class GuardedExecute(Execute):
    """nbgrader's Execute with tamper probes, hard limits and survivable kernel deaths."""

    guard = Bool(True, help="Install and check the in-kernel guard and canaries.").tag(config=True)
    # six puts an import hook on sys.meta_path when first imported (jsonschema imports it,
    # and the MCP client of lesson 12 imports jsonschema on a tool's first structured result):
    # imported here, before the guard's snapshot, it is not read as tampering. Not jsonschema
    # itself: its format checkers take 3 s to import (rfc3987_syntax builds a grammar).
    preimport = List(Unicode(), ["course.fakes", "numpy.testing", "six"],
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
        self._flags: list[Flag] = list(flags_of(nb.metadata))
        self._dead: str | None = None
        self._guard_name = "_g" + secrets.token_hex(8)
        self._installed = False
        self._tried_install = False
        self._seen: set[str] = set()
        self._cell_bytes: dict[int, int] = {}
        self._truncated: set[int] = set()
        nb, resources = super().preprocess(nb, resources, km=km)
        store_flags(nb.metadata, self._flags)
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
