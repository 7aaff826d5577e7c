"""Lint every source notebook: the nbgrader structure and the course's rules."""

from __future__ import annotations

import ast
import re

import nbformat
import pytest

from bare_comparisons import bare_comparisons, defined_names
from course.catalog import load_catalog
from nbcourse import assignments, autograded_points, is_answer_cell, is_test_cell, nbgrader_meta, notebooks

NOTEBOOKS = [nb for a in assignments() for nb in notebooks(a)]
IDS = [f"{nb.parent.name}/{nb.name}" for nb in NOTEBOOKS]


@pytest.fixture(params=NOTEBOOKS, ids=IDS)
def notebook(request):
    return request.param, nbformat.read(request.param, as_version=4)


def test_grade_ids_are_unique(notebook):
    path, nb = notebook
    ids = [nbgrader_meta(c)["grade_id"] for c in nb.cells if nbgrader_meta(c).get("grade_id")]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, f"{path.name}: grade ids used twice: {duplicates}"
    for grade_id in ids:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", grade_id), f"{path.name}: grade id {grade_id!r} is not snake_case"


def test_every_autograded_answer_has_a_test(notebook):
    path, nb = notebook
    pending = None
    for cell in nb.cells:
        if is_answer_cell(cell):
            assert pending is None, f"{path.name}: answer {pending!r} has no test cell after it"
            pending = nbgrader_meta(cell)["grade_id"]
        elif is_test_cell(cell):
            pending = None
    assert pending is None, f"{path.name}: answer {pending!r} has no test cell after it"


def test_every_test_cell_has_points(notebook):
    path, nb = notebook
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if meta.get("grade"):
            assert float(meta.get("points", 0)) > 0, f"{path.name}: graded cell {meta['grade_id']} has no points"


def test_no_model_id_is_hard_coded(notebook):
    path, nb = notebook
    ids = [m for m in load_catalog().models]
    for cell in nb.cells:
        for model_id in ids:
            assert model_id not in cell.source, (
                f"{path.name}: model id {model_id!r} is hard-coded; read it from course.load_catalog()")


def test_source_carries_no_outputs(notebook):
    path, nb = notebook
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, (
                f"{path.name}: a source cell carries outputs; clear them before committing:\n{cell.source[:120]}")


def test_lesson_shape(notebook):
    path, nb = notebook
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for heading in ("Learning goals", "Prerequisites", "Estimated time", "## Summary"):
        assert heading in text, f"{path.name}: missing '{heading}'"
    manual = [c for c in nb.cells if nbgrader_meta(c).get("grade") and nbgrader_meta(c).get("solution")]
    assert manual, f"{path.name}: needs a manually graded written question"
    if path.parent.name != "00_setup":
        answers = [c for c in nb.cells if is_answer_cell(c)]
        assert 3 <= len(answers) <= 6, f"{path.name}: has {len(answers)} graded exercises; the course wants 3-6"
        assert autograded_points(nb) >= 10, f"{path.name}: autograded points sum to {autograded_points(nb)}, under 10"


def _python(source: str) -> ast.Module | None:
    code = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())
    try:
        return ast.parse(code)
    except SyntaxError:
        return None


def _defined(tree) -> set:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def _used(tree) -> set:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def test_graded_cells_do_not_depend_on_demos(notebook):
    """Demos are skipped while nbgrader runs, so a graded cell must not need them."""
    path, nb = notebook
    demo_names, other_names = set(), set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        tree = _python(cell.source)
        assert tree is not None, f"{path.name}: a code cell does not parse:\n{cell.source[:200]}"
        target = demo_names if cell.source.lstrip().startswith("%%demo") else other_names
        target |= _defined(tree)
    only_in_demos = demo_names - other_names
    for cell in nb.cells:
        if is_answer_cell(cell) or is_test_cell(cell):
            tree = _python(cell.source)
            needed = (_used(tree) - _defined(tree)) & only_in_demos
            assert not needed, (
                f"{path.name}: graded cell {nbgrader_meta(cell)['grade_id']} uses {sorted(needed)}, "
                "defined only in %%demo cells, which nbgrader skips")


def test_test_cells_compare_learner_values_strictly(notebook):
    """`==`, `!=`, `in` on a learner's value pass for an object whose __eq__ always says True:
    compare with course.same (or pin the type first), so a do-nothing answer earns nothing."""
    path, nb = notebook
    learner = set()
    for cell in nb.cells:
        if is_answer_cell(cell):
            learner |= defined_names(_python(cell.source))
    found = [f"{nbgrader_meta(cell)['grade_id']} line {finding.line}: {finding.text}"
             for cell in nb.cells if is_test_cell(cell)
             for finding in bare_comparisons(_python(cell.source), learner)]
    assert not found, (f"{path.name}: {len(found)} loose comparison(s) of a learner's value in test cells; use "
                       "course.same(...) or assert its type first:\n  " + "\n  ".join(found))
