"""course/lessons/vector_data.py: lesson 13's vectors, containers, fake search and store helpers."""

from __future__ import annotations

import numpy as np
import pytest

from course.datasets import Document
from course.llm.fakes import FakeEmbedder
from course.lessons.vector_data import (
    FilteredHits,
    IVFIndex,
    RankedSearch,
    chunk_rows,
    clustered_vectors,
    create_chunk_table,
    exact_neighbours,
    median_latency_ms,
    open_store,
    sql_string,
    squared_distances,
    table_rows,
)


def test_module_docstring_opens_with_the_lesson_and_says_what_it_leaves_out():
    import course.lessons.vector_data as module

    assert module.__doc__.startswith("Lesson 13")
    assert "Does not" in module.__doc__


def test_clustered_vectors_are_seeded_unit_float32():
    a = clustered_vectors(300, 8, n_clusters=5, seed=3)
    assert a.shape == (300, 8) and a.dtype == np.float32
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-6)
    assert np.array_equal(a, clustered_vectors(300, 8, n_clusters=5, seed=3))
    assert not np.array_equal(a, clustered_vectors(300, 8, n_clusters=5, seed=4))


def test_clustered_vectors_are_clustered():
    """Each vector's nearest neighbour is far nearer than a random other vector."""
    a = clustered_vectors(500, 16, n_clusters=10, seed=0)
    d = squared_distances(a, a)
    np.fill_diagonal(d, np.inf)
    assert np.median(d.min(axis=1)) < 0.25 * np.median(d[np.isfinite(d)])


def test_squared_distances_worked_example():
    """(0,0) to (3,4) is 9 + 16 = 25; to (1,0) is 1."""
    out = squared_distances(np.array([[0.0, 0.0]]), np.array([[3.0, 4.0], [1.0, 0.0]]))
    assert out.dtype == np.float64 and np.array_equal(out, np.array([[25.0, 1.0]]))
    assert squared_distances(np.array([1.0, 2.0]), np.array([1.0, 2.0])).shape == (1, 1)
    assert squared_distances(np.array([1e8, 1.0]), np.array([1e8, 1.0]))[0, 0] >= 0.0  # no negative rounding


def test_exact_neighbours_matches_a_brute_force_sort_with_ties_by_row():
    vectors = np.array([[0.0], [2.0], [1.0], [1.0]])
    assert exact_neighbours(vectors, np.array([[0.9]]), 3).tolist() == [[2, 3, 0]]
    rng = np.random.default_rng(1)
    v, q = rng.normal(size=(50, 3)), rng.normal(size=(7, 3))
    brute = [sorted(range(50), key=lambda i: (((v[i] - x) ** 2).sum(), i))[:4] for x in q]
    got = exact_neighbours(v, q, 4, batch=3)
    assert got.dtype == np.int64 and got.tolist() == brute
    assert exact_neighbours(v, q[:0], 4).shape == (0, 4)


def test_median_latency_is_a_positive_number_of_milliseconds():
    calls = []
    ms = median_latency_ms(lambda q: calls.append(q), np.ones((5, 2)), repeat=2)
    assert len(calls) == 10 and isinstance(ms, float) and 0.0 <= ms < 50.0
    assert median_latency_ms(lambda q: q, []) == 0.0


def test_ranked_search_pages_and_records_calls():
    search = RankedSearch([("a", 0.1), ("b", 0.2), ("c", 0.3)])
    assert search(2) == [("a", 0.1), ("b", 0.2)]
    assert search(9) == [("a", 0.1), ("b", 0.2), ("c", 0.3)]
    assert search.calls == [2, 9]
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError):
            search(bad)
    assert search.calls == [2, 9]


def test_containers_are_plain_dataclasses():
    index = IVFIndex(np.zeros((1, 2)), [np.array([0, 1])], np.ones((2, 2)))
    assert index.lists[0].tolist() == [0, 1]
    assert FilteredHits([("a", 0.1)], 1, 4) == FilteredHits([("a", 0.1)], shortfall=1, fetched=4)


def test_sql_string_quotes_and_doubles_inner_quotes():
    assert sql_string("a#0") == "'a#0'"
    assert sql_string("it's") == "'it''s'"
    with pytest.raises(TypeError):
        sql_string(3)


def test_chunk_rows_one_row_per_paragraph_with_vectors():
    docs = [Document("d", "T", "handbook", "one\n\n\n\ntwo words"), Document("e", "U", "api", "x" * 50)]
    rows = chunk_rows(docs, FakeEmbedder(4), max_chars=10)
    assert [r["id"] for r in rows] == ["d#0", "d#1", "e#0"]
    assert rows[1]["text"] == "two words" and rows[2]["text"] == "x" * 10
    assert rows[0]["doc_id"] == "d" and rows[0]["section"] == "handbook" and rows[0]["title"] == "T"
    assert all(len(r["vector"]) == 4 and isinstance(r["vector"][0], float) for r in rows)


def test_store_round_trip_in_a_temporary_folder(tmp_path):
    """Create, search (flat search is exact), reopen from disk: what the notebook relies on."""
    rows = chunk_rows([Document("d", "T", "handbook", "red cat\n\nblue dog\n\ngreen fish")], FakeEmbedder(8))
    db = open_store(tmp_path)
    table = create_chunk_table(db, "chunks", rows)
    assert table.count_rows() == 3
    assert [r["id"] for r in table_rows(table)] == ["d#0", "d#1", "d#2"]
    assert set(table_rows(table)[0]) == {"id", "doc_id", "section", "title", "text"}
    hits = table.search(np.array(rows[1]["vector"], dtype=np.float32)).limit(3).to_list()
    matrix = np.array([r["vector"] for r in rows])
    assert [h["id"] for h in hits] == [rows[i]["id"] for i in exact_neighbours(matrix, matrix[1:2], 3)[0]]
    assert open_store(tmp_path).open_table("chunks").count_rows() == 3
    assert create_chunk_table(db, "chunks", [], dim=8).count_rows() == 0  # overwrite
    with pytest.raises(ValueError):
        create_chunk_table(db, "other", [])


def test_open_store_without_a_path_makes_a_new_temporary_folder():
    a, b = open_store(), open_store()
    assert a.uri != b.uri and a.list_tables().tables == []
