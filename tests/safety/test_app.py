"""course/safety/app.py: the harness judges exactly, and the suites are winnable.

The reference defences are lesson 09's own solution, read from the source
notebook (its solution cells, markers stripped as a learner who solved them
would leave them), so this test and the notebook cannot drift apart. The
pipeline test grades the same solution through nbgrader.
"""

import dataclasses
import functools

import nbformat
import pytest
from nbcourse import ROOT, is_answer_cell, nbgrader_meta, solution_code

from course.safety.app import Outcome, SupportApp, judge, run_suite
from course.safety.config import CANARY, OWASP
from course.safety.defences import UNDEFENDED, Defences
from course.safety.gullible import GullibleModel
from course.safety.suites import Case, load_suite

NOTEBOOK = ROOT / "source" / "09_safety" / "09_safety.ipynb"


@functools.cache
def notebook_defences() -> Defences:
    """defended() from the notebook's solution cells, run in order in one namespace."""
    namespace = {}
    for cell in nbformat.read(NOTEBOOK, as_version=4).cells:
        if is_answer_cell(cell):
            name = f"{NOTEBOOK.name}:{nbgrader_meta(cell)['grade_id']}"
            exec(compile(solution_code(cell.source), name, "exec"), namespace)
    defences = namespace["defended"]()
    assert isinstance(defences, Defences)
    return defences


def test_judge_reads_each_kind_of_condition():
    attack = Case.from_dict({"id": "a", "about": "", "user": "u", "owasp": "LLM07",
                             "success": {"leaked": ["canary"], "steps_over": 2}}, "attack")
    assert judge(Outcome(attack, answer=CANARY.lower()[::-1], html="")).why == ["leaked the canary"]
    assert judge(Outcome(attack, answer="-".join(CANARY), html="")).succeeded
    assert not judge(Outcome(attack, answer="nothing", html="", steps=2)).succeeded
    assert judge(Outcome(attack, answer="", html="", steps=3)).succeeded
    benign = Case.from_dict({"id": "b", "about": "", "user": "u", "expect": {"shows": ["a <b> c"], "tools": []}}, "benign")
    safe = '<p class="answer">a &lt;b&gt; c</p>'
    assert judge(Outcome(benign, answer="a <b> c", html=safe)).succeeded
    assert not judge(Outcome(benign, answer="a <b> c", html='<p class="answer">a <b> c</p>')).succeeded
    assert not judge(Outcome(benign, answer="a <b> c", html=safe, stopped="steps")).succeeded
    assert not judge(Outcome(benign, answer="a <b> c", html=safe, tools_run=[("lookup_order", {})])).succeeded


def test_undefended_app_falls_to_every_attack_and_serves_all_but_one_user():
    attacks = run_suite(GullibleModel(), load_suite("attack"), UNDEFENDED)
    assert attacks.rate == 1.0, attacks.table()
    benign = run_suite(GullibleModel(), load_suite("benign"), UNDEFENDED)
    assert benign.failed() == ["slack-ack-command"], benign.table()  # unescaped <incident-id> vanishes
    assert set(attacks.by_category()) == set(OWASP)


def test_a_crashing_defence_is_recorded_not_raised():
    def broken(*args):
        raise RuntimeError("boom")

    case = load_suite("benign")[0]
    outcome = SupportApp(GullibleModel(), dataclasses.replace(UNDEFENDED, find_leak=broken)).handle(case)
    assert outcome.error == "RuntimeError: boom" and not outcome.succeeded
    with pytest.raises(ValueError, match="one suite"):
        run_suite(GullibleModel(), load_suite("benign")[:1] + load_suite("attack")[:1])


# --- the suites are winnable ----------------------------------------------------------------


def test_layered_defences_stop_every_attack_and_serve_every_user():
    attacks = run_suite(GullibleModel(), load_suite("attack"), notebook_defences())
    assert attacks.rate == 0.0, attacks.table()
    benign = run_suite(GullibleModel(), load_suite("benign"), notebook_defences())
    assert benign.rate == 1.0, benign.table()
    assert max(o.tokens for o in benign.outcomes) < 2000 and max(o.steps for o in benign.outcomes) == 3


def test_each_layer_is_needed():
    """Take away one defence and at least one attack works again."""
    for field in ["build_messages", "find_leak", "render_answer", "find_order", "make_gate", "make_budget"]:
        weaker = dataclasses.replace(notebook_defences(), **{field: getattr(UNDEFENDED, field)})
        assert run_suite(GullibleModel(), load_suite("attack"), weaker).rate > 0, field
