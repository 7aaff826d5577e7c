"""Grading time per student, before and after a change to the notebooks' tests.

For each assignment, builds two scratch courses: one from source/ as it is now
("after"), one from source/ at an earlier commit ("before", default: main before
issue 13 rewrote the hidden tests). Both run with the current `course` package and
nbgrader config, so only the notebooks differ. Each course gets --n students who all
submit the solution (every test cell runs to the end, the slowest case), and
`nbgrader autograde` (sandboxed, as configured) is timed on fresh copies, before and
after in alternating order, --repeat times; the fastest run of each counts.

Per student = (autograde time - nbgrader's start-up) / n, where the start-up is an
autograde of the same course that matches no student. Prints seconds per student
and the ratio after / before, and writes bench-grading-time.json.

    COURSE_OFFLINE=1 .venv/bin/python benchmarks/grading_time.py [--before REF] [--n 2] [--repeat 2] [01_tokens ...]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from nbcourse import BIN, Submission, TempCourse, assignments, build_submission, notebooks, run  # noqa: E402
from run import write_results  # noqa: E402 (benchmarks/run.py, next to this script)

# The last commit of main before issue 13's hidden-test rewrite (stop 18 began at 56d96f1;
# its first issue-13 commit came after 289a97e, which changed no notebook).
BEFORE = "289a97e"
SOLUTION = Submission("solution", None, {}, "solution")


def course_at(path: Path, assignment: str, ref: str | None) -> TempCourse:
    """A scratch course of one assignment; with ref, its notebook as committed at ref."""
    path.mkdir(parents=True)
    course = TempCourse(path, assignment)
    if ref is not None:
        for notebook in notebooks(assignment):
            relative = notebook.relative_to(ROOT).as_posix()
            shown = subprocess.run(["git", "show", f"{ref}:{relative}"], cwd=ROOT, capture_output=True, text=True)
            if shown.returncode != 0:
                raise SystemExit(f"cannot read {relative} at {ref} ({shown.stderr.strip()}): this benchmark needs the "
                                 "git history (not a shallow clone), or pass --before with a commit you have")
            (path / "source" / assignment / notebook.name).write_text(shown.stdout)
    course.generate()
    return course


def submit_solutions(course: TempCourse, n: int) -> None:
    """n students, each submitting the course's own solution (from its source/)."""
    for source_nb in sorted((course.path / "source" / course.assignment).glob("*.ipynb")):
        release_nb = course.path / "release" / course.assignment / source_nb.name
        submission = build_submission(release_nb, source_nb, SOLUTION)
        for i in range(n):
            course.submit(f"student{i:02d}", source_nb.name, submission)


def autograde_seconds(course: Path, assignment: str, student: str | None = None) -> float:
    args = [str(BIN / "nbgrader"), "autograde", assignment, "--create"]
    if student:
        args += ["--student", student]
    started = time.perf_counter()
    result = run(args, cwd=course, timeout=3600)
    seconds = time.perf_counter() - started
    if student is None and result.returncode != 0:
        raise RuntimeError(f"autograde {assignment} in {course} failed:\n{result.stderr[-3000:]}")
    return seconds


def fresh_copy(base: Path, name: str) -> Path:
    target = base.with_name(name)
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(base, target)
    return target


def measure(assignment: str, scratch: Path, before: str, n: int, repeat: int) -> dict:
    courses = {"before": course_at(scratch / f"{assignment}-before", assignment, before),
               "after": course_at(scratch / f"{assignment}-after", assignment, None)}
    for course in courses.values():
        submit_solutions(course, n)
    bases = {label: course.path for label, course in courses.items()}
    startup = min(autograde_seconds(fresh_copy(bases["after"], f"{assignment}-startup"), assignment, "nobody")
                  for _ in range(repeat))
    times: dict[str, list[float]] = {label: [] for label in bases}
    for rep in range(repeat):
        order = list(bases) if rep % 2 == 0 else list(reversed(bases))
        for label in order:
            copy = fresh_copy(bases[label], f"{assignment}-{label}-run")
            times[label].append(autograde_seconds(copy, assignment))
            shutil.rmtree(copy, ignore_errors=True)
    per_student = {label: max(min(ts) - startup, 0.0) / n for label, ts in times.items()}
    return {"startup_s": startup, **{f"{label}_per_student_s": s for label, s in per_student.items()},
            "ratio": per_student["after"] / per_student["before"] if per_student["before"] else float("nan")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*", help="default: 01 to the last graded assignment")
    parser.add_argument("--before", default=BEFORE, help=f"the commit to compare with (default {BEFORE})")
    parser.add_argument("--n", type=int, default=2, help="students per course, each submitting the solution")
    parser.add_argument("--repeat", type=int, default=2, help="runs per version, alternating; the fastest counts")
    parser.add_argument("--out", default=str(ROOT / "bench-grading-time.json"))
    args = parser.parse_args()
    chosen = args.assignments or [a for a in assignments() if a != "00_setup"]
    os.environ["PATH"] = f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"
    scratch = Path(tempfile.mkdtemp(prefix="bench-grading-time-"))
    results = {"before": args.before, "after": "working tree", "n": args.n, "repeat": args.repeat,
               "cpus": os.cpu_count(), "date": time.strftime("%Y-%m-%d %H:%M:%S"), "assignments": {}}
    print(f"grading time per student (solution submissions, n={args.n}, fastest of {args.repeat}); "
          f"before = {args.before}, after = working tree; load average {os.getloadavg()[0]:.1f}")
    print(f"{'assignment':32} {'before s':>9} {'after s':>9} {'after/before':>13}")
    try:
        for assignment in chosen:
            row = measure(assignment, scratch, args.before, args.n, args.repeat)
            results["assignments"][assignment] = row
            print(f"{assignment:32} {row['before_per_student_s']:9.2f} {row['after_per_student_s']:9.2f} "
                  f"{row['ratio']:13.2f}", flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    rows = results["assignments"].values()
    before = sum(r["before_per_student_s"] for r in rows)
    after = sum(r["after_per_student_s"] for r in rows)
    results["total_ratio"] = after / before if before else float("nan")
    print(f"{'all':32} {before:9.2f} {after:9.2f} {results['total_ratio']:13.2f}")
    return write_results(results, args.out)


if __name__ == "__main__":
    sys.exit(main())
