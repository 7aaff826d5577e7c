def answer_or_abstain(question, retriever, model, threshold, k=3, max_tokens=200):
    """Answer from retrieved sources with checked citations, or abstain."""
    hits = retriever.retrieve(question, k)
    sources = [text for text, score in hits]
    if not sources:
        return {"answer": ABSTENTION, "citations": [], "abstained": True, "reason": "weak_retrieval"}
    # the model is told to abstain by itself when the sources are weak
    reply = model.chat(build_grounded_prompt(question, sources), max_tokens=max_tokens)
    check = validate_citations(reply.text, len(sources))
    if check["invalid"]:
        return {"answer": ABSTENTION, "citations": check["cited"], "abstained": True, "reason": "invalid_citation"}
    if not check["has_citations"]:
        return {"answer": ABSTENTION, "citations": [], "abstained": True, "reason": "no_citation"}
    return {"answer": reply.text.strip(), "citations": check["cited"], "abstained": False, "reason": "answered"}
