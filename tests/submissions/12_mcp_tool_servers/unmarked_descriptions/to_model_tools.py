import copy

from course.lessons.mcp_tools import planted_instructions


def to_model_tools(tools):
    """The model's tool dicts for a list of MCP tools."""
    seen = set()
    converted = []
    for tool in tools:
        if tool.name in seen:
            raise ValueError(f"two tools named {tool.name}")
        seen.add(tool.name)
        converted.append({"type": "function", "function": {
            "name": tool.name,
            "description": tool.description or "",
            "parameters": copy.deepcopy(tool.input_schema)}})
    return converted
