import copy

from course.lessons.mcp_tools import planted_instructions


def to_model_tools(tools):
    """The model's tool dicts for a list of MCP tools."""
    names = [tool.name for tool in tools]
    if len(set(names)) != len(names):
        raise ValueError("duplicate tool names")
    converted = []
    for tool in tools:
        description = tool.description or ""
        findings = planted_instructions(description)
        if findings:
            description = "[flagged: " + "; ".join(findings) + "] " + description
        # only the properties: the model just needs to know the argument names and types
        parameters = {"type": "object", "properties": copy.deepcopy(tool.input_schema.get("properties", {}))}
        converted.append({"type": "function",
                          "function": {"name": tool.name, "description": description, "parameters": parameters}})
    return converted
