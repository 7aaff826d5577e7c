from course.lessons.mcp_tools import ToolAnnotations


def approve_by_annotation(policy):
    """needs_approval(tool) -> bool, following the tool's annotations as policy says."""
    if policy not in ("always", "writes", "destructive"):
        raise ValueError(f"unknown policy {policy!r}")

    def needs_approval(tool):
        if policy == "always":
            return True
        hints = tool.annotations or ToolAnnotations()
        if hints.read_only_hint:
            return False
        if policy == "writes":
            return True
        return bool(hints.destructive_hint)

    return needs_approval
