"""Test helpers: read nbgrader notebooks and build a temporary course.

A temporary course (TempCourse) is a scratch copy of this repo's nbgrader set-up
(config, header, one assignment) where nbgrader's code runs in this process:
generate, autograde, export. Submissions are built from the release notebook by filling
its answer cells: with the solution, with a sample wrong answer, or not at all.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

import nbformat

from course.grading.config import load_config
from course.grading.gradebook import course_db_url

ROOT = Path(__file__).resolve().parent.parent
SUBMISSIONS = ROOT / "tests" / "submissions"
BIN = Path(sys.executable).parent
SOLUTION_REGION = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*(\n|\Z)", re.MULTILINE)  # the last line has no \n


def assignments() -> list[str]:
    return sorted(p.name for p in (ROOT / "source").iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def notebooks(assignment: str, where: str = "source") -> list[Path]:
    return sorted((ROOT / where / assignment).glob("*.ipynb"))


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def is_test_cell(cell) -> bool:
    meta = nbgrader_meta(cell)
    return cell.cell_type == "code" and meta.get("grade") and not meta.get("solution")


def is_answer_cell(cell) -> bool:
    """An autograded answer: a code cell marked solution (not a manual one)."""
    meta = nbgrader_meta(cell)
    return cell.cell_type == "code" and meta.get("solution") and not meta.get("grade")


def hidden_test_lines(assignment: str, at_least: int) -> list[str]:
    """The lines of an assignment's hidden-test regions that feedback must never show:
    those of 12 characters or more that no visible part of the notebook (prose or a
    visible test) also contains."""
    secret, public = set(), set()
    for path in notebooks(assignment):
        for cell in nbformat.read(path, as_version=4).cells:
            inside = False
            for line in cell.source.splitlines():
                if line.strip() == "### BEGIN HIDDEN TESTS":
                    inside = True
                elif line.strip() == "### END HIDDEN TESTS":
                    inside = False
                elif len(line.strip()) >= 12:
                    (secret if inside else public).add(line.strip())
    shown = "\n".join(public)
    lines = sorted(line for line in secret if line not in shown)
    assert len(lines) >= at_least, f"{assignment} should have hidden tests"
    return lines


def autograded_points(notebook) -> float:
    return sum(float(nbgrader_meta(c).get("points", 0)) for c in notebook.cells if is_test_cell(c))


def solution_code(source: str) -> str:
    """A solution cell's text as a learner who solved it would leave it: markers removed."""
    return SOLUTION_REGION.sub("", source)


def in_ci() -> bool:
    """CI=true: a missing component (chromium, PostgreSQL, the hub) fails instead of skipping."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def command_env(**extra: str) -> dict:
    """The environment for a command the tests start: the venv's bin first on PATH, and
    no PYTEST_CURRENT_TEST, so kernels see what learners' kernels see."""
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra)
    return env


def run(args: list[str], cwd: Path, timeout: int = 900) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=command_env(), capture_output=True, text=True, timeout=timeout)


def validate(notebook: Path, invert: bool = False) -> dict:
    """nbgrader's Validator on one notebook, in this process, as the Validate button runs
    it (same config, same sandboxed kernel). {} when it passes: every test passes, or
    with invert, none does. Otherwise nbgrader's findings (failed, passed, changed ...)."""
    from nbgrader.validator import Validator

    results = Validator(config=load_config(ROOT), invert=invert).validate(str(notebook))
    for cell in results.get("failed", []):
        cell.pop("error", None)  # the HTML copy of raw_error
    return results


@functools.cache
def empty_gradebook() -> Path:
    """A new, empty gradebook.db for this course, made once per process and copied after.

    nbgrader stamps every new gradebook with its schema revision by running the
    `alembic` command line, which imports nbgrader: 4-5 s per temporary course. A
    copy of the empty database it would create is the same file, without that cost."""
    from nbgrader.api import Gradebook

    path = Path(tempfile.mkdtemp(prefix="course-empty-gradebook-")) / "gradebook.db"
    with Gradebook(f"sqlite:///{path}", course_id=load_config(ROOT).CourseDirectory.course_id):
        pass
    return path


def release_drift(assignment: str, committed: Path | None = None) -> list[str]:
    """What differs between release/<assignment> (or committed) and a fresh
    `nbgrader generate_assignment` (tools/release.py's generator, in this process)."""
    import release  # tools/release.py (tools/ is on pytest's pythonpath)

    fresh = release.generate([assignment], gradebook=empty_gradebook())
    try:
        return release.differences(fresh / assignment, committed or ROOT / "release" / assignment)
    finally:
        shutil.rmtree(fresh.parent, ignore_errors=True)


@dataclass
class Submission:
    name: str
    expected: float | None  # None: full marks of the assignment
    answers: dict  # answer grade_id -> source; missing ids get `others`
    others: str  # "solution" or "blank"
    why: str = ""


def sample_submissions(assignment: str) -> list[Submission]:
    """The sample wrong submissions under tests/submissions/<assignment>/<name>/."""
    found = []
    for folder in sorted((SUBMISSIONS / assignment).glob("*/")):
        meta = tomllib.loads((folder / "expected.toml").read_text())
        answers = {p.stem: p.read_text() for p in folder.glob("*.py")}
        found.append(Submission(folder.name, float(meta["score"]), answers,
                                meta.get("others", "solution"), meta.get("why", "")))
    return found


def build_submission(release_nb: Path, source_nb: Path, submission: Submission):
    """The release notebook with its answer cells filled as the submission says."""
    student = nbformat.read(release_nb, as_version=4)
    solutions = {nbgrader_meta(c)["grade_id"]: solution_code(c.source)
                 for c in nbformat.read(source_nb, as_version=4).cells if is_answer_cell(c)}
    unknown = set(submission.answers) - set(solutions)
    if unknown:
        raise ValueError(f"{submission.name}: no answer cells named {sorted(unknown)} in {source_nb.name}")
    for cell in student.cells:
        if is_answer_cell(cell):
            grade_id = nbgrader_meta(cell)["grade_id"]
            if grade_id in submission.answers:
                cell.source = submission.answers[grade_id]
            elif submission.others == "solution":
                cell.source = solutions[grade_id]
    return student


class TempCourse:
    """A scratch nbgrader course for one assignment, set up, graded and read in this process.

    Each step runs the code of the command it stands for (nbgrader's converters and
    gradebook API; `course`'s own main()) without the command's 4 s of imports:

        course = TempCourse(tmp_path, "00_setup")
        course.generate()                       # nbgrader generate_assignment 00_setup --force
        course.submit("ada", "00_setup.ipynb", notebook)
        course.autograde()                      # nbgrader autograde 00_setup --create
        course.course("autograde", "00_setup")  # course autograde 00_setup --root tmp_path
        course.export_scores()                  # nbgrader export: {"ada": 4.0}

    tests/test_command_line.py runs the real commands once, end to end. Tests that kill a
    grading run start `course` as a process of its own (there must be one to kill)."""

    def __init__(self, path: Path, assignment: str, config: str = ""):
        """Copy the course's config (with `config` appended), header, the assignment's
        source and an empty gradebook into path."""
        self.path, self.assignment = path, assignment
        shutil.copy(ROOT / "nbgrader_config.py", path)
        if config:
            with open(path / "nbgrader_config.py", "a") as handle:
                handle.write(config)
        (path / "source").mkdir()
        shutil.copy(ROOT / "source" / "header.ipynb", path / "source")
        shutil.copytree(ROOT / "source" / assignment, path / "source" / assignment,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        shutil.copy(empty_gradebook(), path / "gradebook.db")

    def copy(self, path: Path, leave_out: tuple[str, ...] = ()) -> TempCourse:
        """This course, as it is now, copied to path (without the names in leave_out)."""
        shutil.copytree(self.path, path, ignore=shutil.ignore_patterns(*leave_out))
        twin = object.__new__(TempCourse)
        twin.path, twin.assignment = path, self.assignment
        return twin

    def _gradebook(self):
        from nbgrader.api import Gradebook

        config = load_config(self.path)
        return Gradebook(course_db_url(self.path), config.CourseDirectory.course_id)

    def generate(self, assignment: str | None = None) -> None:
        """`nbgrader generate_assignment ASSIGNMENT --force` (default: this course's)."""
        from nbgrader.apps import NbGraderAPI
        from nbgrader.coursedir import CourseDirectory

        config = load_config(self.path)
        with contextlib.chdir(self.path):
            result = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config).generate_assignment(
                assignment or self.assignment, force=True)
        assert result["success"], f"generate_assignment failed:\n{result['error']}\n{result['log']}"

    def set_due_date(self, duedate: str) -> None:
        """`nbgrader db assignment add ASSIGNMENT --duedate=...`"""
        with self._gradebook() as gradebook:
            gradebook.update_or_create_assignment(self.assignment, duedate=duedate)

    def add_student(self, student: str, **fields: str) -> None:
        """`nbgrader db student add STUDENT --last-name ... --first-name ...`"""
        with self._gradebook() as gradebook:
            gradebook.update_or_create_student(student, **fields)

    def submit(self, student: str, notebook_name: str, notebook) -> None:
        folder = self.path / "submitted" / student / self.assignment
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, folder / notebook_name)

    def autograde(self, force: bool = False) -> bool:
        """`nbgrader autograde ASSIGNMENT --create [--force]`: nbgrader's own Autograde
        converter, every student in one run. False where the command would exit 1 (a
        notebook could not be graded)."""
        from nbgrader.converters import Autograde
        from nbgrader.converters.base import NbGraderException
        from nbgrader.coursedir import CourseDirectory

        config = load_config(self.path)
        with contextlib.chdir(self.path):
            coursedir = CourseDirectory(config=config)
            coursedir.assignment_id = self.assignment
            try:
                Autograde(coursedir=coursedir, config=config, force=force, create_student=True).start()
            except NbGraderException:
                return False
        return True

    def course(self, *args: str) -> subprocess.CompletedProcess:
        """`course ARGS --root PATH`: the console script's main() in this process, with what
        it printed and its exit status as a command's."""
        from course.grading import cli

        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main([*args, "--root", str(self.path)])
            except SystemExit as error:  # as the command exits: argparse's errors 2, a refusal's message 1
                if isinstance(error.code, str):
                    print(error.code, file=sys.stderr)
                code = 1 if isinstance(error.code, str) else error.code or 0
        return subprocess.CompletedProcess(["course", *args], code, out.getvalue(), err.getvalue())

    def generate_feedback(self) -> None:
        """`nbgrader generate_feedback ASSIGNMENT --force`"""
        from nbgrader.apps import NbGraderAPI
        from nbgrader.coursedir import CourseDirectory

        config = load_config(self.path)
        with contextlib.chdir(self.path):
            api = NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)
            result = api.generate_feedback(self.assignment, force=True)
        assert result["success"], f"generate_feedback failed:\n{result['error']}\n{result['log']}"

    def export(self, to: Path, **traits) -> Path:
        """`nbgrader export --to TO` (traits: e.g. assignment=[...], student=[...])."""
        from nbgrader.plugins import CsvExportPlugin

        with self._gradebook() as gradebook:
            CsvExportPlugin(config=load_config(self.path), to=str(to), **traits).export(gradebook)
        return to

    def export_scores(self) -> dict:
        """student id -> autograded score, from nbgrader's CSV export (the file instructors get)."""
        with open(self.export(self.path / "grades.csv"), newline="") as handle:
            return {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)
                    if row["assignment"] == self.assignment}

    def cell_scores(self, student: str) -> dict:
        """grade_id -> (score, max) for one student, from the gradebook."""
        with self._gradebook() as gradebook:
            submission = gradebook.find_submission(self.assignment, student)
            return {grade.name: (grade.score, grade.max_score)
                    for notebook in submission.notebooks for grade in notebook.grades}


def is_written_answer(cell) -> bool:
    """A manually graded markdown answer ("YOUR ANSWER HERE" in the release)."""
    return cell.cell_type == "markdown" and bool(nbgrader_meta(cell).get("solution"))


def typed_solutions(assignment: str) -> dict:
    """grade_id -> what a learner who solved it leaves in each answer cell.

    Code: the source's solution without its markers. Prose: a sentence (Validate
    only checks that "YOUR ANSWER HERE" was replaced; a person grades the rest).
    """
    source = nbformat.read(ROOT / "source" / assignment / f"{assignment}.ipynb", as_version=4)
    answers = {}
    for cell in source.cells:
        if is_answer_cell(cell):
            answers[nbgrader_meta(cell)["grade_id"]] = solution_code(cell.source).removesuffix("\n")
        elif is_written_answer(cell):
            answers[nbgrader_meta(cell)["grade_id"]] = "My written answer, typed in JupyterLab."
    return answers
