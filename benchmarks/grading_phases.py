"""Where grading one submission spends its time, phase by phase (issue 15).

Grades N submissions of 00_setup (solutions, blanks and the sample wrong answers,
round-robin) the way a `course autograde` worker does (nbgrader's Autograde, the
course's nbgrader_config.py, the sandbox), one after the other in this process, with
timers around each phase:

- kernel start: starting the sandboxed kernel until it answers;
- kernel stop: shutting it down;
- each preprocessor of nbgrader's sanitise and autograde steps, with the kernel's time
  taken out of the executing one (so "execute" is the notebook's cells, the tamper
  guard's probes and the canary);
- gradebook open: creating nbgrader's Gradebook (engine, session, schema check),
  wherever it happens, taken out of the preprocessor that does it;
- the rest of Autograde.start (reading and writing notebooks, copying files, logging).

Then the floor: the same autograded notebooks executed by nbclient alone (no sandbox,
no nbgrader). Prints a table of seconds per submission and the share of each phase.

    COURSE_OFFLINE=1 .venv/bin/python benchmarks/grading_phases.py [--n 12]
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "grading"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from grading import execute_alone  # noqa: E402
from helpers import ASSIGNMENT, Submission, build_submission, make_course, release_and_source  # noqa: E402
from nbcourse import BIN, sample_submissions  # noqa: E402

SPENT: dict[str, float] = defaultdict(float)


def _timed(name: str, function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            SPENT[name] += time.perf_counter() - started
    return wrapper


def instrument() -> None:
    """Wrap the phases' entry points (process-wide; this script only)."""
    import nbclient
    from nbconvert.preprocessors import Preprocessor
    from nbgrader.api import Gradebook

    # nbconvert's ExecutePreprocessor uses the synchronous wrappers (setup_kernel)
    client = nbclient.NotebookClient
    client.start_new_kernel = _timed("kernel start", client.start_new_kernel)
    client.start_new_kernel_client = _timed("kernel start", client.start_new_kernel_client)
    client._cleanup_kernel = _timed("kernel stop", client._cleanup_kernel)
    original_call = Preprocessor.__call__

    def call(self, nb, resources):
        started = time.perf_counter()
        inside = ("kernel start", "kernel stop", "gradebook open")  # timed on their own
        before = sum(SPENT[name] for name in inside)
        try:
            return original_call(self, nb, resources)
        finally:
            nested = sum(SPENT[name] for name in inside) - before
            SPENT[f"preprocessor {type(self).__name__}"] += time.perf_counter() - started - nested
    Preprocessor.__call__ = call
    Gradebook.__init__ = _timed("gradebook open", Gradebook.__init__)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=12)
    args = parser.parse_args()
    os.environ["PATH"] = f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"
    scratch = Path(tempfile.mkdtemp(prefix="bench-phases-"))
    try:
        (scratch / "course").mkdir()
        course = make_course(scratch / "course")
        release_nb, source_nb = release_and_source(course)
        kinds = [Submission("solution", None, {}, "solution"), Submission("blank", 0.0, {}, "blank"),
                 *sample_submissions(ASSIGNMENT)]
        students = [f"student{i:03d}" for i in range(args.n)]
        for i, student in enumerate(students):
            course.submit(student, source_nb.name, build_submission(release_nb, source_nb, kinds[i % len(kinds)]))

        from course.grading.worker import grade_student, start_worker

        os.chdir(course.path)
        log = scratch / "grading.log"
        saved = os.dup(1), os.dup(2)
        start_worker(str(course.path), ASSIGNMENT, f"sqlite:///{course.path / 'gradebook.db'}", ["--force"], str(log))
        instrument()
        total = 0.0
        for student in students:
            _, ok, seconds = grade_student(student)
            total += seconds
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        notebooks = sorted((course.path / "autograded").glob(f"*/{ASSIGNMENT}/*.ipynb"))
        floor, _ = execute_alone(notebooks)
        per = {name: value / args.n for name, value in SPENT.items()}
        per["rest of Autograde.start"] = total / args.n - sum(per.values())
        print(f"{args.n} submissions of {ASSIGNMENT}, one after the other, one process; "
              f"load average {os.getloadavg()[0]:.1f}")
        print(f"| phase | s per submission | share |\n| --- | --- | --- |")
        for name, value in sorted(per.items(), key=lambda item: -item[1]):
            print(f"| {name} | {value:.3f} | {value / (total / args.n):.0%} |")
        print(f"| **grading, all phases** | **{total / args.n:.3f}** | 100% |")
        print(f"| floor: nbclient alone, same notebooks | {floor / args.n:.3f} | |")
        print(f"grading / floor: {total / floor:.2f}x")
        return 0
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
