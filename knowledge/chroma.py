"""The Chroma side of the index: client, collection and the compatibility check.

Two deployments, one code path: a persistent directory (embedded Chroma; one process at a time)
or a Chroma server (`chroma run ...`, required once several workers share the index). Telemetry
is switched off so nothing leaves the machine, and vectors are always computed client-side and
passed in, so Chroma's own default embedding function (which downloads a model) never runs.

Vectors from different models live in different spaces, so the collection records the model id
and the chunker version it was built with; a mismatch is refused rather than queried.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import chromadb
import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.collection_configuration import CreateCollectionConfiguration
from chromadb.api.models.Collection import Collection
from chromadb.config import Settings
from chromadb.errors import NotFoundError
from langchain_core.embeddings import Embeddings

from knowledge.chunking import CHUNKER_VERSION
from knowledge.config import KnowledgeConfig

if TYPE_CHECKING:
    # LangChain's Chroma (with langsmith, requests and httpx) costs ~15 MB resident; only
    # writing an index needs it, so a process that only answers never imports it.
    from langchain_chroma import Chroma

log = logging.getLogger(__name__)

META_MODEL = "embedding_model"
META_CHUNKER = "chunker_version"
#: Cosine distance: scores are then 1 - cosine, comparable with the calibrated threshold.
COLLECTION_CONFIGURATION: CreateCollectionConfiguration = {"hnsw": {"space": "cosine"}}
REBUILD_HINT = "run `helix index --rebuild`"


class StoreUnavailable(RuntimeError):
    """The Chroma server cannot be reached or the index directory cannot be opened."""


class IndexMismatchError(RuntimeError):
    """The stored index was built with another embedding model or chunker."""


def client_settings() -> Settings:
    """Chroma settings for every client we create: no telemetry, no reset endpoint."""
    return Settings(anonymized_telemetry=False, allow_reset=False)


def _close_http_pool_on_stop() -> None:
    """Make chromadb's HTTP API close its connection pool when its system stops.

    `FastAPI.stop` (chromadb 1.x) only marks the component stopped and leaves the `httpx.Client`
    it created open, so every `HttpClient` leaks its sockets until garbage collection, which
    Python reports as a ResourceWarning (an error in our test suite). Closing the pool when the
    last client of that server is closed (`close_client`) is what chromadb should do itself.
    """
    from chromadb.api.fastapi import FastAPI

    if getattr(FastAPI.stop, "_closes_pool", False):
        return
    original = FastAPI.stop

    def stop(self: FastAPI) -> None:
        original(self)
        session = getattr(self, "_session", None)
        if session is not None:
            session.close()

    stop._closes_pool = True  # type: ignore[attr-defined]
    FastAPI.stop = stop  # type: ignore[method-assign,assignment]


def open_client(config: KnowledgeConfig) -> ClientAPI:
    """A Chroma client for the configured deployment; raises `StoreUnavailable` when it can't."""
    try:
        if config.chroma_host:
            _close_http_pool_on_stop()
            # HttpClient pings the server at construction: a dead server fails here, fast.
            return chromadb.HttpClient(
                host=config.chroma_host, port=config.chroma_port, settings=client_settings()
            )
        config.chroma_path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(config.chroma_path), settings=client_settings())
    except Exception as exc:  # chromadb raises ValueError, OSError, or its own errors here
        where = (
            f"Chroma server {config.chroma_host}:{config.chroma_port}"
            if config.chroma_host
            else f"index directory {config.chroma_path}"
        )
        raise StoreUnavailable(f"cannot open the {where}: {exc}") from exc


def close_client(client: ClientAPI | None) -> None:
    """Release the client (for a persistent directory this frees the SQLite file)."""
    close = getattr(client, "close", None)
    if callable(close):
        try:
            close()
        except Exception:  # closing is best effort; the process may be exiting anyway
            log.debug("closing the Chroma client failed", exc_info=True)


def find_collection(client: ClientAPI, name: str) -> Collection | None:
    """The collection, or None when the index was never built."""
    try:
        return client.get_collection(name=name, embedding_function=None)
    except NotFoundError:
        return None
    except ValueError as exc:  # older servers report a missing collection as ValueError
        if "does not exist" in str(exc):
            return None
        raise


def collection_metadata(model_id: str) -> dict[str, Any]:
    return {META_MODEL: model_id, META_CHUNKER: CHUNKER_VERSION}


def check_compatible(collection: Collection, model_id: str) -> None:
    """Refuse an index built with another model or chunker, saying how to fix it."""
    meta = collection.metadata or {}
    stored_model = meta.get(META_MODEL)
    if stored_model != model_id:
        raise IndexMismatchError(
            f"The knowledge index was built with embedding model {stored_model!r}, but "
            f"{model_id!r} is configured; {REBUILD_HINT} to re-embed the documents."
        )
    stored_chunker = meta.get(META_CHUNKER)
    if stored_chunker != CHUNKER_VERSION:
        raise IndexMismatchError(
            f"The knowledge index was built with chunker {stored_chunker!r}, this version uses "
            f"{CHUNKER_VERSION!r}; {REBUILD_HINT} to re-chunk the documents."
        )


def sentence_collection_name(collection: str) -> str:
    """The collection beside the chunks that holds every page version's sentences."""
    return f"{collection}_sentences"


#: Sentences are read in pages: one `get` of all of them leaves ~35 MB of Chroma's transient
#: buffers in the process for good (measured: 46 MB in one read, 10 MB in pages of 100).
SENTENCE_PAGE = 100


def stored_sentences(
    collection: Collection,
) -> tuple[list[str], list[str], list[dict[str, Any]], np.ndarray | None]:
    """All ids, texts, metadata and vectors of the sentence collection (read once at open)."""
    ids: list[str] = []
    texts: list[str] = []
    metas: list[dict[str, Any]] = []
    vectors: list[np.ndarray] = []
    total = collection.count()
    for offset in range(0, total, SENTENCE_PAGE):
        got = collection.get(
            include=["documents", "metadatas", "embeddings"], limit=SENTENCE_PAGE, offset=offset
        )
        n = len(got["ids"])
        ids.extend(got["ids"])
        texts.extend(t or "" for t in (got.get("documents") or [""] * n))
        metas.extend(dict(m or {}) for m in (got.get("metadatas") or [{}] * n))
        stored = got.get("embeddings")
        if stored is not None and len(stored) == n:
            vectors.append(np.asarray(stored, dtype=np.float32))
    complete = vectors and sum(len(v) for v in vectors) == len(ids)
    return ids, texts, metas, np.concatenate(vectors) if complete else None


def create_collection(client: ClientAPI, name: str, model_id: str) -> Collection:
    """Create (or open) the collection with cosine space and our metadata."""
    return client.get_or_create_collection(
        name=name,
        embedding_function=None,
        metadata=collection_metadata(model_id),
        configuration=COLLECTION_CONFIGURATION,
    )


def vector_store(client: ClientAPI, name: str, embeddings: Embeddings) -> Chroma:
    """LangChain's Chroma over an existing collection; it embeds texts and queries for us."""
    from langchain_chroma import Chroma

    return Chroma(
        client=client,
        collection_name=name,
        embedding_function=embeddings,
        create_collection_if_not_exists=False,
    )


def stored_chunks(collection: Collection) -> tuple[list[str], list[str], list[dict[str, Any]]]:
    """All ids, texts and metadata in the collection (the BM25 index is built from these)."""
    got = collection.get(include=["documents", "metadatas"])
    ids = list(got["ids"])
    texts = [t or "" for t in (got.get("documents") or [""] * len(ids))]
    metas = [dict(m or {}) for m in (got.get("metadatas") or [{}] * len(ids))]
    return ids, texts, metas
