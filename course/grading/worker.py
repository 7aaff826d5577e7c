"""One grading worker: nbgrader's own ``Autograde`` for one student at a time.

A local worker is a forked process of ``course autograde`` (course.grading.parallel);
a cluster task runs this module in a fresh interpreter on a Dask worker
(course.grading.cluster). Both grade with the course's nbgrader_config.py, so with the
same sandbox and preprocessors as ``nbgrader autograde``:

    start_worker("/course", "00_setup", "sqlite:////tmp/w0.db", ["--force"], "/tmp/w0.log")
    grade_student("alice")  # -> ("alice", True, 3.2): graded, in 3.2 s

    python -m course.grading.worker /course 00_setup alice /tmp/alice.log   # a cluster task

Does not choose students or merge gradebooks (course.grading.parallel does), and does
not start without a sandbox unless the environment says so (course.grading.sandbox).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

# As in course.grading.cli: skip a 1.4 s import that nothing here uses (a cluster task
# starts in this module).
sys.modules.setdefault("rfc3987_syntax", None)

_APP = None


def start_worker(root: str, assignment: str, db_url: str, flags: list[str], log_path: str) -> None:
    """Set up this process to grade ``assignment`` under root into db_url, logging to log_path."""
    global _APP
    os.chdir(root)
    log = open(log_path, "a", buffering=1)
    os.dup2(log.fileno(), 1)
    os.dup2(log.fileno(), 2)
    # Python's own writes too, where sys.stdout is not fd 1 (a test calling course's main()).
    sys.stdout = sys.stderr = log
    from nbgrader.apps import AutogradeApp

    app = AutogradeApp()
    app.initialize(["--db", db_url, *flags])
    app.coursedir.assignment_id = assignment
    _APP = app


def grade_student(student: str) -> tuple[str, bool, float]:
    """Grade one student with the app start_worker made: (student, graded, seconds)."""
    from nbgrader.converters import Autograde
    from nbgrader.converters.base import NbGraderException

    started = time.perf_counter()
    app = _APP
    app.coursedir.student_id = student
    ok = True
    try:
        Autograde(coursedir=app.coursedir, parent=app).start()
    except NbGraderException:
        ok = False
    except Exception as error:  # never lose the other students to one failure
        app.log.exception("grading %s failed: %s", student, error)
        ok = False
    return student, ok, time.perf_counter() - started


def grade_one(root: str, assignment: str, student: str, log_path: str) -> int:
    """A cluster task's interpreter: what a local worker does for one student."""
    from .sandbox import check_sandbox

    problem = check_sandbox(Path(root))
    if problem:
        Path(log_path).write_text(f"course autograde on this worker: {problem}\n")
        return 2
    start_worker(root, assignment, f"sqlite:///{Path(root) / 'gradebook.db'}", ["--force"], log_path)
    _, ok, _ = grade_student(student)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(grade_one(*sys.argv[1:5]))
