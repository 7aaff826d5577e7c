"""Write course/data/hypothesis/unicode_data/<version>/charmap.json.gz with Hypothesis itself.

Hypothesis builds a table of Unicode categories the first time a test draws text, and
caches it in its home directory: 1.3 s of CPU on this machine. The grading sandbox
gives every student a new, empty /tmp, so every student paid it again.
course.checks.grading_settings copies this file into its fresh Hypothesis home
instead. tests/test_checks.py checks it against what Hypothesis computes; run this
after changing the Python version (unicodedata) or Hypothesis.

    .venv/bin/python tools/hypothesis_charmap.py
"""

import os
import shutil
import sys
import tempfile
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "course" / "data" / "hypothesis" / "unicode_data"


def main() -> int:
    home = Path(tempfile.mkdtemp(prefix="hypothesis-home-"))
    try:
        from hypothesis.configuration import set_hypothesis_home_dir
        from hypothesis.internal import charmap

        set_hypothesis_home_dir(str(home))
        charmap.charmap()  # computes the table and writes it to the home
        written = charmap.charmap_file()
        target = SEED / unicodedata.unidata_version / written.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(written, target)
        print(f"wrote {target.relative_to(ROOT)} ({os.path.getsize(target)} bytes)")
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
