"""course.widgets: token highlighting for both course tokenizers, and its text fallback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from course.tokens import cl100k, local_tokenizer
from course.widgets import highlight_tokens_html, token_comparison, token_groups, token_table

AWKWARD = ["", "?", "hello world", "héllo 🙂 👩‍💻", "東京は日本の首都です。", "नमस्ते दुनिया",
           "  two  spaces\n\nand\ttabs", '{"id": 1, "tags": ["a", "b"]}', "<|im_start|>user"]


@pytest.fixture(params=["cl100k", "smollm2"])
def encoding(request):
    return cl100k() if request.param == "cl100k" else local_tokenizer()


@pytest.mark.parametrize("text", AWKWARD)
def test_groups_join_back_to_the_text(encoding, text):
    groups = token_groups(text, encoding)
    assert "".join(piece for piece, _ in groups) == text
    assert [i for _, ids in groups for i in ids] == encoding.encode(text)


def test_a_split_character_is_one_group_of_several_tokens():
    """cl100k spells 東 (3 bytes) with two tokens, neither of which is text on its own."""
    groups = token_groups("a東", cl100k())
    assert [piece for piece, _ in groups] == ["a", "東"]
    assert len(groups[1][1]) == 2
    assert "×2" in highlight_tokens_html("a東", cl100k())


def test_html_escapes_markup(encoding):
    page = highlight_tokens_html('<script>alert("x")</script> & <b>', encoding)
    assert "<script>" not in page and "<b>" not in page
    assert "&lt;" in page and "&gt;" in page and "&amp;" in page
    assert "&quot;" in page  # quotes too: the text can never close an attribute


def test_html_has_one_span_per_group_and_counts(encoding):
    text = "Tokens are not words."
    page = highlight_tokens_html(text, encoding, title="enc")
    assert page.count("<span") == len(token_groups(text, encoding))
    assert f"{len(encoding.encode(text))} tokens" in page
    assert "<b>enc</b>" in page


def test_table_lists_every_encoding_with_its_count():
    text = "東京 and JSON: {\"a\": 1}"
    encodings = {"cl100k": cl100k(), "smollm2": local_tokenizer()}
    table = token_table(text, encodings)
    for name, enc in encodings.items():
        row = next(line for line in table.splitlines() if line.startswith(name))
        assert int(row.split()[1]) == len(enc.encode(text))
    assert "東(2)" in table  # cl100k splits it


def test_table_wraps_between_pieces():
    table = token_table("word " * 80, {"cl100k": cl100k()}, width=60)
    lines = table.splitlines()
    assert len(lines) > 3 and all(len(line) <= 60 for line in lines)
    assert all(line.startswith(" " * 19 + "| ") for line in lines[3:])


def test_comparison_prints_fallback_and_rerenders(capsys):
    widget = token_comparison("hi", {"cl100k": cl100k(), "smollm2": local_tokenizer()})
    printed = capsys.readouterr().out
    assert "cl100k" in printed and "smollm2" in printed
    box, first, second = widget.children
    before = first.value
    box.value = "東京"
    assert first.value != before and "×2" in first.value
    assert "東" in second.value


def test_unknown_encoding_is_a_clear_error():
    class WordsOnly:
        def encode(self, text):
            return [1]

    with pytest.raises(TypeError, match="token_bytes"):
        token_groups("x", WordsOnly())


def test_import_does_not_load_ipywidgets():
    code = "import sys, course.widgets; print('ipywidgets' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
