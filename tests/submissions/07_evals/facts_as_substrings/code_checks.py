def normalize(text):
    kept = "".join(ch if ch.isalnum() else " " for ch in text.lower())
    return " ".join(kept.split())


def exact_match(answer, expected):
    return normalize(answer) == normalize(expected)


def contains_all_facts(answer, facts):
    if not facts:
        raise ValueError("no facts")
    answer = normalize(answer)
    return all(normalize(fact) in answer for fact in facts)
