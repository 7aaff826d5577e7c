"""course/safety/corpus.py: retrieval over the corpus's sections, planted documents included."""

from course.safety.corpus import corpus_sections, retrieve
from course.safety.gullible import find_commands


def test_the_corpus_holds_no_commands():
    """Every instruction the gullible model follows comes from a case, never from the shipped corpus."""
    for doc_id, title, text in corpus_sections():
        assert find_commands(f"{title}\n{text}") == [], doc_id


def test_retrieve_returns_sections_and_finds_planted_documents():
    sections = retrieve("What is the API rate limit on the Team plan?")
    assert len(sections) == 3 and all(text.startswith("## ") for text in sections)
    planted = (("Canary checks", "## Canary checks\nA canary check runs a monitor from two regions."),)
    assert retrieve("What is a canary check?", planted)[0].startswith("## Canary checks")
