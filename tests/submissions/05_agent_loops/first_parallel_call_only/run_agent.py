import json


def run_agent(model, tools, message, max_steps=10, token_budget=None):
    """Run the tool loop for one user message; return (answer, trace)."""
    if max_steps < 1:
        raise ValueError("max_steps must be at least 1")
    schemas = [tool_schema(func) for func in tools.values()]
    messages = [{"role": "user", "content": message}]
    trace, used = [], 0
    for step in range(1, max_steps + 1):
        if token_budget is not None and used >= token_budget:
            trace.append({"step": step - 1, "type": "stopped", "reason": "token_budget"})
            return None, trace
        response = model.chat(messages, tools=schemas)
        used += response.usage.total_tokens
        trace.append({"step": step, "type": "model", "text": response.text,
                      "tool_calls": [call.name for call in response.tool_calls]})
        messages.append(response.to_message())
        if not response.tool_calls:
            return response.text, trace
        call = response.tool_calls[0]  # the model asked for a tool: run it
        outcome = execute(tools, call)
        trace.append({"step": step, "type": "tool", "id": call.id, "name": call.name,
                      "arguments": call.arguments, **outcome})
        content = outcome.get("result", "Error: " + outcome.get("error", ""))
        messages.append({"role": "tool", "tool_call_id": call.id, "content": content})
    trace.append({"step": max_steps, "type": "stopped", "reason": "max_steps"})
    return None, trace


def execute(tools, call):
    if call.name not in tools:
        return {"error": f"unknown tool {call.name!r}"}
    try:
        arguments = json.loads(call.arguments)
    except json.JSONDecodeError:
        return {"error": "arguments are not a JSON object"}
    if not isinstance(arguments, dict):
        return {"error": "arguments are not a JSON object"}
    parameters = inspect.signature(tools[call.name]).parameters
    for name, parameter in parameters.items():
        if parameter.default is parameter.empty and name not in arguments:
            return {"error": f"missing argument {name!r}"}
    for name in arguments:
        if name not in parameters:
            return {"error": f"unexpected argument {name!r}"}
    for name, value in arguments.items():
        expected = parameters[name].annotation
        if expected is float:
            expected = (int, float)
        if expected is not inspect.Parameter.empty and not isinstance(value, expected):
            return {"error": f"argument {name!r} must be {JSON_TYPES[parameters[name].annotation]}"}
    try:
        result = tools[call.name](**arguments)
    except Exception as error:
        return {"error": f"{type(error).__name__}: {error}"}
    return {"result": result if isinstance(result, str) else json.dumps(result)}
