"""Grading benchmark: stock `nbgrader autograde` vs `course autograde --workers 2`, and the sandbox's cost.

Builds one scratch course for 00_setup with N generated submissions (default 40:
solutions, blanks and the sample wrong answers, round-robin), copies it three
times and, in one run, times:

1. stock   `nbgrader autograde 00_setup` (sandboxed, as configured);
2. course  `course autograde 00_setup --workers 2` (sandboxed);
3. unsafe  `nbgrader autograde 00_setup` with COURSE_UNSAFE_GRADING=1 (no sandbox).

Prints the throughput ratio (1 / 2) and the sandbox overhead (1 / 3), checks that
runs 1 and 2 wrote the same gradebook, and writes bench-grading.json.
Targets on a 2-core machine: ratio >= 1.8, overhead <= 1.10.

    COURSE_OFFLINE=1 .venv/bin/python benchmarks/grading.py [--n 40] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "grading"))

from helpers import ASSIGNMENT, Submission, build_submission, gradebook_dump, make_course, release_and_source  # noqa: E402
from nbcourse import BIN, run, sample_submissions  # noqa: E402


def timed(args: list[str], cwd: Path, env: dict | None = None) -> tuple[float, int]:
    saved = dict(os.environ)
    os.environ.update(env or {})
    try:
        started = time.perf_counter()
        result = run(args, cwd=cwd, timeout=7200)
        return time.perf_counter() - started, result.returncode
    finally:
        os.environ.clear()
        os.environ.update(saved)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out", default=str(ROOT / "bench-grading.json"))
    args = parser.parse_args()
    os.environ["PATH"] = f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"
    scratch = Path(tempfile.mkdtemp(prefix="bench-grading-"))
    try:
        base = scratch / "stock"
        base.mkdir()
        course = make_course(base)
        release_nb, source_nb = release_and_source(course)
        kinds = [Submission("solution", None, {}, "solution"), Submission("blank", 0.0, {}, "blank"),
                 *sample_submissions(ASSIGNMENT)]
        for i in range(args.n):
            kind = kinds[i % len(kinds)]
            course.submit(f"student{i:03d}", source_nb.name, build_submission(release_nb, source_nb, kind))
        shutil.copytree(base, scratch / "course")
        shutil.copytree(base, scratch / "unsafe")
        print(f"{args.n} submissions of {ASSIGNMENT}; {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}")
        stock_s, stock_rc = timed([str(BIN / "nbgrader"), "autograde", ASSIGNMENT, "--create"], base)
        print(f"stock nbgrader autograde (sandboxed):        {stock_s:7.1f} s  ({args.n / stock_s:.3f} submissions/s)")
        ours_s, ours_rc = timed([str(BIN / "course"), "autograde", ASSIGNMENT, "--workers", str(args.workers)],
                                scratch / "course")
        print(f"course autograde --workers {args.workers} (sandboxed):   {ours_s:7.1f} s  ({args.n / ours_s:.3f} submissions/s)")
        unsafe_s, unsafe_rc = timed([str(BIN / "nbgrader"), "autograde", ASSIGNMENT, "--create"], scratch / "unsafe",
                                    {"COURSE_UNSAFE_GRADING": "1"})
        print(f"stock nbgrader autograde (UNSAFE, no sandbox): {unsafe_s:5.1f} s")
        same = gradebook_dump(base / "gradebook.db") == gradebook_dump(scratch / "course" / "gradebook.db")
        ratio, overhead = stock_s / ours_s, stock_s / unsafe_s
        print(f"throughput ratio (course/stock): {ratio:.2f}x  (target >= 1.8x)")
        print(f"sandbox overhead (sandboxed/unsandboxed): {overhead:.3f}  (target <= 1.10)")
        print(f"gradebooks identical: {same}; exit codes {stock_rc}/{ours_rc}/{unsafe_rc}")
        Path(args.out).write_text(json.dumps({
            "submissions": args.n, "workers": args.workers, "stock_s": round(stock_s, 2), "course_s": round(ours_s, 2),
            "unsafe_s": round(unsafe_s, 2), "throughput_ratio": round(ratio, 3), "sandbox_overhead": round(overhead, 3),
            "gradebooks_identical": same, "load_average_end": round(os.getloadavg()[0], 2)}, indent=2) + "\n")
        return 0 if same else 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
