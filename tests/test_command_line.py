"""The one test that runs the real commands, end to end, on 00_setup.

Every other test drives the same code in its own process (a TempCourse,
tests/nbcourse.py), which skips each command's 4 s of imports. This one checks the
commands themselves: their entry points, nbgrader_config.py found from the working
directory, and their exit statuses.

1. `nbgrader validate` passes the source and, with --invert, fails the blank release;
2. `tools/release.py --check` (what `make release` runs) finds no drift;
3. in a temporary course, `nbgrader generate_assignment`, `nbgrader autograde`,
   `course autograde` (on a copy), `nbgrader export` and `course report`: the solution
   gets full marks and the blank release none, from both graders.
"""

from __future__ import annotations

import csv

import nbformat
import pytest

from nbcourse import BIN, ROOT, Submission, TempCourse, autograded_points, build_submission, notebooks, run

pytestmark = pytest.mark.pipeline
ASSIGNMENT = "00_setup"


def _ok(args: list[str], cwd) -> str:
    result = run(args, cwd=cwd)
    assert result.returncode == 0, f"{' '.join(args)} failed ({result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-6000:]}"
    return result.stdout


def test_the_commands_end_to_end(tmp_path):
    for notebook in notebooks(ASSIGNMENT):
        assert "Success! Your notebook passes all the tests." in _ok([str(BIN / "nbgrader"), "validate", str(notebook)], ROOT)
    for notebook in notebooks(ASSIGNMENT, "release"):
        out = _ok([str(BIN / "nbgrader"), "validate", "--invert", str(notebook)], ROOT)
        assert "Success! The notebook does not pass any tests." in out, out[-3000:]
    _ok([str(BIN / "python"), "tools/release.py", "--check", ASSIGNMENT], ROOT)

    (tmp_path / "stock").mkdir()
    stock = TempCourse(tmp_path / "stock", ASSIGNMENT)
    _ok([str(BIN / "nbgrader"), "generate_assignment", ASSIGNMENT, "--force"], stock.path)
    for student, others in (("solution", "solution"), ("blank", "blank")):
        for source_nb in notebooks(ASSIGNMENT):
            release_nb = stock.path / "release" / ASSIGNMENT / source_nb.name
            stock.submit(student, source_nb.name, build_submission(release_nb, source_nb, Submission(student, None, {}, others)))
    ours = stock.copy(tmp_path / "ours")
    _ok([str(BIN / "nbgrader"), "autograde", ASSIGNMENT, "--create"], stock.path)
    out = _ok([str(BIN / "course"), "autograde", ASSIGNMENT, "--workers", "2"], ours.path)
    assert "graded 2 submission(s)" in out, out

    full = sum(autograded_points(nbformat.read(nb, as_version=4)) for nb in notebooks(ASSIGNMENT))
    for course in (stock, ours):
        _ok([str(BIN / "nbgrader"), "export", "--to", "grades.csv"], course.path)
        with open(course.path / "grades.csv", newline="") as handle:
            scores = {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)}
        assert scores == {"solution": full, "blank": 0.0}, course.path.name
    _ok([str(BIN / "course"), "report", ASSIGNMENT], ours.path)
    assert (ours.path / "reports" / ASSIGNMENT / "scores.csv").exists()
