"""Grading on a Dask cluster: ``course autograde ASSIGNMENT --scheduler tcp://HOST:8786``.

Each student is one Dask task, run by any worker of an existing cluster. No shared
filesystem: a task carries what grading one student needs and brings back what it
made (docs/GRADING.md, "Grading on a Dask cluster").

- Sent once per run to every worker: the course's nbgrader_config.py, the gradebook's
  structure (every table but the students and their submissions, as a small SQLite
  file) and the assignment's non-notebook files from source/ (nbgrader copies them next
  to each submission). Sent with each task: the student's submitted files.
- On the worker: a temporary course with those files, graded by the same code as a
  local worker (course.grading.worker: nbgrader's Autograde with the course's sandbox
  and preprocessors), in a fresh interpreter, so a task shares no state with the last one.
- Returned: the scratch gradebook (the student's rows), the autograded files and the log.
  The client merges the rows into the course's gradebook (``merge_student``, as for
  local workers, in course.grading.parallel) and writes autograded/STUDENT/ASSIGNMENT.

A worker killed mid-task loses nothing: Dask runs the task again on another worker,
and only the client writes to the course, once per student. The worker needs the same
installed course environment (``make install``) and bubblewrap; nothing else.

Does not start or size the cluster (dask-jobqueue, dask-kubernetes or ``dask worker``
do that), and does not grade without a sandbox unless the worker's environment says so.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

# Tables that hold students and their work; every other table (assignments, notebooks,
# cells, the course) is the assignment's structure that grading reads.
SUBMISSION_TABLES = ("student", "submitted_assignment", "submitted_notebook", "grade", "comment")
GRADE_ONE_TIMEOUT_S = 3600  # one student, every notebook (nbgrader's per-cell timeout applies inside)


def gradebook_structure(db_url: str, path: Path) -> None:
    """Write to path a SQLite gradebook with every row of db_url but students' submissions."""
    from nbgrader.api import Base, Gradebook
    from sqlalchemy import create_engine, insert, select, text

    with Gradebook(f"sqlite:///{path}"):  # nbgrader's tables, and its alembic version
        pass
    source, target = create_engine(db_url), create_engine(f"sqlite:///{path}")
    with source.connect() as read, target.begin() as write:
        for table in reversed(Base.metadata.sorted_tables):  # what nbgrader made: its default course
            write.execute(table.delete())
        for table in Base.metadata.sorted_tables:
            if table.name in SUBMISSION_TABLES:
                continue
            rows = [dict(row._mapping) for row in read.execute(select(table))]
            if rows:
                write.execute(insert(table), rows)
        version = read.execute(text("SELECT version_num FROM alembic_version")).scalar()
        write.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": version})
    source.dispose()
    target.dispose()


def read_files(folder: Path, skip_notebooks: bool = False) -> dict[str, bytes]:
    """Every file under folder, by its path relative to folder."""
    if not folder.is_dir():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not (skip_notebooks and p.suffix == ".ipynb")}


def write_files(folder: Path, files: dict[str, bytes]) -> None:
    """The inverse of read_files."""
    for relative, data in files.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_bytes(data)


def shared_part(root: Path, assignment: str, structure: bytes) -> dict:
    """What every task of one run needs, read once and sent to each worker once."""
    return {
        "assignment": assignment,
        "config": (root / "nbgrader_config.py").read_bytes(),
        "gradebook": structure,
        "source_files": read_files(root / "source" / assignment, skip_notebooks=True),
    }


def grade_bundle(shared: dict, student: str, submitted: dict[str, bytes]) -> dict:
    """Runs on a Dask worker: grade one student in a temporary course; return its results."""
    assignment = shared["assignment"]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="course-grade-") as tmp:
        root = Path(tmp)
        (root / "nbgrader_config.py").write_bytes(shared["config"])
        (root / "gradebook.db").write_bytes(shared["gradebook"])
        write_files(root / "source" / assignment, shared["source_files"])
        write_files(root / "submitted" / student / assignment, submitted)
        log = root / "grade.log"
        env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
        done = subprocess.run([sys.executable, "-m", "course.grading.worker", str(root), assignment, student,
                               str(log)], cwd=root, env=env, capture_output=True, text=True,
                              timeout=GRADE_ONE_TIMEOUT_S)
        return {
            "student": student,
            "ok": done.returncode == 0,
            "gradebook": (root / "gradebook.db").read_bytes(),
            "autograded": read_files(root / "autograded" / student / assignment),
            "log": (log.read_text(errors="replace") if log.exists() else "") + done.stderr[-4000:],
            "seconds": time.perf_counter() - started,
            "worker": os.uname().nodename + f":{os.getpid()}",
        }


def grade_on_cluster(scheduler: str, root: Path, assignment: str, students: list[str], db_url: str,
                     finish) -> None:
    """One Dask task per student on the cluster at scheduler; finish(result) runs in this
    process for each result as it arrives (a task that raised gives ok False and its error)."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise SystemExit("course autograde --scheduler needs Dask's distributed: "
                         "pip install -e '.[cluster]' (on this machine and on every worker)") from None

    with tempfile.TemporaryDirectory(prefix="course-structure-") as tmp:
        gradebook_structure(db_url, Path(tmp) / "structure.db")
        structure = (Path(tmp) / "structure.db").read_bytes()
    run = uuid.uuid4().hex[:8]
    with Client(scheduler, timeout=60) as client:
        # hash=False: a new key per run, so a worker never reuses an earlier run's config
        shared = client.scatter(shared_part(root, assignment, structure), broadcast=True, hash=False)
        futures = {}
        for student in students:
            submitted = read_files(root / "submitted" / student / assignment)
            # pure=False and a run id: a rerun grades again instead of reusing an old result
            future = client.submit(grade_bundle, shared, student, submitted,
                                   key=f"course-autograde-{assignment}-{student}-{run}", pure=False)
            futures[future] = student
        for future in as_completed(futures):
            try:
                result = future.result()
            except Exception as error:  # e.g. KilledWorker: the task killed worker after worker
                result = {"student": futures[future], "ok": False, "seconds": 0.0,
                          "log": f"the task failed on the cluster: {type(error).__name__}: {error}"}
            finish(result)
            future.release()

