"""Lesson 13 (vector search): the data, containers and fakes the notebook builds on.

    vectors = clustered_vectors(50_000, 48, n_clusters=200, seed=0)   # float32, unit rows
    truth = exact_neighbours(vectors, queries, k=10)                 # int64 (n_queries, 10)
    search = RankedSearch([("a", 0.1), ("b", 0.2), ("c", 0.3)])      # a fake index: search(2) -> the best 2
    rows = chunk_rows(load_corpus(), get_embedder())                 # one row per paragraph, with its vector
    table = create_chunk_table(open_store(), "chunks", rows)         # a LanceDB table in a temp folder
    table_rows(table)                                                # every row, sorted by id, no vectors

The vectors are made at run time from a seed: nothing is downloaded. Distances are
squared Euclidean throughout (on unit vectors they rank exactly as cosine does).

Does not cluster, build or probe an IVF index, measure recall, filter results, or
upsert or delete rows: those are the lesson's exercises. Does not build HNSW (the
notebook uses FAISS for that). Does not persist anything outside the folder it is given
or a new temporary one.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable

import numpy as np

__all__ = ["IVFIndex", "FilteredHits", "RankedSearch", "clustered_vectors", "squared_distances",
           "exact_neighbours", "median_latency_ms", "chunk_rows", "open_store", "chunk_schema",
           "create_chunk_table", "table_rows", "sql_string"]


@dataclass
class IVFIndex:
    """An inverted-file index: what build_ivf returns and search_ivf reads.

    centroids: float64 (n_lists, d), one per list.
    lists: one int64 array of row ids per list, ascending (list j holds the rows nearest centroid j).
    vectors: float64 (n, d), the indexed rows (row id = position).

        IVFIndex(np.zeros((1, 2)), [np.array([0, 1])], np.ones((2, 2)))
    """

    centroids: np.ndarray
    lists: list
    vectors: np.ndarray


@dataclass
class FilteredHits:
    """What filtered_top_k returns.

    hits: [(id, score), ...], in the order the search ranked them, every one passing the filter.
    shortfall: k - len(hits); 0 when k hits were found, else how many are missing.
    fetched: the size of the last search asked for (how deep the filter had to look).

        FilteredHits([("a", 0.1)], shortfall=1, fetched=4)
    """

    hits: list
    shortfall: int
    fetched: int


@dataclass
class RankedSearch:
    """A fake vector index with a fixed ranking: search(n) returns the best n (all when fewer).

    It records the n of every call, so a test can see how a caller paged through it.

        search = RankedSearch([("a", 0.1), ("b", 0.2), ("c", 0.3)])
        search(2) -> [("a", 0.1), ("b", 0.2)];  search(9) -> all three;  search.calls -> [2, 9]
    """

    ranking: list  # [(id, score), ...], best first
    calls: list = field(default_factory=list)  # [n, ...]

    def __call__(self, n: int) -> list:
        if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 1:
            raise ValueError(f"search(n) needs an int n >= 1; got {n!r}")
        self.calls.append(int(n))
        return list(self.ranking[:n])


def clustered_vectors(n: int, dim: int, n_clusters: int, seed: int = 0, spread: float = 0.35) -> np.ndarray:
    """n float32 unit vectors in dim dimensions, around n_clusters random centres.

    Real embeddings are clustered (topics), which is what makes IVF and HNSW work;
    uniform random vectors are the hard case. Same arguments, same vectors.

        clustered_vectors(4, 3, n_clusters=2, seed=1).shape -> (4, 3)
    """
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((n_clusters, dim))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    owner = rng.integers(0, n_clusters, size=n)
    points = centres[owner] + spread * rng.standard_normal((n, dim)) / np.sqrt(dim)
    points /= np.linalg.norm(points, axis=1, keepdims=True)
    return points.astype(np.float32)


def squared_distances(queries: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """Squared Euclidean distance of every query row to every vector row, float64 (m, n).

        squared_distances(np.array([[0.0, 0.0]]), np.array([[3.0, 4.0], [1.0, 0.0]])) -> [[25., 1.]]
    """
    q = np.atleast_2d(np.asarray(queries, dtype=np.float64))
    v = np.atleast_2d(np.asarray(vectors, dtype=np.float64))
    out = (q * q).sum(1)[:, None] - 2.0 * q @ v.T + (v * v).sum(1)[None, :]
    return np.maximum(out, 0.0)


def exact_neighbours(vectors: np.ndarray, queries: np.ndarray, k: int, batch: int = 256) -> np.ndarray:
    """Brute force: the k nearest rows of vectors for each query, int64 (n_queries, k), nearest first.

    The ground truth that recall is measured against. Ties go to the lower row id.

        exact_neighbours(np.array([[0.0], [2.0], [1.0]]), np.array([[0.9]]), 2) -> [[2, 0]]
    """
    out = []
    for start in range(0, len(queries), batch):
        dist = squared_distances(queries[start:start + batch], vectors)
        out.append(np.argsort(dist, axis=1, kind="stable")[:, :k])
    return np.concatenate(out).astype(np.int64) if out else np.zeros((0, k), dtype=np.int64)


def median_latency_ms(search: Callable[[np.ndarray], object], queries: Iterable, repeat: int = 1) -> float:
    """Median wall time of search(query) over the queries, in milliseconds (one query at a time,
    as a user's request arrives).

        median_latency_ms(lambda q: q.sum(), np.ones((5, 3))) -> 0.001 (or so)
    """
    times = []
    for _ in range(repeat):
        for query in queries:
            started = time.perf_counter()
            search(query)
            times.append(time.perf_counter() - started)
    return float(np.median(times) * 1000.0) if times else 0.0


def chunk_rows(docs, embedder, max_chars: int = 900) -> list[dict]:
    """One row per paragraph of each document: id "<doc id>#<n>", doc_id, section, title, text, vector.

    Paragraphs are split on blank lines; a paragraph longer than max_chars is cut at
    max_chars (the store holds what the embedder reads). Vectors are float32 lists.

        chunk_rows([Document("d", "T", "handbook", "one\\n\\ntwo")], FakeEmbedder(4))
        -> [{"id": "d#0", "doc_id": "d", ..., "text": "one"}, {"id": "d#1", ..., "text": "two"}]
    """
    rows = []
    for doc in docs:
        paragraphs = [p.strip()[:max_chars] for p in doc.text.split("\n\n") if p.strip()]
        for number, text in enumerate(paragraphs):
            rows.append({"id": f"{doc.id}#{number}", "doc_id": doc.id, "section": doc.section,
                         "title": doc.title, "text": text})
    # Embed shortest first: a batch is padded to its longest text, so similar lengths waste
    # less padding (about a tenth less CPU on the course corpus); each vector goes back to its row.
    order = sorted(range(len(rows)), key=lambda i: len(rows[i]["text"]))
    vectors = np.asarray(embedder.embed([rows[i]["text"] for i in order]), dtype=np.float32)
    for i, vector in zip(order, vectors):
        rows[i]["vector"] = vector.tolist()
    return rows


def open_store(path=None):
    """A LanceDB connection in a folder; a new temporary folder when path is None.

    LanceDB is embedded: a "database" is a folder of Lance files, no server.

        db = open_store(); db.list_tables().tables -> []
    """
    import os

    os.environ.setdefault("LANCEDB_LOG", "error")  # before the first import: no Rust INFO/WARN lines in cells
    import lancedb

    return lancedb.connect(str(path) if path is not None else tempfile.mkdtemp(prefix="lesson13-store-"))


def chunk_schema(dim: int):
    """The Arrow schema of a chunk table: id, doc_id, section, title, text (strings), vector (dim float32)."""
    import pyarrow as pa

    return pa.schema([pa.field("id", pa.string()), pa.field("doc_id", pa.string()),
                      pa.field("section", pa.string()), pa.field("title", pa.string()),
                      pa.field("text", pa.string()), pa.field("vector", pa.list_(pa.float32(), dim))])


def create_chunk_table(db, name: str, rows: list[dict], dim: int | None = None):
    """A new table (replacing one of that name) holding rows; dim from the first row when not given.

        create_chunk_table(open_store(), "t", [], dim=4).count_rows() -> 0
    """
    if dim is None:
        if not rows:
            raise ValueError("give dim for an empty table")
        dim = len(rows[0]["vector"])
    table = db.create_table(name, schema=chunk_schema(dim), mode="overwrite")
    if rows:
        table.add(rows)
    return table


def table_rows(table, columns=("id", "doc_id", "section", "title", "text")) -> list[dict]:
    """Every row of a LanceDB table as plain dicts of the given columns, sorted by id.

        table_rows(table) -> [{"id": "a#0", "doc_id": "a", ...}, ...]
    """
    data = table.to_arrow().select(list(columns)).to_pylist()
    return sorted(data, key=lambda row: row["id"])


def sql_string(value: str) -> str:
    """A str as a SQL string literal for a LanceDB filter: quoted, inner quotes doubled.

        sql_string("it's") -> "'it''s'"
    """
    if not isinstance(value, str):
        raise TypeError(f"sql_string takes a str; got {type(value).__name__}")
    return "'" + value.replace("'", "''") + "'"
