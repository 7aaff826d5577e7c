"""``course autograde``: grade every submission of an assignment in parallel.

Each worker process (course.grading.worker) runs nbgrader's own ``Autograde``
converter (same nbgrader_config.py, same sandbox, same preprocessors) for one student
at a time. With SQLite (the default gradebook.db) each worker writes its own scratch
copy of the gradebook and, when a student is done, the parent copies that student's
rows into the course's gradebook, one student at a time, so SQLite never sees two
writers. With a server database (``c.CourseDirectory.db_url = "postgresql://..."``)
the workers write to it directly. Either way the result is what ``nbgrader
autograde`` writes (tests/grading compare the two). With a scheduler, each student is
a task on a Dask cluster instead (course.grading.cluster).

    autograde(Path("/course"), "00_setup", workers=2)
    # -> {"students": {"alice": {"ok": True, "merged": True, "seconds": 3.1, "flags": []}, ...},
    #     "skipped": [], "seconds": 7.4, "workers": 2}

Progress shows as a bar on a terminal and as plain lines otherwise
(course.grading.progress); an interrupted run continues with ``resume=True``
(course.grading.resume). Does not parse the command line (course.grading.cli) and
does not grade without a sandbox (course.grading.sandbox says when it may).
"""

from __future__ import annotations

import multiprocessing as mp
import shutil
import time
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from .gradebook import course_db_url, ensure_students, is_sqlite, merge_student, record_submission_flags
from .inspect import inspect_folder
from .progress import Progress
from .resume import Ledger, Scratch, submission_key
from .sandbox import check_sandbox
from .worker import grade_student, start_worker


def _use_wal(path: Path) -> None:
    """Write-ahead logging for a worker's scratch gradebook: the parent reads a finished
    student while the worker writes the next, and neither blocks the other."""
    import sqlite3

    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode=WAL")



def autograde(root: Path, assignment: str, workers: int = 2, force: bool = False,
              students: list[str] | None = None, resume: bool = False, db_url: str | None = None,
              progress_stream=None, scheduler: str | None = None) -> dict:
    """Grade every submission of ``assignment`` under ``root``; return a summary.

    With a SQLite gradebook each worker writes a scratch copy and the parent merges one
    student at a time (SQLite has one writer). With a server database (PostgreSQL) the
    workers write to it directly, as concurrent ``nbgrader autograde`` runs would."""
    from sqlalchemy.engine import make_url

    root = root.resolve()
    problem = None if scheduler else check_sandbox(root)  # on a cluster, each worker checks its own
    if problem:
        raise SystemExit(f"course autograde: {problem}")
    db_url = course_db_url(root, db_url)
    with Gradebook(db_url) as gb:
        try:
            expected = [nb.name for nb in gb.find_assignment(assignment).notebooks]
        except MissingEntry:
            raise SystemExit(f"course autograde: no assignment '{assignment}' in the gradebook: run "
                             f"`nbgrader generate_assignment {assignment}` first")
        submitted = root / "submitted"
        if students is None:
            students = sorted(p.parent.name for p in submitted.glob(f"*/{assignment}") if p.is_dir())
        ledger = Ledger(root, assignment)
        skipped = []
        if resume:
            graded = {s.student.id for s in gb.find_assignment(assignment).submissions}
            skipped = [s for s in students if ledger.done(root, assignment, s, s in graded)]
            students = [s for s in students if s not in skipped]
    if scheduler and not (force or resume):  # as nbgrader: a student already in autograded/ needs --force
        students = [s for s in students if not (root / "autograded" / s / assignment).exists()]
    keys = {s: submission_key(root, assignment, s) for s in students}
    pre = {s: inspect_folder(root, assignment, s, expected) for s in students}
    sqlite = is_sqlite(db_url)
    if not sqlite:
        ensure_students(db_url, students)
    progress = Progress(len(students), stream=progress_stream)
    if skipped:
        progress.say(f"  resuming: {len(skipped)} student(s) already graded from the same submission are skipped")
    workers = max(1, min(workers, len(students) or 1))
    results, started = {}, time.perf_counter()
    pools = []

    def record(student: str, ok: bool, merged: bool, seconds: float) -> None:
        """After a student's rows are in the gradebook: flags, the ledger, the summary."""
        if pre.get(student):
            record_submission_flags(db_url, assignment, student, pre[student])
        if ok and merged:
            ledger.finished(student, keys[student])
        results[student] = {"ok": ok, "merged": merged, "seconds": round(seconds, 2),
                            "flags": [str(f) for f in pre.get(student, [])]}
        progress.finished(f"  {student}: {'graded' if ok else 'FAILED (see log)'} in {seconds:.1f} s")

    if scheduler:
        for student in students:
            ledger.forget(student)
        try:
            _autograde_on_cluster(root, assignment, students, db_url, scheduler, record)
        finally:
            progress.close()
        return {"students": results, "skipped": skipped, "seconds": round(time.perf_counter() - started, 2),
                "workers": scheduler}
    with Scratch(root) as scratch:
        try:
            # A resumed run regrades the rest from scratch: an interrupted student may have
            # left a half-written autograded/ folder, which nbgrader would otherwise skip.
            flags = ["--force"] if force or resume else []
            # fork, not spawn: a spawned worker re-imports nbgrader (4-6 s on this machine, and
            # jsonschema's format checker builds a grammar on import); forked workers start
            # with it imported. The parent has opened no kernels, event loops or threads yet.
            from nbgrader.apps import AutogradeApp  # noqa: F401 (imported once, before forking)

            ctx = mp.get_context("fork")
            for i in range(workers):
                worker_db = db_url
                if sqlite:
                    shutil.copy(make_url(db_url).database, scratch / f"w{i}.db")
                    _use_wal(scratch / f"w{i}.db")
                    worker_db = f"sqlite:///{scratch / f'w{i}.db'}"
                pools.append(ctx.Pool(1, initializer=start_worker,
                                      initargs=(str(root), assignment, worker_db, flags, str(scratch / f"w{i}.log"))))
            # Longest-first is unknowable; hand students out as workers free up. A worker gets
            # its next student before the parent merges the one it finished, so it never waits
            # for a merge (that wait was a sixth of each worker's time).
            pending = list(students)
            running = {}
            with Gradebook(db_url) as gradebook:  # one connection for every merge
                while pending or running:
                    finished = [(i, *running.pop(i)) for i, (_, handle) in list(running.items()) if handle.ready()]
                    for i, pool in enumerate(pools):
                        if i not in running and pending:
                            student = pending.pop(0)
                            ledger.forget(student)
                            running[i] = (student, pool.apply_async(grade_student, (student,)))
                    for i, student, handle in finished:
                        try:
                            _, ok, seconds = handle.get()
                        except Exception as error:  # a worker crashed: regrade is safe
                            ok, seconds = False, 0.0
                            progress.say(f"  {student}: worker error {error}")
                        merged = True
                        if sqlite:
                            merged = merge_student(f"sqlite:///{scratch / f'w{i}.db'}", gradebook, assignment, student)
                        record(student, ok, merged, seconds)
                    if not finished:
                        time.sleep(0.005)
            for pool in pools:
                pool.close()
            for pool in pools:
                pool.join()
        except KeyboardInterrupt:  # Ctrl-C: every student merged so far is complete and recorded
            for pool in pools:
                pool.terminate()
            raise
        finally:
            progress.close()
            logs = "".join((scratch / f"w{i}.log").read_text() for i in range(workers)
                           if (scratch / f"w{i}.log").exists())
            (root / ".course-autograde.log").write_text(logs)
    return {"students": results, "skipped": skipped, "seconds": round(time.perf_counter() - started, 2),
            "workers": workers}


def _autograde_on_cluster(root: Path, assignment: str, students: list[str], db_url: str, scheduler: str,
                          record) -> None:
    """--scheduler: each student on a Dask worker (course.grading.cluster); here, merge its
    rows and write its autograded files, one student at a time, as results arrive."""
    from .cluster import grade_on_cluster, write_files

    with Scratch(root) as scratch, Gradebook(db_url) as gradebook, \
            open(root / ".course-autograde.log", "w") as log:
        def finish(result: dict) -> None:
            student, merged = result["student"], False
            log.write(f"=== {student} ({result.get('worker', 'no worker')})\n{result.get('log', '')}\n")
            if result.get("gradebook"):
                rows = scratch / f"{student}.db"
                rows.write_bytes(result["gradebook"])
                merged = merge_student(f"sqlite:///{rows}", gradebook, assignment, student)
                rows.unlink()
            if "autograded" in result:
                folder = root / "autograded" / student / assignment
                shutil.rmtree(folder, ignore_errors=True)
                write_files(folder, result["autograded"])
            record(student, result["ok"], merged, result.get("seconds", 0.0))

        grade_on_cluster(scheduler, root, assignment, students, db_url, finish)
