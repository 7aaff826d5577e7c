"""course.retrieval: BM25 and dense indexes, and the fixed retriever used in grading."""

from __future__ import annotations

import subprocess
import sys

import pytest

from course.datasets import Document, load_corpus
from course.llm.fakes import FakeEmbedder
from course.retrieval import BM25Index, DenseIndex, FixedRetriever

DOCS = {
    "pto": "Employees get 25 days of paid time off per year.",
    "sick": "You get 10 paid sick days per year.",
    "api": "The Team plan API rate limit is 600 requests per minute.",
}


@pytest.fixture(params=["bm25", "dense"])
def index(request):
    if request.param == "bm25":
        return BM25Index(DOCS)
    return DenseIndex(DOCS, FakeEmbedder(dim=32))


def test_search_ranks_the_matching_document_first(index):
    hits = index.search("API rate limit requests", k=2)
    assert [doc_id for doc_id, _ in hits][:1] == ["api"]
    assert len(hits) == 2
    assert hits[0][1] >= hits[1][1], "best score first"


def test_search_all_and_k_larger_than_the_index(index):
    assert sorted(doc_id for doc_id, _ in index.search("days", k=None)) == sorted(DOCS)
    assert len(index.search("days", k=10)) == 3
    assert index.search("days", k=0) == []


def test_retrieve_returns_texts_with_the_same_scores(index):
    by_id = index.search("sick days", k=2)
    by_text = index.retrieve("sick days", k=2)
    assert by_text == [(DOCS[doc_id], score) for doc_id, score in by_id]
    assert all(isinstance(score, float) for _, score in by_text)


def test_ties_keep_document_order(index):
    # no known word (BM25) or no word at all (fake embedder): every score is 0
    hits = index.search("zzzz qqqq" if isinstance(index, BM25Index) else "", k=None)
    assert [doc_id for doc_id, _ in hits] == list(DOCS)
    assert {score for _, score in hits} == {0.0}


def test_bm25_scores_rare_words_higher_and_drops_stopwords():
    index = BM25Index({"a": "the cat", "b": "the dog", "c": "the cat and the dog"})
    assert index.tokenize(["The cat!"]) == [["cat"]]
    assert [doc_id for doc_id, _ in index.search("the", k=None)] == ["a", "b", "c"]
    assert {score for _, score in index.search("the", k=None)} == {0.0}
    assert index.search("cat", k=1)[0][0] == "a", "a shorter document with the word ranks first"


def test_bm25_is_deterministic_over_the_corpus():
    corpus = load_corpus()
    first = BM25Index(corpus).search("API rate limits for the Team plan", k=5)
    second = BM25Index(corpus).search("API rate limits for the Team plan", k=5)
    assert first == second
    assert "api-rate-limits" in [doc_id for doc_id, _ in first]


def test_dense_scores_are_cosines():
    embedder = FakeEmbedder(dim=16)
    index = DenseIndex(DOCS, embedder)
    (doc_id, score), *_ = index.search(DOCS["sick"], k=1)
    assert doc_id == "sick" and score == pytest.approx(1.0, abs=1e-5)
    assert all(-1.0001 <= s <= 1.0001 for _, s in index.search("paid days", k=None))


def test_dense_rows_stay_in_document_order():
    embedder = FakeEmbedder(dim=16)
    texts = ["a much longer text about paid time off", "short", "medium length text"]
    index = DenseIndex({str(i): t for i, t in enumerate(texts)}, embedder)
    assert (index.vectors == embedder.embed(texts)).all()


def test_accepts_documents_dicts_and_pairs():
    doc = Document(id="d1", title="T", section="s", text="red cat")
    for docs in ([doc], {"d1": "red cat"}, [("d1", "red cat")]):
        assert BM25Index(docs).search("cat", k=1)[0][0] == "d1"


def test_rejects_duplicate_ids_and_empty_input():
    with pytest.raises(ValueError, match="unique"):
        BM25Index([("a", "x"), ("a", "y")])
    with pytest.raises(ValueError):
        BM25Index({})
    with pytest.raises(TypeError):
        BM25Index([("a", 3)])


def test_fixed_retriever_returns_given_hits_and_records_calls():
    shared = FixedRetriever([("one", 0.9), ("two", 0.5), ("three", 0.1)])
    assert shared.retrieve("anything", k=2) == [("one", 0.9), ("two", 0.5)]
    assert shared.retrieve("else", 5) == [("one", 0.9), ("two", 0.5), ("three", 0.1)]
    assert shared.calls == [("anything", 2), ("else", 5)]

    per_question = FixedRetriever({"q1": [("x", 0.7)]}, default=[("fallback", 0.0)])
    assert per_question.retrieve("q1", 3) == [("x", 0.7)]
    assert per_question.retrieve("other", 3) == [("fallback", 0.0)]
    assert FixedRetriever({}).retrieve("q", 3) == []


def test_import_course_does_not_import_bm25s_or_numpy_eagerly():
    code = ("import sys, course.retrieval; "
            "print('bm25s' in sys.modules, 'numpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
