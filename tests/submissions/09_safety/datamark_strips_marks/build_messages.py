import re

from course.safety_lab import DATA_POLICY, MARK


def datamark(text):
    """Strip the ends, then replace each run of whitespace with MARK.

    >>> datamark("  Reset  your\npassword. ")
    'Reset^your^password.'
    """
    return re.sub(r"\s+", MARK, text).strip(MARK)


def build_messages(system_prompt, question, documents):
    """The system prompt with the data policy, then the datamarked documents and the question.

    >>> build_messages("Be brief.", "Grace period?", ["## Grace\nFive minutes."])[1]["content"]
    '<documents>\n<document index="1">##^Grace^Five^minutes.</document>\n</documents>\n\nQuestion: Grace period?'
    """
    tagged = "".join(f'<document index="{number}">{datamark(document)}</document>\n'
                     for number, document in enumerate(documents, start=1))
    return [
        {"role": "system", "content": f"{system_prompt}\n\n{DATA_POLICY}"},
        {"role": "user", "content": f"<documents>\n{tagged}</documents>\n\nQuestion: {question}"},
    ]
