import json


async def run_agent_over_mcp(model, client, message, approve, needs_approval, allowed=None, max_steps=10):
    """Lesson 05's loop with the tools of an MCP server; returns (answer, trace)."""
    listing = await client.list_tools()
    offered = {tool.name: tool for tool in listing.tools if allowed is None or tool.name in allowed}
    schemas = to_model_tools(list(offered.values()))
    messages = [{"role": "user", "content": message}]
    trace = []
    number = 0
    for step in range(1, max_steps + 1):
        response = model.chat(messages, tools=schemas)
        trace.append({"step": step, "type": "model", "text": response.text,
                      "tool_calls": [call.name for call in response.tool_calls]})
        messages.append(response.to_message())
        if not response.tool_calls:
            return response.text, trace
        for call in response.tool_calls:
            number += 1
            call_id = f"call_{number}"  # number the calls ourselves
            if call.name not in offered:
                outcome = {"error": f"unknown tool {call.name!r}"}
            else:
                try:
                    arguments = json.loads(call.arguments)
                except json.JSONDecodeError:
                    arguments = None
                if not isinstance(arguments, dict):
                    outcome = {"error": "arguments are not a JSON object"}
                elif needs_approval(offered[call.name]) and not approve(call.name, arguments):
                    outcome = {"result": "not approved"}
                else:
                    result = await client.call_tool(call.name, arguments)
                    text = "\n".join(block.text for block in result.content if block.type == "text")
                    outcome = {"error": text} if result.is_error else {"result": text}
            trace.append({"step": step, "type": "tool", "id": call_id, "name": call.name,
                          "arguments": call.arguments, **outcome})
            content = outcome["result"] if "result" in outcome else "Error: " + outcome["error"]
            messages.append({"role": "tool", "tool_call_id": call_id, "content": content})
    trace.append({"step": max_steps, "type": "stopped", "reason": "max_steps"})
    return None, trace
