"""Shared fixtures: the fixture documents, one real index per session, the real model.

Indexing with the real model costs ~50 ms per chunk, so the session builds one index from the
fixture documents into a temporary directory and every read-only test shares it; tests that
change documents or the index get their own copies.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

from knowledge.base import KnowledgeBase
from knowledge.config import KnowledgeConfig
from knowledge.embeddings import MiniLMEmbeddings
from knowledge.indexer import index

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIXTURE_DOCS = FIXTURES / "docs"
FIXTURE_QUESTIONS = FIXTURES / "questions.yaml"
FIXTURE_OFFTOPIC = FIXTURES / "offtopic.yaml"


class CountingEmbeddings(Embeddings):
    """Wraps real embeddings and records every text embedded (to prove what was re-embedded)."""

    def __init__(self, inner: Embeddings) -> None:
        self.inner = inner
        self.documents: list[str] = []
        self.queries: list[str] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.documents.extend(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        self.queries.append(text)
        return self.inner.embed_query(text)


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    """tests/knowledge/fixtures: docs/, questions.yaml, offtopic.yaml."""
    return FIXTURES


@pytest.fixture(scope="session")
def minilm() -> MiniLMEmbeddings:
    """The real built-in model, loaded once (sha256-checked, ~0.7 s)."""
    return MiniLMEmbeddings()


@pytest.fixture(scope="session")
def kb_config(
    tmp_path_factory: pytest.TempPathFactory, minilm: MiniLMEmbeddings
) -> KnowledgeConfig:
    """A config whose index (real model, real Chroma) is built once for the session."""
    config = KnowledgeConfig(
        docs_dir=FIXTURE_DOCS, chroma_path=tmp_path_factory.mktemp("chroma-session")
    )
    index(config, embeddings=minilm)
    return config


@pytest.fixture(scope="session")
def kb(kb_config: KnowledgeConfig, minilm: MiniLMEmbeddings) -> Iterator[KnowledgeBase]:
    base = KnowledgeBase.open(kb_config, embeddings=minilm)
    yield base
    base.close()


@pytest.fixture
def counting(minilm: MiniLMEmbeddings) -> CountingEmbeddings:
    """The real model, recording what it is asked to embed."""
    return CountingEmbeddings(minilm)


@pytest.fixture
def docs_copy(tmp_path: Path) -> Path:
    """A writable copy of the fixture documents."""
    target = tmp_path / "docs"
    shutil.copytree(FIXTURE_DOCS, target)
    return target


@pytest.fixture
def own_config(tmp_path: Path, docs_copy: Path) -> KnowledgeConfig:
    """A config with its own documents and index directory, for tests that change them."""
    return KnowledgeConfig(docs_dir=docs_copy, chroma_path=tmp_path / "chroma")
