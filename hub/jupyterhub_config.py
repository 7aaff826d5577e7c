"""JupyterHub for a small course on one machine: `jupyterhub -f hub/jupyterhub_config.py` as root.

Prepare the machine first (users, nbgrader's exchange, the instructor's course
folder, per-user nbgrader configs): `python hub/setup_course.py setup ...`.
Everything is set from the environment, so the same file serves a course and
the tests (tests/hub/):

  COURSE_HUB_STATE          folder for the hub's state: its sqlite database, cookie
                            secret and pid files (created 700; never inside the repo).
                            Default /var/lib/ai-engineering-hub
  COURSE_HUB_PORT           the public port, on 127.0.0.1 (default 8000); put a TLS
                            reverse proxy in front to serve other machines
  COURSE_HUB_INTERNAL_PORT  the hub's own API port, on 127.0.0.1 (default 8081)
  COURSE_HUB_PROXY_API_PORT the proxy's REST API, on 127.0.0.1 (default 8001)
  COURSE_HUB_USERS          comma-separated Unix users allowed to log in (learners, graders)
  COURSE_HUB_ADMINS         comma-separated Unix users who administer the hub (instructors)
  COURSE_HUB_STAFF_GROUP    the Unix group of the instructor and graders (default
                            ai-engineering-staff, as hub/setup_course.py makes it): their
                            servers run with umask 007, so what one of them writes in the
                            course folder (the gradebook first) the others can change
  COURSE_HUB_COURSE_DIR     the instructor's course folder (default /srv/nbgrader/ai-engineering):
                            the staff's servers open there, as the formgrader needs
  COURSE_HUB_API_TOKEN      optional: a token for scripts and tests (the service
                            "course-automation": start and stop servers, use them)
  NBGRADER_EXCHANGE         nbgrader's exchange (default /srv/nbgrader/exchange)
  COURSE_HUB_VENV           the venv users' servers run from (default: the hub's own,
                            the course's .venv). Every user must be able to execute its
                            interpreter: a venv made from a Python under /root (pyenv's
                            default) is not, and no server starts
  COURSE_MODEL, COURSE_OFFLINE, COURSE_LLAMA_THREADS: passed on to every
                            user's server when set (README, "One model server")
"""

import grp
import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (provided by JupyterHub)

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
# The course's venv: the hub runs from it, and so does every user's server.
VENV_BIN = Path(os.environ.get("COURSE_HUB_VENV", sys.prefix)) / "bin"


def _users(variable: str) -> set[str]:
    return {name.strip() for name in os.environ.get(variable, "").split(",") if name.strip()}


# --- state: outside the repo ------------------------------------------------------
STATE = Path(os.environ.get("COURSE_HUB_STATE", "/var/lib/ai-engineering-hub")).resolve()
if STATE == REPO or REPO in STATE.parents:
    raise ValueError(f"COURSE_HUB_STATE={STATE} is inside the repo: the hub's database and secrets stay out of it")
STATE.mkdir(parents=True, exist_ok=True)
os.chmod(STATE, 0o700)  # the cookie secret, and the database of users and token hashes
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
c.ConfigurableHTTPProxy.pid_file = str(STATE / "jupyterhub-proxy.pid")

# --- network: loopback only ----------------------------------------------------------
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = int(os.environ.get("COURSE_HUB_PORT", "8000"))
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("COURSE_HUB_INTERNAL_PORT", "8081"))
# configurable-http-proxy, pinned in hub/package.json and installed in hub/node_modules
# (`npm ci --prefix hub`), never a global install.
c.ConfigurableHTTPProxy.command = [str(HERE / "node_modules" / ".bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{int(os.environ.get('COURSE_HUB_PROXY_API_PORT', '8001'))}"

# --- who logs in ---------------------------------------------------------------------
# PAM: the machine's own Unix accounts and passwords, as a real small course uses them
# (hub/setup_course.py creates the accounts; passwords via chpasswd or passwd).
c.JupyterHub.authenticator_class = "pam"
# No PAM session per login: session modules (pam_loginuid, pam_systemd) fail in
# containers, and LocalProcessSpawner already starts each server as its user.
c.PAMAuthenticator.open_sessions = False
ADMINS = _users("COURSE_HUB_ADMINS")
c.Authenticator.admin_users = ADMINS
c.Authenticator.allowed_users = _users("COURSE_HUB_USERS") | ADMINS

# --- where servers run -----------------------------------------------------------------
# LocalProcessSpawner: one machine, real Unix accounts. Each user's Jupyter server is a
# process of that user (file permissions between learners, the instructor's course folder
# and nbgrader's exchange are the kernel's Unix permissions), started by the hub, the only
# root process; no container runtime or other daemon to run and secure.
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(VENV_BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 120  # a first start on a busy 2-core machine imports a lot
c.Spawner.http_timeout = 90
# Terminals: bash as a plain interactive shell, not a login shell. A login shell runs
# /etc/profile, which on Debian resets PATH and drops the course's venv, so `nbgrader`
# in a learner's terminal would not be the course's.
c.Spawner.args = [
    "--ServerApp.terminado_settings={'shell_command': ['/bin/bash']}",
    # The course runs offline: JupyterLab neither fetches news nor asks to, nor checks for updates.
    "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
]
# Each server keeps JupyterHub's Content-Security-Policy "frame-ancestors 'none'": all
# servers share the hub's origin, so no user's page may frame another's. JupyterLab's
# Formgrader tab (an iframe) is therefore blank; graders open the formgrader in a
# browser tab of its own, at /user/NAME/formgrader (nbgrader's docs: "Formgrader with
# jupyterhub>=4.1"; README).

# --- the staff: instructor and graders ------------------------------------------------
STAFF_GROUP = os.environ.get("COURSE_HUB_STAFF_GROUP", "ai-engineering-staff")
COURSE_DIR = Path(os.environ.get("COURSE_HUB_COURSE_DIR", "/srv/nbgrader/ai-engineering"))


def _staff_servers_open_the_course(spawner) -> None:
    """The instructor's and graders' servers:
    - open in the course folder: the formgrader refuses a course outside its server's
      root ("The course directory root is not a subdirectory of the notebook server root");
    - make files the staff group can change (umask 007): nbgrader's groupshared mode sets
      the modes of what it copies, not of the gradebook it creates, so otherwise a
      grader's formgrader could not save scores in a gradebook.db the instructor made."""
    try:
        staff = set(grp.getgrnam(STAFF_GROUP).gr_mem)
    except KeyError:
        return
    if spawner.user.name in staff:
        spawner.popen_kwargs = {**spawner.popen_kwargs, "umask": 0o007}
        if COURSE_DIR.is_dir():
            spawner.notebook_dir = str(COURSE_DIR)


c.Spawner.pre_spawn_hook = _staff_servers_open_the_course
EXCHANGE = os.environ.get("NBGRADER_EXCHANGE", "/srv/nbgrader/exchange")
c.Spawner.environment = {
    # the course's nbgrader and python first; then the system's
    "PATH": f"{VENV_BIN}:/usr/local/bin:/usr/bin:/bin",
    "NBGRADER_EXCHANGE": EXCHANGE,
    **{key: os.environ[key] for key in ("COURSE_MODEL", "COURSE_OFFLINE", "COURSE_LLAMA_THREADS")
       if key in os.environ},
}

# --- scripts and tests: one service with its own token ------------------------------------
TOKEN = os.environ.get("COURSE_HUB_API_TOKEN")
if TOKEN:
    c.JupyterHub.services = [{"name": "course-automation", "api_token": TOKEN}]
    c.JupyterHub.load_roles = [{
        "name": "course-automation",
        "description": "Start and stop users' servers and use them (tests/hub, scripts)",
        "scopes": ["admin:users", "admin:servers", "access:servers"],
        "services": ["course-automation"],
    }]

# Stopping the hub stops every user's server and the proxy: nothing is left running.
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True
