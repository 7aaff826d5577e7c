from course.safety_lab import Defences


def defended():
    """Beacon Assist's defences: Parts A to E, plus the tool policy and the budget."""
    return Defences(
        build_messages=build_messages,
        find_leak=find_leak,
        render_answer=render_answer,
        find_order=find_order,
        make_gate=make_gate,
        allowed_tools={"lookup_order", "refund_order", "send_email", "delete_account", "lookup_orders_all"},
        needs_approval={"refund_order", "send_email", "delete_account"},
        make_budget=Budget,
        max_steps=4,
        max_tokens=4000,
        max_reply_tokens=300,
    )
