"""The shipped data: Tidewater Labs' handbook and Beacon product docs, and the
labelled question set, loaded through one loader.

    docs = load_corpus()          # list[Document], in file order
    questions = load_questions()  # list[Question]; relevant ids exist in the corpus

The text is original, written for this course (course/data/README.md).
Does not chunk, embed or index anything: that is what the lessons build.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    section: str
    text: str


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    relevant: tuple  # doc ids that contain the answer; empty when unanswerable
    answer: str
    answerable: bool


def read_jsonl(path: Path) -> list[dict]:
    """Rows of a JSON-lines file; a bad line raises ValueError naming file and line."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing. Restore it with `git checkout {path.name}`.")
    rows = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise ValueError(f"{path.name} line {number} is not valid JSON: {error}") from None
    return rows


def _unique(items, what: str):
    seen = set()
    for item in items:
        if item.id in seen:
            raise ValueError(f"{what} id {item.id!r} appears twice")
        seen.add(item.id)
    return items


@lru_cache(maxsize=None)
def _corpus(path: Path) -> tuple:
    return tuple(_unique([Document(**row) for row in read_jsonl(path)], "document"))


def load_corpus(path: str | Path = DATA_DIR / "corpus.jsonl") -> list[Document]:
    """All documents, in file order. len(load_corpus()) -> 80"""
    return list(_corpus(Path(path)))


def load_questions(path: str | Path = DATA_DIR / "questions.jsonl",
                   corpus_path: str | Path = DATA_DIR / "corpus.jsonl") -> list[Question]:
    """The labelled questions; each relevant id is checked against the corpus."""
    doc_ids = {doc.id for doc in load_corpus(corpus_path)}
    questions = []
    for row in read_jsonl(Path(path)):
        question = Question(**{**row, "relevant": tuple(row["relevant"])})
        missing = [doc_id for doc_id in question.relevant if doc_id not in doc_ids]
        if missing:
            raise ValueError(f"question {question.id} names unknown documents {missing}")
        questions.append(question)
    return _unique(questions, "question")
