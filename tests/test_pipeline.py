"""The nbgrader pipeline, for every assignment in source/ (new ones are picked up).

1. The source notebook passes its own tests: nbgrader validates it.
2. `nbgrader generate_assignment` reproduces the committed release/ exactly.
3. release/ holds no solution text, no hidden tests and no outputs.
4. nbgrader validates the release with --invert: every visible test fails blank.
5. End to end in a temporary course: generate, autograde the solution (full
   marks), the blank release (zero) and each sample wrong submission (its exact
   score), export, and check the exported scores.

nbgrader's code runs in this process (a TempCourse, tests/nbcourse.py), as the
JupyterLab Validate button runs the validator: each command line costs 4 s of
imports, and tests/test_command_line.py runs the real commands once. Grading is
`course autograde --workers 2` (tests/grading check that it writes what `nbgrader
autograde` writes), and step 1 reads the graded course of step 5: the solution there
is the source notebook with its solution markers removed, graded with every visible
and hidden test, so full marks in every test cell is what `nbgrader validate` of the
source checks, without running the notebook a second time. One graded course per
assignment, shared by the tests that read it; tests/xdist_scopes.py keeps an
assignment's tests on one worker.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass

import nbformat
import pytest

from do_nothing import VARIANTS as DO_NOTHING
from do_nothing import do_nothing
from nbcourse import (
    ROOT,
    Submission,
    TempCourse,
    assignments,
    autograded_points,
    build_submission,
    is_answer_cell,
    is_test_cell,
    nbgrader_meta,
    notebooks,
    release_drift,
    sample_submissions,
    solution_code,
    validate,
)

pytestmark = pytest.mark.pipeline
ASSIGNMENTS = assignments()


@pytest.fixture(scope="module", params=ASSIGNMENTS)
def assignment(request):
    return request.param


@dataclass
class Graded:
    """A temporary course where the solution, the blank release and every sample wrong
    submission of one assignment were autograded and exported."""

    course: TempCourse
    expected: dict  # student -> the score it must get
    scores: dict  # student -> the score `nbgrader export` wrote (do-nothing submissions too)
    full: float  # the autograded points of the assignment


@pytest.fixture(scope="module")
def graded(assignment, tmp_path_factory) -> Graded:
    wrong = sample_submissions(assignment)
    assert len(wrong) >= 3, (
        f"{assignment} needs at least three sample wrong submissions in tests/submissions/{assignment}/")
    path = tmp_path_factory.mktemp(f"pipeline-{assignment}")
    course = TempCourse(path, assignment)
    course.generate()
    students = [Submission("solution", None, {}, "solution"), Submission("blank", 0.0, {}, "blank"), *wrong]
    full = sum(autograded_points(nbformat.read(nb, as_version=4)) for nb in notebooks(assignment))
    expected = {}
    for submission in students:
        for source_nb in notebooks(assignment):
            release_nb = path / "release" / assignment / source_nb.name
            course.submit(submission.name, source_nb.name, build_submission(release_nb, source_nb, submission))
        expected[submission.name] = full if submission.expected is None else submission.expected
    for variant in DO_NOTHING:
        for source_nb in notebooks(assignment):
            release_nb = path / "release" / assignment / source_nb.name
            answers = {nbgrader_meta(c)["grade_id"]: do_nothing(solution_code(c.source), variant)
                       for c in nbformat.read(source_nb, as_version=4).cells if is_answer_cell(c)}
            course.submit(f"do_nothing_{variant}", source_nb.name,
                          build_submission(release_nb, source_nb, Submission(variant, None, answers, "blank")))
    # In parallel (tests/grading checks it writes what nbgrader autograde writes): it halves
    # the longest step of this test.
    done = course.course("autograde", assignment, "--workers", "2", "--force")
    assert done.returncode == 0, f"course autograde {assignment} failed:\n{done.stdout[-3000:]}\n{done.stderr[-6000:]}"
    return Graded(course, expected, course.export_scores(), full)


def test_source_validates(assignment, graded):
    tests = {nbgrader_meta(cell)["grade_id"] for notebook in notebooks(assignment)
             for cell in nbformat.read(notebook, as_version=4).cells if is_test_cell(cell)}
    scores = graded.course.cell_scores("solution")
    assert tests <= set(scores), f"test cells missing from the gradebook: {sorted(tests - set(scores))}"
    failed = {grade_id: scores[grade_id] for grade_id in sorted(tests) if scores[grade_id][0] != scores[grade_id][1]}
    assert not failed, (f"source/{assignment} does not pass its own tests: (score, max) of the failing test "
                        f"cells: {failed}\n{_errors(graded.course, 'solution', failed)}")


def _errors(course: TempCourse, student: str, grade_ids) -> str:
    """The errors the autograded notebook shows in these test cells."""
    out = []
    for path in sorted((course.path / "autograded" / student / course.assignment).glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if nbgrader_meta(cell).get("grade_id") in grade_ids:
                out += [f"{path.name} {nbgrader_meta(cell)['grade_id']}: {o.ename}: {o.evalue}"
                        for o in cell.get("outputs", []) if o.output_type == "error"]
    return "\n".join(out)


def test_release_matches_source(assignment):
    drift = release_drift(assignment)
    assert not drift, f"release/{assignment} drifted from source/ (run `make release`):\n" + "\n".join(drift)


def test_in_process_checks_can_fail(tmp_path):
    """The in-process validate and drift check report problems, not only success."""
    blank = notebooks("00_setup", "release")[0]
    failed = validate(blank).get("failed", [])
    assert failed and all(cell["raw_error"] for cell in failed), "a blank release must fail validation"
    stale = tmp_path / "00_setup"
    shutil.copytree(ROOT / "release" / "00_setup", stale)
    (stale / blank.name).write_text((stale / blank.name).read_text().replace("make_messages", "make_msgs"))
    (stale / "stray.txt").write_text("left over")
    assert sorted(release_drift("00_setup", committed=stale)) == [
        f"00_setup/{blank.name} differs", "00_setup/stray.txt (only in committed release)"]


def test_release_has_no_answers_hidden_tests_or_outputs(assignment):
    for source_path in notebooks(assignment):
        release_path = ROOT / "release" / assignment / source_path.name
        assert release_path.exists(), f"{release_path.relative_to(ROOT)} is missing: run `make release`"
        release_text = release_path.read_text()
        release = nbformat.read(release_path, as_version=4)
        release_sources = "\n".join(cell.source for cell in release.cells)
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
            assert marker not in release_text, f"{release_path.name} contains '### {marker}'"
        for cell in release.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, (
                    f"{release_path.name}: a released cell carries outputs:\n{cell.source[:200]}")
        source = nbformat.read(source_path, as_version=4)
        secrets, public = set(), set()
        for cell in source.cells:
            cell_secrets, cell_public = _split_lines(cell)
            secrets |= cell_secrets
            public |= cell_public
        for secret in sorted(secrets - public):  # a line shown elsewhere on purpose is no secret
            assert secret not in release_sources, (
                    f"{release_path.name} leaks a line of a solution or hidden test: {secret!r}")


def _split_lines(cell) -> tuple[set, set]:
    """(secret, public) distinctive lines of a source cell. Secret: inside a solution
    or hidden-test region, or anywhere in a manually graded answer (its mark scheme)."""
    meta = nbgrader_meta(cell)
    begin, end = (("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS") if is_test_cell(cell)
                  else ("### BEGIN SOLUTION", "### END SOLUTION"))
    guarded = meta.get("solution") or is_test_cell(cell)
    whole_cell = guarded and cell.cell_type == "markdown" and begin not in cell.source
    secret, public, inside = set(), set(), False
    for line in cell.source.splitlines():
        stripped = line.strip()
        if guarded and stripped == begin:
            inside = True
        elif guarded and stripped == end:
            inside = False
        elif len(stripped) >= 25:
            (secret if inside or whole_cell else public).add(stripped)
    return secret, public


def test_blank_release_fails_every_test(assignment):
    for notebook in notebooks(assignment, "release"):
        problems = validate(notebook, invert=True)
        assert not problems, (f"some test passes on the blank {notebook.name}, so it cannot tell an answer from "
                        f"no answer:\n{problems}")


def test_autograde_scores_solution_blank_and_wrong_submissions(assignment, graded):
    missing = [name for name in graded.expected if name not in graded.scores]
    assert not missing, f"{missing} missing from the exported grades"
    wrong = [f"{assignment}/{name}: scored {graded.scores[name]}, expected {want}. "
             f"Per test cell: {graded.course.cell_scores(name)}"
             for name, want in graded.expected.items() if graded.scores[name] != pytest.approx(want)]
    assert not wrong, "\n".join(wrong)  # every mismatch at once: one grading run shows them all


@pytest.mark.parametrize("variant", DO_NOTHING)
def test_a_submission_that_does_no_work_earns_nothing(assignment, graded, variant):
    """Every function and method returns one thing (tests/do_nothing.py): at most 5% of the
    autograded points, or flagged for review with its scores withheld."""
    from nbgrader.api import Gradebook

    from course.grading.gradebook import flags_from_gradebook

    student = f"do_nothing_{variant}"
    with Gradebook(f"sqlite:///{graded.course.path / 'gradebook.db'}") as gradebook:
        flags = flags_from_gradebook(gradebook, assignment, student)
    withheld = any("withheld" in flag for flag in flags) and graded.scores[student] == 0
    earned = {k: v for k, v in graded.course.cell_scores(student).items() if v[0]}
    assert withheld or graded.scores[student] <= 0.05 * graded.full, (
        f"{assignment}: a submission that does no work ({variant}) scored {graded.scores[student]:g} of "
        f"{graded.full:g}, unflagged. Test cells it passed: {earned}")
