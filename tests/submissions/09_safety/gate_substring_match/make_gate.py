def make_gate(allowed, needs_approval, approve):
    """A gate(name, arguments) -> "run" | "not allowed" | "not approved"."""
    allowed, needs_approval = frozenset(allowed), frozenset(needs_approval)
    if not needs_approval <= allowed:
        raise ValueError(f"{sorted(needs_approval - allowed)} need approval but are not allowed")

    def gate(name, arguments):
        if not any(tool in name for tool in allowed):
            return "not allowed"
        if name in needs_approval and approve(name, arguments) is not True:
            return "not approved"
        return "run"

    return gate
