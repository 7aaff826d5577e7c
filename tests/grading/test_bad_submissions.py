"""The bad-submission corpus (tests/bad_submissions/*.toml), graded for real.

One scratch course holds two good submissions and every corpus case; `course
autograde --workers 2` grades them all in one run (through nbgrader's Autograde,
the sandbox and tamper detection configured in nbgrader_config.py). Each case
must get its exact expected score and exactly the flags it lists; the good
students must get full marks; the gradebook must stay intact.
"""

from __future__ import annotations

import socket
import sqlite3
import threading
import uuid

import pytest

from helpers import ASSIGNMENT, Submission, autograded, build_submission, cases, make_course, release_and_source, \
    submit_case

pytestmark = [pytest.mark.pipeline, pytest.mark.slow]
CASES = cases()
FULL = 4.0  # autograded points of 00_setup (the fifth point is graded by hand)


class Listener:
    """A TCP server on the grader's loopback that records any connection."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        deadline = 3600
        while not self.stop.is_set() and deadline > 0:
            deadline -= 0.5
            try:
                conn, _ = self.sock.accept()
                self.connections += 1
                conn.close()
            except OSError:
                pass

    def close(self):
        self.stop.set()
        self.thread.join(timeout=5)
        self.sock.close()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    path = tmp_path_factory.mktemp("corpus")
    course = make_course(path)
    release_nb, source_nb = release_and_source(course)
    for good in ("good_1", "good_2"):
        course.submit(good, source_nb.name, build_submission(release_nb, source_nb, Submission(good, None, {}, "solution")))
    listener = Listener()
    host_tmp = tmp_path_factory.mktemp("host")
    token = f"escape-{uuid.uuid4().hex}"
    subs = {"PORT": str(listener.port), "TOKEN": token, "HOST_TMP": str(host_tmp)}
    for name, case in CASES.items():
        submit_case(course, name, case, subs)
    # A record that must survive grading untouched.
    course.add_student("prior", last_name="Keep", first_name="Me")
    result = course.course("autograde", ASSIGNMENT, "--workers", "2")
    listener.close()
    yield {"course": course, "path": path, "result": result, "scores": autograded(path), "listener": listener,
           "token": token, "host_tmp": host_tmp}


def test_every_submission_was_graded(graded):
    result, scores = graded["result"], graded["scores"]
    assert "with 2 worker(s)" in result.stdout, result.stdout + result.stderr[-3000:]
    missing = sorted((set(CASES) | {"good_1", "good_2"}) - set(scores))
    assert not missing, f"not in the gradebook: {missing}\n{result.stdout}\n{result.stderr[-3000:]}"


@pytest.mark.parametrize("good", ["good_1", "good_2"])
def test_good_students_get_full_marks_despite_the_bad_ones(graded, good):
    assert graded["scores"][good]["score"] == FULL, graded["scores"][good]
    assert graded["scores"][good]["flags"] == []


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_submission_gets_its_expected_outcome(graded, name):
    case, got = CASES[name], graded["scores"][name]
    assert got["score"] == pytest.approx(case["score"]), (
        f"{name}: scored {got['score']} (per cell {got['cells']}), expected {case['score']}: {case['why']}\n"
        f"flags: {got['flags']}")
    for wanted in case["flags"]:
        assert any(wanted in reason for reason in got["flags"]), f"{name}: no flag mentions {wanted!r}: {got['flags']}"
    allowed = case["flags"] + case.get("allow", [])
    unexpected = [r for r in got["flags"] if not any(a in r for a in allowed)
                  and not (case["flags"] and r.startswith(("tamper:", "autograded scores withheld")))]
    assert not unexpected, f"{name}: unexpected flags {unexpected}"
    if case["flags"] == []:
        assert got["flags"] == [], f"{name}: should not be flagged: {got['flags']}"


def test_tampered_submissions_never_get_silent_full_marks(graded):
    for name, case in CASES.items():
        if name.startswith("tamper_"):
            got = graded["scores"][name]
            assert got["score"] < FULL and got["flags"], (name, got)


def test_nothing_escaped_the_sandbox(graded):
    assert graded["listener"].connections == 0, "student code reached a server on the grader's loopback"
    token = graded["token"]
    path = graded["path"]
    for place in (path, path.parent, graded["host_tmp"], __import__("pathlib").Path("/tmp"),
                  __import__("pathlib").Path("/work/main")):
        assert not (place / token).exists(), f"student code wrote {place / token}"
    inside = path / "autograded" / "write_outside" / ASSIGNMENT / "inside.txt"
    assert inside.exists(), "the working copy should be writable"


def test_gradebook_is_intact(graded):
    db = graded["path"] / "gradebook.db"
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        prior = conn.execute("SELECT first_name, last_name FROM student WHERE id = 'prior'").fetchone()
        assert prior == ("Me", "Keep")
        assignments = conn.execute("SELECT name FROM assignment").fetchall()
        assert assignments == [(ASSIGNMENT,)]


def test_report_lists_scores_charts_and_flags(graded):
    import csv

    path = graded["path"]
    result = graded["course"].course("report", ASSIGNMENT, "--out", str(path / "report"))
    assert result.returncode == 0, result.stderr[-3000:]
    out = path / "report"
    with open(out / "scores.csv", newline="") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    assert set(rows) >= set(CASES) | {"good_1", "good_2"}
    assert float(rows["good_1"]["make_messages_shape"]) == 1.0
    assert float(rows["good_1"]["autograded_score"]) == FULL
    for name, case in CASES.items():
        assert float(rows[name]["autograded_score"]) == pytest.approx(case["score"]), name
        assert rows[name]["flagged"] == ("yes" if case["flags"] else "no"), name
    with open(out / "flagged.csv", newline="") as handle:
        flagged = {}
        for row in csv.DictReader(handle):
            flagged.setdefault(row["student_id"], []).append(row["reason"])
    assert set(flagged) == {name for name, case in CASES.items() if case["flags"]}
    assert any("corrupt notebook" in r for r in flagged["corrupt_json"])
    for chart in ("score_histogram.png", "failure_rates.png"):
        data = (out / chart).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000, chart
