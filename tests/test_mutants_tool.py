"""tools/mutants.py (make mutants) on a tiny synthetic notebook: how a mutant is run and judged.

A mutant that changes behaviour is killed, an equivalent one survives, an endless loop
is killed by the per-cell time limit; %%demo cells and line magics are skipped.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import mutants  # tools/mutants.py: tools/ is on pytest's pythonpath (pyproject.toml)
import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent

ANSWER = '''def double(x):
    """Twice x."""
    ### BEGIN SOLUTION
    return x * 2
    ### END SOLUTION


def is_big(x):
    ### BEGIN SOLUTION
    return x > 10
    ### END SOLUTION
'''


def _cell(source: str, **nbgrader):
    cell = nbformat.v4.new_code_cell(source)
    if nbgrader:
        cell.metadata["nbgrader"] = {"schema_version": 3, "locked": False, "task": False, **nbgrader}
    return cell


@pytest.fixture
def notebook(tmp_path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# A tiny assignment"),
        _cell("%load_ext course.notebook\nFACTOR = 2"),
        _cell("%%demo\nraise RuntimeError('demos never run under mutation testing')"),
        _cell(ANSWER, grade_id="answers", solution=True, grade=False),
        _cell("assert double(3) == 6\n### BEGIN HIDDEN TESTS\nassert double(-2) == -4\n### END HIDDEN TESTS",
              grade_id="double_doubles", solution=False, grade=True, points=1),
        _cell("assert is_big(20) and not is_big(0)", grade_id="is_big_compares", solution=False, grade=True, points=1),
    ]
    path = tmp_path / "00_tiny.ipynb"
    nbformat.write(nb, path)
    return path


def _run_one(folder: Path, cell_timeout: float = 5) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "tools" / "mutants.py"), "--run-one", str(folder),
                           "--cell-timeout", str(cell_timeout)], capture_output=True, text=True, timeout=60)


def _mutate_answers(folder: Path, old: str, new: str) -> None:
    answers = folder / "answers.py"
    text = answers.read_text()
    assert old in text
    answers.write_text(text.replace(old, new, 1))


def test_extract_writes_solution_code_without_markers(notebook, tmp_path):
    answers = mutants.extract([notebook], tmp_path / "build").read_text()
    assert "# %% answer 00_tiny.ipynb answers\n" in answers
    assert "### BEGIN SOLUTION" not in answers and "return x * 2" in answers
    compile(answers, "answers.py", "exec")


def test_solution_passes_and_demo_cells_are_skipped(notebook, tmp_path):
    folder = tmp_path / "build"
    mutants.extract([notebook], folder)
    result = _run_one(folder)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SURVIVED" in result.stdout


def test_a_mutant_that_changes_behaviour_is_killed_by_a_hidden_test(notebook, tmp_path):
    folder = tmp_path / "build"
    mutants.extract([notebook], folder)
    _mutate_answers(folder, "return x * 2", "return x ** 2")  # 3 ** 2 == 9, not 6
    result = _run_one(folder)
    assert result.returncode == 1 and "KILLED" in result.stdout and "double_doubles" in result.stdout
    _mutate_answers(folder, "return x ** 2", "return abs(x) * 2")  # passes the visible test, not the hidden one
    result = _run_one(folder)
    assert result.returncode == 1 and "double_doubles" in result.stdout, result.stdout


def test_an_equivalent_mutant_survives(notebook, tmp_path):
    folder = tmp_path / "build"
    mutants.extract([notebook], folder)
    _mutate_answers(folder, "return x * 2", "return x + x")
    result = _run_one(folder)
    assert result.returncode == 0, result.stdout


def test_an_endless_loop_times_out_as_killed(notebook, tmp_path):
    folder = tmp_path / "build"
    mutants.extract([notebook], folder)
    _mutate_answers(folder, "return x * 2", "while True:\n        pass")
    result = _run_one(folder, cell_timeout=1)
    assert result.returncode == 1 and "ran past 1 s" in result.stdout, result.stdout


def test_report_counts_equivalent_survivors_apart():
    result = mutants.Result("00_tiny", [
        mutants.Mutant("a:op:1", "a", "op", "x", "killed", "t"),
        mutants.Mutant("a:op:2", "a", "op", "x", "killed", "timeout"),
        mutants.Mutant("a:op:3", "a", "op", "x", "survived"),
        mutants.Mutant("a:op:4", "a", "op", "x", "survived"),
        mutants.Mutant("a:op:5", "a", "op", "x", "incompetent"),
    ])
    s = mutants.summary(result, {"a:op:3": "same output"})
    assert (s["mutants"], s["killed"], s["survived"], s["equivalent"], s["timeouts"]) == (4, 2, 2, 1, 1)
    assert s["score"] == pytest.approx(2 / 3)
    report = mutants.render([result], {"00_tiny": {"a:op:3": "same output", "gone:op:9": "old"}})
    assert "same output" in report and "not judged" in report and "`gone:op:9`" in report


def test_cosmic_ray_session_end_to_end(notebook, tmp_path):
    try:
        mutants.cosmic_ray_bin()
    except SystemExit:
        pytest.skip("cosmic-ray is not installed (pip install -e '.[dev]')")
    result = mutants.mutate("00_tiny", [notebook], tmp_path / "build", log=lambda *_: None)
    assert {m.grade_id for m in result.mutants} == {"answers"}
    survivors = {m.id: m for m in result.mutants if m.outcome == "survived"}
    # `x > 10` -> `x >= 10` and 10 -> 9 or 11: no test looks at x near 10
    assert any("ReplaceComparisonOperator_Gt_GtE" in i for i in survivors), survivors
    killed = [m for m in result.mutants if m.outcome == "killed"]
    assert any("x + 2" in m.line for m in killed), [m.line for m in killed]
    # ids come from the cell, the operator and the line's text (not cosmic-ray's random job ids),
    # so tests/mutants-equivalent.toml still names the same mutants after an unrelated edit
    ids = [m.id for m in result.mutants]
    assert len(set(ids)) == len(ids) and all(i.startswith("answers:") for i in ids), ids
    assert (tmp_path / "build" / "result.json").exists()


def test_cells_keep_their_annotations_as_types(tmp_path):
    """The runner compiles cells without this tool's `from __future__ import annotations`:
    under it, `def f(x: int)` has the annotation 'int' (a str), and code that reads
    annotations (05's tool_schema, pydantic models) fails on the solution itself."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        _cell("def typed(x: int):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION",
              grade_id="typed", solution=True, grade=False),
        _cell("import inspect\nassert inspect.signature(typed).parameters['x'].annotation is int",
              grade_id="annotation_is_a_type", solution=False, grade=True, points=1),
    ]
    path = tmp_path / "00_typed.ipynb"
    nbformat.write(nb, path)
    mutants.extract([path], tmp_path / "build")
    result = _run_one(tmp_path / "build")
    assert result.returncode == 0, result.stdout + result.stderr
