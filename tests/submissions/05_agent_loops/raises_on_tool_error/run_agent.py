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
        for call in response.tool_calls:
            result = tools[call.name](**json.loads(call.arguments))
            content = result if isinstance(result, str) else json.dumps(result)
            trace.append({"step": step, "type": "tool", "id": call.id, "name": call.name,
                          "arguments": call.arguments, "result": content})
            messages.append({"role": "tool", "tool_call_id": call.id, "content": content})
    trace.append({"step": max_steps, "type": "stopped", "reason": "max_steps"})
    return None, trace
