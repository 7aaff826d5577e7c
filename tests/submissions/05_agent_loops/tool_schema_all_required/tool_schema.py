def tool_schema(func):
    """The tool dict that describes func to a model."""
    properties = {}
    for name, parameter in inspect.signature(func).parameters.items():
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            raise TypeError(f"{func.__name__} takes *{name}: a model cannot fill that in")
        if parameter.annotation not in JSON_TYPES:
            raise TypeError(f"parameter {name!r}: unsupported annotation {parameter.annotation!r}")
        properties[name] = {"type": JSON_TYPES[parameter.annotation]}
    doc = inspect.getdoc(func) or ""
    return {
        "type": "function",
        "function": {
            "name": func.__name__,
            "description": doc.splitlines()[0] if doc else "",
            "parameters": {"type": "object", "properties": properties, "required": list(properties)},
        },
    }
