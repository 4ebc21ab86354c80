"""Fixtures for the analysis tests: the real MiniLM model, the labelled set's vectors, and the
demo records with their issue vectors.

Embedding the labelled set costs ~10 s on two cores, so it is done once per session into a
real Chroma directory and shared by the read-only tests.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import chromadb
import numpy as np
import pytest
from chromadb.api import ClientAPI
from langchain_core.embeddings import Embeddings

from analysis.matching import InitiativeVectors, VectorSet, initiative_collection
from analysis.matching.evaluate import load_labelled
from analysis.profiles import Profile
from knowledge.chroma import client_settings, close_client
from knowledge.embeddings import MINILM_MODEL_ID, MiniLMEmbeddings

DEMO = Path(__file__).resolve().parents[2] / "analysis" / "demo" / "initiatives.jsonl"


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


@pytest.fixture(scope="session")
def demo_rows() -> list[dict[str, Any]]:
    with DEMO.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@pytest.fixture(scope="session")
def demo_vectors(demo_rows: list[dict[str, Any]], model: MiniLMEmbeddings) -> np.ndarray:
    """Issue statement plus half-weighted goals, close to how matching mixes them."""
    rows = []
    for row in demo_rows:
        issue = np.array(model.embed_query(f"{row['issue']}. {row.get('issue_detail', '')}"))
        goals = np.array(model.embed_query(". ".join(row.get("goals", []))))
        combined = issue + 0.5 * goals
        rows.append(combined / np.linalg.norm(combined))
    return np.array(rows, dtype=np.float32)
