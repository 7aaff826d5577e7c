"""Set up the course on one machine for hub/jupyterhub_config.py (run as root).

What a small course on one JupyterHub machine needs besides the hub itself:

- Unix accounts: one per learner, instructor and grader (optional: existing
  accounts are used as they are). Homes are private (mode 700). The instructor
  and the graders share a staff group.
- nbgrader's exchange: a folder every user can write to. nbgrader's docs ask for
  mode 777; nbgrader checks exactly that (`nbgrader release_assignment` tries to
  chmod it otherwise, which fails for anyone but its owner). The sticky bit, as
  on /tmp, stops a learner renaming or deleting the course's folder in it. The
  course's folder (exchange/ai-engineering) and its outbound/, inbound/ and
  feedback/ are created here, owned by the instructor, with the modes nbgrader
  itself gives them (groupshared): no learner can squat the course's name first.
  inbound/ is write-only for learners, so a learner cannot list (or find) the
  others' submissions.
- The instructor's course folder: a copy of this repo's nbgrader set-up
  (nbgrader_config.py, source/, release/), owned by the instructor, shared with
  the staff group (mode 2770), closed to learners, with an empty gradebook.db
  (mode 660) that nbgrader fills on first use: the graders' formgrader writes to it.
  hub/jupyterhub_config.py runs the staff's servers in this folder, with umask 007.
- A per-user nbgrader config, ~/.jupyter/nbgrader_config.py: the course id and
  the exchange, so `nbgrader fetch_assignment`, `submit` and JupyterLab's
  Assignments tab find the course from any folder. Staff also get the course
  folder (for the Formgrader) and nbgrader's groupshared mode.

Usage (as root):

    python hub/setup_course.py setup --exchange /srv/nbgrader/exchange \\
        --course-dir /srv/nbgrader/ai-engineering --instructor alice \\
        --grader bob --learner carol --learner dan [--create-users]
    python hub/setup_course.py remove-users NAME...   # only accounts this script created

With --create-users, missing accounts are created (disabled password unless
--password-stdin gives `user:password` lines, as chpasswd reads them: the hub
authenticates with PAM, i.e. these Unix passwords). The test fixture
(tests/hub/conftest.py) calls the same functions.
"""

from __future__ import annotations

import argparse
import grp
import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
COURSE_ID = "ai-engineering"
# Accounts this script creates carry this comment (GECOS): remove_user deletes only those.
MARK = "ai-engineering course account (hub/setup_course.py)"
DEFAULT_EXCHANGE = "/srv/nbgrader/exchange"

# nbgrader's own modes for the course's exchange folders with CourseDirectory.groupshared
# (nbgrader/exchange/default/release_assignment.py and release_feedback.py).
COURSE_MODE = 0o2775
OUTBOUND_MODE = 0o2775
INBOUND_MODE = 0o2773  # learners: write and enter, never list
FEEDBACK_MODE = 0o2771  # learners: enter only; each finds its own file by its hash
EXCHANGE_MODE = 0o1777  # nbgrader checks 777; sticky as /tmp


def run(*args: str, input: str | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run(list(args), input=input, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({result.returncode}): {result.stderr.strip()}")
    return result


def _known(lookup, name: str) -> bool:
    try:
        lookup(name)
        return True
    except KeyError:
        return False


def user_exists(name: str) -> bool:
    return _known(pwd.getpwnam, name)


def group_exists(name: str) -> bool:
    return _known(grp.getgrnam, name)


def ensure_group(name: str) -> None:
    if not group_exists(name):
        run("groupadd", name)


def create_user(name: str, groups: tuple[str, ...] = (), password: str | None = None) -> None:
    """A Unix account with a private home and bash; marked as created here."""
    if user_exists(name):
        raise RuntimeError(f"user {name} already exists")
    extra = ["--groups", ",".join(groups)] if groups else []
    run("useradd", "--create-home", "--shell", "/bin/bash", "--comment", MARK, *extra, name)
    os.chmod(pwd.getpwnam(name).pw_dir, 0o700)  # Debian's useradd makes homes 755
    if password is not None:
        set_password(name, password)


def set_password(name: str, password: str) -> None:
    """The Unix password PAM (and so the hub's login page) checks."""
    run("chpasswd", input=f"{name}:{password}\n")


def created_here(name: str) -> bool:
    try:
        return pwd.getpwnam(name).pw_gecos == MARK
    except KeyError:
        return False


def remove_user(name: str) -> None:
    """Delete an account this script created, with its home; refuse any other account."""
    if not user_exists(name):
        return
    if not created_here(name):
        raise RuntimeError(f"refusing to remove {name}: not created by hub/setup_course.py")
    run("userdel", "--remove", name)


def remove_group(name: str) -> None:
    if group_exists(name) and not grp.getgrnam(name).gr_mem:
        run("groupdel", name)


def _chown(path: Path, user: str, group: str | None = None) -> None:
    shutil.chown(path, user=user, group=group)


def make_exchange(exchange: Path, instructor: str, staff_group: str) -> None:
    """The exchange root (1777, root's) and the course's folders in it (the instructor's)."""
    exchange.mkdir(parents=True, exist_ok=True)
    os.chown(exchange, 0, 0)
    os.chmod(exchange, EXCHANGE_MODE)
    course = exchange / COURSE_ID
    for path, mode in ((course, COURSE_MODE), (course / "outbound", OUTBOUND_MODE),
                       (course / "inbound", INBOUND_MODE), (course / "feedback", FEEDBACK_MODE)):
        path.mkdir(exist_ok=True)
        _chown(path, instructor, staff_group)
        os.chmod(path, mode)


def copy_course(course_dir: Path, instructor: str, staff_group: str) -> None:
    """The instructor's course folder: this repo's nbgrader set-up, staff only."""
    course_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "nbgrader_config.py", course_dir / "nbgrader_config.py")
    skip = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc")
    for folder in ("source", "release"):
        shutil.copytree(REPO / folder, course_dir / folder, ignore=skip, dirs_exist_ok=True)
    # The gradebook, empty (nbgrader makes its tables on first use), so that it is the staff
    # group's to write: SQLite creates a database file 644 less the umask, never
    # group-writable, and a grader's formgrader could not save a score in it.
    (course_dir / "gradebook.db").touch()
    for dirpath, dirnames, filenames in os.walk(course_dir):
        _chown(Path(dirpath), instructor, staff_group)
        os.chmod(dirpath, 0o2770)
        for filename in filenames:
            path = Path(dirpath) / filename
            _chown(path, instructor, staff_group)
            os.chmod(path, 0o660)


def nbgrader_user_config(exchange: Path, course_dir: Path | None = None) -> str:
    lines = [
        "# Written by hub/setup_course.py: where this user's nbgrader finds the course.",
        "import os",
        "",
        "c = get_config()  # noqa: F821",
        f"c.CourseDirectory.course_id = {COURSE_ID!r}",
        f"c.Exchange.root = os.environ.get('NBGRADER_EXCHANGE', {str(exchange)!r})",
    ]
    if course_dir is not None:
        lines += [
            "# Staff: the course folder (the Formgrader opens it), shared with the staff group.",
            f"c.CourseDirectory.root = {str(course_dir)!r}",
            "c.CourseDirectory.groupshared = True",
        ]
    return "\n".join(lines) + "\n"


def write_user_config(user: str, exchange: Path, course_dir: Path | None = None) -> Path:
    """~user/.jupyter/nbgrader_config.py, owned by the user."""
    entry = pwd.getpwnam(user)
    folder = Path(entry.pw_dir) / ".jupyter"
    folder.mkdir(exist_ok=True)
    os.chown(folder, entry.pw_uid, entry.pw_gid)
    path = folder / "nbgrader_config.py"
    path.write_text(nbgrader_user_config(exchange, course_dir))
    os.chown(path, entry.pw_uid, entry.pw_gid)
    os.chmod(path, 0o644)
    return path


def setup(exchange: Path, course_dir: Path, instructor: str, graders: list[str], learners: list[str],
          staff_group: str, create_users: bool = False, passwords: dict[str, str] | None = None) -> None:
    passwords = passwords or {}
    ensure_group(staff_group)
    staff = [instructor, *graders]
    for name in staff + learners:
        if user_exists(name):
            if name in staff:
                run("usermod", "--append", "--groups", staff_group, name)
            if name in passwords:
                set_password(name, passwords[name])
        elif create_users:
            create_user(name, (staff_group,) if name in staff else (), passwords.get(name))
        else:
            raise RuntimeError(f"no user {name}: create it, or pass --create-users")
    # The course folder's parent must let every staff member through.
    parent = course_dir.parent
    if not parent.exists():
        parent.mkdir(parents=True)
        os.chmod(parent, 0o755)
    copy_course(course_dir, instructor, staff_group)
    make_exchange(exchange, instructor, staff_group)
    for name in staff:
        write_user_config(name, exchange, course_dir)
    for name in learners:
        write_user_config(name, exchange)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("setup", help="users, exchange, course folder and per-user nbgrader configs")
    up.add_argument("--exchange", type=Path, default=Path(os.environ.get("NBGRADER_EXCHANGE", DEFAULT_EXCHANGE)))
    up.add_argument("--course-dir", type=Path, required=True, help="the instructor's course folder (a copy of this repo's)")
    up.add_argument("--instructor", required=True)
    up.add_argument("--grader", action="append", default=[])
    up.add_argument("--learner", action="append", default=[])
    up.add_argument("--staff-group", default=f"{COURSE_ID}-staff")
    up.add_argument("--create-users", action="store_true", help="create missing Unix accounts")
    up.add_argument("--password-stdin", action="store_true", help="read user:password lines (chpasswd's format)")
    down = sub.add_parser("remove-users", help="delete accounts this script created, with their homes")
    down.add_argument("names", nargs="+")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        parser.error("run as root: it creates users and changes owners")
    if args.command == "remove-users":
        for name in args.names:
            remove_user(name)
        return 0
    passwords = {}
    if args.password_stdin:
        for line in sys.stdin.read().splitlines():
            if line.strip():
                name, _, password = line.partition(":")
                passwords[name] = password
    setup(args.exchange.resolve(), args.course_dir.resolve(), args.instructor, args.grader, args.learner,
          args.staff_group, args.create_users, passwords)
    print(f"course folder {args.course_dir}, exchange {args.exchange}: ready")
    return 0


if __name__ == "__main__":
    sys.exit(main())
