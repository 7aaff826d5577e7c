"""course.checks: strict comparison for test cells (an answer's type never decides a test)."""

import math
from pathlib import Path
from dataclasses import dataclass

import numpy as np
import pytest

from course import difference, same
from do_nothing import ANYTHING


_namespace: dict = {}
exec(ANYTHING, _namespace)  # the object the equals_everything do-nothing submission returns


class EqualsEverything(_namespace["Anything"]):
    """What a do-nothing submission returns: equal to all, truthy, indexable, callable."""

    __hash__ = object.__hash__


@dataclass
class Point:
    x: int
    y: float


@pytest.mark.parametrize("expected", [1, 2.5, "text", b"raw", None, True, [1, 2], (1, "a"), {"k": [1.0]},
                                      {1, 2}, frozenset({"a"}), Point(1, 2.0), np.array([1.0, 2.0])])
def test_an_object_that_equals_everything_is_never_the_same(expected):
    assert EqualsEverything() == expected  # what a bare == would accept
    assert not same(EqualsEverything(), expected)
    assert difference(EqualsEverything(), expected).startswith("the value: got an EqualsEverything")


@pytest.mark.parametrize("expected", [[1], (1,), {"k": 1}, {"k": [1]}, [[1, 2]], Point(1, 2.0)])
def test_it_is_caught_inside_containers_too(expected):
    def poison(value):
        if isinstance(value, list):
            return [poison(v) for v in value]
        if isinstance(value, tuple):
            return tuple(poison(v) for v in value)
        if isinstance(value, dict):
            return {k: poison(v) for k, v in value.items()}
        if isinstance(value, Point):
            return Point(EqualsEverything(), value.y)
        return EqualsEverything()

    assert not same(poison(expected), expected)


@pytest.mark.parametrize("actual, expected, where", [
    ([1, 2], [1, 2.0], "at [1]: got an int, expected a float"),
    (True, 1, "the value: got a bool, expected an int"),
    (1, True, "the value: got an int, expected a bool"),
    ((1, 2), [1, 2], "the value: got a tuple, expected a list"),
    ([1, 2, 3], [1, 2], "the value: 3 items, expected 2"),
    ({"a": 1}, {"a": 1, "b": 2}, "the value: 1 missing key(s), first 'b'"),
    ({"a": 1, "c": 3}, {"a": 1}, "the value: unexpected key 'c'"),
    ({"a": {"b": [1, "x"]}}, {"a": {"b": [1, 2]}}, "at ['a']['b'][1]: got a str, expected an int"),
    ("Paris", "paris", "the value: a different str value"),
    (Point(1, 2.5), Point(1, 2.0), "at .y: a different number (tolerance: rel 1e-09, abs 0)"),
    ({1, "2"}, {1, 2}, "the value: holds a str, expected int"),
    ({1, 3}, {1, 2}, "the value: 1 unexpected and 1 missing items"),
    (np.array([1, 2]), np.array([1.0, 2.0]), "the value: an array of dtype int64, expected kind 'f'"),
    (np.array([1.0]), np.array([1.0, 2.0]), "the value: shape (1,), expected (2,)"),
])
def test_difference_says_where_without_the_expected_value(actual, expected, where):
    assert difference(actual, expected) == where
    assert not same(actual, expected)


def test_equal_values_of_the_same_types_are_the_same():
    value = {"id": "q1", "scores": [0.5, 1.0], "pair": (1, "a"), "tags": {"x"}, "none": None, "ok": True,
             "point": Point(1, 2.0), "vector": np.array([0.25, 0.75])}
    assert same(value, {**value, "vector": np.array([0.25, 0.75])})


def test_floats_within_the_stated_tolerance():
    assert same(0.1 + 0.2, 0.3)
    assert not same(0.31, 0.3)
    assert same(0.31, 0.3, abs_tol=0.02)
    assert same(1000.0, 1001.0, rel_tol=0.01)
    assert same(math.nan, math.nan) and not same(1.0, math.nan) and not same(math.nan, 1.0)
    assert same(np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-12]))
    assert not same(np.array([1.0, 2.0]), np.array([1.0, 2.1]))


def test_numpy_scalars_stand_for_python_numbers_but_not_for_bools():
    assert same(np.float64(0.5), 0.5) and same(np.float32(0.5), 0.5) and same(np.int64(3), 3)
    assert not same(np.float64(0.5), 1) and not same(np.int64(1), True) and not same(np.bool_(True), True)


def test_dict_keys_must_be_plain_values():
    class SneakyKey(str):
        def __eq__(self, other):
            return True

        __hash__ = str.__hash__

    assert not same({SneakyKey("a"): 1}, {"a": 1})
    assert difference({1: "a"}, {"1": "a"}) == "the value: a key that is an int"


def test_other_objects_compare_field_by_field_after_the_exact_class():
    class Box:
        def __init__(self, items):
            self.items = items

    class BoxWithEq(Box):
        def __eq__(self, other):
            return True

    assert same(Box([1]), Box([1])) and not same(Box([1]), Box([2]))
    assert not same(BoxWithEq([2]), Box([1]))
    with pytest.raises(TypeError, match="cannot compare"):
        same(object(), object())


def test_agrees_compares_results_and_raised_types_on_copies():
    from course.checks import agrees

    def reference(xs, k=1):
        if k < 0:
            raise ValueError("k must not be negative")
        return sorted(xs)[:k]

    def mutates(xs, k=1):
        xs.sort()
        return xs[:k]

    def wrong_error(xs, k=1):
        if k < 0:
            raise TypeError("no")
        return sorted(xs)[:k]

    assert agrees(reference, reference, [3, 1, 2], k=2) is None
    assert agrees(mutates, reference, [3, 1, 2], k=2) is None  # each call had its own copy
    assert agrees(wrong_error, reference, [1], k=-1) == (
        "wrong_error([1], k=-1) raised TypeError; the contract says it raises ValueError")
    assert agrees(lambda xs, k=1: xs[:k], reference, [3, 1], k=1) == "<lambda>([3, 1], k=1): at [0]: a different int value"
    assert agrees(lambda xs, k=1: 1 / 0, reference, [1]) == "<lambda>([1]) raised ZeroDivisionError"
    assert agrees(lambda xs, k=1: [], reference, [1], k=-1) == (
        "<lambda>([1], k=-1) returned normally; the contract says it raises ValueError")


def test_grading_settings_give_the_same_examples_every_run():
    from hypothesis import given, strategies as st

    from course.checks import grading_settings

    def examples():
        seen = []

        @grading_settings(max_examples=20)
        @given(st.lists(st.integers(), max_size=5))
        def record(xs):
            seen.append(xs)

        record()
        return seen

    first = examples()
    assert 0 < len(first) <= 20 and examples() == first


def test_the_shipped_unicode_table_is_what_hypothesis_computes(tmp_path):
    """grading_settings copies course/data/hypothesis/... into a fresh Hypothesis home, so
    a sandboxed kernel need not compute it (1.3 s per student). It must be Hypothesis's own
    table for this interpreter's Unicode version, or text strategies would draw from a
    wrong table."""
    import gzip
    import json
    import subprocess
    import sys
    import unicodedata

    import course.checks

    seed = course.checks._UNICODE_SEED / unicodedata.unidata_version / "charmap.json.gz"
    assert seed.exists(), (f"no Unicode table for Unicode {unicodedata.unidata_version} in the course: "
                           "run .venv/bin/python tools/hypothesis_charmap.py and commit what it writes")
    computed = subprocess.run(
        [sys.executable, "-c", "import json, sys; from hypothesis.configuration import set_hypothesis_home_dir; "
         "set_hypothesis_home_dir(sys.argv[1]); from hypothesis.internal.charmap import charmap; "
         "print(json.dumps(sorted((k, [list(p) for p in v]) for k, v in charmap().items())))", str(tmp_path)],
        capture_output=True, text=True, check=True).stdout
    with gzip.open(seed) as handle:
        shipped = sorted([k, [list(p) for p in v]] for k, v in json.load(handle))
    assert shipped == json.loads(computed), "the shipped table is stale: run tools/hypothesis_charmap.py"


def test_grading_settings_seed_a_fresh_hypothesis_home(tmp_path, monkeypatch):
    import tempfile
    import unicodedata

    from course.checks import grading_settings

    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path))
    grading_settings()
    table = tmp_path / "course-hypothesis" / "unicode_data" / unicodedata.unidata_version / "charmap.json.gz"
    assert table.read_bytes() == (Path(__file__).resolve().parent.parent / "course" / "data" / "hypothesis"
                                  / "unicode_data" / unicodedata.unidata_version / "charmap.json.gz").read_bytes()
