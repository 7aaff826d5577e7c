"""Fixtures for the class workflow on a real JupyterHub (hub/jupyterhub_config.py).

One hub per test session, as a course runs it on one machine: `make hub` as root,
PAM logins, LocalProcessSpawner, configurable-http-proxy from hub/node_modules,
and real Unix accounts made by hub/setup_course.py (an instructor, a grader, two
learners, each with a random password), a temporary exchange and a temporary
copy of the course owned by the instructor. Tests drive each user's own Jupyter
server through the hub: its REST API (contents) and its terminals, so every
command runs as that user, in that user's environment, as typed in JupyterLab's
Terminal.

Everything is removed afterwards: the hub stops every server and the proxy, then
the accounts (only those hub/setup_course.py marked as its own), their homes and
the temporary folders go.

Without root, jupyterhub, the proxy or the account tools the tests skip with the
reason, except under CI=true, where they fail: CI must not go green without
having run them.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from classhub import (COURSE_ID, GRADER, HUB, HUB_START_S, INSTRUCTOR, LEARNERS, STAFF_GROUP, Hub,
                      close_interpreter_path, kill_processes_of, load_setup_course, missing_component,
                      open_interpreter_path, unavailable, user_venv, venv_problem)
from jlab import SCREENSHOTS
from nbcourse import ROOT, command_env, free_port


@pytest.fixture(scope="session")
def hub():
    problem = missing_component()
    if problem:
        unavailable(problem)
    setup_course = load_setup_course()
    users = (INSTRUCTOR, GRADER, *LEARNERS)
    for name in users:  # left over by an interrupted run: ours, so remove; anyone else's: stop
        if setup_course.user_exists(name):
            if not setup_course.created_here(name):
                unavailable(f"a Unix user {name} already exists and was not made by hub/setup_course.py")
            kill_processes_of(name)
            setup_course.remove_user(name)
    setup_course.remove_group(STAFF_GROUP)

    for old in (SCREENSHOTS / "hub").glob("*.png"):  # this run's screenshots only
        old.unlink()
    base = Path(tempfile.mkdtemp(prefix="course-hub-"))
    os.chmod(base, 0o755)  # every user reaches the exchange and (staff) the course inside it
    state = base / "state"
    hub = Hub(base=base, exchange=base / "exchange", course=base / "course" / COURSE_ID, state=state,
              port=free_port(), token=secrets.token_hex(32),
              passwords={name: secrets.token_urlsafe(12) for name in users}, venv=user_venv())
    created: list[str] = []
    opened: list = []
    try:
        # The command the README shows an instructor, with the test's passwords on stdin.
        command = [sys.executable, str(HUB / "setup_course.py"), "setup", "--exchange", str(hub.exchange),
                   "--course-dir", str(hub.course), "--instructor", INSTRUCTOR, "--grader", GRADER,
                   *[arg for learner in LEARNERS for arg in ("--learner", learner)],
                   "--staff-group", STAFF_GROUP, "--create-users", "--password-stdin"]
        created = list(users)  # remove_user deletes only accounts setup_course.py marked as its own
        done = subprocess.run(command, input="".join(f"{n}:{p}\n" for n, p in hub.passwords.items()),
                              capture_output=True, text=True, timeout=300)
        if done.returncode:
            unavailable(f"hub/setup_course.py setup failed: {done.stderr[-2000:]}")
        if venv_problem(hub.venv, LEARNERS[0]):
            # Only root may enter a folder above the interpreter (pyenv under /root on CI
            # machines): open its search bit for this session, restore it afterwards.
            opened = open_interpreter_path(hub.venv)
        problem = venv_problem(hub.venv, LEARNERS[0])
        if problem:
            unavailable(problem)
        if hub.venv.resolve() != Path(sys.prefix).resolve():
            # A COURSE_HUB_VENV that loads its packages from the course's .venv (a venv made from a
            # Python users can execute, with a .pth to .venv's site-packages): the grading sandbox
            # shows student code only its own interpreter's venv, so it must show .venv too.
            with open(hub.course / "nbgrader_config.py", "a") as config:
                config.write(f"\nc.Sandbox.readonly_paths = [{sys.prefix!r}]  # tests/hub: COURSE_HUB_VENV\n")

        # `make hub`, as the README has an instructor start it (install and proxy are done:
        # make finds them up to date), on the test's ports, state and exchange.
        env = command_env(
            COURSE_HUB_INTERNAL_PORT=str(free_port()),
            COURSE_HUB_PROXY_API_PORT=str(free_port()),
            COURSE_HUB_USERS=",".join((GRADER, *LEARNERS)),
            COURSE_HUB_ADMINS=INSTRUCTOR,
            COURSE_HUB_STAFF_GROUP=STAFF_GROUP,
            COURSE_HUB_COURSE_DIR=str(hub.course),
            COURSE_HUB_API_TOKEN=hub.token,
            COURSE_HUB_VENV=str(hub.venv),
            COURSE_OFFLINE="1",
        )
        state.mkdir(mode=0o700)
        hub.log = open(state / "hub.log", "w")
        hub.process = subprocess.Popen(
            ["make", "--no-print-directory", "hub", f"HUB_STATE={state}", f"HUB_PORT={hub.port}",
             f"EXCHANGE={hub.exchange}", f"VENV={Path(sys.prefix)}"],
            cwd=ROOT, env=env, stdout=hub.log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + HUB_START_S
        import requests

        while True:
            if hub.process.poll() is not None:
                raise RuntimeError(f"make hub exited with {hub.process.returncode}:\n{hub.log_tail()}")
            try:
                if requests.get(f"{hub.url}/hub/api", timeout=5).json().get("version"):
                    break
            except (requests.RequestException, ValueError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the hub did not answer on {hub.url}/hub/api in {HUB_START_S} s:\n{hub.log_tail()}")
            time.sleep(0.3)
        yield hub
    finally:
        hub.stop()
        if (state / "hub.log").exists():  # the hub's and every user's server's log, for a failed run
            SCREENSHOTS.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(state / "hub.log", SCREENSHOTS.parent / "hub.log")
        for name in created:
            kill_processes_of(name)
            setup_course.remove_user(name)
        setup_course.remove_group(STAFF_GROUP)
        close_interpreter_path(opened)
        shutil.rmtree(base, ignore_errors=True)
