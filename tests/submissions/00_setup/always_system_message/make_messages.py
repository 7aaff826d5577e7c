def make_messages(question, system=None):
    if not question.strip():
        raise ValueError("empty question")
    return [{"role": "system", "content": system}, {"role": "user", "content": question}]
