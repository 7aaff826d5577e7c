import re

from course.safety_lab import DATA_POLICY, MARK

BLOCKLIST = ["ignore", "disregard", "instruction", "system prompt"]


def datamark(text):
    """Strip the ends, then replace each run of whitespace with MARK."""
    return re.sub(r"\s+", MARK, text.strip())


def build_messages(system_prompt, question, documents):
    """Spotlighting, plus a filter for good measure: lines that look like injections are dropped."""
    tagged = ""
    for number, document in enumerate(documents, start=1):
        kept = "\n".join(line for line in document.splitlines()
                         if not any(phrase in line.lower() for phrase in BLOCKLIST))
        tagged += f'<document index="{number}">{datamark(kept)}</document>\n'
    return [
        {"role": "system", "content": f"{system_prompt}\n\n{DATA_POLICY}"},
        {"role": "user", "content": f"<documents>\n{tagged}</documents>\n\nQuestion: {question}"},
    ]
