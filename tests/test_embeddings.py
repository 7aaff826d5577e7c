"""MiniLM on ONNX Runtime: shape, normalisation, meaning, batching, file checks."""

import numpy as np
import pytest

from course import ModelFileError, get_embedder
from course.embeddings import MiniLMEmbedder


def test_vectors_are_384_d_unit_length_float32():
    vectors = get_embedder().embed(["one", "two words", ""])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_similar_sentences_score_higher_than_unrelated_ones():
    a, b, c = get_embedder().embed(["A man is eating food.", "A man is eating a piece of bread.",
                                    "The girl is carrying a baby."])
    assert a @ b > 0.6 > a @ c


def test_batching_does_not_change_vectors():
    texts = [f"sentence number {i} about {'cats' if i % 2 else 'invoices'}" for i in range(10)]
    embedder = get_embedder()
    together = embedder.embed(texts)
    alone = np.concatenate([embedder.embed([t]) for t in texts])
    assert np.allclose(together, alone, atol=1e-5), "padding must not leak into the mean pooling"


def test_empty_list_and_bare_string():
    assert get_embedder().embed([]).shape == (0, 384)
    with pytest.raises(TypeError, match="list of strings"):
        get_embedder().embed("oops")


def test_long_text_is_truncated_not_rejected():
    embedder = get_embedder()
    assert embedder.count_tokens("word " * 600) > 256
    assert embedder.embed(["word " * 600]).shape == (1, 384)


def test_missing_and_corrupt_model_files(tmp_path):
    with pytest.raises(ModelFileError, match="missing"):
        MiniLMEmbedder(tmp_path / "absent.onnx")
    corrupt = tmp_path / "model.onnx"
    corrupt.write_bytes(b"not a model")
    with pytest.raises(ModelFileError, match="sha256"):
        MiniLMEmbedder(corrupt)
