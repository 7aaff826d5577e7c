import json


async def run_agent_over_mcp(model, client, message, approve, needs_approval, allowed=None, max_steps=10):
    """Lesson 05's loop with the tools of an MCP server; returns (answer, trace)."""
    listing = await client.list_tools()
    tools = [tool for tool in listing.tools if allowed is None or tool.name in allowed]
    by_name = {tool.name: tool for tool in listing.tools}
    schemas = to_model_tools(tools)
    messages = [{"role": "user", "content": message}]
    trace = []
    for step in range(1, max_steps + 1):
        response = model.chat(messages, tools=schemas)
        trace.append({"step": step, "type": "model", "text": response.text,
                      "tool_calls": [call.name for call in response.tool_calls]})
        messages.append(response.to_message())
        if not response.tool_calls:
            return response.text, trace
        for call in response.tool_calls:
            entry = {"step": step, "type": "tool", "id": call.id, "name": call.name, "arguments": call.arguments}
            try:
                arguments = json.loads(call.arguments)
            except json.JSONDecodeError:
                arguments = None
            if not isinstance(arguments, dict):
                entry["error"] = "arguments are not a JSON object"
            elif call.name in by_name and needs_approval(by_name[call.name]) and not approve(call.name, arguments):
                entry["result"] = "not approved"
            else:
                # the server knows its tools: let it say when one does not exist
                result = await client.call_tool(call.name, arguments)
                text = "\n".join(block.text for block in result.content if block.type == "text")
                entry["error" if result.is_error else "result"] = text
            trace.append(entry)
            content = entry["result"] if "result" in entry else "Error: " + entry["error"]
            messages.append({"role": "tool", "tool_call_id": call.id, "content": content})
    trace.append({"step": max_steps, "type": "stopped", "reason": "max_steps"})
    return None, trace
