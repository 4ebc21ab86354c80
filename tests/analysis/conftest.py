"""Fixtures for the analysis tests: the real MiniLM model and the labelled set's vectors.

Embedding the labelled set costs ~10 s on two cores, so it is done once per session into a
real Chroma directory and shared by the read-only tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import chromadb
import pytest
from chromadb.api import ClientAPI
from langchain_core.embeddings import Embeddings

from analysis.matching import InitiativeVectors, VectorSet, initiative_collection
from analysis.matching.evaluate import load_labelled
from analysis.profiles import Profile
from knowledge.embeddings import MINILM_MODEL_ID, MiniLMEmbeddings
from knowledge.store import client_settings, close_client


class CallCounter(Embeddings):
    """The real model behind a counter of calls and texts (what a cache must avoid)."""

    def __init__(self, inner: Embeddings) -> None:
        self.inner = inner
        self.calls = 0
        self.texts = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls += 1
        self.texts += len(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        self.calls += 1
        self.texts += 1
        return self.inner.embed_query(text)


@pytest.fixture(scope="session")
def model() -> MiniLMEmbeddings:
    return MiniLMEmbeddings()


def persistent_client(path: Path) -> ClientAPI:
    return chromadb.PersistentClient(path=str(path), settings=client_settings())


@pytest.fixture(scope="session")
def labelled() -> list[Profile]:
    return load_labelled()


@pytest.fixture(scope="session")
def labelled_vectors(
    tmp_path_factory: pytest.TempPathFactory, model: MiniLMEmbeddings, labelled: list[Profile]
) -> Iterator[VectorSet]:
    client = persistent_client(tmp_path_factory.mktemp("chroma"))
    vectors = InitiativeVectors(
        initiative_collection(client, MINILM_MODEL_ID), model, MINILM_MODEL_ID
    )
    yield vectors.vectors_for(labelled)
    close_client(client)
