"""Search indexes for lesson 04: BM25 (through bm25s), dense (through an embedder),
and a fixed retriever for grading.

    index = BM25Index(load_corpus())             # Documents, {id: text} or [(id, text)]
    index.search("parental leave weeks", k=3)    # -> [("hb-parental-leave", 3.41), ...]
    index.retrieve("parental leave weeks", k=3)  # -> [(text, score), ...]: what a RAG step reads
    dense = DenseIndex(load_corpus(), get_embedder())   # cosine scores, same two methods
    FixedRetriever([("a source", 0.9)]).retrieve("any question", k=3)  # -> [("a source", 0.9)]

Rankings are deterministic: best score first, ties in the order the documents
were given. BM25 scores are unbounded (they grow with rare shared words);
dense scores are cosine similarities in [-1, 1]: a threshold set for one does
not carry over to the other.

Does not stem words (BM25 matches "limit" and "limits" as different words).
Does not fuse rankings, chunk text, compute recall or MRR, check citations or
decide when to abstain: those are the lesson's exercises.
"""

from __future__ import annotations

from typing import Iterable


def _as_pairs(docs) -> list[tuple[str, str]]:
    """Documents, a {id: text} dict or (id, text) pairs -> [(id, text)], ids unique.

    _as_pairs({"a": "x", "b": "y"}) -> [("a", "x"), ("b", "y")]
    """
    if isinstance(docs, dict):
        pairs = list(docs.items())
    else:
        pairs = [(doc.id, doc.text) if hasattr(doc, "text") else tuple(doc) for doc in docs]
    for pair in pairs:
        if len(pair) != 2 or not isinstance(pair[1], str):
            raise TypeError(f"each document must be (id, text) or have .id and .text; got {pair!r}")
    ids = [doc_id for doc_id, _ in pairs]
    duplicates = sorted({str(i) for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"document ids must be unique; repeated: {duplicates}")
    if not pairs:
        raise ValueError("an index needs at least one document")
    return pairs


def _ranked(ids: list, scores, k: int | None) -> list[tuple[str, float]]:
    """Best score first, ties by position; the top k (all when k is None).

    _ranked(["a", "b", "c"], [0.5, 0.9, 0.5], 2) -> [("b", 0.9), ("a", 0.5)]
    """
    import numpy as np

    scores = np.asarray(scores, dtype=np.float64)
    order = np.argsort(-scores, kind="stable")
    if k is not None:
        if k < 0:
            raise ValueError(f"k must be >= 0; got {k}")
        order = order[:k]
    return [(ids[i], float(scores[i])) for i in order]


class _Index:
    ids: list
    texts: dict  # id -> text

    def scores(self, query: str):
        raise NotImplementedError

    def search(self, query: str, k: int | None = 10) -> list[tuple[str, float]]:
        """[(doc_id, score)] best first, ties in document order; k=None ranks every document."""
        return _ranked(self.ids, self.scores(query), k)

    def retrieve(self, question: str, k: int = 3) -> list[tuple[str, float]]:
        """[(text, score)] best first: the retriever interface a RAG pipeline calls."""
        return [(self.texts[doc_id], score) for doc_id, score in self.search(question, k)]

    def __len__(self) -> int:
        return len(self.ids)


class BM25Index(_Index):
    """Lexical search: BM25 (Lucene variant, k1=1.5, b=0.75) from bm25s, English stopwords removed.

    BM25Index({"a": "red cat", "b": "blue dog"}).search("cat", k=1) -> [("a", 0.277...)]
    A query with no known word scores 0 for every document.
    """

    def __init__(self, docs, k1: float = 1.5, b: float = 0.75, stopwords: str | None = "en"):
        import bm25s

        pairs = _as_pairs(docs)
        self.ids = [doc_id for doc_id, _ in pairs]
        self.texts = dict(pairs)
        self.stopwords = stopwords
        self._bm25 = bm25s.BM25(k1=k1, b=b, method="lucene")
        self._bm25.index(self.tokenize([text for _, text in pairs]), show_progress=False)

    def tokenize(self, texts: list[str]) -> list[list[str]]:
        """bm25s's tokenizer: lower case, words of 2+ characters, stopwords out.

        tokenize(["The rate limits!"]) -> [["rate", "limits"]]
        """
        import bm25s

        tokens = bm25s.tokenize(list(texts), stopwords=self.stopwords, return_ids=False,
                                show_progress=False)
        return [[t for t in row if t] for row in tokens]

    def scores(self, query: str):
        import numpy as np

        (tokens,) = self.tokenize([query])
        known = self._bm25.get_tokens_ids(tokens)
        if not known:
            return np.zeros(len(self.ids))
        return self._bm25.get_scores_from_ids(known)


class DenseIndex(_Index):
    """Semantic search: cosine similarity between embeddings.

    `embedder` is anything with embed(list[str]) -> (n, d) array of unit-length
    rows: get_embedder() (MiniLM) or FakeEmbedder(). Documents are embedded once,
    here; each query is embedded when searched.
    DenseIndex({"a": "red cat", "b": "blue dog"}, FakeEmbedder()).search("red cat", 1) -> [("a", 1.0)]
    """

    def __init__(self, docs, embedder):
        import numpy as np

        pairs = _as_pairs(docs)
        self.ids = [doc_id for doc_id, _ in pairs]
        self.texts = dict(pairs)
        self.embedder = embedder
        # Embed in length order: a batch is padded to its longest text, so similar
        # lengths waste less work. The rows are put back in document order.
        order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][1]))
        vectors = np.asarray(embedder.embed([pairs[i][1] for i in order]), dtype=np.float32)
        self.vectors = np.empty_like(vectors)
        self.vectors[order] = vectors

    def scores(self, query: str):
        import numpy as np

        query_vector = np.asarray(self.embedder.embed([query]), dtype=np.float32)[0]
        return self.vectors @ query_vector


class FixedRetriever:
    """Returns the hits it was given: a deterministic retriever for tests and grading.

    hits: one list of (doc, score), returned for every question, or a dict
    {question: [(doc, score), ...]} (unknown questions get `default`). A doc is
    usually the source text. The first k hits come back in the given order.
    Every call is recorded in .calls as (question, k).

    FixedRetriever([("Rate limit: 600/min.", 0.8)]).retrieve("limit?", k=3) -> [("Rate limit: 600/min.", 0.8)]
    """

    def __init__(self, hits: list | dict, default: Iterable = ()):
        if isinstance(hits, dict):
            self.hits = {question: [tuple(h) for h in rows] for question, rows in hits.items()}
            self.shared = None
        else:
            self.hits, self.shared = {}, [tuple(h) for h in hits]
        self.default = [tuple(h) for h in default]
        self.calls: list[tuple[str, int]] = []

    def retrieve(self, question: str, k: int = 3) -> list[tuple]:
        self.calls.append((question, k))
        rows = self.shared if self.shared is not None else self.hits.get(question, self.default)
        return list(rows[:k])

    search = retrieve
