"""Submission-level checks: what a submission looks like before any of it runs.

- ``InspectSubmission`` (first in ``Autograde.sanitize_preprocessors``): compares
  the submitted notebook with the gradebook before nbgrader repairs it (deleted,
  edited, duplicated or forged test cells) and scans the student's code for
  tampering with the grading machinery (AST, not text);
- ``inspect_folder``: what ``course autograde`` checks in submitted/ before nbgrader
  sees it: a missing, misnamed or corrupt (not JSON) notebook.

    scan_source("sys.settrace(None)")           # -> ["sets a trace function (sys.settrace)"]
    scan_source("def add(a, b): return a + b")  # -> []

Findings are course.grading.flags ``Flag``s, kept in the notebook's metadata;
course.grading.gradebook writes them. Does not run student code (course.grading.execute
watches it while it runs). Does not repair the notebook: nbgrader does, after this.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from nbformat.notebooknode import NotebookNode
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool, Dict

from .flags import Flag, flags_of, store_flags

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
        flags = list(flags_of(nb.metadata))
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
        store_flags(nb.metadata, flags)
        return nb, resources


def inspect_folder(root: Path, assignment: str, student: str, expected: list[str]) -> list[Flag]:
    """Flags for submitted/STUDENT/ASSIGNMENT: each expected notebook (by name, without
    .ipynb) must be there and be JSON; [] when all are."""
    folder = root / "submitted" / student / assignment
    flags = []
    found = sorted(p.name for p in folder.glob("*.ipynb")) if folder.is_dir() else []
    for name in expected:
        path = folder / f"{name}.ipynb"
        if not path.exists():
            others = [f for f in found if f"{f[:-6]}" not in expected]
            if others:
                flags.append(Flag("submission", f"wrong notebook name: found {', '.join(others)}, expected {name}.ipynb "
                                                "(scored 0; rename it and regrade)"))
            else:
                flags.append(Flag("submission", f"missing notebook: {name}.ipynb was not submitted (scored 0)"))
            continue
        try:
            json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as error:
            flags.append(Flag("submission", f"corrupt notebook: {name}.ipynb is not valid JSON ({str(error)[:80]}); "
                                            "scored 0"))
    return flags
