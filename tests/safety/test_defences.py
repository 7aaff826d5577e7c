"""course/safety/defences.py: the undefended first draft behaves as the lesson describes."""

from course.llm.responses import Usage
from course.safety.config import LINK_HOSTS, BudgetExceeded
from course.safety.defences import NoBudget, naive_build_messages


def test_budget_exceeded_and_no_budget():
    assert BudgetExceeded("steps").reason == "steps"
    budget = NoBudget()
    assert budget.before_call(10) == 16_384
    budget.after_call(Usage(3, 4))
    assert (budget.steps, budget.tokens) == (1, 7)


def test_naive_messages_put_documents_before_the_question():
    messages = naive_build_messages("S", "Q?", ["doc one", "doc two"])
    assert messages[1]["content"] == "Use these documents to answer.\n\ndoc one\n\ndoc two\n\nQuestion: Q?"
    assert LINK_HOSTS == ("docs.tidewater.example", "beacon.tidewater.example")
