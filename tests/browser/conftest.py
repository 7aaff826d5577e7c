"""Fixtures for the JupyterLab tests: a scratch course and a running JupyterLab.

The browser (chromium_path, browser, page) comes from tests/playwright_fixtures.py.
JupyterLab runs on a free loopback port with a random token, in a temporary
copy of the course, and is shut down when the test module ends. The repo's
release/ and gradebook.db are never touched.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from jlab import HTTP_S, SCREENSHOTS, SERVER_S
from nbcourse import BIN, command_env, free_port


@pytest.fixture(scope="session", autouse=True)
def fresh_screenshots():
    """Screenshots of this run only: remove the last run's before the first browser test."""
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()


class JupyterLab:
    """`jupyter lab` in a subprocess, as `make lab` starts it: run from the course root.

    root: the folder the file browser shows (release/ for learners, the course root
    for instructors). cwd: where nbgrader's server extensions find nbgrader_config.py.
    """

    def __init__(self, root: Path, cwd: Path, state: Path):
        self.root, self.cwd, self.state = root, cwd, state
        self.port, self.token = free_port(), secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = state / "jupyterlab.log"
        self.process: subprocess.Popen | None = None

    def start(self, timeout_s: float = SERVER_S) -> "JupyterLab":
        settings = self.state / "lab-settings"
        # No "receive Jupyter news?" toast over the screenshots.
        notification = settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
        notification.parent.mkdir(parents=True, exist_ok=True)
        notification.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
        env = command_env(
            JUPYTER_CONFIG_DIR=str(self.state / "config"),  # not ~/.jupyter: its config is not the course's
            JUPYTER_RUNTIME_DIR=str(self.state / "runtime"),
            IPYTHONDIR=str(self.state / "ipython"),
        )
        command = [
            str(BIN / "jupyter"), "lab", "--no-browser",
            f"--ServerApp.root_dir={self.root}", "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--LabApp.user_settings_dir={settings}",
            f"--LabApp.workspaces_dir={self.state / 'workspaces'}",
            "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ] + (["--allow-root"] if os.geteuid() == 0 else [])  # CI containers run as root
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(command, cwd=self.cwd, env=env, stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                if self.api("GET", "/api/status").get("started"):
                    return self
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"JupyterLab did not answer on {self.url} within {timeout_s:.0f} s:\n{self.log_tail()}")

    def api(self, method: str, path: str, timeout_s: float = HTTP_S) -> dict:
        request = urllib.request.Request(self.url + path, method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            body = response.read()
        return json.loads(body) if body else {}

    def lab_url(self, path: str = "") -> str:
        """The URL that opens `path` (relative to root) in a fresh JupyterLab workspace, with the token."""
        return f"{self.url}/lab{'/tree/' + path if path else ''}?reset&token={self.token}"

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        """Ask the server to shut down (it stops its kernels); kill the process group if it does not."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            self.api("POST", "/api/shutdown")
            self.process.wait(timeout=20)
        except Exception:
            for sig in (signal.SIGTERM, signal.SIGKILL):
                try:
                    os.killpg(self.process.pid, sig)
                    self.process.wait(timeout=10)
                    break
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    continue
        finally:
            self.log.close()


@pytest.fixture(scope="module")
def start_lab(tmp_path_factory):
    """start_lab(root, cwd) -> a running JupyterLab; every one is stopped when the module ends."""
    started: list[JupyterLab] = []

    def start(root: Path, cwd: Path) -> JupyterLab:
        lab = JupyterLab(root, cwd, tmp_path_factory.mktemp("jupyterlab"))
        started.append(lab)
        return lab.start()

    yield start
    for lab in started:
        lab.stop()
