"""The dated catalog and the shipped corpus and questions."""

import datetime

import pytest

from course import UnknownModelError, load_catalog, load_corpus, load_questions
from course.catalog import load_catalog as load_catalog_from
from course.datasets import read_jsonl


def test_catalog_is_dated_and_complete():
    catalog = load_catalog()
    datetime.date.fromisoformat(catalog.as_of)
    assert catalog.currency == "USD" and catalog.default_local in catalog
    providers = {m.provider for m in catalog.models.values()}
    assert {"local", "anthropic", "openai"} <= providers
    for info in catalog.models.values():
        assert info.context_window > 0 and info.max_output_tokens > 0
        assert 0 <= info.cached_input <= info.input <= info.output or info.provider == "local"


def test_unknown_catalog_id_lists_the_known_ones():
    with pytest.raises(UnknownModelError, match="Known ids"):
        load_catalog()["gpt-17"]


def test_duplicate_catalog_ids_are_rejected(tmp_path):
    row = '[[models]]\nid="x"\nprovider="p"\ndisplay_name="x"\ncontext_window=1\nmax_output_tokens=1\ntier="t"\ninput=1\ncached_input=1\ncache_write=1\noutput=1\n'
    path = tmp_path / "models.toml"
    path.write_text('as_of="2026-01-01"\ncurrency="USD"\ndefault_local="x"\n' + row + row)
    with pytest.raises(ValueError, match="twice"):
        load_catalog_from(path)


def test_corpus_and_questions_load_and_agree():
    docs, questions = load_corpus(), load_questions()
    assert 60 <= len(docs) <= 200 and len(questions) >= 30
    assert len({d.id for d in docs}) == len(docs)
    assert all("## " in d.text for d in docs)
    answerable = [q for q in questions if q.answerable]
    assert all(q.relevant for q in answerable) and all(not q.relevant for q in questions if not q.answerable)


def test_a_corrupt_jsonl_line_is_reported_with_its_number(tmp_path):
    path = tmp_path / "corpus.jsonl"
    path.write_text('{"id": "a"}\n{broken\n')
    with pytest.raises(ValueError, match="line 2"):
        read_jsonl(path)
    with pytest.raises(FileNotFoundError, match="missing"):
        read_jsonl(tmp_path / "absent.jsonl")
