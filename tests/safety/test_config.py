"""course/safety/config.py: the lab's token counter."""

from course.safety.config import count_tokens


def test_count_tokens_counts_words_and_punctuation():
    assert count_tokens("Hi, Ada!") == 4
    assert count_tokens("a^b^c") == 5  # datamarking costs tokens, as it does with real tokenizers
    assert count_tokens("") == count_tokens(None) == 0
