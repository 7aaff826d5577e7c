"""pyproject.toml, environment.yml and requirements-lock.txt pin the same versions."""

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent


def _pyproject_requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return project["dependencies"] + project["optional-dependencies"]["providers"]


def _pyproject_pins() -> dict:
    """{normalised name: version}; extras such as llama-cpp-python[server] are kept in
    environment.yml's check and dropped here, since the lock file lists bare names."""
    pins = {}
    for text in _pyproject_requirements():
        requirement = Requirement(text)
        specs = list(requirement.specifier)
        assert len(specs) == 1 and specs[0].operator == "==", f"{text} is not pinned exactly in pyproject.toml"
        pins[_normal(requirement.name)] = specs[0].version
    return pins


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name.strip()).lower()


def test_environment_yml_installs_the_same_pins():
    lines = (ROOT / "environment.yml").read_text().splitlines()
    start = lines.index("  - pip:")
    pins = [line.strip().removeprefix("- ") for line in lines[start + 1:] if "==" in line]
    assert pins == _pyproject_requirements(), "environment.yml drifted from pyproject.toml: run tools/sync_environment.py"
    assert "      - -e ." in lines, "environment.yml must install the course package itself"


def test_lock_file_agrees_with_pyproject_and_has_no_pytorch():
    locked = {}
    for line in (ROOT / "requirements-lock.txt").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, _, version = line.partition("==")
            locked[_normal(name)] = version.strip()
    for name, version in _pyproject_pins().items():
        assert locked.get(name) == version, f"requirements-lock.txt has {name}=={locked.get(name)}, pyproject {version}"
    assert not {"torch", "sentence-transformers"} & set(locked), "PyTorch must stay out of the install"


def test_binder_reads_the_root_files():
    """repo2docker ignores the root files when a binder/ or .binder/ folder exists."""
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists()
    post_build = ROOT / "postBuild"
    assert post_build.exists() and post_build.stat().st_mode & 0o111, "postBuild must be executable"
    assert "requirements-lock.txt" in post_build.read_text()
