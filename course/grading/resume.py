"""Which students a grading run finished, so an interrupted run can resume.

``course autograde`` records a student only after that student's rows are complete
in the gradebook, as ``student -> submission key`` (its timestamp) in
``.course-autograde/ASSIGNMENT.json`` under the course root, rewritten atomically
(a killed machine leaves the old file or the new one, never half of one).
``--resume`` skips a student whose recorded key equals the submission's now (the
timestamp in ``submitted/STUDENT/ASSIGNMENT/timestamp.txt``, or a digest of the
notebooks where there is none) and whose submission is in the gradebook; everyone else is graded again from scratch (``--force``), which
replaces whatever half-written output the interrupted run left.

Does not know about gradings done by plain ``nbgrader autograde``: those are
graded again, with the same result.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

FOLDER = ".course-autograde"


def submission_key(root: Path, assignment: str, student: str) -> str | None:
    """What identifies this submission: the timestamp nbgrader recorded when the student
    submitted, or, for a folder without timestamp.txt (copied in by hand), a digest of
    its notebooks. None when nothing was submitted.

        "timestamp:2026-12-06 10:00:00.000000 UTC" or "sha256:9f2c..."
    """
    folder = root / "submitted" / student / assignment
    try:
        return "timestamp:" + (folder / "timestamp.txt").read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    digest = hashlib.sha256()
    notebooks = sorted(folder.glob("*.ipynb"))
    if not notebooks:
        return None
    for path in notebooks:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return "sha256:" + digest.hexdigest()


class Ledger:
    def __init__(self, root: Path, assignment: str):
        self.path = root / FOLDER / f"{assignment}.json"
        try:
            self.entries = json.loads(self.path.read_text(encoding="utf-8"))  # student -> key
        except FileNotFoundError:
            self.entries = {}
        except ValueError:
            # Only this tool writes it, atomically; if it is damaged anyway, regrading is safe.
            self.entries = {}

    def finished(self, student: str, key: str | None) -> None:
        self.entries[student] = key
        self._write()

    def forget(self, student: str) -> None:
        """Called before a student is regraded: until that finishes, the student is not done."""
        if student in self.entries:
            del self.entries[student]
            self._write()

    def _write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".ledger-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(self.entries, handle, indent=1, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)

    def done(self, root: Path, assignment: str, student: str, in_gradebook: bool) -> bool:
        """True when resuming may skip this student."""
        recorded = self.entries.get(student)
        return (in_gradebook and recorded is not None
                and recorded == submission_key(root, assignment, student))



class Scratch:
    """``with Scratch(root) as folder:`` a new folder for one run's scratch gradebooks and
    logs, under the course root (student code never sees it: the sandbox binds only the
    student's own folder). A run holds a lock on its folder while it lives (its forked
    workers too), so folders left by killed runs are recognised and removed."""

    def __init__(self, root: Path):
        self.base = root / FOLDER
        self.path: Path | None = None
        self._lock = None

    def __enter__(self) -> Path:
        self.base.mkdir(parents=True, exist_ok=True)
        for old in self.base.glob("run-*"):
            try:
                with open(old / "lock", "a") as handle:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # a live run's
            except OSError:
                pass
            shutil.rmtree(old, ignore_errors=True)
        self.path = Path(tempfile.mkdtemp(prefix="run-", dir=self.base))
        self._lock = open(self.path / "lock", "a")
        fcntl.flock(self._lock, fcntl.LOCK_EX)
        return self.path

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        self._lock.close()
