"""Build and update the Chroma index incrementally.

Embedding dominates indexing (~50 ms per chunk on 2 cores), so the indexer compares the content
hash of every chunk with what is stored and embeds only new or changed chunks. When an edit shifts
later chunks to new ids, their content hash still matches a stored vector, which is copied
instead of recomputed. Chunks of deleted or shortened documents are removed. Writes go in small
batches so an interrupted run keeps what it finished; the next run picks up the rest.

The library never prints: progress goes to an optional callback (the CLI draws a bar with it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from knowledge.chroma import (
    check_compatible,
    close_client,
    create_collection,
    find_collection,
    open_client,
    vector_store,
)
from knowledge.chunking import Chunk, chunk_documents
from knowledge.config import KnowledgeConfig
from knowledge.documents import DocumentError, load_documents
from knowledge.embeddings import load_embeddings, model_id_for

log = logging.getLogger(__name__)

#: (done, total) chunks to embed; called once with (0, total) before any work.
Progress = Callable[[int, int], None]
BATCH = 16


@dataclass
class IndexReport:
    """What an indexing run changed. `embedded` + `reused` = `added` + `updated`."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    embedded: int = 0
    reused: int = 0
    documents: int = 0
    refused: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "unchanged": self.unchanged,
        }


def index(
    config: KnowledgeConfig,
    *,
    rebuild: bool = False,
    progress: Progress | None = None,
    embeddings: Embeddings | None = None,
    client: ClientAPI | None = None,
    skip_invalid: bool = False,
) -> IndexReport:
    """Bring the index in line with the documents; returns the counts.

    Raises `DocumentError` for malformed documents (unless `skip_invalid`, which indexes the valid
    ones and lists the rest in `refused`), `IndexMismatchError` when the stored index was built
    with another model (unless `rebuild`), `EmbeddingsUnavailable` and `StoreUnavailable`.
    """
    loaded = load_documents(config.docs_dir)
    if not skip_invalid:
        loaded.raise_for_problems()
    for problem in loaded.problems:
        log.error("Refused knowledge document: %s", problem)
    if not loaded.documents:
        # Syncing to an empty set would delete the whole index; a missing or emptied docs
        # directory is far more likely a deployment mistake than an intent.
        raise DocumentError([*loaded.problems, f"{config.docs_dir}: no valid documents to index"])
    model_id = model_id_for(config.embeddings)
    own_client = client is None
    client = client or open_client(config)
    try:
        existing = find_collection(client, config.collection)
        if existing is not None and not rebuild:
            # Before loading the model: "you switched models, rebuild" is the useful message.
            check_compatible(existing, model_id)
        if embeddings is None:
            embeddings = load_embeddings(
                config.embeddings,
                model_path=config.model_path,
                tokenizer_path=config.tokenizer_path,
            )
        if existing is not None and rebuild:
            # Only now: a rebuild that cannot embed must not have destroyed the old index.
            client.delete_collection(config.collection)
            existing = None
        collection = existing or create_collection(client, config.collection, model_id)
        store = vector_store(client, config.collection, embeddings)
        chunks = chunk_documents(loaded.documents)
        report = _sync(collection, store, chunks, progress)
        report.documents = len(loaded.documents)
        report.refused = list(loaded.problems)
        log.info("Knowledge index updated: %s", report.as_dict())
        return report
    finally:
        if own_client:
            close_client(client)


def _sync(
    collection: Collection, store: Chroma, chunks: list[Chunk], progress: Progress | None
) -> IndexReport:
    """Upsert new and changed chunks, copy moved vectors, delete what no document has any more."""
    got = collection.get(include=["metadatas"])
    stored = {
        cid: str((meta or {}).get("hash", ""))
        for cid, meta in zip(got["ids"], got.get("metadatas") or [], strict=False)
    }
    by_hash = {h: cid for cid, h in stored.items()}
    report = IndexReport()
    wanted = {c.id for c in chunks}
    todo: list[Chunk] = []
    for chunk in chunks:
        if chunk.id not in stored:
            report.added += 1
            todo.append(chunk)
        elif stored[chunk.id] != chunk.content_hash:
            report.updated += 1
            todo.append(chunk)
        else:
            report.unchanged += 1
    # Copy vectors of moved chunks before anything is overwritten or deleted.
    reusable = [c for c in todo if c.content_hash in by_hash]
    vectors: dict[str, np.ndarray] = {}
    if reusable:
        source_ids = sorted({by_hash[c.content_hash] for c in reusable})
        old = collection.get(ids=source_ids, include=["embeddings"])
        stored_vectors = old["embeddings"]  # a numpy array: no truthiness tests on it
        old_vectors = {
            cid: np.asarray(vector, dtype=np.float32)
            for cid, vector in zip(
                old["ids"], [] if stored_vectors is None else stored_vectors, strict=True
            )
        }
        for chunk in reusable:
            vector = old_vectors.get(by_hash[chunk.content_hash])
            if vector is not None:
                vectors[chunk.id] = vector
    to_embed = [c for c in todo if c.id not in vectors]
    if vectors:
        moved = [c for c in todo if c.id in vectors]
        collection.upsert(
            ids=[c.id for c in moved],
            embeddings=np.stack([vectors[c.id] for c in moved]),
            documents=[c.text for c in moved],
            metadatas=[c.metadata() for c in moved],
        )
        report.reused = len(moved)
    total = len(to_embed)
    if progress:
        progress(0, total)
    for start in range(0, total, BATCH):
        batch = to_embed[start : start + BATCH]
        store.add_texts(
            [c.text for c in batch],
            metadatas=[c.metadata() for c in batch],
            ids=[c.id for c in batch],
        )
        report.embedded += len(batch)
        if progress:
            progress(report.embedded, total)
    removed = sorted(set(stored) - wanted)
    if removed:
        collection.delete(ids=removed)
    report.removed = len(removed)
    return report


def ensure_index(
    config: KnowledgeConfig,
    *,
    embeddings: Embeddings | None = None,
    client: ClientAPI | None = None,
    progress: Progress | None = None,
) -> IndexReport | None:
    """Build the index when it is missing (first start) or behind the documents; else None.

    Comparing the stored chunk hashes with freshly chunked documents costs ~0.1 s and no
    embedding, so a deployment that ships updated documents re-embeds just the changed chunks on
    its next start instead of answering from a stale index. Malformed documents are skipped with
    an error log line here (a typo in one document must not keep the assistant from starting;
    `helix index` is strict and names them), and when no document loads at all an existing index
    is left alone: it may well be the only good copy.
    """
    own_client = client is None
    client = client or open_client(config)
    try:
        existing = find_collection(client, config.collection)
        if existing is not None and existing.count() > 0:
            documents = load_documents(config.docs_dir).documents
            if not documents:
                log.warning(
                    "No knowledge documents in %s: using the index as it is", config.docs_dir
                )
                return None
            current = {c.id: c.content_hash for c in chunk_documents(documents)}
            got = existing.get(include=["metadatas"])
            stored = {
                cid: str((meta or {}).get("hash", ""))
                for cid, meta in zip(got["ids"], got.get("metadatas") or [], strict=False)
            }
            if current == stored:
                return None
            log.info("Knowledge documents changed since the last index: updating it")
        else:
            log.info("No knowledge index yet: building it from %s", config.docs_dir)
        return index(
            config, embeddings=embeddings, client=client, progress=progress, skip_invalid=True
        )
    finally:
        if own_client:
            close_client(client)
