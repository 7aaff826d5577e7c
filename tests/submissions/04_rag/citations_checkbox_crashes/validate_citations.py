import re


def validate_citations(answer, n_sources):
    """Which sources an answer cites, and which of those it was never given.

    >>> validate_citations("The Team plan allows 600 requests [2], up from 300 [4].", n_sources=3)
    {'cited': [2, 4], 'invalid': [4], 'has_citations': True}
    """
    cited = set()
    for group in re.findall(r"\[([\d,\s]+)\]", answer):
        cited.update(int(number) for number in group.split(","))
    invalid = sorted(number for number in cited if not 1 <= number <= n_sources)
    return {"cited": sorted(cited), "invalid": invalid, "has_citations": bool(cited)}
