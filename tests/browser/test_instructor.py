"""An instructor's session in the same browser: the formgrader in JupyterLab.

A scratch course: every assignment of source/, 01_tokens generated, and two
submissions autograded by the real `nbgrader autograde` (in the sandbox): Ada
Lovelace's is the solution, Grace Hopper's is the sample wrong submission
tests/submissions/01_tokens/bytes_not_characters. JupyterLab runs from the course
root, as an instructor starts it. In the browser, Nbgrader > Formgrader:

1. lists every assignment of source/, with 2 submissions for 01_tokens;
2. the submissions of 01_tokens show both students with their scores;
3. Ada's notebook: 15.5 / 15.5 code points; in the grading view every test cell
   shows its autograded score (full marks), with the override box empty.

The same again with the gradebook in PostgreSQL (a throw-away server, tests/postgres.py).

Screenshots: test-artifacts/screenshots/instructor-*.png (-postgresql for the second run).
"""

from __future__ import annotations

import shutil

import nbformat
import pytest
from nbgrader.api import Gradebook

from jlab import center, expect, menu, shot
from nbcourse import (ROOT, Submission, TempCourse, assignments, autograded_points, build_submission,
                      is_test_cell, nbgrader_meta, notebooks, sample_submissions)

pytestmark = pytest.mark.slow
ASSIGNMENT = "01_tokens"
WRONG = "bytes_not_characters"
STUDENTS = {"ada": ("Ada", "Lovelace"), "grace": ("Grace", "Hopper")}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def graded_course(request, tmp_path_factory, chromium_path):
    """A scratch course with ASSIGNMENT generated and two submissions autograded, with its
    gradebook in SQLite (nbgrader's default) or in PostgreSQL (c.CourseDirectory.db_url)."""
    path = tmp_path_factory.mktemp(f"instructor-course-{request.param}")
    course = TempCourse(path, ASSIGNMENT)
    db_url = f"sqlite:///{path / 'gradebook.db'}"
    if request.param == "postgresql":
        db_url = request.getfixturevalue("postgres").create_database("formgrader")
        with open(path / "nbgrader_config.py", "a") as handle:
            handle.write(f"\nc.CourseDirectory.db_url = {db_url!r}\n")
        (path / "gradebook.db").unlink()
    course.kind = request.param
    for other in set(assignments()) - {ASSIGNMENT}:  # the formgrader lists every folder of source/
        shutil.copytree(ROOT / "source" / other, path / "source" / other,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    course.generate()
    source_nb = notebooks(ASSIGNMENT)[0]
    release_nb = path / "release" / ASSIGNMENT / source_nb.name
    wrong = next(s for s in sample_submissions(ASSIGNMENT) if s.name == WRONG)
    submissions = {"ada": Submission("ada", None, {}, "solution"), "grace": wrong}
    with Gradebook(db_url) as gradebook:  # what `nbgrader db student add` does
        for student, (first, last) in STUDENTS.items():
            gradebook.update_or_create_student(student, first_name=first, last_name=last)
    for student, submission in submissions.items():
        course.submit(student, source_nb.name, build_submission(release_nb, source_nb, submission))
    assert course.autograde(force=True), "nbgrader autograde failed"  # what `nbgrader autograde ASSIGNMENT --force` runs
    return course


def test_formgrader_lists_assignments_and_shows_autograded_scores(graded_course, start_lab, page):
    lab = start_lab(root=graded_course.path, cwd=graded_course.path)
    source = nbformat.read(notebooks(ASSIGNMENT)[0], as_version=4)
    tests = {nbgrader_meta(c)["grade_id"]: float(nbgrader_meta(c)["points"]) for c in source.cells if is_test_cell(c)}
    code_points = autograded_points(source)
    total = sum(float(nbgrader_meta(c).get("points", 0)) for c in source.cells if nbgrader_meta(c).get("grade"))
    wrong = next(s for s in sample_submissions(ASSIGNMENT) if s.name == WRONG).expected

    suffix = "" if graded_course.kind == "sqlite" else f"-{graded_course.kind}"

    page.goto(lab.lab_url())
    menu(page, "Nbgrader", "Formgrader")
    expect(page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current")).to_contain_text("Formgrader")
    formgrader = page.frame_locator('iframe[src*="/formgrader"]')

    # 1. Every assignment of source/; 01_tokens has two submissions.
    names = formgrader.locator("td.name")
    expect(names).to_have_text(assignments())
    row = formgrader.locator("tr", has=formgrader.locator("td.name", has_text=ASSIGNMENT))
    expect(row.locator("td.num-submissions")).to_have_text("2")
    shot(page, f"instructor-1-assignments{suffix}")

    # 2. The submissions, with each student's autograded score out of the assignment's total.
    row.locator("td.num-submissions a").click()
    students = formgrader.locator("#main-table tr")
    expect(students).to_have_count(2)
    for student, score in (("ada", code_points), ("grace", wrong)):
        line = formgrader.locator("#main-table tr", has=formgrader.locator("td.student-id", has_text=student))
        expect(line.locator("td.score")).to_have_text(f"{score:g} / {total:g}")
        expect(line.locator("td.status")).to_have_text("graded")
    shot(page, f"instructor-2-submissions{suffix}")

    # 3. Ada's notebook: code score full, then the grading view with each test cell's score.
    formgrader.locator("td.student-name a", has_text="Lovelace").click()
    notebook_row = formgrader.locator("tr", has=formgrader.locator("td.name", has_text=ASSIGNMENT))
    expect(notebook_row).to_contain_text(f"{code_points:g} / {code_points:g}")
    shot(page, f"instructor-3-student{suffix}")
    # The grading view is a new page in the formgrader's frame, rendered on the server:
    # wait for that frame to navigate there and finish loading, then read its boxes.
    with page.expect_event("framenavigated", predicate=lambda f: "/formgrader/submissions/" in f.url) as nav:
        notebook_row.locator("td.name a").click()
    nav.value.wait_for_load_state("load")
    for grade_id, points in tests.items():  # the autograded score shows as the placeholder of the
        score = formgrader.locator(f"input.score#{grade_id}")  # box where a grader may override it
        expect(score).to_have_attribute("placeholder", f"{points:g}")
        expect(score).to_have_value("")
    center(formgrader.locator(f"input.score#{next(iter(tests))}"))
    shot(page, f"instructor-4-grading-view{suffix}")
