"""Canvas and Moodle grade files (course/grading/lms.py) from a real nbgrader gradebook.

The course is built with nbgrader.api (no kernels run): two assignments, four students.

    student               01_tokens (max 4 + 6 = 10)             02_rag (max 12)
    ada  Ada Lovelace     code 1 overridden by hand to 3, essay 5: 8   11.5
    jose José Ñúñez, Jr.  no submission                          12, late penalty 3: 9
    bea  Beatriz Ørsted   1, late penalty 2: 0 (never below 0)   no submission
    zoe  Zoë              no submission                          no submission

Every score is checked against nbgrader's own CSV export (CsvExportPlugin) of the same
gradebook, and both files against tests/lms_samples/. The exporters run in this process
and through the real `nbgrader export --exporter ...` command line.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from pathlib import Path
from unittest import mock

import pytest
from nbcourse import BIN
from nbgrader.api import Gradebook
from nbgrader.plugins import CsvExportPlugin
from traitlets import TraitError

from course.grading.config import load_config
from course.grading.lms import CanvasExport, LMSExportError, MoodleExport

# nbgrader's own add_submission() trips SQLAlchemy's autoflush warnings; they are not ours.
pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")

SAMPLES = Path(__file__).resolve().parent.parent / "lms_samples"
COURSE_ID = "lms-test"
CANVAS_IDS = {"01_tokens": 12345, "02_rag": 67890}
CONFIG = f"""c = get_config()  # noqa: F821
c.CourseDirectory.course_id = {COURSE_ID!r}
c.CanvasExport.assignment_ids = {CANVAS_IDS!r}
"""
# The students and assignments of the sample files, as filters and as command-line flags.
SAMPLE_FILTER = {"assignment": ["01_tokens", "02_rag"], "student": ["jose", "ada"]}
SAMPLE_FILTER_ARGS = ["--assignment", "01_tokens", "--assignment", "02_rag", "--student", "jose", "--student", "ada"]
CLI_RUNS = {"CanvasExport": "canvas_gradebook_export_sample.csv", "MoodleExport": "moodle_grade_import_sample.csv"}
EXPECTED = {  # student -> (01_tokens, 02_rag) as the Canvas file writes them; None: no submission
    "ada": ("8", "11.5"), "jose": (None, "9"), "bea": ("0", None), "zoe": (None, None)}


def new_gradebook(db: Path) -> Gradebook:
    """An nbgrader gradebook at db. nbgrader stamps a new database with its alembic head by
    running the `alembic` command (4-5 s); the same head read in this process takes 0.5 s."""
    import nbgrader
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(Path(nbgrader.__file__).parent / "alembic")).get_current_head()
    with mock.patch("nbgrader.api.get_alembic_version", return_value=head):
        return Gradebook(f"sqlite:///{db}", COURSE_ID)


def fill(gb: Gradebook) -> None:
    """The course in the module docstring."""
    gb.add_assignment("01_tokens")
    gb.add_notebook("tokens", "01_tokens")
    gb.add_grade_cell("count_tokens", "tokens", "01_tokens", max_score=4, cell_type="code")
    gb.add_grade_cell("explain", "tokens", "01_tokens", max_score=6, cell_type="markdown")
    gb.add_assignment("02_rag")
    gb.add_notebook("rag", "02_rag")
    gb.add_grade_cell("retrieve", "rag", "02_rag", max_score=12, cell_type="code")
    gb.add_student("ada", first_name="Ada", last_name="Lovelace", email="ada@example.org", lms_user_id="101")
    gb.add_student("jose", first_name="José", last_name="Ñúñez, Jr.", email="jose@example.org")
    gb.add_student("bea", first_name="Beatriz", last_name="Ørsted", email="bea@example.org")
    gb.add_student("zoe", first_name="Zoë", email="zoe@example.org")
    scores = {  # (assignment, notebook, student) -> ({cell: (auto, manual)}, late penalty)
        ("01_tokens", "tokens", "ada"): ({"count_tokens": (1.0, 3.0), "explain": (None, 5.0)}, 0.0),
        ("01_tokens", "tokens", "bea"): ({"count_tokens": (1.0, None)}, 2.0),
        ("02_rag", "rag", "ada"): ({"retrieve": (11.5, None)}, 0.0),
        ("02_rag", "rag", "jose"): ({"retrieve": (12.0, None)}, 3.0),
    }
    for (assignment, notebook, student), (cells, penalty) in scores.items():
        gb.add_submission(assignment, student)
        for cell, (auto, manual) in cells.items():
            grade = gb.find_grade(cell, notebook, assignment, student)
            grade.auto_score, grade.manual_score = auto, manual
        gb.find_submission_notebook(notebook, assignment, student).late_submission_penalty = penalty
    gb.db.commit()


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("lms_course")
    (root / "nbgrader_config.py").write_text(CONFIG)
    with new_gradebook(root / "gradebook.db") as gb:
        fill(gb)
    return root


@pytest.fixture(scope="module")
def cli_files(course) -> dict[str, Path]:
    """`nbgrader export --exporter ...` for each exporter, narrowed to the students and
    assignments of the sample files. Run side by side: each spends ~3.5 s importing nbgrader."""
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    procs = {}
    for name in CLI_RUNS:
        args = ["--exporter", f"course.grading.lms.{name}", "--to", f"cli_{name}.csv", *SAMPLE_FILTER_ARGS]
        procs[name] = subprocess.Popen([str(BIN / "nbgrader"), "export", *args], cwd=course, env=env, text=True,
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    for name, proc in procs.items():
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, f"nbgrader export --exporter {name} failed:\n{out}\n{err}"
    return {name: course / f"cli_{name}.csv" for name in CLI_RUNS}


def config(course: Path):
    """The temporary course's nbgrader_config.py, loaded as nbgrader loads it."""
    return load_config(course)


def export(exporter_class, course: Path, to: Path, db: Path | None = None, **traits) -> Path:
    with Gradebook(f"sqlite:///{db or course / 'gradebook.db'}", COURSE_ID) as gb:
        exporter_class(config=config(course), to=str(to), **traits).export(gb)
    return to


def read(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def nbgrader_scores(course: Path, tmp_path: Path, **filters) -> dict[tuple[str, str], float]:
    """(assignment, student) -> score, from nbgrader's own CSV export of the course.

    nbgrader writes its fields unquoted, so a comma in a name ("Ñúñez, Jr.") shifts the
    middle columns: the assignment and student id are read from the left, the score from
    the right (it is the second-to-last column, before max_score)."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", COURSE_ID) as gb:
        CsvExportPlugin(to=str(tmp_path / "nbgrader.csv"), **filters).export(gb)
    lines = (tmp_path / "nbgrader.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].split(",")[3] == "student_id" and lines[0].split(",")[-2] == "score"
    return {(f[0], f[3]): float(f[-2]) for f in (line.split(",") for line in lines[1:])}


def submitted(course: Path) -> dict[tuple[str, str], float]:
    """(assignment, student) -> the gradebook's score minus late penalty, submissions only."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", COURSE_ID) as gb:
        return {(a.name, s.student.id): max(0.0, s.score - s.late_submission_penalty)
                for a in gb.assignments for s in a.submissions}


def gradebook_order(course: Path) -> list[str]:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", COURSE_ID) as gb:
        return [s.id for s in gb.students]


def test_worked_example(course, tmp_path):
    """The numbers in the module docstring: ada's hand-given 3 replaces her autograded 1
    (3 + 5 = 8); jose's 12 loses a 3-point late penalty (9); bea's 1 minus a 2-point penalty
    is 0, not -1, as in `nbgrader export`; a missing submission is an empty cell."""
    rows = read(export(CanvasExport, course, tmp_path / "canvas.csv"))
    found = {row[3]: tuple(cell or None for cell in row[5:]) for row in rows[2:]}
    assert found == EXPECTED


def test_canvas_file(course, tmp_path):
    path = export(CanvasExport, course, tmp_path / "canvas.csv")
    rows, sample = read(path), read(SAMPLES / "canvas_gradebook_export_sample.csv")
    assert rows[0] == sample[0]  # Student, ID, SIS User ID, SIS Login ID, Section, Name (canvas id)...
    assert rows[1] == sample[1] == ["    Points Possible", "", "", "", "", "10", "12"]
    by_login = {row[3]: row for row in rows[2:]}
    assert [by_login["ada"], by_login["jose"]] == sample[2:]
    assert [row[3] for row in rows[2:]] == gradebook_order(course)
    assert {login: row[:3] + [row[4]] for login, row in by_login.items()} == {
        "ada": ["Lovelace, Ada", "101", "", ""], "jose": ["Ñúñez, Jr., José", "", "", ""],
        "bea": ["Ørsted, Beatriz", "", "", ""], "zoe": ["Zoë", "", "", ""]}
    nbgrader, gradebook = nbgrader_scores(course, tmp_path), submitted(course)
    assert len(gradebook) == 4
    for login, row in by_login.items():
        for assignment, cell in zip(["01_tokens", "02_rag"], row[5:], strict=True):
            if (assignment, login) in gradebook:
                assert float(cell) == gradebook[assignment, login] == nbgrader[assignment, login], (login, assignment)
            else:
                assert cell == "" and nbgrader[assignment, login] == 0.0, (login, assignment)


def test_moodle_file(course, tmp_path):
    rows = read(export(MoodleExport, course, tmp_path / "moodle.csv"))
    sample = read(SAMPLES / "moodle_grade_import_sample.csv")
    assert rows[0] == sample[0] == ["Email address", "01_tokens", "02_rag"]
    by_email = {row[0]: row[1:] for row in rows[1:]}
    assert [[email, *by_email[email]] for email in ("ada@example.org", "jose@example.org")] == sample[1:]
    assert list(by_email) == [f"{student}@example.org" for student in gradebook_order(course)]
    nbgrader, gradebook = nbgrader_scores(course, tmp_path), submitted(course)
    for email, cells in by_email.items():
        login = email.split("@")[0]
        for assignment, cell in zip(["01_tokens", "02_rag"], cells, strict=True):
            if (assignment, login) in gradebook:
                assert float(cell) == gradebook[assignment, login] == nbgrader[assignment, login], (login, assignment)
            else:
                assert cell == "-", (login, assignment)


@pytest.mark.pipeline
@pytest.mark.parametrize("exporter", list(CLI_RUNS))
def test_command_line_export_is_the_sample(course, cli_files, tmp_path, exporter):
    """`nbgrader export --exporter course.grading.lms.X --assignment ... --student ...` from
    the course root: the config file's Canvas ids and the filters reach the plugin, and the
    file is the sample, byte for byte the same as the same export in this process."""
    cli = cli_files[exporter]
    assert read(cli) == read(SAMPLES / CLI_RUNS[exporter])
    here = export({"CanvasExport": CanvasExport, "MoodleExport": MoodleExport}[exporter], course,
                  tmp_path / "here.csv", **SAMPLE_FILTER)
    assert cli.read_bytes() == here.read_bytes()


def test_filters_select_what_nbgrader_export_selects(course, tmp_path):
    """--assignment 02_rag --student jose --student ada: the same cells as nbgrader's CSV."""
    filters = {"assignment": ["02_rag"], "student": ["jose", "ada"]}
    rows = read(export(MoodleExport, course, tmp_path / "moodle.csv", **filters))
    nbgrader = nbgrader_scores(course, tmp_path, **filters)
    assert rows[0] == ["Email address", "02_rag"]
    assert {(rows[0][1], row[0].split("@")[0]): float(row[1]) for row in rows[1:]} == nbgrader
    assert sorted(nbgrader) == [("02_rag", "ada"), ("02_rag", "jose")]


def test_canvas_filters(course, tmp_path):
    rows = read(export(CanvasExport, course, tmp_path / "canvas.csv", assignment=["01_tokens"], student=["bea"]))
    assert rows == [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "01_tokens (12345)"],
                    ["    Points Possible", "", "", "", "", "10"],
                    ["Ørsted, Beatriz", "", "", "bea", "", "0"]]


@pytest.mark.parametrize("exporter", [CanvasExport, MoodleExport])
def test_numeric_filter_finds_a_numeric_student_id(course, scratch, tmp_path, exporter):
    """`c.ExportPlugin.student = [7]` finds student "7", as CsvExportPlugin compares str(item)."""
    with Gradebook(f"sqlite:///{scratch}", COURSE_ID) as gb:
        gb.add_student("7", first_name="Seven", email="seven@example.org")
    rows = read(export(exporter, course, tmp_path / "out.csv", db=scratch, student=[7], assignment=["02_rag"]))
    assert rows[-1] == (["Seven", "", "", "7", "", ""] if exporter is CanvasExport else ["seven@example.org", "-"])
    assert len(rows) == (3 if exporter is CanvasExport else 2)  # the header(s) and student 7 only


@pytest.mark.parametrize("exporter", [CanvasExport, MoodleExport])
def test_file_round_trips_through_the_csv_module(course, tmp_path, exporter):
    """What the csv module reads back is the table the exporter built: the comma in
    "Ñúñez, Jr." is quoted, the accents survive as UTF-8."""
    path = export(exporter, course, tmp_path / "out.csv")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", COURSE_ID) as gb:
        table = exporter(config=config(course)).table(gb)
    assert read(path) == table
    assert len({len(row) for row in table}) == 1
    if exporter is CanvasExport:
        assert '"Ñúñez, Jr., José"' in path.read_text(encoding="utf-8")


def test_canvas_without_ids_uses_bare_names(course, tmp_path):
    """Without a mapping Canvas matches the column to an assignment of that exact title,
    or creates one."""
    rows = read(export(CanvasExport, course, tmp_path / "c.csv", assignment_ids={}))
    assert rows[0][5:] == ["01_tokens", "02_rag"]


def test_missing_score_can_be_zero(course, tmp_path):
    canvas = read(export(CanvasExport, course, tmp_path / "c.csv", missing_score="0"))
    moodle = read(export(MoodleExport, course, tmp_path / "m.csv", missing_score="0"))
    assert {row[3]: row[5:] for row in canvas[2:]}["zoe"] == ["0", "0"]
    assert {row[0]: row[1:] for row in moodle[1:]}["zoe@example.org"] == ["0", "0"]
    with pytest.raises(TraitError):
        MoodleExport(missing_score="")  # "" would be a bad value for a new Moodle grade item


@pytest.fixture
def scratch(course, tmp_path) -> Path:
    """A copy of the course's gradebook that a test may change."""
    return Path(shutil.copy(course / "gradebook.db", tmp_path / "gradebook.db"))


@pytest.mark.parametrize("ids, message", [
    ({"01_token": 12345}, r"'01_token', which is not an assignment in the gradebook \(01_tokens, 02_rag\)"),
    ({"01_tokens": 0}, r"'01_tokens' the id 0: a Canvas assignment id is the positive number"),
])
def test_canvas_rejects_a_bad_mapping(course, tmp_path, ids, message):
    out = tmp_path / "c.csv"
    with pytest.raises(LMSExportError, match=message):
        export(CanvasExport, course, out, assignment_ids=ids)
    assert not out.exists()


def test_canvas_refuses_a_name_it_would_read_as_an_id(course, scratch, tmp_path):
    with Gradebook(f"sqlite:///{scratch}", COURSE_ID) as gb:
        gb.add_assignment("quiz (2)")
    with pytest.raises(LMSExportError, match=r"'quiz \(2\)' as 'title \(Canvas id\)'"):
        export(CanvasExport, course, tmp_path / "c.csv", db=scratch)
    export(CanvasExport, course, tmp_path / "c.csv", db=scratch, assignment_ids={**CANVAS_IDS, "quiz (2)": 3})
    assert read(tmp_path / "c.csv")[0][5:] == ["01_tokens (12345)", "02_rag (67890)", "quiz (2) (3)"]


def test_moodle_names_students_without_an_email(course, scratch, tmp_path):
    with Gradebook(f"sqlite:///{scratch}", COURSE_ID) as gb:
        gb.add_student("sam", first_name="Sam", last_name="Smith")
    out = tmp_path / "m.csv"
    with pytest.raises(LMSExportError, match=r"'Email address'.*: sam \(Sam Smith\)\. .*identifier=username"):
        export(MoodleExport, course, out, db=scratch)
    assert not out.exists()
    rows = read(export(MoodleExport, course, out, db=scratch, identifier="username"))
    assert rows[0][0] == "Username" and sorted(row[0] for row in rows[1:]) == ["ada", "bea", "jose", "sam", "zoe"]


def test_moodle_idnumber_needs_an_lms_user_id_for_everyone(course, tmp_path):
    with pytest.raises(LMSExportError, match=r"'ID number'.*: zoe \(Zoë\), jose \(José Ñúñez, Jr\.\), bea"):
        export(MoodleExport, course, tmp_path / "m.csv", identifier="idnumber")
    rows = read(export(MoodleExport, course, tmp_path / "m.csv", identifier="idnumber", student=["ada"]))
    assert rows == [["ID number", "01_tokens", "02_rag"], ["101", "8", "11.5"]]


def test_moodle_refuses_two_students_with_one_email(course, scratch, tmp_path):
    with Gradebook(f"sqlite:///{scratch}", COURSE_ID) as gb:
        gb.add_student("ada2", first_name="Ada", last_name="Byron", email="ada@example.org")
    with pytest.raises(LMSExportError, match="share the Email address 'ada@example.org'"):
        export(MoodleExport, course, tmp_path / "m.csv", db=scratch)


@pytest.mark.parametrize("exporter", [CanvasExport, MoodleExport])
@pytest.mark.parametrize("where, reason", [("missing/grades.csv", "No such file or directory"),
                                           (".", "Is a directory")])
def test_unwritable_output_is_a_clear_error(course, tmp_path, exporter, where, reason):
    with pytest.raises(LMSExportError, match=f"Cannot write the grades to .*: {reason}. Pass a path"):
        export(exporter, course, tmp_path / where)
