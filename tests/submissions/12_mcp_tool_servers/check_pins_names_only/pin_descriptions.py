import hashlib
import json

from course.lessons.mcp_tools import RugPullError


def fingerprint(tool):
    hints = tool.annotations.model_dump(exclude_none=True) if tool.annotations is not None else None
    text = json.dumps({"description": tool.description, "input_schema": tool.input_schema, "annotations": hints},
                      sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def pin_descriptions(tools):
    """{name: SHA-256 hex of what was approved} for a list of MCP tools."""
    return {tool.name: fingerprint(tool) for tool in tools}


def check_pins(pins, tools):
    """None when tools match pins; else raise RugPullError(changed, added)."""
    added = sorted(tool.name for tool in tools if tool.name not in pins)
    if added:
        raise RugPullError([], added)
