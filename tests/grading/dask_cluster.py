"""A real Dask cluster on loopback for the cluster-grading tests (test_parallel_and_feedback).

A `dask scheduler` and `dask worker` processes (no nanny: a killed worker stays dead),
each worker in a folder of its own, started from the course's venv. As root, each
worker runs inside bubblewrap with `hide` (the tests' temporary folders, where the
courses are) replaced by an empty tmpfs: a worker cannot see the course it grades
for, so everything a task needs must travel with it. Without Dask's `distributed`
the tests skip, except under CI=true, where they fail.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from helpers import BIN
from nbcourse import command_env, free_port, in_ci

START_S = 120  # the scheduler and the workers answering, on a busy 2-core machine


class Cluster:
    """`dask scheduler` and `dask worker` processes on loopback."""

    def __init__(self, base: Path, hide: Path | None = None):
        self.base, self.port, self.hide = base, free_port(), hide
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.processes: dict[str, subprocess.Popen] = {}

    def _start(self, name: str, *args: str, hidden: bool = False) -> subprocess.Popen:
        folder = self.base / name
        folder.mkdir()
        log = open(folder / "log.txt", "w")
        command = [str(BIN / "dask"), *args]
        if hidden:  # the worker's view: everything but the hidden folder (grading nests its own sandbox)
            command = ["bwrap", "--dev-bind", "/", "/", "--cap-add", "ALL", "--die-with-parent",
                       "--tmpfs", str(self.hide), "--chdir", "/", "--", *command]
        process = subprocess.Popen(command, cwd=folder, env=command_env(), stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        self.processes[name] = process
        return process

    def start(self, workers: int) -> "Cluster":
        self._start("scheduler", "scheduler", "--host", "127.0.0.1", "--port", str(self.port),
                    "--dashboard-address", ":0", "--no-show")
        for i in range(workers):
            self._start(f"worker{i}", "worker", self.address, "--nthreads", "1", "--no-nanny",
                        "--host", "127.0.0.1", "--dashboard-address", ":0", "--name", f"worker{i}",
                        "--local-directory", "/tmp", hidden=self.hide is not None)
        from distributed import Client

        with Client(self.address, timeout=START_S) as client:
            client.wait_for_workers(workers, timeout=START_S)
        return self

    def log(self, name: str) -> str:
        return (self.base / name / "log.txt").read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def start_cluster(tmp_path_factory, workers: int = 2):
    """Workers hide the tests' temporary folders where bubblewrap can (as root, as in CI)."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        problem = "Dask's distributed is not installed: pip install -e '.[cluster]' (make test does)"
        if in_ci():
            pytest.fail(f"{problem}. CI=true, so the cluster tests must run, not skip.")
        pytest.skip(problem)
    hide = tmp_path_factory.getbasetemp() if os.geteuid() == 0 and shutil.which("bwrap") else None
    return Cluster(tmp_path_factory.mktemp("dask"), hide).start(workers)
