"""Lesson 09's seams and the undefended first draft: one naive function per seam, and `Defences`.

    app = SupportApp(GullibleModel(), UNDEFENDED)                     # the app as first written
    dataclasses.replace(UNDEFENDED, find_leak=my_find_leak)           # swap in one defence

Every step that a defence belongs to is a field of `Defences`: the lesson's
exercises fill them.

Does not contain a defence: the UNDEFENDED functions are the vulnerable first
draft; the defences are the lesson's exercises.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..llm.responses import Usage
from .backoffice import ALL_TOOLS, ShopDB
from .config import LINK, NO_BUDGET_REPLY_TOKENS


def naive_build_messages(system_prompt: str, question: str, documents: list[str]) -> list[dict]:
    """Documents pasted into the prompt as they are."""
    sources = "\n\n".join(documents)
    return [{"role": "system", "content": system_prompt},
            {"role": "user", "content": f"Use these documents to answer.\n\n{sources}\n\nQuestion: {question}"}]


def naive_find_leak(text: str, secrets) -> str | None:
    """No output guard: nothing ever counts as a leak."""
    return None


def naive_render_answer(text: str, link_hosts) -> str:
    """Markdown links become links, and the model's text goes into the page as it is."""
    body = LINK.sub(lambda m: f'<a href="{m[2]}">{m[1]}</a>', text).replace("\n", "<br>")
    return f'<p class="answer">{body}</p>'


def naive_find_order(db: ShopDB, customer_id: str, order_id: str) -> list:
    """SQL built with an f-string from the model's tool arguments."""
    sql = ("SELECT order_id, status, total, note FROM orders "
           f"WHERE customer_id = '{customer_id}' AND order_id = '{order_id}'")
    return [dict(row) for row in db.execute(sql).fetchall()]


def naive_make_gate(allowed, needs_approval, approve):
    """Every tool the model names runs."""
    return lambda name, arguments: "run"


class NoBudget:
    """No budget: every call may run, and may reply with as many tokens as a provider allows."""

    def __init__(self, max_steps=None, max_tokens=None, max_reply_tokens=None):
        self.steps = self.tokens = 0

    def before_call(self, prompt_tokens: int) -> int:
        self.steps += 1
        return NO_BUDGET_REPLY_TOKENS

    def after_call(self, usage: Usage) -> None:
        self.tokens += usage.total_tokens


@dataclass(frozen=True)
class Defences:
    """What the app does at each seam. dataclasses.replace(UNDEFENDED, find_leak=...) swaps one."""

    build_messages: Callable  # (system_prompt, question, documents) -> messages
    find_leak: Callable  # (text, secrets) -> the leaked secret or None
    render_answer: Callable  # (text, link_hosts) -> HTML
    find_order: Callable  # (db, customer_id, order_id) -> list of row dicts
    make_gate: Callable  # (allowed, needs_approval, approve) -> gate(name, arguments) -> "run" | refusal
    allowed_tools: frozenset = ALL_TOOLS
    needs_approval: frozenset = frozenset()
    make_budget: Callable = NoBudget  # (max_steps, max_tokens, max_reply_tokens) -> budget
    max_steps: int | None = None
    max_tokens: int | None = None
    max_reply_tokens: int | None = None


UNDEFENDED = Defences(naive_build_messages, naive_find_leak, naive_render_answer, naive_find_order,
                      naive_make_gate)
