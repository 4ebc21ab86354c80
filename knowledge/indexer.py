"""Build and update the Chroma index incrementally.

Embedding dominates indexing (~50 ms per chunk, ~15 ms per sentence on 2 cores), so the indexer
compares the content hash of every unit with what is stored and embeds only new or changed ones.
Two collections are kept in step: the chunks (retrieval) and the sentences of every page version,
English and translations (what answers are built from). When an edit shifts later units to new
ids, their text still matches a stored vector, which is copied instead of recomputed; an
unchanged document is never re-embedded. Units of deleted or shortened documents are removed.
Writes go in small batches so an interrupted run keeps what it finished; the next run picks up
the rest.

The library never prints: progress goes to an optional callback (the CLI draws a bar with it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from langchain_core.embeddings import Embeddings

from knowledge.chroma import (
    check_compatible,
    close_client,
    create_collection,
    find_collection,
    open_client,
    sentence_collection_name,
    vector_store,
)
from knowledge.chunking import chunk_documents
from knowledge.config import KnowledgeConfig
from knowledge.documents import DocumentError, LoadResult, load_documents
from knowledge.embeddings import load_embeddings, model_id_for
from knowledge.sentences import split_documents

if TYPE_CHECKING:  # imported by `vector_store` when an index is written, not to answer
    from langchain_chroma import Chroma

log = logging.getLogger(__name__)

#: (done, total) units to embed; called once with (0, total) before any work.
Progress = Callable[[int, int], None]
BATCH = 16


class Unit(Protocol):
    """What the indexer stores: a chunk or a sentence."""

    @property
    def id(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def content_hash(self) -> str: ...
    @property
    def vector_key(self) -> str: ...
    def metadata(self) -> dict[str, Any]: ...


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
    #: Sentences (all page versions) embedded anew / stored in total.
    sentences_embedded: int = 0
    sentences: int = 0
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
        sentences_name = sentence_collection_name(config.collection)
        if rebuild:
            # Only now: a rebuild that cannot embed must not have destroyed the old index.
            for name in (config.collection, sentences_name):
                if find_collection(client, name) is not None:
                    client.delete_collection(name)
            existing = None
        collection = existing or create_collection(client, config.collection, model_id)
        sentences = find_collection(client, sentences_name) or create_collection(
            client, sentences_name, model_id
        )
        chunk_plan = _plan(collection, chunk_documents(loaded.documents))
        sentence_plan = _plan(sentences, _sentences(loaded))
        total = len(chunk_plan.to_embed) + len(sentence_plan.to_embed)
        if progress:
            progress(0, total)
        counted = _Counter(total, progress)
        report = _apply(
            collection, vector_store(client, config.collection, embeddings), chunk_plan, counted
        )
        said = _apply(
            sentences, vector_store(client, sentences_name, embeddings), sentence_plan, counted
        )
        report.sentences_embedded = said.embedded
        report.sentences = said.added + said.updated + said.unchanged
        report.documents = len(loaded.documents)
        report.refused = list(loaded.problems)
        log.info("Knowledge index updated: %s", report.as_dict())
        return report
    finally:
        if own_client:
            close_client(client)


def _sentences(loaded: LoadResult) -> list[Any]:
    """The sentences of every page version: English pages, then their translations."""
    return split_documents([*loaded.documents, *loaded.translations])


def _stored_hashes(collection: Collection) -> dict[str, tuple[str, str]]:
    """id -> (content hash, vector key) of what a collection holds (chunks: key = hash)."""
    got = collection.get(include=["metadatas"])
    out: dict[str, tuple[str, str]] = {}
    for cid, meta in zip(got["ids"], got.get("metadatas") or [], strict=False):
        content = str((meta or {}).get("hash", ""))
        out[cid] = (content, str((meta or {}).get("vkey", content)))
    return out


@dataclass
class _Plan:
    report: IndexReport
    todo: list[Unit]
    vectors: dict[str, np.ndarray]
    removed: list[str]

    @property
    def to_embed(self) -> list[Unit]:
        return [u for u in self.todo if u.id not in self.vectors]


class _Counter:
    """Progress over both collections: one bar from 0 to everything that needs embedding."""

    def __init__(self, total: int, progress: Progress | None) -> None:
        self.total, self.done, self.progress = total, 0, progress

    def add(self, n: int) -> None:
        self.done += n
        if self.progress:
            self.progress(self.done, self.total)


def _plan(collection: Collection, units: Sequence[Unit]) -> _Plan:
    """What to write: new and changed units, vectors to copy for moved text, ids to delete."""
    stored = _stored_hashes(collection)
    by_key = {key: cid for cid, (_, key) in stored.items()}
    report = IndexReport()
    todo: list[Unit] = []
    for unit in units:
        if unit.id not in stored:
            report.added += 1
            todo.append(unit)
        elif stored[unit.id][0] != unit.content_hash:
            report.updated += 1
            todo.append(unit)
        else:
            report.unchanged += 1
    vectors: dict[str, np.ndarray] = {}
    reusable = [u for u in todo if u.vector_key in by_key]
    if reusable:
        source_ids = sorted({by_key[u.vector_key] for u in reusable})
        old = collection.get(ids=source_ids, include=["embeddings"])
        stored_vectors = old["embeddings"]  # a numpy array: no truthiness tests on it
        old_vectors = {
            cid: np.asarray(vector, dtype=np.float32)
            for cid, vector in zip(
                old["ids"], [] if stored_vectors is None else stored_vectors, strict=True
            )
        }
        for unit in reusable:
            vector = old_vectors.get(by_key[unit.vector_key])
            if vector is not None:
                vectors[unit.id] = vector
    wanted = {u.id for u in units}
    return _Plan(report, todo, vectors, sorted(set(stored) - wanted))


def _apply(collection: Collection, store: Chroma, plan: _Plan, counter: _Counter) -> IndexReport:
    """Write a plan: copy reused vectors first (before anything is overwritten), embed the
    rest in small batches, then delete what no document has any more."""
    report = plan.report
    if plan.vectors:
        moved = [u for u in plan.todo if u.id in plan.vectors]
        collection.upsert(
            ids=[u.id for u in moved],
            embeddings=np.stack([plan.vectors[u.id] for u in moved]),
            documents=[u.text for u in moved],
            metadatas=[u.metadata() for u in moved],
        )
        report.reused = len(moved)
    to_embed = plan.to_embed
    for start in range(0, len(to_embed), BATCH):
        batch = to_embed[start : start + BATCH]
        store.add_texts(
            [u.text for u in batch],
            metadatas=[u.metadata() for u in batch],
            ids=[u.id for u in batch],
        )
        report.embedded += len(batch)
        counter.add(len(batch))
    if plan.removed:
        collection.delete(ids=plan.removed)
    report.removed = len(plan.removed)
    return report


def _current(collection: Collection | None, units: Sequence[Unit]) -> bool:
    """Whether a collection holds exactly these units (by id and content hash)."""
    if collection is None:
        return False
    stored = {cid: content for cid, (content, _) in _stored_hashes(collection).items()}
    return stored == {u.id: u.content_hash for u in units}


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
            loaded = load_documents(config.docs_dir)
            if not loaded.documents:
                log.warning(
                    "No knowledge documents in %s: using the index as it is", config.docs_dir
                )
                return None
            if _current(existing, chunk_documents(loaded.documents)) and _current(
                find_collection(client, sentence_collection_name(config.collection)),
                _sentences(loaded),
            ):
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
