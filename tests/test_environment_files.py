"""pyproject.toml, environment.yml and requirements-lock.txt pin the same versions."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _pyproject_pins() -> dict:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + project["optional-dependencies"]["providers"]
    pins = {}
    for requirement in requirements:
        name, _, version = requirement.partition("==")
        assert version, f"{requirement} is not pinned exactly in pyproject.toml"
        pins[_normal(name)] = version
    return pins


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name.strip()).lower()


def test_environment_yml_installs_the_same_pins():
    lines = (ROOT / "environment.yml").read_text().splitlines()
    start = lines.index("  - pip:")
    pins = {}
    for line in lines[start + 1:]:
        item = line.strip().removeprefix("- ")
        if "==" in item:
            name, _, version = item.partition("==")
            pins[_normal(name)] = version
    assert pins == _pyproject_pins(), "environment.yml drifted from pyproject.toml"
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
