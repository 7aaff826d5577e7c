def run_rag_agent(question, model, retriever, *, k=4, min_score=0.0, context_budget=2000, max_steps=3,
                  token_budget=None, max_tokens=200, count_tokens=count_words):
    """Answer one question with a search tool, within budgets; return the checked answer.

    >>> retriever = RankedRetriever({"sick days": [("hb-sick-leave", 7.2), ("hb-benefits", 1.1)]},
    ...                             {"hb-sick-leave": "Sick Leave\n10 paid sick days a year.", "hb-benefits": "..."})
    >>> model = ScriptedModel([tool_call("search", {"query": "sick days"}), "Ten [hb-sick-leave]."])
    >>> result = run_rag_agent("How many sick days?", model, retriever, k=2, min_score=2.0)
    >>> result["answer"], result["shown"], result["usage"]["calls"]
    ('Ten [hb-sick-leave].', ['hb-sick-leave'], 2)
    """
    if max_steps < 1:
        raise ValueError(f"max_steps must be at least 1; got {max_steps}")
    messages = [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": question}]
    shown, usage = [], {"input_tokens": 0, "output_tokens": 0, "calls": 0}

    def size():
        return sum(count_tokens(message.get("content") or "") for message in messages)

    def finish(outcome):
        return {**outcome, "shown": list(shown), "usage": dict(usage)}

    def stop(reason):
        return finish({"answer": ABSTENTION, "citations": [], "abstained": True, "reason": reason})

    def run_tool(call):
        if call.name != "search":
            return f"Error: unknown tool {call.name!r}"
        try:
            arguments = json.loads(call.arguments)
        except json.JSONDecodeError:
            arguments = None
        if not isinstance(arguments, dict) or not isinstance(arguments.get("query"), str):
            return 'Error: search takes {"query": "<text>"}'
        kept = [hit for hit in retriever.search(arguments["query"], k) if hit.score >= min_score]
        content, ids = pack_sources(kept, context_budget - size(), count_tokens)
        shown.extend(doc_id for doc_id in ids if doc_id not in shown)
        return content

    if size() > context_budget:
        return stop("context_overflow")
    for _ in range(max_steps):
        if token_budget is not None and usage["input_tokens"] + usage["output_tokens"] >= token_budget:
            return stop("token_budget")
        response = model.chat(messages, tools=[SEARCH_TOOL], max_tokens=max_tokens)
        usage["input_tokens"] += response.usage.input_tokens
        usage["output_tokens"] += response.usage.output_tokens
        usage["calls"] += 1
        messages.append(response.to_message())
        if not response.tool_calls:
            return finish(check_answer(response.text, shown))
        room = size()
        contents = []
        for call in response.tool_calls:
            contents.append((call.id, run_tool(call)))
        for cid, content in contents:
            messages.append({"role": "tool", "tool_call_id": cid, "content": content})
    return stop("max_steps")