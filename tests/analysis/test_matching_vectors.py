"""Initiative vectors are embedded once per content and kept in a real Chroma directory."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from analysis.matching import (
    InitiativeVectors,
    VectorStoreMismatch,
    initiative_collection,
    open_initiative_vectors,
)
from analysis.profiles import Profile
from intake.records import InitiativeRecord
from knowledge.chroma import META_MODEL, close_client
from knowledge.config import E5_EMBEDDINGS, KnowledgeConfig
from knowledge.embeddings import MINILM_MODEL_ID, MiniLMEmbeddings
from tests.analysis.conftest import CallCounter, persistent_client


def _profiles(labelled: list[Profile]) -> list[Profile]:
    return labelled[:6]


def _adapter(path: Path, model: MiniLMEmbeddings) -> tuple[InitiativeVectors, CallCounter]:
    counter = CallCounter(model)
    client = persistent_client(path)
    collection = initiative_collection(client, MINILM_MODEL_ID)
    return InitiativeVectors(collection, counter, MINILM_MODEL_ID), counter


def test_second_run_embeds_nothing_and_an_edit_reembeds_only_that_initiative(
    tmp_path: Path, model: MiniLMEmbeddings, labelled: list[Profile]
) -> None:
    profiles = _profiles(labelled)
    first_adapter, first = _adapter(tmp_path, model)
    cold = first_adapter.vectors_for(profiles)
    assert (cold.embedded, cold.reused) == (6, 0)
    assert first.texts == cold.texts_embedded == 12

    # A new client on the same directory: the vectors survived, nothing is embedded.
    again_adapter, again = _adapter(tmp_path, model)
    warm = again_adapter.vectors_for(profiles)
    assert (warm.embedded, warm.reused, again.calls, again.texts) == (0, 6, 0, 0)
    np.testing.assert_allclose(warm.issue, cold.issue, atol=1e-6)
    np.testing.assert_allclose(warm.goals, cold.goals, atol=1e-6)

    edited = profiles[2].record.model_copy(update={"goals": ["Open a third community kitchen"]})
    changed = [*profiles[:2], Profile(key=profiles[2].key, db_id=3, record=edited), *profiles[3:]]
    after = again_adapter.vectors_for(changed)
    assert (after.embedded, after.reused, after.texts_embedded, again.texts) == (1, 5, 1, 1)
    np.testing.assert_allclose(after.issue, cold.issue, atol=1e-6)
    assert not np.allclose(after.goals[2], cold.goals[2])


def test_identical_texts_are_embedded_once(tmp_path: Path, model: MiniLMEmbeddings) -> None:
    records = [
        InitiativeRecord(name=f"Kitchen {n}", issue="Food waste", goals=["Cook surplus"])
        for n in range(3)
    ]
    profiles = [Profile(key=f"k{n}", db_id=n, record=r) for n, r in enumerate(records)]
    adapter, counter = _adapter(tmp_path, model)
    vectors = adapter.vectors_for(profiles)
    assert counter.texts == 2
    assert vectors.embedded == 3
    assert vectors.issue.shape == (3, 384)


def test_a_collection_of_another_model_is_refused(tmp_path: Path) -> None:
    client = persistent_client(tmp_path)
    initiative_collection(client, "other-model")
    with pytest.raises(VectorStoreMismatch, match="other-model"):
        initiative_collection(client, MINILM_MODEL_ID)


def test_opened_from_the_knowledge_config(tmp_path: Path, labelled: list[Profile]) -> None:
    client, adapter = open_initiative_vectors(KnowledgeConfig(chroma_path=tmp_path / "chroma"))
    try:
        vectors = adapter.vectors_for(labelled[:2])
        assert vectors.embedded == 2
        assert "helix-initiatives" in [c.name for c in client.list_collections()]
    finally:
        close_client(client)


def test_matching_keeps_minilm_when_answers_use_e5(
    tmp_path: Path, labelled: list[Profile]
) -> None:
    """Matching's cut-offs are MiniLM's: a deployment that answers with e5 still matches with
    MiniLM, in a MiniLM collection, and never uses the e5 model handed in (a bare object here:
    embedding with it would raise)."""
    config = KnowledgeConfig(chroma_path=tmp_path / "chroma", embeddings=E5_EMBEDDINGS)
    client, adapter = open_initiative_vectors(config, object())  # type: ignore[arg-type]
    try:
        assert adapter.vectors_for(labelled[:2]).embedded == 2
        stored = client.get_collection("helix-initiatives").metadata or {}
        assert stored[META_MODEL] == MINILM_MODEL_ID
    finally:
        close_client(client)
