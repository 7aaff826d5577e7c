"""Write environment.yml from pyproject.toml, so conda and Binder get the same pins.

    python tools/sync_environment.py

tests/test_environment_files.py fails when the two drift.
"""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = """\
# The course environment for conda and Binder users. Generated from
# pyproject.toml by tools/sync_environment.py: edit pyproject.toml, then rerun it.
# The pip list is the same pinned set (dependencies plus the `providers` extra);
# tests/test_environment_files.py fails if they drift.
# llama-cpp-python builds from source: conda's compilers package provides the toolchain.
# `-e .` installs the course package from this folder: run `conda env create` here.
# Binder (repo2docker) installs this file after copying the repository (a local pip
# requirement turns off its pre-assembly), then runs postBuild (the transitive pins
# of requirements-lock.txt).
name: ai-engineering-course
channels:
  - conda-forge
dependencies:
  - python=3.11
  - pip
  - make
  - compilers
  - cmake
  - pip:
"""


def main() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = project["dependencies"] + project["optional-dependencies"]["providers"]
    body = "".join(f"      - {pin}\n" for pin in pins) + "      - -e .\n"
    (ROOT / "environment.yml").write_text(HEADER + body)


if __name__ == "__main__":
    main()
