"""The gradebook in PostgreSQL (`c.CourseDirectory.db_url`), on a real server.

One scratch course is graded with its SQLite gradebook (the reference). A copy of it,
configured for a throw-away PostgreSQL server (tests/postgres.py), generates the same
assignment twice (00_setup and 00_setup_b, same notebook) and runs two `course
autograde` at once, one per assignment, on the same students: both must write exactly
the reference's rows. A third copy is graded by nbgrader's own Autograde (what `nbgrader
autograde` runs) into another database. nbgrader's CSV export must agree with the SQLite course.

The server comes from the `postgres` fixture (tests/conftest.py): without PostgreSQL
these tests skip with the reason, except under CI=true, where they fail.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess

import pytest

from helpers import ASSIGNMENT, BIN, Submission, build_submission, gradebook_dump, make_course, release_and_source
from nbcourse import command_env, sample_submissions

pytestmark = [pytest.mark.pipeline, pytest.mark.slow]
SECOND = f"{ASSIGNMENT}_b"


def _use_database(course, url: str) -> None:
    with open(course.path / "nbgrader_config.py", "a") as handle:
        handle.write(f"\n# --- tests: the gradebook in PostgreSQL ---\nc.CourseDirectory.db_url = {url!r}\n")
    (course.path / "gradebook.db").unlink()  # nothing may fall back to it silently


@pytest.fixture(scope="module")
def graded(postgres, tmp_path_factory):
    lite = make_course(tmp_path_factory.mktemp("sqlite"))
    release_nb, source_nb = release_and_source(lite)
    # Full marks, none, and one partial score: every kind of row, graded four times over.
    subs = [Submission("solution", None, {}, "solution"), Submission("blank", 0.0, {}, "blank"),
            sample_submissions(ASSIGNMENT)[0]]
    for sub in subs:
        lite.submit(sub.name, source_nb.name, build_submission(release_nb, source_nb, sub))
    pg = lite.copy(tmp_path_factory.mktemp("pg") / "course")
    stock = lite.copy(tmp_path_factory.mktemp("pg-stock") / "course")
    done = lite.course("autograde", ASSIGNMENT, "--workers", "2")
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]

    _use_database(pg, postgres.create_database("gradebook"))
    shutil.copytree(pg.path / "source" / ASSIGNMENT, pg.path / "source" / SECOND)
    for sub in subs:
        shutil.copytree(pg.path / "submitted" / sub.name / ASSIGNMENT, pg.path / "submitted" / sub.name / SECOND)
    pg.generate()
    pg.generate(SECOND)
    # Two graders at once, on the same students, against one gradebook.
    runs = [subprocess.Popen([str(BIN / "course"), "autograde", name, "--workers", "1"], cwd=pg.path, env=command_env(),
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for name in (ASSIGNMENT, SECOND)]
    outputs = [run.communicate(timeout=1200)[0] for run in runs]

    stock_url = postgres.create_database("stock")
    _use_database(stock, stock_url)
    stock.generate()
    stock_graded = stock.autograde()
    return {"lite": lite, "pg": pg, "pg_url": postgres.url("gradebook"), "runs": runs, "outputs": outputs,
            "stock_url": stock_url, "stock_graded": stock_graded, "students": sorted(s.name for s in subs)}


def test_course_autograde_writes_the_same_rows_to_postgresql_as_to_sqlite(graded):
    reference = gradebook_dump(graded["lite"].path / "gradebook.db")
    assert sorted(reference) == graded["students"]
    assert graded["runs"][0].returncode == 0, graded["outputs"][0][-3000:]
    assert gradebook_dump(graded["pg_url"], ASSIGNMENT) == reference


def test_two_runs_at_once_against_one_postgresql_gradebook_lose_nothing(graded):
    assert graded["runs"][1].returncode == 0, graded["outputs"][1][-3000:]
    reference = gradebook_dump(graded["lite"].path / "gradebook.db")
    assert gradebook_dump(graded["pg_url"], SECOND) == reference
    assert gradebook_dump(graded["pg_url"], ASSIGNMENT) == reference


def test_stock_nbgrader_autograde_works_on_postgresql(graded):
    assert graded["stock_graded"]
    assert gradebook_dump(graded["stock_url"]) == gradebook_dump(graded["lite"].path / "gradebook.db")


def _export(course) -> list[dict]:
    out = course.path / "export.csv"
    course.export(out)
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    return sorted(rows, key=lambda r: (r["assignment"], r["student_id"]))


def test_nbgrader_export_from_postgresql_equals_sqlite(graded):
    pg_rows = _export(graded["pg"])
    lite_rows = _export(graded["lite"])
    assert [r for r in pg_rows if r["assignment"] == ASSIGNMENT] == lite_rows
    second = [dict(r, assignment=ASSIGNMENT) for r in pg_rows if r["assignment"] == SECOND]
    assert [{k: v for k, v in r.items() if k != "timestamp"} for r in second] == \
        [{k: v for k, v in r.items() if k != "timestamp"} for r in lite_rows]


@pytest.mark.parametrize("exporter", ["CanvasExport", "MoodleExport"])
def test_lms_exports_from_postgresql_equal_sqlite(graded, exporter, tmp_path):
    """In this process (test_lms.py runs them through `nbgrader export`): same files."""
    from nbgrader.api import Gradebook

    from course.grading import lms

    files = []
    for name, url in (("pg", graded["pg_url"]), ("lite", f"sqlite:///{graded['lite'].path / 'gradebook.db'}")):
        out = tmp_path / f"{name}.csv"
        plugin = getattr(lms, exporter)(to=str(out), assignment=[ASSIGNMENT])
        if exporter == "MoodleExport":
            plugin.identifier = "username"
        with Gradebook(url) as gradebook:
            plugin.export(gradebook)
        files.append(out.read_text())
    assert files[0] == files[1]
    assert len(files[0].splitlines()) >= len(graded["students"]) + 1
