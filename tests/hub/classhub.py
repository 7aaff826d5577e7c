"""The class on a running JupyterHub: its users, the hub process, users' terminals.

Used by tests/hub/conftest.py (the session fixture) and the tests.
"""

from __future__ import annotations

import importlib.util
import json
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from nbcourse import BIN, ROOT, in_ci

HUB = ROOT / "hub"
PROXY = HUB / "node_modules" / ".bin" / "configurable-http-proxy"
COURSE_ID = "ai-engineering"
INSTRUCTOR, GRADER = "c-instructor", "c-grader"
LEARNERS = ("c-learner-a", "c-learner-b")
STAFF_GROUP = "c-course-staff"
HUB_START_S = 90  # the hub answering its API
SERVER_START_S = 150  # one user's server ready (4 start at once on 2 cores)
COMMAND_S = 600  # one command in a terminal (nbgrader autograde of a notebook is the longest)


def unavailable(problem: str):
    if in_ci():
        pytest.fail(f"{problem}. CI=true, so the JupyterHub tests must run, not skip.")
    pytest.skip(problem)


def load_setup_course():
    spec = importlib.util.spec_from_file_location("setup_course", HUB / "setup_course.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def missing_component() -> str | None:
    """Why the hub cannot run here, or None."""
    if sys.platform != "linux":
        return "the JupyterHub tests need Linux (PAM, useradd, LocalProcessSpawner)"
    if os.geteuid() != 0:
        return ("the JupyterHub tests run the hub as root, as a course does: it creates Unix users "
                "and starts servers as them (run pytest as root, e.g. in the CI container)")
    for tool in ("useradd", "userdel", "usermod", "groupadd", "groupdel", "chpasswd", "runuser"):
        if shutil.which(tool) is None:
            return f"{tool} not found: the JupyterHub tests create real Unix users (Debian: passwd package)"
    if not (BIN / "jupyterhub").exists() or importlib.util.find_spec("jupyterhub") is None:
        return "jupyterhub is not installed in the course's venv (pip install jupyterhub, see hub/)"
    if importlib.util.find_spec("pamela") is None:
        return "pamela (JupyterHub's PAM binding) is not installed"
    if not PROXY.exists():
        return f"configurable-http-proxy not found at {PROXY}: run `npm ci --prefix hub`"
    if shutil.which("node") is None:
        return "node not found: configurable-http-proxy needs Node.js 20 or newer"
    if importlib.util.find_spec("websocket") is None:
        return "websocket-client is not installed (the tests type into users' terminals with it)"
    return None


ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\r")


class Terminal:
    """A terminal in a user's Jupyter server (JupyterLab's Terminal), driven over its websocket.

    The shell lives on in the server between commands (its folder, its variables);
    each command gets a websocket of its own. An idle websocket is closed by the
    server's pings going unanswered (this client answers them only while it reads),
    which on a busy machine happened between two steps of the test."""

    def __init__(self, hub: "Hub", user: str):
        self.hub, self.user = hub, user
        created = hub.user_api(user, "POST", "/api/terminals")
        self.name = created["name"]
        self.commands = 0
        self.run("true", timeout_s=60)  # the shell is ready when it answers

    def _connect(self):
        import websocket

        url = f"ws://127.0.0.1:{self.hub.port}/user/{self.user}/terminals/websocket/{self.name}"
        ws = websocket.create_connection(url, header=[f"Authorization: token {self.hub.token}"], timeout=COMMAND_S)
        ws.send(json.dumps(["set_size", 50, 400, 800, 1200]))  # wide: no wrapped lines
        return ws

    def run(self, command: str, timeout_s: float = COMMAND_S) -> tuple[int, str]:
        """Type a command and Enter; (its exit status, what the terminal showed)."""
        import websocket

        # A marker of this command only: a new websocket first replays the terminal's
        # earlier output, markers of earlier commands included.
        self.commands += 1
        n = self.commands
        done = re.compile(rf"@@START-{n}@@\n(.*)@@DONE-{n}-(\d+)@@", re.DOTALL)
        ws = self._connect()
        try:
            ws.send(json.dumps(["stdin", f"printf '@@%s-{n}@@\\n' START; {command}; "
                                         f"printf '@@%s-{n}-%d@@\\n' DONE $?\r"]))
            shown, deadline = "", time.monotonic() + timeout_s
            while time.monotonic() < deadline:
                ws.settimeout(max(1.0, deadline - time.monotonic()))
                try:
                    message = json.loads(ws.recv())
                except websocket.WebSocketTimeoutException:
                    break
                if message[0] == "stdout":
                    shown += message[1]
                    text = ANSI.sub("", shown)
                    found = done.search(text)
                    if found:  # what the command printed, between its two markers
                        return int(found.group(2)), found.group(1)
                elif message[0] == "disconnect":
                    raise RuntimeError(f"{self.user}'s terminal closed:\n{ANSI.sub('', shown)[-3000:]}")
        finally:
            ws.close()
        raise TimeoutError(f"{self.user}: `{command}` did not finish in {timeout_s:.0f} s:\n"
                           f"{ANSI.sub('', shown)[-3000:]}")

    def check(self, command: str, timeout_s: float = COMMAND_S) -> str:
        status, shown = self.run(command, timeout_s)
        assert status == 0, f"{self.user}$ {command}\nexited {status}:\n{shown[-6000:]}"
        return shown

    def close(self) -> None:
        try:
            self.hub.user_api(self.user, "DELETE", f"/api/terminals/{self.name}")
        except Exception:
            pass


@dataclass
class Hub:
    """The running hub and the class it serves."""

    base: Path  # every temporary folder of the class
    exchange: Path
    course: Path  # the instructor's course folder
    state: Path  # the hub's sqlite database, cookie secret, pid files, log
    port: int
    token: str  # the course-automation service's token (hub/jupyterhub_config.py)
    passwords: dict
    venv: Path  # the venv users' servers run from (COURSE_HUB_VENV, default the course's .venv)
    process: subprocess.Popen | None = None  # `make hub`, whose child is the hub
    log: object = None  # the hub's log file (state/hub.log)
    terminals: dict = field(default_factory=dict)
    due: object = None  # the due date the instructor set between A's and B's submissions

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def api(self, method: str, path: str, **kwargs):
        import requests

        response = requests.request(method, f"{self.url}/hub/api{path}", timeout=60,
                                    headers={"Authorization": f"token {self.token}"}, **kwargs)
        if response.status_code >= 400:
            raise AssertionError(f"{method} /hub/api{path}: {response.status_code} {response.text[:2000]}\n"
                                 f"the hub's log:\n{self.log_tail()}")
        return response.json() if response.content else {}

    def user_api_response(self, user: str, method: str, path: str, **kwargs):
        """A request to user's server, through the proxy, with the automation token."""
        import requests

        return requests.request(method, f"{self.url}/user/{user}{path}", timeout=120,
                                headers={"Authorization": f"token {self.token}"}, **kwargs)

    def user_api(self, user: str, method: str, path: str, **kwargs):
        """The Jupyter server REST API of user's server, through the proxy."""
        response = self.user_api_response(user, method, path, **kwargs)
        if response.status_code >= 400:
            raise AssertionError(f"{method} /user/{user}{path}: {response.status_code} {response.text[:2000]}")
        return response.json() if response.content else {}

    def start_servers(self, users) -> None:
        """Start users' servers at once (the hub's REST API), wait until each is ready."""
        for user in users:
            self.api("POST", f"/users/{user}/server")
        deadline = time.monotonic() + SERVER_START_S
        waiting = set(users)
        while waiting and time.monotonic() < deadline:
            for user in sorted(waiting):
                server = self.api("GET", f"/users/{user}").get("servers", {}).get("")
                if server and server.get("ready"):
                    waiting.discard(user)
            time.sleep(0.5)
        if waiting:
            raise AssertionError(f"servers of {sorted(waiting)} not ready in {SERVER_START_S} s:\n{self.log_tail()}")

    @staticmethod
    def home(user: str) -> Path:
        return Path(pwd.getpwnam(user).pw_dir)

    def terminal(self, user: str) -> Terminal:
        if user not in self.terminals:
            self.terminals[user] = Terminal(self, user)
        return self.terminals[user]

    def log_tail(self, lines: int = 80) -> str:
        try:
            return "\n".join((self.state / "hub.log").read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        for terminal in self.terminals.values():
            terminal.close()
        if self.process is None or self.process.poll() is not None:
            if self.log is not None:
                self.log.close()
            return
        # SIGTERM to the hub (make's child, named in its pid file): it stops every user's
        # server and the proxy (cleanup_servers, cleanup_proxy), then make exits.
        try:
            os.kill(int((self.state / "jupyterhub.pid").read_text()), signal.SIGTERM)
        except (OSError, ValueError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        finally:
            if self.log is not None:
                self.log.close()


def user_venv() -> Path:
    """The venv users' servers run from: COURSE_HUB_VENV, else the course's own (this interpreter's)."""
    return Path(os.environ.get("COURSE_HUB_VENV", sys.prefix))


def venv_problem(venv: Path, user: str) -> str | None:
    """Why user cannot run the venv's Python (and the course's packages), or None."""
    probe = subprocess.run(["runuser", "-u", user, "--", str(venv / "bin" / "python"), "-c",
                            "import jupyterhub, nbgrader, course"], capture_output=True, text=True, cwd="/")
    if probe.returncode == 0:
        return None
    real = os.path.realpath(venv / "bin" / "python")
    return (f"user {user} cannot run the venv's Python {venv / 'bin' / 'python'} (-> {real}): "
            f"{(probe.stderr.strip().splitlines() or ['?'])[-1]}. Every user's server runs from this venv, so it "
            "must be made from a Python every user can execute, not one under /root (pyenv's default "
            "PYENV_ROOT): install Python under /opt or /usr/local and `make install` with PYTHON= pointing "
            "at it, or set COURSE_HUB_VENV to a venv every user can run")


def open_interpreter_path(venv: Path) -> list[tuple[Path, int]]:
    """Let every user traverse the folders above the venv's interpreter that only root may
    enter, such as /root when the venv comes from pyenv's default PYENV_ROOT (as on CI
    machines). Adds the search bit only (o+x: no listing, no reading of anything whose
    own mode does not allow it). Returns what to restore with close_interpreter_path.
    A course sets its venv up from a Python every user can run instead (README)."""
    changed = []
    real = Path(os.path.realpath(venv / "bin" / "python"))
    for folder in reversed(real.parents):
        mode = folder.stat().st_mode
        if not mode & 0o001:
            changed.append((folder, mode & 0o7777))
            os.chmod(folder, (mode & 0o7777) | 0o001)
    return changed


def close_interpreter_path(changed: list[tuple[Path, int]]) -> None:
    for folder, mode in reversed(changed):
        os.chmod(folder, mode)


def kill_processes_of(user: str) -> None:
    """Any process left by a test user (a server the hub could not stop), by pid."""
    try:
        uid = pwd.getpwnam(user).pw_uid
    except KeyError:
        return
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    os.kill(int(entry.name), signal.SIGKILL)
            except (OSError, ProcessLookupError):
                pass
