def normalize(text):
    """Normalise text for comparison: lower-case, punctuation to spaces, single spaces.

    >>> normalize("  The fee is $1,500!  ")
    'the fee is 1 500'
    """
    kept = "".join(ch if ch.isalnum() else " " for ch in text.lower())
    return " ".join(kept.split())


def exact_match(answer, expected):
    """True when answer and expected are equal after normalize().

    >>> exact_match("Relaycall.", "relaycall")
    True
    """
    return normalize(answer) == normalize(expected)


def contains_all_facts(answer, facts):
    """True when every fact appears in the answer as whole words, after normalize().

    >>> contains_all_facts("Hotels in London: up to $300 per night.", ["$300", "london"])
    True
    >>> contains_all_facts("Hotels in London: up to $300 per night.", ["$300", "New York"])
    False
    """
    facts = list(facts)
    if not facts:
        raise ValueError("a check with no facts would pass every answer")
    words = set(normalize(answer).split())
    return all(all(w in words for w in normalize(fact).split()) for fact in facts)
