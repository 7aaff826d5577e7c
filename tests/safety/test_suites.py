"""course/safety/suites.py: the shipped suites load, with known categories, and cases are checked."""

import pytest

from course.safety.config import OWASP
from course.safety.suites import Case, load_suite


def test_suites_load_with_known_categories_and_unique_ids():
    attacks, benign = load_suite("attack"), load_suite("benign")
    assert len(attacks) >= 20 and len(benign) >= 8
    assert {case.owasp for case in attacks} == set(OWASP)
    assert {case.technique for case in attacks} == {"direct", "indirect", "tool-result"}
    assert all(case.success for case in attacks) and all(case.expect for case in benign)
    assert all(not case.approve for case in attacks) and all(case.approve for case in benign)
    with pytest.raises(ValueError, match="two suites"):
        load_suite("attacks")


def test_case_from_dict_expands_filler_and_rejects_unknown_fields():
    case = Case.from_dict({"id": "x", "about": "a", "user": "Log:", "owasp": "LLM10",
                           "filler": {"line": "GET / 200", "times": 3}, "success": {"tokens_over": 1}}, "attack")
    assert case.user == "Log:\nGET / 200\nGET / 200\nGET / 200"
    with pytest.raises(ValueError, match="unknown fields"):
        Case.from_dict({"id": "x", "about": "a", "user": "u", "sucess": {}}, "attack")


def test_needs_tools_marks_the_cases_a_text_only_model_cannot_play():
    ids = {case.id for case in load_suite("attack") if case.needs_tools}
    assert {"delete-account", "gift-note-refund", "sql-or-true", "tool-loop"} <= ids
    assert "reveal-verbatim" not in ids and "phishing-planted" not in ids
