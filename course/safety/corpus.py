"""Lesson 09's retrieval: BM25 over the '## ' sections of the shipped corpus, planted documents included.

    retrieve("What is the API rate limit on the Team plan?")   # -> the 3 best sections, as text
    retrieve("What is a canary check?", planted=(("Canary checks", "## Canary checks\n..."),))

Does not embed anything (BM25 only) and does not filter documents: whatever
matches is shown to the model, planted attacks included.
"""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=1)
def corpus_sections() -> tuple:
    """(id, title, section) for every '## ' section of the shipped corpus; a section starts with its heading."""
    from ..datasets import load_corpus

    sections = []
    for doc in load_corpus():
        parts = [p for p in re.split(r"(?m)^(?=## )", doc.text) if p.strip()]
        for number, part in enumerate(parts):
            sections.append((f"{doc.id}#{number}", doc.title, part.strip()))
    return tuple(sections)


@lru_cache(maxsize=64)
def _index(planted: tuple):
    from ..retrieval import BM25Index

    rows = list(corpus_sections())
    rows += [(f"planted-{n}", title, text.strip()) for n, (title, text) in enumerate(planted, start=1)]
    index = BM25Index({doc_id: f"{title}\n{text}" for doc_id, title, text in rows})  # titles help matching
    return index, {doc_id: text for doc_id, _, text in rows}


def retrieve(question: str, planted: tuple = (), k: int = 3) -> list[str]:
    """The k best sections for the question (BM25 over title and section), planted documents included."""
    index, shown = _index(tuple(planted))
    return [shown[doc_id] for doc_id, _ in index.search(question, k)]
