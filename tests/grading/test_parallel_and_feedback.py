"""`course autograde --workers 2` writes what stock `nbgrader autograde` writes; feedback hides hidden tests.

The same comparison for `course autograde --scheduler` on a real Dask cluster (two
workers on loopback, tests/grading/dask_cluster.py), with one worker SIGKILLed while
it grades: every student lands in the gradebook once, as stock nbgrader wrote it.

Two identical scratch courses (same generated assignment, same submissions:
the solution, a blank one, the sample wrong submissions of tests/submissions/00_setup
a flagged one, one that kills its kernel and one that runs past the time limit). One is graded by nbgrader's
Autograde (what `nbgrader autograde 00_setup` runs), the other by `course autograde
00_setup --workers 2`; their gradebooks and autograded notebooks must match. Then
nbgrader's generate_feedback must not show any line of a hidden test.
"""

from __future__ import annotations

import html
import json
import os
import re
import signal
import subprocess
import time

import pytest

from dask_cluster import start_cluster
from helpers import (ASSIGNMENT, BIN, Submission, autograded, build_submission, cases, comparable,
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
    submit_case(course, "os_exit", corpus["os_exit"], {})  # kills its kernel
    submit_case(course, "infinite_loop", corpus["infinite_loop"], {})  # interrupted at the cell time limit
    ungraded = course.copy(tmp_path_factory.mktemp("ungraded") / "course")  # before any grading
    parallel = course.copy(tmp_path_factory.mktemp("parallel") / "course")
    resume = course.copy(tmp_path_factory.mktemp("resume") / "course")
    course.autograde()  # its result is what it wrote; a kernel that died makes it False, as `nbgrader autograde` exits 1
    ours = parallel.course("autograde", ASSIGNMENT, "--workers", "2")
    return {"stock": course, "parallel": parallel, "ours_result": ours, "resume": resume, "ungraded": ungraded,
            "students": [s.name for s in subs] + ["duplicated_cell", "tamper_builtins", "os_exit", "infinite_loop"]}


def test_parallel_gradebook_equals_stock_nbgrader(pair):
    stock = gradebook_dump(pair["stock"].path / "gradebook.db")
    ours = gradebook_dump(pair["parallel"].path / "gradebook.db")
    assert set(stock) == set(pair["students"])
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
    path = pair["resume"].path
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
    resumed = pair["resume"].course("autograde", ASSIGNMENT, "--workers", "2", "--resume")
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
    course.generate_feedback()
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


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    running = start_cluster(tmp_path_factory, workers=2)
    yield running
    running.stop()


def test_a_mixed_class_graded_on_dask_with_a_killed_worker_equals_stock_nbgrader(pair, cluster, tmp_path):
    course = pair["ungraded"].copy(tmp_path / "course")
    path = course.path
    run = subprocess.Popen([str(BIN / "course"), "autograde", ASSIGNMENT, "--scheduler", cluster.address],
                           cwd=path, env=command_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, start_new_session=True)
    from distributed import Client

    # SIGKILL worker0 while it grades a student: wait until the scheduler lists a task on it.
    with Client(cluster.address, timeout=60) as client:
        if cluster.hide is not None:  # no worker sees the course: what a task needs travels with it
            assert set(client.run(os.path.exists, str(path)).values()) == {False}, "a worker sees the course"
        deadline, busy = time.monotonic() + 600, False
        while time.monotonic() < deadline and run.poll() is None and not busy:
            processing = client.processing()
            busy = any(tasks for address, tasks in processing.items()
                       if client.scheduler_info()["workers"].get(address, {}).get("name") == "worker0")
            time.sleep(0.05)
        assert busy, f"worker0 never got a task:\n{cluster.log('worker0')}"
        os.kill(cluster.processes["worker0"].pid, signal.SIGKILL)
    out, _ = run.communicate(timeout=1800)
    assert run.returncode == 0, out[-4000:] + (path / ".course-autograde.log").read_text()[-3000:]
    assert cluster.processes["worker0"].wait(timeout=30) == -signal.SIGKILL

    # Every student once, with what stock nbgrader wrote; the same autograded notebooks.
    assert gradebook_dump(path / "gradebook.db") == gradebook_dump(pair["stock"].path / "gradebook.db"), out
    for student in pair["students"]:
        ours = path / "autograded" / student / ASSIGNMENT / "00_setup.ipynb"
        stock = pair["stock"].path / "autograded" / student / ASSIGNMENT / "00_setup.ipynb"
        assert comparable(ours) == comparable(stock), student
    # The kernel that died and the cell that ran past its limit are recorded with their reasons.
    flags = {student: " ".join(entry["flags"]) for student, entry in autograded(path).items()}
    assert "kernel died" in flags["os_exit"] and "ran past" in flags["infinite_loop"], flags
    assert f"graded {len(pair['students'])} submission(s)" in out, out


def test_an_interrupted_cluster_run_resumes_to_what_stock_nbgrader_writes(pair, cluster, tmp_path):
    """The client is SIGKILLed once a student is done; `--resume` grades only the rest, and
    a third run without --force grades nobody (every student is in autograded/, nbgrader's rule)."""
    course = pair["ungraded"].copy(tmp_path / "course")
    path = course.path
    some = ["blank", "os_exit", "solution", "tamper_builtins"]  # a part of the class is enough here
    chosen = [arg for student in some for arg in ("--student", student)]
    run = subprocess.Popen([str(BIN / "course"), "autograde", ASSIGNMENT, "--scheduler", cluster.address, *chosen],
                           cwd=path, env=command_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, start_new_session=True)
    seen = []
    try:
        for line in run.stdout:
            seen.append(line)
            if ": graded in " in line:
                break  # one student is complete
    finally:
        os.killpg(run.pid, signal.SIGKILL)
        run.wait(timeout=60)
        run.stdout.close()
    done = json.loads((path / ".course-autograde" / f"{ASSIGNMENT}.json").read_text())
    assert 1 <= len(done) < len(some), "".join(seen)
    resumed = course.course("autograde", ASSIGNMENT, "--scheduler", cluster.address, "--resume", *chosen)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr[-2000:]
    skipped = re.search(r"skipped (\d+) submission\(s\) graded by an earlier run", resumed.stdout)
    assert skipped and int(skipped[1]) == len(done), resumed.stdout
    stock = gradebook_dump(pair["stock"].path / "gradebook.db")
    assert gradebook_dump(path / "gradebook.db") == {student: stock[student] for student in some}
    for student in some:
        ours = path / "autograded" / student / ASSIGNMENT / "00_setup.ipynb"
        assert comparable(ours) == comparable(pair["stock"].path / "autograded" / student / ASSIGNMENT
                                              / "00_setup.ipynb"), student
    again = course.course("autograde", ASSIGNMENT, "--scheduler", cluster.address, *chosen)
    assert again.returncode == 0 and "graded 0 submission(s)" in again.stdout, again.stdout
