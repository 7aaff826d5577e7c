from course.safety_lab import Defences


def defended():
    """Beacon Assist's defences: Parts A to E, plus the tool policy and the budget.

    >>> d = defended()
    >>> d.find_leak is find_leak and d.make_budget is Budget
    True
    """
    return Defences(
        build_messages=build_messages,
        find_leak=find_leak,
        render_answer=render_answer,
        find_order=find_order,
        make_gate=make_gate,
        allowed_tools=frozenset({"lookup_order", "refund_order"}),  # answering from documents needs no tool
        needs_approval=frozenset({"lookup_order", "refund_order"}),  # money leaves the company
        make_budget=Budget,
        max_steps=4,  # benign requests need 3; the promise is 6
        max_tokens=4000,  # benign requests need about 1,300; the promise is 6,000
        max_reply_tokens=300,
    )
