"""Degraded mode: a broken model or store means keyword answers with a warning, never a crash."""

from __future__ import annotations

import logging
import socket
from dataclasses import replace
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

from knowledge.answer import answer
from knowledge.base import KnowledgeBase
from knowledge.config import KnowledgeConfig


def _bad_model(tmp_path: Path) -> Path:
    bad = tmp_path / "model.onnx"
    bad.write_bytes(b"truncated download")
    return bad


def test_bad_model_file_falls_back_to_keywords_with_a_visible_warning(
    kb_config: KnowledgeConfig, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    config = replace(kb_config, model_path=_bad_model(tmp_path))
    with caplog.at_level(logging.WARNING), KnowledgeBase.open(config) as kb:
        assert kb.mode == "keyword"
        assert kb.warning is not None
        assert "keyword search only" in kb.warning
        assert "sha256" in kb.warning
        result = answer("What is a theory of change?", kb)
        assert result.grounded
        assert result.sources[0].title == "Theory of change"
        assert result.warning == kb.warning
        declined = answer("What is the capital of France?", kb)
        assert not declined.grounded
        assert declined.warning == kb.warning
    assert "keyword search only" in caplog.text


def test_missing_model_and_no_index_still_answers_from_the_documents(
    tmp_path: Path, fixtures_dir: Path
) -> None:
    config = KnowledgeConfig(
        docs_dir=fixtures_dir / "docs",
        chroma_path=tmp_path / "chroma",
        model_path=tmp_path / "nowhere.onnx",
    )
    with KnowledgeBase.open(config) as kb:
        assert kb.mode == "keyword"
        assert kb.warning is not None
        assert "not found" in kb.warning
        assert len(kb.chunks) > 0
        assert answer("What does a convener do?", kb).grounded


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_unreachable_chroma_server_falls_back_to_keywords(
    fixtures_dir: Path, minilm: Embeddings
) -> None:
    config = KnowledgeConfig(
        docs_dir=fixtures_dir / "docs", chroma_host="127.0.0.1", chroma_port=_free_port()
    )
    with KnowledgeBase.open(config, embeddings=minilm) as kb:
        assert kb.mode == "keyword"
        assert kb.warning is not None
        assert "Chroma server 127.0.0.1" in kb.warning
        assert answer("What is a leverage point?", kb).grounded


class BrokenAtQueryTime(Embeddings):
    """Loads fine, fails when asked (a remote embedding server that went away)."""

    def __init__(self, inner: Embeddings) -> None:
        self.inner = inner

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        raise ConnectionError("embedding server unreachable")


def test_query_time_embedding_failure_answers_on_keywords(
    kb_config: KnowledgeConfig, minilm: Embeddings
) -> None:
    with KnowledgeBase.open(kb_config, embeddings=BrokenAtQueryTime(minilm)) as kb:
        assert kb.mode == "hybrid"
        retrieval = kb.retrieve("stakeholder mapping")
        assert retrieval.mode == "keyword"
        assert retrieval.warning is not None
        assert "embedding server unreachable" in retrieval.warning
        result = answer("What is stakeholder mapping?", kb)
        assert result.grounded
        assert result.warning is not None


def test_the_offline_guard_blocks_outside_connections() -> None:
    """`no_network` (tests/conftest.py) makes every test fail if anything reaches past loopback."""
    with pytest.raises(OSError, match="network access"):
        socket.create_connection(("192.0.2.1", 80), timeout=1)
