"""Keep release/ equal to what `nbgrader generate_assignment` makes from source/.

    python tools/release.py            # regenerate the assignments whose inputs changed
    python tools/release.py --check    # exit 1, listing the drift, if release/ is stale

Generation runs nbgrader's own API in a scratch copy of the course, so the
course's gradebook.db is untouched. A hash of each assignment's inputs (its
source folder, the header notebook and nbgrader_config.py) is kept in
.release-stamp, so a second run with nothing changed takes no time.

Does not release to the exchange: that is `nbgrader release_assignment`.
"""

from __future__ import annotations

import argparse
import filecmp
import hashlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# nbgrader shells out to `alembic`, which lives next to this interpreter.
os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
STAMP = ROOT / ".release-stamp"
SHARED_INPUTS = ["nbgrader_config.py", "source/header.ipynb"]


def assignments(root: Path = ROOT) -> list[str]:
    """Assignment ids: the folders of source/ that hold a notebook."""
    return sorted(p.name for p in (root / "source").iterdir()
                  if p.is_dir() and any(p.glob("*.ipynb")))


def inputs_hash(name: str, root: Path = ROOT) -> str:
    digest = hashlib.sha256()
    files = [root / f for f in SHARED_INPUTS]
    files += sorted(f for f in (root / "source" / name).rglob("*")
                    if f.is_file() and ".ipynb_checkpoints" not in f.parts and "__pycache__" not in f.parts)
    for path in files:
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def generate(names: list[str], root: Path = ROOT, gradebook: Path | None = None) -> Path:
    """Run nbgrader generate_assignment for names in a scratch course; return its release/.

    gradebook: an empty gradebook.db to start from (tests pass one made once, because
    nbgrader stamps a new one by running `alembic`, 4-5 s); None lets nbgrader make it."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    from course.grading.config import load_config

    scratch = Path(tempfile.mkdtemp(prefix="course-release-"))
    shutil.copy(root / "nbgrader_config.py", scratch)
    shutil.copytree(root / "source", scratch / "source",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    if gradebook is not None:
        shutil.copy(gradebook, scratch / "gradebook.db")
    config = load_config(scratch)
    config.CourseDirectory.db_url = f"sqlite:///{scratch / 'gradebook.db'}"
    coursedir = CourseDirectory(config=config)
    api = NbGraderAPI(coursedir=coursedir, config=config)
    for name in names:
        result = api.generate_assignment(name, force=True)
        if not result["success"]:
            raise RuntimeError(f"nbgrader generate_assignment {name} failed:\n{result['error']}\n{result['log']}")
    return scratch / "release"


def differences(generated: Path, committed: Path) -> list[str]:
    """Relative paths that differ between two release folders (missing on either side included)."""
    if not committed.exists():
        return [f"{committed.name}/ is missing"]
    comparison = filecmp.dircmp(generated, committed, ignore=[".ipynb_checkpoints", "__pycache__"])
    found = []

    def walk(cmp, prefix):
        found.extend(f"{prefix}{n} (only in fresh generation)" for n in cmp.left_only)
        found.extend(f"{prefix}{n} (only in committed release)" for n in cmp.right_only)
        for name in cmp.common_files:
            if not filecmp.cmp(Path(cmp.left) / name, Path(cmp.right) / name, shallow=False):
                found.append(f"{prefix}{name} differs")
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(comparison, f"{committed.name}/")
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="report drift instead of fixing it")
    parser.add_argument("names", nargs="*", help="assignments (default: all in source/)")
    args = parser.parse_args(argv)
    names = args.names or assignments()
    stamps = json.loads(STAMP.read_text()) if STAMP.exists() and not args.check else {}
    todo = [n for n in names if args.check or stamps.get(n) != inputs_hash(n)
            or not (ROOT / "release" / n).exists()]
    if not todo:
        print("release/ is up to date")
        return 0
    fresh = generate(todo)
    drift = []
    for name in todo:
        found = differences(fresh / name, ROOT / "release" / name)
        if args.check:
            drift += found
        elif found:
            shutil.rmtree(ROOT / "release" / name, ignore_errors=True)
            shutil.copytree(fresh / name, ROOT / "release" / name)
            print(f"release/{name}: regenerated ({len(found)} file(s) changed)")
        stamps[name] = inputs_hash(name)
    shutil.rmtree(fresh.parent, ignore_errors=True)
    if args.check:
        for line in drift:
            print(f"drift: {line}")
        if drift:
            print("release/ is stale: run `make release` and commit the result.")
        return 1 if drift else 0
    STAMP.write_text(json.dumps(stamps, indent=1, sort_keys=True))
    print(f"release/ is up to date ({len(todo)} assignment(s) checked)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
