"""The bubblewrap sandbox that student code runs in while nbgrader grades it.

Settings live in nbgrader_config.py as ``c.Sandbox.<trait>``. ``sandbox_command``
turns a kernel's command line into one that runs it inside ``bwrap`` with:

- no network (``--unshare-net``), its own PID, IPC and UTS namespaces, no
  capabilities, and death with the grader (``--die-with-parent``);
- an allow-list of read-only mounts: the system directories (/usr, /etc, /lib,
  ...), the Python installation, the venv and the course package; a fresh
  empty ``/tmp`` and home; nothing else of the host's files, so the course
  root (source/ with solutions and hidden tests, gradebook.db, submitted/,
  autograded/, feedback/), the exchange, other checkouts and homes are absent;
- write access only to the kernel's working directory (the student's own
  autograded copy), with the notebook files in it masked;
- limits: memory and number of processes (cgroup v1 when writable, else
  rlimits), CPU seconds and file size (rlimits). Wall time per cell and output
  size are enforced by the executor (``course.grading.execute.GuardedExecute``).

When bubblewrap cannot run, grading refuses with ``SandboxUnavailable`` unless
``COURSE_UNSAFE_GRADING=1`` is set or ``c.Sandbox.allow_unsafe = True``.
"""

from __future__ import annotations

import functools
import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

from traitlets import Bool, Integer, List, Unicode
from traitlets.config import Configurable

from .config import load_config

UNSAFE_ENV = "COURSE_UNSAFE_GRADING"
CGROUP_ROOT = Path("/sys/fs/cgroup")
CGROUP_PARENT = "course-grading"
# Environment variables never handed to student code (API keys and the like).
SECRET_MARKERS = ("KEY", "TOKEN", "SECRET", "PASSWORD", "CREDENTIAL", "AUTH")
REPO_ROOT = Path(__file__).resolve().parents[2]
COURSE_PACKAGE = Path(__file__).resolve().parents[1]


class SandboxUnavailable(RuntimeError):
    """Bubblewrap cannot be used and the unsafe flag is not set."""


class Sandbox(Configurable):
    """Where and how student kernels run. Configure as ``c.Sandbox.<name>``."""

    enabled = Bool(True, help="Run kernels inside bubblewrap.").tag(config=True)
    allow_unsafe = Bool(
        False, help="Run kernels without a sandbox when bubblewrap is unavailable "
                    f"(the environment variable {UNSAFE_ENV}=1 does the same).").tag(config=True)
    bwrap = Unicode("bwrap", help="The bubblewrap executable.").tag(config=True)
    memory_limit = Integer(2 * 1024 ** 3, help="Bytes of memory for a kernel and its children.").tag(config=True)
    max_processes = Integer(128, help="Processes and threads a kernel may have at once.").tag(config=True)
    cpu_seconds = Integer(600, help="CPU seconds per kernel process (RLIMIT_CPU).").tag(config=True)
    max_file_size = Integer(256 * 1024 ** 2, help="Largest file a kernel may write, in bytes (RLIMIT_FSIZE).").tag(config=True)
    hidden_paths = List(Unicode(), help="More paths to hide from student code.").tag(config=True)
    readonly_paths = List(Unicode(), help="More paths to show read-only (e.g. a dataset folder).").tag(config=True)
    use_cgroups = Bool(True, help="Use cgroup v1 memory and pids controllers when writable.").tag(config=True)

    @property
    def unsafe(self) -> bool:
        return self.allow_unsafe or os.environ.get(UNSAFE_ENV, "") == "1"


@functools.lru_cache(maxsize=None)
def bwrap_works(bwrap: str = "bwrap") -> str | None:
    """None when bubblewrap runs here; otherwise why not."""
    exe = shutil.which(bwrap)
    if exe is None:
        return f"'{bwrap}' is not installed (Debian/Ubuntu: apt-get install bubblewrap)"
    probe = [exe, "--ro-bind", "/", "/", "--unshare-net", "--unshare-pid", "--die-with-parent",
             "--dev", "/dev", "--proc", "/proc", "true"]
    try:
        result = subprocess.run(probe, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"bubblewrap could not start: {error}"
    if result.returncode != 0:
        return f"bubblewrap cannot create namespaces here: {result.stderr.strip() or result.returncode}"
    return None


def check_sandbox(root: Path) -> str | None:
    """None when grading the course at root may run; otherwise the reason it must not."""
    settings = Sandbox(config=load_config(root))
    if settings.unsafe:
        return None
    if not settings.enabled:
        return f"c.Sandbox.enabled is False and {UNSAFE_ENV} is not set"
    problem = bwrap_works(settings.bwrap)
    if problem:
        return (f"refusing to run student code without a sandbox: {problem}. Set {UNSAFE_ENV}=1 to "
                "grade unsafely (student code can then read solutions, the gradebook and the network).")
    return None


def _cgroup_dir(controller: str) -> Path | None:
    base = CGROUP_ROOT / controller
    try:
        if (base / "cgroup.procs").exists() and os.access(base, os.W_OK):
            return base
    except OSError:
        pass
    return None


def make_cgroups(settings: Sandbox, name: str) -> list[Path]:
    """Create per-kernel cgroups (memory, pids); [] when cgroup v1 is not writable."""
    made = []
    if not settings.use_cgroups:
        return made
    for controller, files in (
        ("memory", {"memory.limit_in_bytes": settings.memory_limit,
                    "memory.memsw.limit_in_bytes": settings.memory_limit}),
        ("pids", {"pids.max": settings.max_processes}),
    ):
        base = _cgroup_dir(controller)
        if base is None:
            continue
        group = base / CGROUP_PARENT / name
        try:
            group.mkdir(parents=True, exist_ok=True)
            for filename, value in files.items():
                path = group / filename
                if path.exists():
                    path.write_text(str(value))
            made.append(group)
        except OSError:
            remove_cgroups([group])
    return made


def remove_cgroups(groups: list[Path]) -> None:
    for group in groups:
        try:
            for pid in (group / "cgroup.procs").read_text().split():
                try:
                    os.kill(int(pid), 9)
                except (ProcessLookupError, ValueError):
                    pass
        except OSError:
            pass
        # rmdir fails (EBUSY) until the killed processes are reaped: poll briefly, up to ~2.5 s.
        for attempt in range(60):
            try:
                group.rmdir()
                break
            except FileNotFoundError:
                break
            except OSError:
                time.sleep(0.005 if attempt < 20 else 0.05)


SYSTEM_DIRS = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc"]


def hidden_paths(settings: Sandbox, config) -> list[Path]:
    """The course root, the exchange, the repository and anything configured."""
    paths = [REPO_ROOT]
    for section in ("CourseDirectory", "Exchange"):  # c.CourseDirectory.root, c.Exchange.root
        root = getattr(getattr(config, section, None), "root", None)
        if isinstance(root, str) and root:
            paths.append(Path(root))
    paths.append(Path(os.environ.get("NBGRADER_EXCHANGE", "/srv/nbgrader/exchange")))
    paths.append(Path.home())
    paths.extend(Path(p) for p in settings.hidden_paths)
    return paths


def _covered(path: Path, by: list[Path]) -> bool:
    return any(path == other or other in path.parents for other in by)


def sandbox_command(kernel_cmd: list[str], *, settings: Sandbox, config, cwd: str,
                    ipc_dir: str, cgroups: list[Path]) -> list[str]:
    """The command that runs ``kernel_cmd`` inside bubblewrap."""
    cwd_path = Path(cwd).resolve()
    args = [shutil.which(settings.bwrap) or settings.bwrap,
            "--die-with-parent", "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
            "--unshare-cgroup-try", "--hostname", "grader"]
    # An allow-list, not a deny-list: student code sees the system directories, the
    # interpreter, the venv (models live there) and the course package, read-only,
    # and nothing else of the host's files (no other checkouts, homes or courses).
    bound: list[Path] = []
    for directory in SYSTEM_DIRS:
        if os.path.islink(directory):
            args += ["--symlink", os.readlink(directory), directory]
        elif os.path.isdir(directory):
            args += ["--ro-bind", directory, directory]
            bound.append(Path(directory))
    args += ["--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--tmpfs", "/dev/shm", "--tmpfs", "/run"]
    readable = [Path(sys.base_prefix), Path(sys.prefix), COURSE_PACKAGE,
                Path.home() / ".cache" / "matplotlib", *map(Path, settings.readonly_paths)]
    for path in readable:
        path = path.resolve()
        if path.exists() and not _covered(path, bound) and not _covered(path, [cwd_path]):
            args += ["--ro-bind", str(path), str(path)]
            bound.append(path)
    # Belt and braces: hide the course's secrets wherever a bound directory contains them.
    masked: list[Path] = [Path("/tmp")]
    for path in hidden_paths(settings, config):
        path = path.resolve() if path.exists() else path
        if not path.exists() or _covered(path, masked) or path == Path("/") or not _covered(path, bound):
            continue
        if any(_covered(keep, [path]) for keep in bound if keep != path):
            continue  # a parent of something student code needs (the repo holds the venv): already not bound
        args += ["--tmpfs", str(path)] if path.is_dir() else ["--ro-bind", "/dev/null", str(path)]
        masked.append(path)
    # What it may write: its own working copy, minus the notebooks nbgrader is grading.
    args += ["--bind", str(cwd_path), str(cwd_path)]
    for notebook in sorted(cwd_path.glob("*.ipynb")):
        args += ["--ro-bind", "/dev/null", str(notebook)]
    args += ["--bind", ipc_dir, ipc_dir,
             "--dir", "/tmp/home", "--setenv", "HOME", "/tmp/home",
             "--setenv", "MPLCONFIGDIR", str(Path.home() / ".cache" / "matplotlib")
             if (Path.home() / ".cache" / "matplotlib").exists() else "/tmp/home",
             "--setenv", "IPYTHONDIR", "/tmp/home/.ipython",
             "--setenv", "JUPYTER_RUNTIME_DIR", "/tmp/home/runtime",
             "--setenv", "COURSE_SANDBOXED", "1", "--setenv", "JPY_PARENT_PID", "1",
             "--chdir", str(cwd_path), "--"]
    args += list(kernel_cmd)
    # A shell joins the cgroups and sets rlimits, then becomes bwrap.
    script = []
    for group in cgroups:
        script.append(f"echo $$ > {shlex.quote(str(group / 'cgroup.procs'))}")
    if not any(g.parts[-3] == "memory" for g in cgroups if len(g.parts) >= 3):
        script.append(f"ulimit -v {max(settings.memory_limit // 1024, 1)}")
    script.append(f"ulimit -t {settings.cpu_seconds}")
    script.append(f"ulimit -f {max(settings.max_file_size // 1024, 1)}")
    script.append("exec \"$@\"")
    return ["/bin/bash", "-c", " && ".join(script), "course-sandbox", *args]


def scrub_env(env: dict) -> dict:
    """The kernel's environment without secrets. JPY_PARENT_PID goes too: inside the
    PID namespace the kernel's parent is PID 1, which ipykernel would take for an
    orphaned kernel (``--die-with-parent`` does that job)."""
    return {k: v for k, v in env.items()
            if k != "JPY_PARENT_PID" and not any(m in k.upper() for m in SECRET_MARKERS)}


def new_kernel_name() -> str:
    return f"k{os.getpid()}-{uuid.uuid4().hex[:10]}"
