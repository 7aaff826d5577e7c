from course.safety_lab import DATA_POLICY, MARK


def datamark(text):
    """Strip the ends, then replace the spaces with MARK."""
    return text.strip().replace(" ", MARK)


def build_messages(system_prompt, question, documents):
    """The system prompt with the data policy, then the datamarked documents and the question."""
    tagged = "".join(f'<document index="{number}">{datamark(document)}</document>\n'
                     for number, document in enumerate(documents, start=1))
    return [
        {"role": "system", "content": f"{system_prompt}\n\n{DATA_POLICY}"},
        {"role": "user", "content": f"<documents>\n{tagged}</documents>\n\nQuestion: {question}"},
    ]
