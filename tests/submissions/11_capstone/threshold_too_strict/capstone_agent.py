def capstone_agent(question, model, retriever):
    """The agent as CI runs it: run_rag_agent with your settings and cl100k token counts.

    >>> world = load_world("dev")
    >>> capstone_agent(world.items[1].question, world.reader(), world.retriever)["citations"]   # q02
    ['hb-parental-leave']
    """
    return run_rag_agent(question, model, retriever, k=4, min_score=8.0, context_budget=1500, max_steps=3,
                         token_budget=6000, max_tokens=200, count_tokens=count_tokens)
