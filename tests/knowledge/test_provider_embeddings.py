"""A deployer's own embedding provider through LangChain, against a loopback OpenAI-compatible
server: indexed, recorded in the collection metadata, queried, and kept apart from MiniLM."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from knowledge.answer import answer
from knowledge.base import KnowledgeBase
from knowledge.chroma import (
    META_MODEL,
    IndexMismatchError,
    close_client,
    find_collection,
    open_client,
)
from knowledge.config import KnowledgeConfig
from knowledge.indexer import index

SPEC = "openai:stub-embed"


@pytest.fixture
def provider_env(monkeypatch: pytest.MonkeyPatch, stub: Any) -> Any:
    monkeypatch.setenv("OPENAI_BASE_URL", stub.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    return stub


def test_provider_embeddings_index_and_answer(
    own_config: KnowledgeConfig, provider_env: Any
) -> None:
    config = replace(own_config, embeddings=SPEC)
    report = index(config)
    # The chunks and every sentence of every page version go to the provider, nothing else.
    assert report.added == 14
    assert report.added + report.sentences_embedded == len(provider_env.embedded)
    client = open_client(config)
    try:
        collection = find_collection(client, config.collection)
        assert collection is not None
        assert (collection.metadata or {})[META_MODEL] == SPEC
    finally:
        close_client(client)
    with KnowledgeBase.open(config) as kb:
        assert kb.mode == "hybrid"
        assert kb.warning is None
        result = answer("What is a theory of change?", kb)
        assert result.sources
        assert result.sources[0].title == "Theory of change"
    assert "What is a theory of change?" in provider_env.embedded  # the query went to the server
    with pytest.raises(IndexMismatchError, match="stub-embed"):
        index(own_config)  # the built-in model may not reuse these vectors
