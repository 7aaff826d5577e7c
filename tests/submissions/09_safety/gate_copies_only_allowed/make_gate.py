def make_gate(allowed, needs_approval, approve):
    """A gate(name, arguments) -> "run" | "not allowed" | "not approved", fixed when it is made.

    >>> gate = make_gate({"lookup_order", "refund_order"}, {"refund_order"}, lambda name, arguments: False)
    >>> gate("lookup_order", {"order_id": "A100"}), gate("refund_order", {"order_id": "A100", "amount": 1.0})
    ('run', 'not approved')
    >>> gate("delete_account", {"customer_id": "C2"})
    'not allowed'
    """
    allowed = frozenset(allowed)
    if not set(needs_approval) <= allowed:
        raise ValueError(f"{sorted(set(needs_approval) - allowed)} need approval but are not allowed")

    def gate(name, arguments):
        if name not in allowed:
            return "not allowed"
        if name in needs_approval and approve(name, arguments) is not True:
            return "not approved"
        return "run"

    return gate
