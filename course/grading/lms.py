"""Grade export for Canvas and Moodle: two nbgrader exporter plugins.

Run from the course root (the folder with nbgrader_config.py)::

    nbgrader export --exporter=course.grading.lms.CanvasExport --to canvas.csv
    nbgrader export --exporter=course.grading.lms.MoodleExport --to moodle.csv

``--assignment`` and ``--student`` narrow the export exactly as they narrow
nbgrader's own CSV export. Each score is the one ``nbgrader export`` writes:
``max(0, submission.score - late_submission_penalty)``, where the submission
score already includes manual grades and extra credit.

Canvas (Gradebook import, the layout of Canvas's own Gradebook export):
- columns ``Student, ID, SIS User ID, SIS Login ID, Section``, then one column
  per assignment;
- ``Student`` is "Last, First"; ``ID`` is the gradebook's ``lms_user_id`` (the
  Canvas user id) or empty; ``SIS Login ID`` is the nbgrader student id; ``SIS
  User ID`` and ``Section`` are empty (nbgrader does not know them). Canvas
  matches a row by ID, then SIS User ID, then SIS Login ID, then name;
- an assignment column is ``Name (canvas id)`` when
  ``c.CanvasExport.assignment_ids = {"01_tokens": 12345}`` gives the id (the
  number in the assignment's Canvas URL). Without one it is the bare name:
  Canvas updates the assignment with exactly that title, or creates one;
- the second row is ``    Points Possible`` (four spaces, as Canvas writes it)
  with each assignment's maximum score;
- no submission: an empty cell, which Canvas reads as "no score" (so does "-";
  "EX" would excuse the student). An empty cell leaves a Canvas cell that has no
  grade unchanged, but removes a grade typed into Canvas by hand; set
  ``CanvasExport.missing_score = "0"`` to import zeros instead.

Moodle (Grade import from CSV):
- one identifier column, then one column per assignment named after it. On
  Moodle's import page map the identifier column ("Map from") to the user field
  ("Map to"), and each assignment column to its grade item (or "new grade item");
- ``MoodleExport.identifier`` picks the identifier: ``email`` (the default,
  column "Email address", map to "useremail"), ``username`` (the nbgrader
  student id as the Moodle username; use it when emails are missing) or
  ``idnumber`` (the gradebook's ``lms_user_id``, map to "useridnumber"). A
  student without a value stops the export with their name: Moodle would abort
  the whole import at that row;
- no submission: "-", Moodle's "no grade" (its importer treats "" the same for
  an existing grade item, but "-" also keeps a *new* grade item empty);
- Moodle refuses grades above 100 unless the site allows them (unlimitedgrades),
  and compares email addresses case-sensitively.

Sources (checked 2026-12-06; see tests/lms_samples/README.md). The Canvas
guide's own text was not available to check; Canvas's rules here come from its
source code, which the guide describes:
- Canvas Instructor Guide, "How do I import grades in the Gradebook?",
  https://community.canvaslms.com/t5/Instructor-Guide/How-do-I-import-grades-in-the-Gradebook/ta-p/807
  and "How do I export grades in the Gradebook?" (Instructure's white-label copy:
  https://help.astrialearning.com/portal/en/kb/articles/how-do-i-export-grades-in-the-gradebook);
- Canvas source: instructure/canvas-lms lib/gradebook_exporter.rb (header and
  Points Possible row), lib/gradebook_importer.rb (blank and "-" are "no
  score", "EX" excuses, ``Name (id)`` columns, unmatched titles create
  assignments);
- Moodle Docs, "Grade import", https://docs.moodle.org/311/en/Grade_import
  (Map from / Map to: useremail, useridnumber, username);
- Moodle source: moodle/moodle grade/import/csv/classes/load_data.php ("" and
  "-" are "no grade"; a row with no user aborts the import).

Does not upload anything or call an LMS API. Does not export per-question
scores, feedback or comments. Does not know Canvas sections, SIS user ids or
Moodle grade item names. Does not protect names that start with "=" from being
read as spreadsheet formulas.
"""

from __future__ import annotations

import csv
import re

from nbgrader.api import MissingEntry
from nbgrader.plugins import ExportPlugin
from traitlets import Dict, Enum, Int, Unicode

from ..errors import CourseError

CANVAS_ID_SUFFIX = re.compile(r"\s\(\d+\)\Z")  # what Canvas reads as "Name (id)"
MOODLE_HEADERS = {"email": "Email address", "username": "Username", "idnumber": "ID number"}  # its export's labels


class LMSExportError(CourseError, ValueError):
    """The gradebook or the exporter's settings cannot make a valid LMS file."""


def number(value: float) -> str:
    """A score as LMS import files write it: 10.0 -> "10", 7.5 -> "7.5"."""
    text = repr(float(value))
    return text.removesuffix(".0")


def full_name(student) -> str:
    """First and last name, "Ada Lovelace", or "" when the gradebook has neither."""
    return " ".join(part for part in (student.first_name, student.last_name) if part)


def total_score(gradebook, assignment: str, student: str) -> float | None:
    """The score `nbgrader export` writes for one submission, None if there is none."""
    try:
        submission = gradebook.find_submission(assignment, student)
    except MissingEntry:
        return None
    return max(0.0, submission.score - submission.late_submission_penalty)


class _LMSExport(ExportPlugin):
    """Shared parts: the selection nbgrader's CSV export makes, and writing the file."""

    default_file = "grades.csv"

    def selection(self, gradebook) -> tuple[list, list]:
        """(assignments, students) left by --assignment and --student (compared as strings, as
        CsvExportPlugin does, so `--student [7]` finds student "7"): assignments in gradebook
        order, students by last name, first name, then id."""
        wanted_assignments = [str(item) for item in self.assignment]
        wanted_students = [str(item) for item in self.student]
        assignments = [a for a in gradebook.assignments if not wanted_assignments or a.name in wanted_assignments]
        students = [s for s in gradebook.students if not wanted_students or s.id in wanted_students]
        # nbgrader orders students by name only; among equal names (or none) the database
        # decides, and PostgreSQL's order changes with who was inserted first. The id breaks ties.
        students.sort(key=lambda s: (s.last_name or "", s.first_name or "", s.id))
        return assignments, students

    def table(self, gradebook) -> list[list[str]]:
        """The file's rows, header first."""
        raise NotImplementedError

    def export(self, gradebook) -> None:
        rows = self.table(gradebook)  # every check runs before the file is touched
        dest = self.to or self.default_file
        self.log.info("Exporting grades for %s to %s", type(self).__name__, dest)
        try:
            with open(dest, "w", encoding="utf-8", newline="") as handle:
                csv.writer(handle).writerows(rows)
        except OSError as error:
            raise LMSExportError(f"Cannot write the grades to {dest!r}: {error.strerror}. "
                                 "Pass a path in a folder you can write to with --to.") from error


class CanvasExport(_LMSExport):
    """A Canvas Gradebook import CSV (see the module docstring)."""

    default_file = "canvas_grades.csv"
    assignment_ids = Dict(key_trait=Unicode(), value_trait=Int(), help=(
        "nbgrader assignment name -> Canvas assignment id (the number in the assignment's "
        "Canvas URL), e.g. {'01_tokens': 12345}. Unmapped assignments get a bare-name column.")).tag(config=True)
    missing_score = Enum(["", "-", "0", "EX"], default_value="", help=(
        "What a missing submission becomes: '' or '-' (no score), '0', or 'EX' (excused).")).tag(config=True)

    def column(self, name: str) -> str:
        """01_tokens -> "01_tokens (12345)" with a mapping, "01_tokens" without."""
        if name in self.assignment_ids:
            return f"{name} ({self.assignment_ids[name]})"
        if CANVAS_ID_SUFFIX.search(name):
            raise LMSExportError(f"Canvas would read the assignment name {name!r} as 'title (Canvas id)'. "
                                 f"Give its Canvas id in c.CanvasExport.assignment_ids.")
        self.log.warning("%s has no Canvas id in c.CanvasExport.assignment_ids: Canvas will update the "
                         "assignment titled exactly %r, or create one.", name, name)
        return name

    def check_ids(self, gradebook) -> None:
        known = [a.name for a in gradebook.assignments]
        for name, canvas_id in self.assignment_ids.items():
            if name not in known:
                raise LMSExportError(f"c.CanvasExport.assignment_ids names {name!r}, which is not an assignment "
                                     f"in the gradebook ({', '.join(known) or 'none'}). Fix or remove that key.")
            if canvas_id <= 0:
                raise LMSExportError(f"c.CanvasExport.assignment_ids gives {name!r} the id {canvas_id}: a Canvas "
                                     "assignment id is the positive number in the assignment's URL.")

    def table(self, gradebook) -> list[list[str]]:
        self.check_ids(gradebook)
        assignments, students = self.selection(gradebook)
        columns = [self.column(a.name) for a in assignments]
        rows = [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *columns],
                ["    Points Possible", "", "", "", "", *(number(a.max_score) for a in assignments)]]  # sic: 4 spaces
        for student in students:
            name = ", ".join(part for part in (student.last_name, student.first_name) if part) or student.id
            scores = (total_score(gradebook, a.name, student.id) for a in assignments)
            rows.append([name, student.lms_user_id or "", "", student.id, "",
                         *(self.missing_score if s is None else number(s) for s in scores)])
        return rows


class MoodleExport(_LMSExport):
    """A Moodle "Import grades from CSV" file (see the module docstring)."""

    default_file = "moodle_grades.csv"
    identifier = Enum(["email", "username", "idnumber"], default_value="email", help=(
        "How Moodle finds each student: 'email' (Map to useremail), 'username' (the nbgrader "
        "id as Moodle username) or 'idnumber' (the gradebook's lms_user_id, Map to useridnumber).")).tag(config=True)
    missing_score = Enum(["-", "0"], default_value="-", help=(
        "What a missing submission becomes: '-' (no grade) or '0'.")).tag(config=True)

    def user_key(self, student) -> str:
        field = {"email": "email", "username": "id", "idnumber": "lms_user_id"}[self.identifier]
        return (getattr(student, field) or "").strip()

    def check_keys(self, students) -> None:
        missing = [s for s in students if not self.user_key(s)]
        if missing:
            who = ", ".join(f"{s.id} ({full_name(s)})" if full_name(s) else s.id for s in missing)
            fix = ("add it (nbgrader db student add STUDENT_ID --email=...), or export with "
                   "--MoodleExport.identifier=username to match students by their nbgrader id as Moodle username"
                   if self.identifier == "email" else
                   "add it (nbgrader db student add STUDENT_ID --lms-user-id=...), or choose another "
                   "--MoodleExport.identifier")
            raise LMSExportError(f"Moodle matches rows to users by {MOODLE_HEADERS[self.identifier]!r}, and these "
                                 f"students have none in the gradebook: {who}. For each, {fix}.")
        seen: dict[str, str] = {}  # identifier -> student id
        for student in students:
            other = seen.setdefault(self.user_key(student), student.id)
            if other != student.id:
                raise LMSExportError(f"Students {other} and {student.id} share the {MOODLE_HEADERS[self.identifier]} "
                                     f"{self.user_key(student)!r}: Moodle would give both grades to one user.")

    def table(self, gradebook) -> list[list[str]]:
        assignments, students = self.selection(gradebook)
        self.check_keys(students)
        rows = [[MOODLE_HEADERS[self.identifier], *(a.name for a in assignments)]]
        for student in students:
            scores = (total_score(gradebook, a.name, student.id) for a in assignments)
            rows.append([self.user_key(student), *(self.missing_score if s is None else number(s) for s in scores)])
        return rows
