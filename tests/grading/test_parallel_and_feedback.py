"""`course autograde --workers 2` writes what stock `nbgrader autograde` writes; feedback hides hidden tests.

Two identical scratch courses (same generated assignment, same submissions:
the solution, a blank one, the sample wrong submissions of tests/submissions/00_setup
and a flagged one). One is graded by `nbgrader autograde 00_setup`, the other by
`course autograde 00_setup --workers 2`; their gradebooks and autograded
notebooks must match. Then `nbgrader generate_feedback` must not show any line
of a hidden test.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import signal
import subprocess
import time

import pytest

from helpers import (ASSIGNMENT, BIN, Submission, build_submission, cases, comparable, course_cli,
                     gradebook_dump, make_course, release_and_source, submit_case)
from nbcourse import command_env, hidden_test_lines, sample_submissions

pytestmark = [pytest.mark.pipeline, pytest.mark.slow]


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    stock_path = tmp_path_factory.mktemp("stock")
    course = make_course(stock_path)
    release_nb, source_nb = release_and_source(course)
    subs = [Submission("solution", None, {}, "solution"), Submission("blank", 0.0, {}, "blank"),
            *sample_submissions(ASSIGNMENT)]
    for sub in subs:
        course.submit(sub.name, source_nb.name, build_submission(release_nb, source_nb, sub))
    corpus = cases()
    submit_case(course, "duplicated_cell", corpus["duplicated_cell"], {})
    submit_case(course, "tamper_builtins", corpus["tamper_builtins"], {})
    parallel_path = tmp_path_factory.mktemp("parallel") / "course"
    shutil.copytree(stock_path, parallel_path)
    resume_path = tmp_path_factory.mktemp("resume") / "course"
    shutil.copytree(stock_path, resume_path)
    parallel = type(course)  # TempCourse API on the copy, without re-copying source/
    parallel_course = parallel.__new__(parallel)
    parallel_course.path, parallel_course.assignment = parallel_path, ASSIGNMENT
    stock = course.nbgrader("autograde", ASSIGNMENT, "--create", check=False)
    ours = course_cli(parallel_path, "autograde", ASSIGNMENT, "--workers", "2")
    return {"stock": course, "parallel": parallel_course, "stock_result": stock, "ours_result": ours,
            "resume": resume_path,
            "students": [s.name for s in subs] + ["duplicated_cell", "tamper_builtins"]}


def test_parallel_gradebook_equals_stock_nbgrader(pair):
    stock = gradebook_dump(pair["stock"].path / "gradebook.db")
    ours = gradebook_dump(pair["parallel"].path / "gradebook.db")
    assert set(stock) == set(pair["students"]), pair["stock_result"].stderr[-3000:]
    assert ours == stock, f"course autograde differs from nbgrader autograde:\n{pair['ours_result'].stdout}"
    assert pair["ours_result"].returncode == 0, pair["ours_result"].stdout + pair["ours_result"].stderr[-2000:]


def test_parallel_autograded_notebooks_equal_stock(pair):
    for student in pair["students"]:
        a = pair["stock"].path / "autograded" / student / ASSIGNMENT / "00_setup.ipynb"
        b = pair["parallel"].path / "autograded" / student / ASSIGNMENT / "00_setup.ipynb"
        assert comparable(a) == comparable(b), student


def test_a_killed_run_resumes_to_what_one_uninterrupted_run_writes(pair):
    """`course autograde` is killed (SIGKILL to it, its workers and their kernels, as when
    a machine dies) while grading its second student; `--resume` skips the one finished
    and regrades the rest, including the half-graded one."""
    path = pair["resume"]
    run = subprocess.Popen([str(BIN / "course"), "autograde", ASSIGNMENT, "--workers", "1"], cwd=path, env=command_env(),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    seen, order = [], sorted(pair["students"])  # the order `course autograde` grades them in
    try:
        for line in run.stdout:
            seen.append(line)
            if ": graded in " in line:
                break  # one student is complete
        # Kill once the next student's autograded folder exists: nbgrader has started
        # writing it, and it must not count as done (nbgrader alone would skip it).
        following = order[order.index(line.split(":")[0].strip()) + 1]
        partial = path / "autograded" / following / ASSIGNMENT
        deadline = time.monotonic() + 300
        while not partial.exists() and time.monotonic() < deadline and run.poll() is None:
            time.sleep(0.005)
    finally:
        os.killpg(run.pid, signal.SIGKILL)
        run.wait(timeout=60)
        run.stdout.close()
    assert partial.exists(), "".join(seen)
    ledger = json.loads((path / ".course-autograde" / f"{ASSIGNMENT}.json").read_text())
    assert following not in ledger, "the kill came too late to leave a half-graded student"
    assert any(re.search(r"\[1/\d+ students, .* ETA .*(student/s|s/student)\]", line) for line in seen), "".join(seen)
    resumed = course_cli(path, "autograde", ASSIGNMENT, "--workers", "2", "--resume")
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr[-2000:]
    skipped = re.search(r"skipped (\d+) submission\(s\) graded by an earlier run", resumed.stdout)
    assert skipped and int(skipped[1]) == 1, resumed.stdout
    assert gradebook_dump(path / "gradebook.db") == gradebook_dump(pair["parallel"].path / "gradebook.db")
    for student in pair["students"]:
        ours = path / "autograded" / student / ASSIGNMENT / "00_setup.ipynb"
        assert comparable(ours) == comparable(pair["parallel"].path / "autograded" / student / ASSIGNMENT
                                              / "00_setup.ipynb"), student
    assert not list((path / ".course-autograde").glob("run-*")), "the killed run's scratch folder is cleaned up"


def test_feedback_html_has_no_hidden_test_source(pair):
    course = pair["parallel"]
    course.nbgrader("generate_feedback", ASSIGNMENT, "--force")
    hidden = hidden_test_lines(ASSIGNMENT, at_least=5)
    for student in ("solution", "blank", "no_empty_check"):
        page = course.path / "feedback" / student / ASSIGNMENT / "00_setup.html"
        assert page.exists(), f"no feedback for {student}"
        text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text()))
        for line in hidden:
            assert line not in text, f"feedback for {student} shows a hidden test line: {line}"
        assert "BEGIN HIDDEN TESTS" not in text
        assert "hidden tests: they ran when your notebook was graded" in text
    blank = html.unescape(re.sub(r"<[^>]+>", "", (course.path / "feedback" / "blank" / ASSIGNMENT / "00_setup.html").read_text()))
    assert "NotImplementedError" in blank  # a learner still sees why a test failed
