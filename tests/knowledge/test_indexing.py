"""Incremental indexing with the real model and a real Chroma directory."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from knowledge.base import KnowledgeBase
from knowledge.chroma import (
    META_CHUNKER,
    META_MODEL,
    IndexMismatchError,
    close_client,
    find_collection,
    open_client,
    sentence_collection_name,
)
from knowledge.chunking import chunk_documents
from knowledge.config import KnowledgeConfig
from knowledge.documents import DocumentError, load_documents
from knowledge.embeddings import MINILM_MODEL_ID, EmbeddingsUnavailable
from knowledge.indexer import ensure_index, index
from knowledge.sentences import split_documents


def _stored(config: KnowledgeConfig) -> tuple[dict[str, str], dict[str, Any]]:
    """(id -> content hash, collection metadata) as Chroma holds them."""
    client = open_client(config)
    try:
        collection = find_collection(client, config.collection)
        assert collection is not None
        got = collection.get(include=["metadatas"])
        hashes = {
            cid: str((meta or {})["hash"])
            for cid, meta in zip(got["ids"], got["metadatas"] or [], strict=True)
        }
        return hashes, dict(collection.metadata or {})
    finally:
        close_client(client)


def _expected_chunks(config: KnowledgeConfig) -> int:
    return len(chunk_documents(load_documents(config.docs_dir).documents))


def _expected_sentences(config: KnowledgeConfig) -> int:
    loaded = load_documents(config.docs_dir)
    return len(split_documents([*loaded.documents, *loaded.translations]))


def _chunks(counting: Any) -> list[str]:
    """The chunk texts among everything embedded (a chunk starts with its title line; a
    sentence is one line)."""
    return [text for text in counting.documents if "\n" in text]


def _sentences(counting: Any) -> list[str]:
    return [text for text in counting.documents if "\n" not in text]


def test_index_then_reindex_is_an_upsert(own_config: KnowledgeConfig, counting: Any) -> None:
    steps: list[tuple[int, int]] = []
    first = index(own_config, embeddings=counting, progress=lambda d, t: steps.append((d, t)))
    total = _expected_chunks(own_config)
    sentences = _expected_sentences(own_config)
    assert first.as_dict() == {"added": total, "updated": 0, "removed": 0, "unchanged": 0}
    assert first.embedded == total == len(_chunks(counting))
    assert first.sentences == first.sentences_embedded == sentences == len(_sentences(counting))
    assert steps[0] == (0, total + sentences)
    assert steps[-1] == (total + sentences, total + sentences)
    hashes, meta = _stored(own_config)
    assert len(hashes) == total
    assert meta[META_MODEL] == MINILM_MODEL_ID
    assert META_CHUNKER in meta

    counting.documents.clear()
    second = index(own_config, embeddings=counting)
    assert second.as_dict() == {"added": 0, "updated": 0, "removed": 0, "unchanged": total}
    assert counting.documents == []
    assert _stored(own_config)[0] == hashes


def test_changing_one_document_reembeds_only_its_changed_chunks(
    own_config: KnowledgeConfig, counting: Any
) -> None:
    index(own_config, embeddings=counting)
    before, _ = _stored(own_config)
    path = own_config.docs_dir / "theory-of-change.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("compare pathways", "compare their pathways"),
        encoding="utf-8",
    )
    counting.documents.clear()
    report = index(own_config, embeddings=counting)
    after, _ = _stored(own_config)
    changed = {cid for cid in after if before.get(cid) != after[cid]}
    assert changed == {"theory-of-change#1"}
    assert report.as_dict() == {
        "added": 0,
        "updated": 1,
        "removed": 0,
        "unchanged": len(before) - 1,
    }
    # One chunk and the one sentence that changed; the rest of the page is not re-embedded.
    assert len(_chunks(counting)) == 1
    assert "compare their pathways" in _chunks(counting)[0]
    assert len(_sentences(counting)) == report.sentences_embedded == 1
    assert "compare their pathways" in _sentences(counting)[0]


def test_deleted_and_new_documents_are_removed_and_added(
    own_config: KnowledgeConfig, counting: Any
) -> None:
    index(own_config, embeddings=counting)
    before, _ = _stored(own_config)
    gone = [cid for cid in before if cid.startswith("leverage-point#")]
    (own_config.docs_dir / "leverage-point.md").unlink()
    (own_config.docs_dir / "double-helix.md").write_text(
        "---\ntitle: Double helix\naliases: [bridges]\n---\n# Double helix\n\n"
        "## What it is\nTwo strands, the change system and the production system, joined by "
        "many bridges.\n",
        encoding="utf-8",
    )
    counting.documents.clear()
    report = index(own_config, embeddings=counting)
    after, _ = _stored(own_config)
    assert report.removed == len(gone)
    assert report.added == 1
    assert report.updated == 0
    assert not set(gone) & set(after)
    assert "double-helix#0" in after
    assert len(_chunks(counting)) == 1
    assert _sentences(counting) == [
        "Two strands, the change system and the production system, joined by many bridges."
    ]


def test_inserted_section_reuses_vectors_of_shifted_chunks(
    own_config: KnowledgeConfig, counting: Any
) -> None:
    index(own_config, embeddings=counting)
    path = own_config.docs_dir / "core" / "production-system.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "## What it is", "## In short\nIt makes things people need.\n\n## What it is"
        ),
        encoding="utf-8",
    )
    counting.documents.clear()
    report = index(own_config, embeddings=counting)
    # Old #1, #2 move unchanged to #2, #3 (vectors copied). #0 and #1 are new text: the new
    # section, and "What it is" without the "# Production system" line it used to carry.
    assert report.added == 1
    assert report.updated == 3
    assert report.reused == 2
    assert report.embedded == 2
    assert len(_chunks(counting)) == 2
    assert "It makes things people need." in _chunks(counting)[0]
    assert _sentences(counting) == ["It makes things people need."]  # the rest moved
    with KnowledgeBase.open(own_config, embeddings=counting.inner) as kb:
        assert kb.retrieve("Who shapes a production system?").slugs[0] == "production-system"


def test_rebuild_embeds_everything_again(own_config: KnowledgeConfig, counting: Any) -> None:
    index(own_config, embeddings=counting)
    counting.documents.clear()
    report = index(own_config, embeddings=counting, rebuild=True)
    assert report.added == _expected_chunks(own_config) == len(_chunks(counting))
    assert report.sentences_embedded == _expected_sentences(own_config)


def test_index_built_by_another_model_is_refused(
    own_config: KnowledgeConfig, counting: Any, caplog: pytest.LogCaptureFixture
) -> None:
    index(own_config, embeddings=counting)
    other = replace(own_config, embeddings="ollama:nomic-embed-text")
    with pytest.raises(IndexMismatchError, match=r"helix index --rebuild"):
        index(other, embeddings=counting)
    # Asking still works, on keywords, and says what to do.
    with caplog.at_level(logging.WARNING), KnowledgeBase.open(other, embeddings=counting) as kb:
        assert kb.mode == "keyword"
        assert kb.warning is not None
        assert "helix index --rebuild" in kb.warning
        assert "all-MiniLM-L6-v2-onnx-int8" in kb.warning
    assert "helix index --rebuild" in caplog.text


def test_malformed_document_stops_index_but_not_first_start(
    own_config: KnowledgeConfig, counting: Any
) -> None:
    (own_config.docs_dir / "broken.md").write_text("no front matter", encoding="utf-8")
    with pytest.raises(DocumentError, match=r"broken\.md"):
        index(own_config, embeddings=counting)
    report = ensure_index(own_config, embeddings=counting)
    assert report is not None
    assert report.added == _expected_chunks(own_config)
    assert any("broken.md" in p for p in report.refused)
    assert ensure_index(own_config, embeddings=counting) is None  # exists now


def test_an_empty_docs_directory_never_wipes_the_index(
    own_config: KnowledgeConfig, counting: Any, tmp_path: Path
) -> None:
    index(own_config, embeddings=counting)
    empty = replace(own_config, docs_dir=tmp_path / "empty")
    empty.docs_dir.mkdir()
    with pytest.raises(DocumentError, match="no valid documents"):
        index(empty, embeddings=counting)
    assert len(_stored(own_config)[0]) == _expected_chunks(own_config)


def test_knowledge_base_builds_the_index_on_first_start(
    own_config: KnowledgeConfig, minilm: Any
) -> None:
    client = open_client(own_config)
    assert find_collection(client, own_config.collection) is None
    close_client(client)
    with KnowledgeBase.open(own_config, embeddings=minilm) as kb:
        assert kb.mode == "hybrid"
        assert kb.warning is None
        assert len(kb.chunks) == _expected_chunks(own_config)


def test_a_rebuild_that_cannot_embed_keeps_the_old_index(
    own_config: KnowledgeConfig, counting: Any, tmp_path: Path
) -> None:
    index(own_config, embeddings=counting)
    bad = tmp_path / "model.onnx"
    bad.write_bytes(b"not a model")
    with pytest.raises(EmbeddingsUnavailable, match="sha256"):
        index(replace(own_config, model_path=bad), rebuild=True)
    assert len(_stored(own_config)[0]) == _expected_chunks(own_config)


def test_opening_after_a_document_edit_updates_only_that_chunk(
    own_config: KnowledgeConfig, counting: Any
) -> None:
    index(own_config, embeddings=counting)
    path = own_config.docs_dir / "systems-convening.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("follows up", "follows up a week later"),
        encoding="utf-8",
    )
    counting.documents.clear()
    with KnowledgeBase.open(own_config, embeddings=counting) as kb:
        assert len(_chunks(counting)) == 1
        assert "a week later" in _chunks(counting)[0]
        assert len(_sentences(counting)) == 1
        assert "a week later" in kb.by_id["systems-convening#1"].text
    counting.documents.clear()
    with KnowledgeBase.open(own_config, embeddings=counting):
        assert counting.documents == []  # up to date: nothing to do


def test_an_existing_index_survives_a_missing_docs_directory(
    own_config: KnowledgeConfig, counting: Any, tmp_path: Path
) -> None:
    index(own_config, embeddings=counting)
    elsewhere = replace(own_config, docs_dir=tmp_path / "not-shipped")
    assert ensure_index(elsewhere, embeddings=counting) is None
    with KnowledgeBase.open(elsewhere, embeddings=counting) as kb:
        assert kb.mode == "hybrid"
        assert kb.warning is None
        assert len(kb.chunks) == _expected_chunks(own_config)


def test_an_index_from_before_sentences_gets_them_without_re_embedding_chunks(
    own_config: KnowledgeConfig, counting: Any
) -> None:
    """A deployment upgrading from chunk-only indexes: the next start adds the sentences."""
    index(own_config, embeddings=counting)
    client = open_client(own_config)
    try:
        client.delete_collection(sentence_collection_name(own_config.collection))
    finally:
        close_client(client)
    counting.documents.clear()
    with KnowledgeBase.open(own_config, embeddings=counting) as kb:
        assert _chunks(counting) == []
        assert len(_sentences(counting)) == _expected_sentences(own_config)
        assert kb.sentences.vectors is not None
        assert len(kb.sentences) == _expected_sentences(own_config)
