"""Grading benchmark: stock `nbgrader autograde` vs `course autograde --workers 2`, and the sandbox's cost.

Builds one scratch course for 00_setup with N generated submissions (default 40:
solutions, blanks and the sample wrong answers, round-robin), and times, on fresh
copies of it, in one run:

1. stock   `nbgrader autograde 00_setup` (sandboxed, as configured);
2. course  `course autograde 00_setup --workers 2` (sandboxed);
3. unsafe  `nbgrader autograde 00_setup` with COURSE_UNSAFE_GRADING=1 (no sandbox);
4. split   two stock `nbgrader autograde` processes side by side on two copies of
           the course, half of the students each: the ideal two-way split of stock
           grading, to show what two-way parallelism can give on this machine.
5. course1 `course autograde 00_setup --workers 1`;
6. floor   the same notebooks executed by nbclient alone, one after the other, in
           this process: the autograded notebooks of an untimed run (hidden tests in,
           demos skipped as under nbgrader), no sandbox, no nbgrader, no gradebook.
           What grading cannot go below.

Each mode runs --repeat times (default 2) in alternating order, and the fastest
run of each mode counts: on a noisy 2-core machine a single run can be off by 20%.
Prints the throughput ratio (1 / 2), the ideal split's ratio (1 / 4), the
sandbox overhead (1 / 3) and the grading overhead over the floor (5 / 6), checks that
1 and 2 wrote the same gradebook, and writes bench-grading.json.
Targets on a 2-core machine: ratio >= 1.8, sandbox overhead <= 1.10, grading
overhead over the floor <= 1.5 (issue 15).

    COURSE_OFFLINE=1 .venv/bin/python benchmarks/grading.py [--n 40] [--workers 2] [--repeat 2]
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


MODES = {
    "stock": "stock nbgrader autograde (sandboxed)",
    "course": "course autograde --workers {workers} (sandboxed)",
    "unsafe": "stock nbgrader autograde (UNSAFE, no sandbox)",
    "split": "2 stock nbgrader side by side, half each",
    "course1": "course autograde --workers 1 (sandboxed)",
    "floor": "nbclient alone on the same notebooks",
}
HALVES = ("student*[02468]", "student*[13579]")  # nbgrader --student takes a glob


def side_by_side(path: Path) -> tuple[float, int]:
    """Two stock autogrades at once, each on its own copy of the course, half the students each."""
    halves = [path.with_name(f"{path.name}-half{i}") for i in range(len(HALVES))]
    for half in halves:
        shutil.copytree(path, half)
    env = dict(os.environ)
    env.pop("PYTEST_CURRENT_TEST", None)
    started = time.perf_counter()
    procs = [subprocess.Popen([str(BIN / "nbgrader"), "autograde", ASSIGNMENT, "--create", "--student", pattern],
                              cwd=half, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for half, pattern in zip(halves, HALVES)]
    codes = [proc.wait(timeout=7200) for proc in procs]
    seconds = time.perf_counter() - started
    for half in halves:
        shutil.rmtree(half, ignore_errors=True)
    return seconds, max(codes)


def execute_alone(notebooks: list[Path]) -> tuple[float, int]:
    """The floor: each notebook run by nbclient in a plain kernel, as nbgrader runs it (its
    environment variable set, so %%demo cells skip), errors allowed, nothing else."""
    import nbformat
    from nbclient import NotebookClient

    saved = os.environ.get("NBGRADER_EXECUTION")
    os.environ["NBGRADER_EXECUTION"] = "autograde"
    try:
        started = time.perf_counter()
        for path in notebooks:
            notebook = nbformat.read(path, as_version=4)
            NotebookClient(notebook, timeout=180, kernel_name="python3", allow_errors=True,
                           resources={"metadata": {"path": str(path.parent)}}).execute()
        return time.perf_counter() - started, 0
    finally:
        if saved is None:
            os.environ.pop("NBGRADER_EXECUTION", None)
        else:
            os.environ["NBGRADER_EXECUTION"] = saved


FLOOR_NOTEBOOKS: list[Path] = []  # filled by main: the autograded notebooks of an untimed run


def grade(mode: str, path: Path, workers: int) -> tuple[float, int]:
    if mode == "split":
        return side_by_side(path)
    if mode == "floor":
        return execute_alone(FLOOR_NOTEBOOKS)
    if mode == "course1":
        return timed([str(BIN / "course"), "autograde", ASSIGNMENT, "--workers", "1"], path)
    if mode == "course":
        return timed([str(BIN / "course"), "autograde", ASSIGNMENT, "--workers", str(workers)], path)
    env = {"COURSE_UNSAFE_GRADING": "1"} if mode == "unsafe" else {}
    return timed([str(BIN / "nbgrader"), "autograde", ASSIGNMENT, "--create"], path, env)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=2,
                        help="runs per mode, in alternating order; the fastest run of each mode counts")
    parser.add_argument("--out", default=str(ROOT / "bench-grading.json"))
    args = parser.parse_args()
    os.environ["PATH"] = f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"
    scratch = Path(tempfile.mkdtemp(prefix="bench-grading-"))
    try:
        base = scratch / "base"
        base.mkdir()
        course = make_course(base)
        release_nb, source_nb = release_and_source(course)
        kinds = [Submission("solution", None, {}, "solution"), Submission("blank", 0.0, {}, "blank"),
                 *sample_submissions(ASSIGNMENT)]
        for i in range(args.n):
            kind = kinds[i % len(kinds)]
            course.submit(f"student{i:03d}", source_nb.name, build_submission(release_nb, source_nb, kind))
        print(f"{args.n} submissions of {ASSIGNMENT}; {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}; "
              f"{args.repeat} run(s) per mode, alternating order, fastest counts")
        inputs = scratch / "floor-inputs"  # an untimed run makes the notebooks the floor executes
        shutil.copytree(base, inputs)
        run([str(BIN / "course"), "autograde", ASSIGNMENT, "--workers", str(args.workers)], cwd=inputs, timeout=7200)
        FLOOR_NOTEBOOKS[:] = sorted((inputs / "autograded").glob(f"*/{ASSIGNMENT}/*.ipynb"))
        assert len(FLOOR_NOTEBOOKS) == args.n, f"the untimed run graded {len(FLOOR_NOTEBOOKS)} of {args.n}"
        times: dict[str, list[float]] = {mode: [] for mode in MODES}
        codes, gradebooks = [], {}
        for rep in range(args.repeat):
            order = list(MODES) if rep % 2 == 0 else list(reversed(MODES))
            for mode in order:
                path = scratch / f"{mode}{rep}"
                shutil.copytree(base, path)
                seconds, code = grade(mode, path, args.workers)
                times[mode].append(seconds)
                codes.append(code)
                if mode not in ("split", "floor"):  # split: two half gradebooks; floor: none
                    gradebooks.setdefault(mode, gradebook_dump(path / "gradebook.db"))
                print(f"  run {rep + 1} {MODES[mode].format(workers=args.workers):46} {seconds:6.1f} s "
                      f"({args.n / seconds:.3f} submissions/s)")
                shutil.rmtree(path, ignore_errors=True)
        best = {mode: min(values) for mode, values in times.items()}
        ratio, overhead = best["stock"] / best["course"], best["stock"] / best["unsafe"]
        ideal = best["stock"] / best["split"]
        same = gradebooks["stock"] == gradebooks["course"]
        mean = {mode: sum(values) / len(values) for mode, values in times.items()}
        print(f"fastest: stock {best['stock']:.1f} s, course {best['course']:.1f} s, unsafe {best['unsafe']:.1f} s; "
              f"with means instead: ratio {mean['stock'] / mean['course']:.2f}x, overhead {mean['stock'] / mean['unsafe']:.3f}")
        print(f"throughput ratio (course/stock): {ratio:.2f}x  (target >= 1.8x)")
        print(f"ideal two-way split of stock (two nbgraders side by side / stock): {ideal:.2f}x; "
              f"course autograde reaches {ratio / ideal:.0%} of it")
        print(f"sandbox overhead (sandboxed/unsandboxed): {overhead:.3f}  (target <= 1.10)")
        floor_ratio = best["course1"] / best["floor"]
        print(f"grading overhead over the floor (course --workers 1 / nbclient alone): {floor_ratio:.2f}x  "
              f"(target <= 1.5x; floor {best['floor']:.1f} s, {best['floor'] / args.n:.2f} s per submission)")
        print(f"gradebooks identical (stock vs course): {same}; exit codes {codes}")
        Path(args.out).write_text(json.dumps({
            "submissions": args.n, "workers": args.workers, "repeat": args.repeat,
            "runs_s": {mode: [round(t, 2) for t in values] for mode, values in times.items()},
            "stock_s": round(best["stock"], 2), "course_s": round(best["course"], 2),
            "unsafe_s": round(best["unsafe"], 2), "split_s": round(best["split"], 2),
            "throughput_ratio": round(ratio, 3), "ideal_split_ratio": round(ideal, 3),
            "sandbox_overhead": round(overhead, 3), "gradebooks_identical": same,
            "course1_s": round(best["course1"], 2), "floor_s": round(best["floor"], 2),
            "overhead_over_floor": round(floor_ratio, 3),
            "load_average_end": round(os.getloadavg()[0], 2)}, indent=2) + "\n")
        return 0 if same and not any(codes) else 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
