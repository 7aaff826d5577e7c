"""What grading writes to and reads from nbgrader's gradebook, beyond nbgrader itself.

- ``RecordFlags`` (last in ``Autograde.autograde_preprocessors``) and ``record_flags``:
  write a notebook's findings (course.grading.flags): the submitted notebook is
  ``flagged``, every grade ``needs_manual_grade``, the reasons go into the auto
  comments of the answer cells, and on evidence of tampering every autograded score
  is withheld (0) until a person reviews it;
- ``record_submission_flags``: the same for findings about the submitted folder
  (a missing, renamed or corrupt notebook), which nbgrader never opens;
- ``flags_from_gradebook``: the reasons back, for the report and the tests;
- ``merge_student``: copy one student's rows from a worker's scratch gradebook;
- ``course_db_url`` and ``ensure_students``: which gradebook, and its student rows
  before parallel workers start.

    flags_from_gradebook(gb, "00_setup", "alice")
    # -> ["tamper: student code assigns to sys.modules (in cell 'answer')",
    #     "autograded scores withheld (set to 0) until a person reviews this submission"]

Does not grade (course.grading.parallel and nbgrader do) and does not decide what is
suspicious (course.grading.inspect, course.grading.execute).
"""

from __future__ import annotations

from pathlib import Path

from nbformat.notebooknode import NotebookNode
from nbgrader.api import Gradebook, InvalidEntry, MissingEntry
from nbgrader.preprocessors import NbGraderPreprocessor

from .config import load_config
from .flags import METADATA_KEY, Flag, flags_of

FLAG_PREFIX = "[course-grading] FLAGGED FOR REVIEW:"


class RecordFlags(NbGraderPreprocessor):
    """Write the findings into the gradebook (run after SaveAutoGrades)."""

    def preprocess(self, nb: NotebookNode, resources: dict):
        flags = [f if isinstance(f, Flag) else Flag(**f) for f in resources.get(METADATA_KEY, {}).get("flags", [])] \
            or flags_of(nb.metadata)
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


def record_submission_flags(db_url: str, assignment: str, student: str, flags: list[Flag]) -> None:
    """record_flags on every notebook of the submission, creating the rows nbgrader
    did not (a submission whose notebook could not be graded at all)."""
    with Gradebook(db_url) as gb:
        try:
            gb.find_student(student)
        except MissingEntry:
            gb.add_student(student)
        try:
            submission = gb.find_submission(assignment, student)
        except MissingEntry:
            submission = gb.add_submission(assignment, student)
        names = [nb.name for nb in submission.notebooks]
    for name in names:
        record_flags(db_url, assignment, student, name, flags)


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


def merge_student(src_url: str, dst: Gradebook, assignment: str, student: str) -> bool:
    """Copy one student's submission of one assignment from src into dst (an open nbgrader
    Gradebook, kept open across students). False if src has none."""
    with Gradebook(src_url) as src:
        try:
            sub = src.find_submission(assignment, student)
        except MissingEntry:
            return False
        who = src.find_student(student)
        person = {k: getattr(who, k) for k in ("first_name", "last_name", "email", "lms_user_id")}
        timestamp = sub.timestamp
        notebooks = []
        for nb in sub.notebooks:
            notebooks.append((nb.name, nb.flagged, nb.late_submission_penalty,
                              [(g.name, g.auto_score, g.manual_score, g.extra_credit, g.needs_manual_grade) for g in nb.grades],
                              [(c.name, c.auto_comment, c.manual_comment) for c in nb.comments]))
    dst.update_or_create_student(student, **person)
    kwargs = {"timestamp": timestamp} if timestamp is not None else {}
    dsub = dst.update_or_create_submission(assignment, student, **kwargs)
    if timestamp is None:
        dsub.timestamp = None
    for name, flagged, penalty, grades, comments in notebooks:
        dnb = dst.find_submission_notebook(name, assignment, student)
        dnb.flagged = flagged
        dnb.late_submission_penalty = penalty
        for gname, auto, manual, extra, needs in grades:
            grade = dst.find_grade(gname, name, assignment, student)
            grade.auto_score, grade.manual_score, grade.extra_credit = auto, manual, extra
            grade.needs_manual_grade = needs
        for cname, auto, manual in comments:
            comment = dst.find_comment(cname, name, assignment, student)
            comment.auto_comment, comment.manual_comment = auto, manual
    dst.db.commit()
    return True


def course_db_url(root: Path, override: str | None = None) -> str:
    """The gradebook this course uses: ``--db``, else ``c.CourseDirectory.db_url`` from
    nbgrader_config.py, else nbgrader's default (gradebook.db in the course root)."""
    if override:
        return override
    from nbgrader.coursedir import CourseDirectory

    return CourseDirectory(config=load_config(root)).db_url


def is_sqlite(db_url: str) -> bool:
    return db_url.startswith("sqlite")


def ensure_students(db_url: str, students: list[str]) -> None:
    """Create missing student rows before the workers start, so that two runs grading the
    same students at once (different assignments, one server gradebook) never race to
    insert the same student: the loser of that race would lose the student's grading."""
    with Gradebook(db_url) as gb:
        for student in students:
            try:
                gb.find_student(student)
            except MissingEntry:
                try:
                    gb.add_student(student)
                except InvalidEntry:  # another run inserted it first; nbgrader rolled back
                    gb.find_student(student)
