"""The lint that finds test-cell comparisons a do-nothing submission can pass."""

import ast

import pytest

from bare_comparisons import bare_comparisons, defined_names

LEARNER = defined_names(ast.parse("def count(text): ...\nclass Agent: ...\nLIMIT = 3\n"))


def findings(test_cell: str) -> list[str]:
    return [f.text for f in bare_comparisons(ast.parse(test_cell), LEARNER)]


def test_answer_cells_define_functions_classes_and_variables():
    assert LEARNER == {"count", "Agent", "LIMIT"}


@pytest.mark.parametrize("cell", [
    "assert count('a b') == 2",
    "assert count('a b') != 3",
    "result = count('x')\nassert result == 1",
    "assert 'x' in count('y')",
    "assert 'x' not in Agent().run()",
    "agent = Agent()\nreply = agent.run('hi')\nassert reply.text == 'ok'",
    "for item in count('a'):\n    assert item['role'] == 'user'",
    "assert [r for r in count('a')] == [1]",
    "assert sorted(count('a')) == [1, 2]",
    "assert LIMIT == 3",
    "assert 1 == count('a')",
    "reply = count('a')\nassert isinstance(reply, str)\nreply = count('b')\nassert reply == 'b'",
])
def test_a_loose_comparison_of_a_learner_value_is_found(cell):
    assert len(findings(cell)) == 1, cell


@pytest.mark.parametrize("cell", [
    "assert same(count('a b'), 2)",
    "assert len(count('a b')) == 2",
    "assert type(count('a')) is int",
    "reply = count('a')\nassert isinstance(reply, str)\nassert reply == 'a'",
    "reply = count('a')\nassert type(reply) is str and reply == 'a'",
    "assert count('a') is None",
    "assert count('a') < 3",
    "expected = [1]\nassert expected == [1]",
    "result = count('a')\nresult = 5\nassert result == 5",
    "assert json.dumps(count('a')) == '1'",
])
def test_a_strict_or_plain_comparison_is_not(cell):
    assert findings(cell) == [], cell


@pytest.mark.parametrize("cell, found", [
    # zip, enumerate, function scopes and all() are followed: these compare no learner value ...
    ("for i, (mine, ref) in enumerate(zip(count('a'), [1])):\n    assert ref == 1", 0),
    ("def helper(count):\n    return count == 1", 0),
    ("ids = count('a')\nassert all(type(i) is str for i in ids)\nassert 'x' in ids", 0),
    ("def check(x):\n    result = count(x)\n    assert type(result) is int\nresult = 3\nassert result == 3", 0),
    # ... and learner values are still found through them
    ("for i, (mine, ref) in enumerate(zip(count('a'), [1])):\n    assert mine == 1", 1),
    ("def helper(x):\n    return count(x) == 1", 1),
    ("ids = count('a')\nassert all(type(i) is str for i in [1])\nassert 'x' in ids", 1),
])
def test_zip_enumerate_function_scopes_and_all_are_followed(cell, found):
    assert len(findings(cell)) == found, cell


def test_pinning_a_container_does_not_make_its_items_strict():
    assert findings("result = count('a')\nassert isinstance(result, list)\nassert result[0] == {'role': 'user'}") == [
        "result[0] == {'role': 'user'}"]
    assert findings("result = count('a')\nassert type(result) is list\nassert 'x' in result") == ["'x' in result"]


def test_a_plain_key_in_a_real_dict_or_set_is_strict():
    assert findings("t = count('a')\nassert type(t) is dict and 'result' not in t") == []
    assert findings("t = count('a')\nassert type(t) in (set, frozenset)\nassert 'x' in t") == []
    assert findings("t = count('a')\nassert type(t) is dict and count('b') in t") == ["count('b') in t"]


def test_a_learner_value_passed_to_a_helper_is_followed_into_it():
    assert findings("def metric(results):\n    return sum(r == 'x' for r in results)\nmetric(count('a'))") == ["r == 'x'"]
    assert findings("def metric(results):\n    return sum(r == 'x' for r in results)\nmetric(['x'])") == []
    assert findings("def check(x, reply=None):\n    assert reply == 'ok'\ncheck(1, reply=count('a'))") == ["reply == 'ok'"]
