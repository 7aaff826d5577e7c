"""Late penalties: the course's plugin, and recomputing after the due date moves (nbgrader#723).

A scratch course with a due date and two solved submissions, one on time and one a
day and a half late, is autograded by nbgrader's Autograde with the course's config
(c.AssignLatePenalties.plugin_class = PercentPerDay). Then the due date moves two
days later, as for a class-wide extension: `course late-penalties` must leave the
gradebook exactly as a full regrade (nbgrader's Autograde with force) would.
"""

from __future__ import annotations

import pytest

from course.grading.late import DAY_S, PercentPerDay
from helpers import ASSIGNMENT, Submission, build_submission, gradebook_dump, make_course, release_and_source
from nbcourse import TempCourse

DUE = "2026-11-20 17:00:00 UTC"
EXTENDED = "2026-11-22 17:00:00 UTC"
SUBMITTED = {"prompt": "2026-11-20 16:59:59.000000 UTC", "tardy": "2026-11-22 05:00:00.000000 UTC"}


@pytest.mark.parametrize("seconds_late, percent", [
    (0, None), (1, 10), (DAY_S, 10), (DAY_S + 1, 20), (9.5 * DAY_S, 100), (40 * DAY_S, 100),
])
def test_percent_per_day_takes_ten_percent_per_started_day(seconds_late, percent):
    penalty = PercentPerDay().late_submission_penalty("ann", 8.0, seconds_late)
    assert penalty == (None if percent is None else 8.0 * percent / 100)


def test_grace_minutes_and_cap_are_configurable():
    plugin = PercentPerDay(percent_per_day=25, max_percent=50, grace_minutes=15)
    assert plugin.late_submission_penalty("ann", 4.0, 15 * 60) is None
    assert plugin.late_submission_penalty("ann", 4.0, 15 * 60 + 1) == 1.0
    assert plugin.late_submission_penalty("ann", 4.0, 5 * DAY_S) == 2.0


def _penalties(path) -> dict:
    return {student: {nb: entry["late_penalty"] for nb, entry in data["notebooks"].items()}
            for student, data in gradebook_dump(path / "gradebook.db").items()}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("late"))
    course.set_due_date(DUE)
    release_nb, source_nb = release_and_source(course)
    for student, stamp in SUBMITTED.items():
        course.submit(student, source_nb.name, build_submission(release_nb, source_nb,
                                                                Submission(student, None, {}, "solution")))
        (course.path / "submitted" / student / ASSIGNMENT / "timestamp.txt").write_text(stamp)
    assert course.autograde()
    return course


@pytest.mark.pipeline
@pytest.mark.slow
def test_nbgrader_applies_the_course_plugin(course):
    dump = gradebook_dump(course.path / "gradebook.db")
    score = sum(g[0] or 0 for g in dump["tardy"]["notebooks"][ASSIGNMENT]["grades"].values())
    assert score > 0
    # 36 hours late: two started days, 20% of the notebook's score
    assert _penalties(course.path) == {"prompt": {ASSIGNMENT: None}, "tardy": {ASSIGNMENT: pytest.approx(0.2 * score)}}


@pytest.mark.pipeline
@pytest.mark.slow
def test_moving_the_due_date_then_recomputing_equals_a_full_regrade(course, tmp_path):
    twin = course.copy(tmp_path / "regraded")
    course.set_due_date(EXTENDED)
    stale = _penalties(course.path)
    assert stale["tardy"][ASSIGNMENT], "nbgrader keeps the old penalty when the due date moves (#723)"

    fixed = course.course("late-penalties", ASSIGNMENT)
    assert fixed.returncode == 0, fixed.stderr[-2000:]
    assert "tardy 00_setup: late penalty" in fixed.stdout and "-> none" in fixed.stdout, fixed.stdout
    assert _penalties(course.path) == {"prompt": {ASSIGNMENT: None}, "tardy": {ASSIGNMENT: None}}

    twin.set_due_date(EXTENDED)
    assert twin.autograde(force=True)
    assert gradebook_dump(course.path / "gradebook.db") == gradebook_dump(twin.path / "gradebook.db")


@pytest.mark.pipeline
def test_an_unknown_assignment_is_a_clear_error(tmp_path):
    result = TempCourse(tmp_path, ASSIGNMENT).course("late-penalties", "99_nothing")
    assert result.returncode == 2 and "no assignment '99_nothing' in the gradebook" in result.stderr, result.stderr
