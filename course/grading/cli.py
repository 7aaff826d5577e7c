"""The ``course`` console script.

``course autograde ASSIGNMENT [--workers N] [--force] [--resume] [--db URL]`` grades
every submission in submitted/ in parallel. Each worker process runs nbgrader's own
``Autograde`` converter (same nbgrader_config.py, same sandbox, same preprocessors)
for one student at a time. With SQLite (the default gradebook.db) each worker writes
its own scratch copy of the gradebook and, when a student is done, the parent copies
that student's rows into the course's gradebook, one student at a time, so SQLite
never sees two writers. With a server database (``c.CourseDirectory.db_url =
"postgresql://..."``) the workers write to it directly. Either way the result is what
``nbgrader autograde`` writes (tests/grading compare the two). Progress shows as a
bar on a terminal and as plain lines otherwise (course.grading.progress); an
interrupted run continues with ``--resume`` (course.grading.resume).

``course late-penalties ASSIGNMENT`` recomputes late penalties after the due date or
the scores changed (course.grading.late).

``course report ASSIGNMENT [--out DIR]`` writes scores.csv, a score histogram, a
per-test failure-rate chart and flagged.csv (see course.grading.report).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import shutil
import sys
import time
from pathlib import Path

# jsonschema imports rfc3987_syntax when it is installed (jupyter-events pulls it in),
# and that module builds a Lark grammar at import: 1.4 s of every `course` command
# on a 2-core machine, for an IRI format check nothing here uses (nbformat validates
# notebooks without format checks). Grading kernels are separate processes: unaffected.
sys.modules.setdefault("rfc3987_syntax", None)

from .progress import Progress  # noqa: E402
from .resume import Ledger, Scratch, submission_key  # noqa: E402
from .sandbox import UNSAFE_ENV, Sandbox, bwrap_works  # noqa: E402
from .tamper import Flag, record_flags  # noqa: E402


def _load_config(root: Path):
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()


def check_sandbox(root: Path) -> str | None:
    """None when grading may run; otherwise the reason it must not."""
    settings = Sandbox(config=_load_config(root))
    if settings.unsafe:
        return None
    if not settings.enabled:
        return f"c.Sandbox.enabled is False and {UNSAFE_ENV} is not set"
    problem = bwrap_works(settings.bwrap)
    if problem:
        return (f"refusing to run student code without a sandbox: {problem}. Set {UNSAFE_ENV}=1 to "
                "grade unsafely (student code can then read solutions, the gradebook and the network).")
    return None


# --- submission-level checks (before nbgrader sees them) ------------------------------

def inspect_folder(root: Path, assignment: str, student: str, expected: list[str]) -> list[Flag]:
    folder = root / "submitted" / student / assignment
    flags = []
    found = sorted(p.name for p in folder.glob("*.ipynb")) if folder.is_dir() else []
    for name in expected:
        path = folder / f"{name}.ipynb"
        if not path.exists():
            others = [f for f in found if f"{f[:-6]}" not in expected]
            if others:
                flags.append(Flag("submission", f"wrong notebook name: found {', '.join(others)}, expected {name}.ipynb "
                                                "(scored 0; rename it and regrade)"))
            else:
                flags.append(Flag("submission", f"missing notebook: {name}.ipynb was not submitted (scored 0)"))
            continue
        try:
            json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as error:
            flags.append(Flag("submission", f"corrupt notebook: {name}.ipynb is not valid JSON ({str(error)[:80]}); "
                                            "scored 0"))
    return flags


def record_submission_flags(db_url: str, assignment: str, student: str, flags: list[Flag]) -> None:
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(db_url) as gb:
        try:
            gb.find_student(student)
        except MissingEntry:
            gb.add_student(student)
        try:
            submission = gb.find_submission(assignment, student)
        except MissingEntry:
            submission = gb.add_submission(assignment, student)
        names = [nb.name for nb in submission.notebooks]
    for name in names:
        record_flags(db_url, assignment, student, name, flags)


# --- merging a worker's scratch gradebook ---------------------------------------------

def merge_student(src_url: str, dst, assignment: str, student: str) -> bool:
    """Copy one student's submission of one assignment from src into dst (an open nbgrader
    Gradebook, kept open across students). False if src has none."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(src_url) as src:
        try:
            sub = src.find_submission(assignment, student)
        except MissingEntry:
            return False
        who = src.find_student(student)
        person = {k: getattr(who, k) for k in ("first_name", "last_name", "email", "lms_user_id")}
        timestamp = sub.timestamp
        notebooks = []
        for nb in sub.notebooks:
            notebooks.append((nb.name, nb.flagged, nb.late_submission_penalty,
                              [(g.name, g.auto_score, g.manual_score, g.extra_credit, g.needs_manual_grade) for g in nb.grades],
                              [(c.name, c.auto_comment, c.manual_comment) for c in nb.comments]))
    dst.update_or_create_student(student, **person)
    kwargs = {"timestamp": timestamp} if timestamp is not None else {}
    dsub = dst.update_or_create_submission(assignment, student, **kwargs)
    if timestamp is None:
        dsub.timestamp = None
    for name, flagged, penalty, grades, comments in notebooks:
        dnb = dst.find_submission_notebook(name, assignment, student)
        dnb.flagged = flagged
        dnb.late_submission_penalty = penalty
        for gname, auto, manual, extra, needs in grades:
            grade = dst.find_grade(gname, name, assignment, student)
            grade.auto_score, grade.manual_score, grade.extra_credit = auto, manual, extra
            grade.needs_manual_grade = needs
        for cname, auto, manual in comments:
            comment = dst.find_comment(cname, name, assignment, student)
            comment.auto_comment, comment.manual_comment = auto, manual
    dst.db.commit()
    return True


# --- workers ------------------------------------------------------------------------

def _use_wal(path: Path) -> None:
    """Write-ahead logging for a worker's scratch gradebook: the parent reads a finished
    student while the worker writes the next, and neither blocks the other."""
    import sqlite3

    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode=WAL")


_APP = None


def _worker_init(root: str, assignment: str, db_url: str, flags: list[str], log_path: str) -> None:
    global _APP
    os.chdir(root)
    log = open(log_path, "a", buffering=1)
    os.dup2(log.fileno(), 1)
    os.dup2(log.fileno(), 2)
    from nbgrader.apps import AutogradeApp

    app = AutogradeApp()
    app.initialize(["--db", db_url, *flags])
    app.coursedir.assignment_id = assignment
    _APP = app


def _worker_grade(student: str) -> tuple[str, bool, float]:
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


def course_db_url(root: Path, override: str | None = None) -> str:
    """The gradebook this course uses: ``--db``, else ``c.CourseDirectory.db_url`` from
    nbgrader_config.py, else nbgrader's default (gradebook.db in the course root)."""
    if override:
        return override
    from nbgrader.coursedir import CourseDirectory

    return CourseDirectory(config=_load_config(root)).db_url


def _is_sqlite(db_url: str) -> bool:
    return db_url.startswith("sqlite")


def _ensure_students(db_url: str, students: list[str]) -> None:
    """Create missing student rows before the workers start, so that two runs grading the
    same students at once (different assignments, one server gradebook) never race to
    insert the same student: the loser of that race would lose the student's grading."""
    from nbgrader.api import Gradebook, InvalidEntry, MissingEntry

    with Gradebook(db_url) as gb:
        for student in students:
            try:
                gb.find_student(student)
            except MissingEntry:
                try:
                    gb.add_student(student)
                except InvalidEntry:  # another run inserted it first; nbgrader rolled back
                    gb.find_student(student)


def autograde(root: Path, assignment: str, workers: int = 2, force: bool = False,
              students: list[str] | None = None, resume: bool = False, db_url: str | None = None,
              progress_stream=None, scheduler: str | None = None) -> dict:
    """Grade every submission of ``assignment`` under ``root``; return a summary.

    With a SQLite gradebook each worker writes a scratch copy and the parent merges one
    student at a time (SQLite has one writer). With a server database (PostgreSQL) the
    workers write to it directly, as concurrent ``nbgrader autograde`` runs would."""
    from nbgrader.api import Gradebook, MissingEntry
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
    sqlite = _is_sqlite(db_url)
    if not sqlite:
        _ensure_students(db_url, students)
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
                pools.append(ctx.Pool(1, initializer=_worker_init,
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
                            running[i] = (student, pool.apply_async(_worker_grade, (student,)))
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
    from nbgrader.api import Gradebook

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="course", description="Course grading tools (see docs/GRADING.md).")
    sub = parser.add_subparsers(dest="command", required=True)
    auto = sub.add_parser("autograde", help="grade every submission in submitted/, in parallel")
    auto.add_argument("assignment")
    auto.add_argument("--workers", type=int, default=max(1, os.cpu_count() or 1))
    auto.add_argument("--force", action="store_true", help="regrade submissions already in autograded/")
    auto.add_argument("--student", action="append", help="only these students (repeatable)")
    auto.add_argument("--resume", action="store_true",
                      help="after an interrupted run: skip students already graded from the same submission")
    auto.add_argument("--db", default=None, help="gradebook URL (default: c.CourseDirectory.db_url, else gradebook.db)")
    auto.add_argument("--root", default=".", help="the course root (where nbgrader_config.py is)")
    auto.add_argument("--scheduler", default=None, metavar="tcp://HOST:8786",
                      help="grade on the workers of this Dask cluster (pip install 'course[cluster]'; docs/GRADING.md)")
    late = sub.add_parser("late-penalties", help="recompute late penalties from the current due date and scores")
    late.add_argument("assignment")
    late.add_argument("--root", default=".")
    late.add_argument("--db", default=None, help="gradebook URL (default: c.CourseDirectory.db_url, else gradebook.db)")
    rep = sub.add_parser("report", help="write scores.csv, charts and the flagged list")
    rep.add_argument("assignment")
    rep.add_argument("--out", default=None, help="folder for the report (default: reports/ASSIGNMENT)")
    rep.add_argument("--root", default=".")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    if not (root / "nbgrader_config.py").exists():
        parser.error(f"{root} has no nbgrader_config.py: run from the course root or pass --root")
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    if args.command == "autograde":
        where = f"the Dask cluster at {args.scheduler}" if args.scheduler else f"{args.workers} worker(s)"
        print(f"course autograde {args.assignment} with {where}", flush=True)
        try:
            summary = autograde(root, args.assignment, workers=args.workers, force=args.force,
                                students=args.student, resume=args.resume, db_url=args.db,
                                scheduler=args.scheduler)
        except KeyboardInterrupt:
            print(f"interrupted: the students graded so far are in the gradebook; run `course autograde "
                  f"{args.assignment} --resume` to grade the rest", file=sys.stderr)
            return 130
        failed = [s for s, r in summary["students"].items() if not r["ok"]]
        flagged = {s: r["flags"] for s, r in summary["students"].items() if r["flags"]}
        if summary["skipped"]:
            print(f"skipped {len(summary['skipped'])} submission(s) graded by an earlier run (--resume)")
        print(f"graded {len(summary['students'])} submission(s) in {summary['seconds']} s; "
              f"{len(failed)} could not be fully graded: {', '.join(failed) or 'none'}")
        for student, reasons in flagged.items():
            print(f"  flagged {student}: {'; '.join(reasons)}")
        print("flags from tamper detection are in the gradebook: run `course report "
              f"{args.assignment}` or open the formgrader")
        return 1 if failed else 0
    if args.command == "late-penalties":
        from nbgrader.api import MissingEntry

        from .late import recompute

        try:
            changes = recompute(course_db_url(root, args.db), args.assignment, _load_config(root))
        except MissingEntry:
            parser.error(f"no assignment '{args.assignment}' in the gradebook (see `nbgrader db assignment list`)")
        for student, notebook, old, new in changes:
            print(f"  {student} {notebook}: late penalty {old if old is not None else 'none'} -> "
                  f"{new if new is not None else 'none'}")
        print(f"{len(changes)} late penalt{'y' if len(changes) == 1 else 'ies'} changed for {args.assignment}")
        return 0
    from .report import write_report

    out = Path(args.out) if args.out else root / "reports" / args.assignment
    paths = write_report(root, args.assignment, out)
    for path in paths:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
