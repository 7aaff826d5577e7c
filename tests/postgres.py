"""A throw-away PostgreSQL server for tests: Debian's `postgresql`, a new cluster in a
temporary folder, listening on a free loopback port with password authentication.

Loopback TCP, not a Unix socket: the grading sandbox has no network, so a student's
kernel cannot reach the gradebook server even if it learns the address.

Does not tune PostgreSQL beyond `fsync=off` (a test cluster never needs to survive a
crash). Does not reuse a cluster between runs.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path

from nbcourse import free_port


def binaries() -> Path | None:
    """The newest /usr/lib/postgresql/N/bin that has initdb (Debian's layout), or None."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return found[-1].parent if found else None


class PostgresServer:
    """`with PostgresServer() as pg: pg.create_database("gb")` -> a SQLAlchemy URL."""

    user = "course"

    def __init__(self):
        self.bin = binaries()
        if self.bin is None:
            raise FileNotFoundError("PostgreSQL is not installed (Debian: apt-get install postgresql; `make test` "
                                    "installs it when run as root)")
        self.password = secrets.token_hex(12)
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="course-pg-"))
        # initdb refuses to run as root: run the server as Debian's `postgres` account.
        self.run_as = "postgres" if os.geteuid() == 0 else None

    def _run(self, *argv: str, **kwargs) -> subprocess.CompletedProcess:
        command = [str(a) for a in argv]
        if self.run_as:
            command = ["runuser", "-u", self.run_as, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, **kwargs)

    def __enter__(self) -> PostgresServer:
        if self.run_as:
            account = pwd.getpwnam(self.run_as)
            os.chown(self.folder, account.pw_uid, account.pw_gid)
        data, pwfile = self.folder / "data", self.folder / "pw"
        pwfile.write_text(self.password + "\n")
        if self.run_as:
            os.chown(pwfile, pwd.getpwnam(self.run_as).pw_uid, -1)
        done = self._run(self.bin / "initdb", "-D", data, "-U", self.user, "--pwfile", pwfile,
                         "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8")
        if done.returncode:
            raise RuntimeError(f"initdb failed: {done.stderr[-2000:]}")
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off -c max_connections=60"
        done = self._run(self.bin / "pg_ctl", "-D", data, "-l", self.folder / "server.log", "-o", options, "-w", "start")
        if done.returncode:
            log = (self.folder / "server.log").read_text(errors="replace") if (self.folder / "server.log").exists() else ""
            raise RuntimeError(f"PostgreSQL did not start: {done.stderr[-1000:]}\n{log[-2000:]}")
        return self

    def url(self, database: str) -> str:
        return f"postgresql://{self.user}:{self.password}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        return self.url(name)

    def __exit__(self, *exc) -> None:
        self._run(self.bin / "pg_ctl", "-D", self.folder / "data", "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)
