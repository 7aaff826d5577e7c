"""The ``course`` console script: argument parsing and dispatch, nothing else.

``course autograde ASSIGNMENT [--workers N] [--force] [--resume] [--db URL]`` grades
every submission in submitted/ in parallel (course.grading.parallel), on this machine
or on a Dask cluster with ``--scheduler tcp://HOST:8786`` (course.grading.cluster).

``course late-penalties ASSIGNMENT`` recomputes late penalties after the due date or
the scores changed (course.grading.late).

``course report ASSIGNMENT [--out DIR]`` writes scores.csv, a score histogram, a
per-test failure-rate chart and flagged.csv (see course.grading.report).

    $ course autograde 00_setup --workers 2
    course autograde 00_setup with 2 worker(s)
    graded 30 submission(s) in 41.2 s; 0 could not be fully graded: none

Does not grade, merge or read the gradebook itself: the modules named above do.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

# jsonschema imports rfc3987_syntax when it is installed (jupyter-events pulls it in),
# and that module builds a Lark grammar at import: 1.4 s of every `course` command
# on a 2-core machine, for an IRI format check nothing here uses (nbformat validates
# notebooks without format checks). Grading kernels are separate processes: unaffected.
sys.modules.setdefault("rfc3987_syntax", None)

from .config import load_config  # noqa: E402
from .gradebook import course_db_url  # noqa: E402
from .parallel import autograde  # noqa: E402


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
            changes = recompute(course_db_url(root, args.db), args.assignment, load_config(root))
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
