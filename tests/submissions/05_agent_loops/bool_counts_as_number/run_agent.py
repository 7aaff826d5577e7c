import json


def run_agent(model, tools, message, max_steps=10, token_budget=None):
    """Run the tool loop for one user message; return (answer, trace).

    answer: the text of the first reply without tool calls, or None when a budget stopped the run.
    trace: model, tool and stopped entries, as specified above.

    >>> run_agent(two_step_run(), {"get_weather": get_weather}, "Weather in Oslo?")
    ('In Oslo it is 4 degrees, light rain.',
     [{'step': 1, 'type': 'model', 'text': '', 'tool_calls': ['get_weather']},
      {'step': 1, 'type': 'tool', 'id': 'call_1', 'name': 'get_weather',
       'arguments': '{"city": "Oslo"}', 'result': '4 degrees, light rain'},
      {'step': 2, 'type': 'model', 'text': 'In Oslo it is 4 degrees, light rain.', 'tool_calls': []}])
    """
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
        for call in response.tool_calls:
            outcome = _run_tool_call(tools, call)
            trace.append({"step": step, "type": "tool", "id": call.id, "name": call.name,
                          "arguments": call.arguments, **outcome})
            content = outcome["result"] if "result" in outcome else "Error: " + outcome["error"]
            messages.append({"role": "tool", "tool_call_id": call.id, "content": content})
    trace.append({"step": max_steps, "type": "stopped", "reason": "max_steps"})
    return None, trace


def _argument_problem(func, arguments):
    """The first problem with arguments for func, or None."""
    parameters = inspect.signature(func).parameters
    for name, parameter in parameters.items():
        if parameter.default is parameter.empty and name not in arguments:
            return f"missing argument {name!r}"
    for name in arguments:
        if name not in parameters:
            return f"unexpected argument {name!r}"
    for name, value in arguments.items():
        expected = parameters[name].annotation
        if expected is inspect.Parameter.empty:
            continue
        if not isinstance(value, (int, float) if expected is float else expected):
            return f"argument {name!r} must be {JSON_TYPES[expected]}"
    return None


def _run_tool_call(tools, call):
    """{"result": content} or {"error": message} for one tool call. Never raises."""
    if call.name not in tools:
        return {"error": f"unknown tool {call.name!r}"}
    try:
        arguments = json.loads(call.arguments)
    except json.JSONDecodeError:
        arguments = None
    if not isinstance(arguments, dict):
        return {"error": "arguments are not a JSON object"}
    problem = _argument_problem(tools[call.name], arguments)
    if problem:
        return {"error": problem}
    try:
        result = tools[call.name](**arguments)
    except Exception as error:
        return {"error": f"{type(error).__name__}: {error}"}
    return {"result": result if isinstance(result, str) else json.dumps(result)}
