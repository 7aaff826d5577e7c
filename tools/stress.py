"""Run tests while CPU-bound busy loops occupy every core: the suite's timing, proven under load.

    python tools/stress.py [--loops N] [--limit SECONDS] [--tests PATH...] [-- PYTEST OPTIONS...]

A test that passes on an idle machine and fails on a busy one waits on time instead of
on the event it needs. `make test-stress` runs the tests most exposed to that (grading
compared between two graders, the bad-submission corpus with its cell time limits, a
killed and resumed grading run, the browser tests, the class on a real JupyterHub) under pytest-xdist, as `make test` does, while one busy loop per core
(two on the course's 2-core machines) takes the CPU they would otherwise have.

Bounded: each loop stops itself after --limit seconds even if this script is killed,
pytest is stopped at the same limit, and the loops are killed when pytest ends.
The exit status is pytest's (or 1 when the limit ran out).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TESTS = ["tests/grading", "tests/browser", "tests/hub",
                 "tests/test_pipeline.py::test_autograde_scores_solution_blank_and_wrong_submissions[00_setup]"]
# A loop that spins until its own deadline: no sleeping, no I/O, one core each.
BUSY_LOOP = "import time\nend = time.monotonic() + {limit}\nwhile time.monotonic() < end:\n    pass\n"


def start_loops(count: int, limit_s: float) -> list[subprocess.Popen]:
    return [subprocess.Popen([sys.executable, "-c", BUSY_LOOP.format(limit=limit_s)], start_new_session=True)
            for _ in range(count)]


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.kill()
    for process in processes:
        process.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--loops", type=int, default=os.cpu_count() or 2, help="busy loops (default: one per core)")
    parser.add_argument("--limit", type=float, default=2700, help="seconds before everything is stopped (default 2700)")
    parser.add_argument("--workers", default="2", help="pytest-xdist workers, as in `make test` (default 2)")
    parser.add_argument("--tests", nargs="+", default=DEFAULT_TESTS, help="what pytest runs (default: "
                        "the grading tests, the browser tests and the command-line pipeline of 00_setup)")
    parser.add_argument("pytest_options", nargs="*", help="after --: more options for pytest (-x, -k ...)")
    args = parser.parse_args(argv)
    tests = args.tests
    command = [sys.executable, "-m", "pytest", *tests, "-p", "no:cacheprovider", "-n", args.workers,
               "--dist", "loadscope", "--durations=10", *args.pytest_options]
    env = dict(os.environ, COURSE_OFFLINE="1")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    print(f"stress: {args.loops} busy loop(s) on {os.cpu_count()} core(s), at most {args.limit:.0f} s; "
          f"pytest {' '.join(tests)}", flush=True)
    loops = start_loops(args.loops, args.limit)
    started = time.monotonic()
    pytest = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    try:
        code = pytest.wait(timeout=args.limit)
    except subprocess.TimeoutExpired:
        os.killpg(pytest.pid, signal.SIGTERM)
        try:
            pytest.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(pytest.pid, signal.SIGKILL)
            pytest.wait()
        print(f"stress: FAILED, pytest still ran after {args.limit:.0f} s and was stopped", flush=True)
        code = 1
    except KeyboardInterrupt:
        os.killpg(pytest.pid, signal.SIGINT)
        pytest.wait()
        code = 130
    finally:
        still_busy = sum(loop.poll() is None for loop in loops)
        stop(loops)
    print(f"stress: pytest exited {code} after {time.monotonic() - started:.0f} s; "
          f"{still_busy} of {len(loops)} busy loop(s) were still running at the end and were stopped", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
