import re


def check_answer(text, shown_ids):
    """The agent's answer from the model's reply: cited ids must be among the ids shown.

    >>> check_answer("25 days [hb-paid-time-off].", ["hb-paid-time-off", "hb-sick-leave"])
    {'answer': '25 days [hb-paid-time-off].', 'citations': ['hb-paid-time-off'], 'abstained': False, 'reason': 'answered'}
    >>> check_answer("25 days [hb-pto-faq].", ["hb-paid-time-off"])["reason"]
    'invalid_citation'
    """
    citation = re.compile(r"\[([a-z0-9][a-z0-9-]*(?:\s*,\s*[a-z0-9][a-z0-9-]*)*)\]")
    text = (text or "").strip()
    cited = []
    for group in re.findall(r"\[([^\]]*)\]", text):
        for doc_id in group.split(","):
            doc_id = doc_id.strip()
            if re.fullmatch(r"[a-z0-9][a-z0-9-]*", doc_id) and doc_id not in cited:
                cited.append(doc_id)

    def abstain(reason):
        return {"answer": ABSTENTION, "citations": cited, "abstained": True, "reason": reason}

    if ABSTENTION in text:
        return abstain("model_abstained")
    if not cited:
        return abstain("no_citation")
    if any(doc_id not in shown_ids for doc_id in cited):
        return abstain("invalid_citation")
    return {"answer": text, "citations": cited, "abstained": False, "reason": "answered"}