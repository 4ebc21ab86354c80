"""Initiative vectors, embedded once per content and kept in Chroma beside the knowledge base.

Each distinct text (an issue text, a goals text) is stored under the hash of the text and the
model id, so an unchanged initiative is never embedded again, an edited one re-embeds only
what changed, and identical texts ("Food waste") are embedded once. The collection lives on the
knowledge base's Chroma client (a directory or a server), which the caller passes in: an
embedded Chroma directory may be opened by only one process at a time, so this module never
opens one behind the caller's back. Chroma serves as a durable key -> vector store here;
ranking is done blockwise in numpy (`analysis.matching.scoring`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from langchain_core.embeddings import Embeddings

from analysis.matching.text import goals_text, issue_text, text_hash
from analysis.profiles import Profile
from knowledge.chroma import COLLECTION_CONFIGURATION, close_client, open_client
from knowledge.config import BUILTIN_EMBEDDINGS, E5_EMBEDDINGS, KnowledgeConfig
from knowledge.embeddings import load_embeddings, model_id_for

COLLECTION = "helix-initiatives"
META_MODEL = "embedding_model"
#: Chroma refuses very large `get`/`add` calls; this stays under its limits on every backend.
_BATCH = 2000


class VectorStoreMismatch(RuntimeError):
    """The initiative collection holds vectors of another embedding model."""


@dataclass(frozen=True)
class VectorSet:
    """Issue and goals vectors (unit length) of some initiatives; row i belongs to `keys[i]`."""

    keys: list[str]
    issue: np.ndarray
    goals: np.ndarray
    embedded: int = 0
    reused: int = 0
    texts_embedded: int = 0
    index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", {key: i for i, key in enumerate(self.keys)})

    def rows(self, keys: Sequence[str]) -> np.ndarray:
        missing = [key for key in keys if key not in self.index]
        if missing:
            raise KeyError(f"no vectors for {len(missing)} initiative(s), e.g. {missing[0]!r}")
        return np.fromiter((self.index[key] for key in keys), dtype=np.int64, count=len(keys))


def vector_set(
    keys: Sequence[str], issue: Iterable[Sequence[float]], goals: Iterable[Sequence[float]]
) -> VectorSet:
    """A `VectorSet` from plain rows (tests, and callers with their own vectors)."""
    return VectorSet(
        list(keys),
        _unit(np.asarray(list(issue), np.float32)),
        _unit(np.asarray(list(goals), np.float32)),
    )


def _unit(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.asarray(matrix / np.clip(norms, 1e-12, None), dtype=np.float32)


def initiative_collection(client: ClientAPI, model_id: str, name: str = COLLECTION) -> Collection:
    """The initiative vector collection on `client`, created on first use, model checked."""
    collection = client.get_or_create_collection(
        name=name,
        embedding_function=None,
        metadata={META_MODEL: model_id},
        configuration=COLLECTION_CONFIGURATION,
    )
    stored = (collection.metadata or {}).get(META_MODEL)
    if stored != model_id:
        raise VectorStoreMismatch(
            f"collection {name!r} holds vectors of {stored!r}, not {model_id!r}; "
            f"delete it to re-embed the initiatives"
        )
    return collection


#: Embedding settings whose cosines matching's MiniLM cut-offs do not fit (see below).
MINILM_CUT_OFFS_ONLY = frozenset({E5_EMBEDDINGS})


def open_initiative_vectors(
    config: KnowledgeConfig, embeddings: Embeddings | None = None
) -> tuple[ClientAPI, InitiativeVectors]:
    """Client and adapter from a `KnowledgeConfig`; close with `knowledge.chroma.close_client`.

    Pass the knowledge base's `embeddings` to share its loaded model (one ONNX session per
    process). Without them the model is loaded only when a text actually needs embedding, so a
    run on unchanged data (every vector cached) never pays for loading it.
    """
    if config.embeddings in MINILM_CUT_OFFS_ONLY:
        # Matching's cut-offs ("similar issue" at 0.35, the overlap gate) are MiniLM's; e5's
        # cosines sit in a narrow high band where every pair would pass them. Until it has its
        # own, matching keeps MiniLM (a second model in memory) whatever answers use.
        config = replace(config, embeddings=BUILTIN_EMBEDDINGS)
        embeddings = None
    client = open_client(config)
    try:
        model_id = model_id_for(config.embeddings)
        collection = initiative_collection(client, model_id)
    except Exception:
        close_client(client)  # a held directory would block the next process
        raise
    model = embeddings if embeddings is not None else _LazyEmbeddings(config)
    return client, InitiativeVectors(collection, model, model_id)


class _LazyEmbeddings(Embeddings):
    """The configured model, loaded on first use (EmbeddingsUnavailable surfaces then)."""

    def __init__(self, config: KnowledgeConfig) -> None:
        self._config = config
        self._model: Embeddings | None = None

    def _loaded(self) -> Embeddings:
        if self._model is None:
            config = self._config
            self._model = load_embeddings(
                config.embeddings,
                model_path=config.model_path,
                tokenizer_path=config.tokenizer_path,
            )
        return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._loaded().embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self._loaded().embed_query(text)


class InitiativeVectors:
    """Vectors for profiles: cached ones are read from Chroma, only missing texts are embedded."""

    def __init__(self, collection: Collection, embeddings: Embeddings, model_id: str) -> None:
        self._collection = collection
        self._embeddings = embeddings
        self._model_id = model_id

    def vectors_for(self, profiles: Sequence[Profile]) -> VectorSet:
        issue_ids: list[str] = []
        goal_ids: list[str] = []
        texts: dict[str, str] = {}
        for profile in profiles:
            for text, ids in ((issue_text(profile), issue_ids), (goals_text(profile), goal_ids)):
                text_id = text_hash(self._model_id, text)
                ids.append(text_id)
                texts[text_id] = text
        found = self._read(list(texts))
        missing = [text_id for text_id in texts if text_id not in found]
        if missing:
            found.update(self._embed_and_store(missing, texts))
        missing_set = set(missing)
        embedded = sum(
            a in missing_set or b in missing_set for a, b in zip(issue_ids, goal_ids, strict=True)
        )
        return VectorSet(
            keys=[profile.key for profile in profiles],
            issue=_unit(_stack([found[i] for i in issue_ids])),
            goals=_unit(_stack([found[i] for i in goal_ids])),
            embedded=embedded,
            reused=len(profiles) - embedded,
            texts_embedded=len(missing),
        )

    def _read(self, ids: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(ids), _BATCH):
            got = self._collection.get(ids=ids[start : start + _BATCH], include=["embeddings"])
            vectors: Any = got.get("embeddings")
            if vectors is None:
                continue
            for text_id, vector in zip(got["ids"], vectors, strict=True):
                found[text_id] = np.asarray(vector, dtype=np.float32)
        return found

    def _embed_and_store(self, ids: list[str], texts: dict[str, str]) -> dict[str, np.ndarray]:
        made: dict[str, np.ndarray] = {}
        for start in range(0, len(ids), _BATCH):
            batch = ids[start : start + _BATCH]
            vectors = self._embeddings.embed_documents([texts[i] for i in batch])
            self._collection.upsert(
                ids=batch,
                embeddings=np.asarray(vectors, dtype=np.float32),
                metadatas=[{"model": self._model_id} for _ in batch],
            )
            made.update(
                zip(batch, (np.asarray(v, dtype=np.float32) for v in vectors), strict=True)
            )
        return made


def _stack(rows: list[np.ndarray]) -> np.ndarray:
    return np.vstack(rows) if rows else np.zeros((0, 0), dtype=np.float32)
