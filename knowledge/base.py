"""`KnowledgeBase`: the opened index, ready to retrieve — degraded rather than broken.

Opening loads the embedding model, connects to Chroma, builds the index on first start, and reads
every stored chunk into memory for BM25 (a few hundred chunks; the keyword index costs
milliseconds to build) and every stored sentence with its vector (what answers are built from).
Whatever fails on the way — model file missing or corrupt, index built by another model, Chroma
server down — the base still opens in keyword-only mode with a `warning`
that every answer carries, and the reason goes to the log once. Users get a weaker answer, never
a crash; the deployer gets a message saying what to fix.
"""

from __future__ import annotations

import logging
from types import TracebackType
from typing import Any

import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.models.Collection import Collection
from langchain_core.embeddings import Embeddings

from knowledge.chroma import (
    IndexMismatchError,
    StoreUnavailable,
    check_compatible,
    close_client,
    find_collection,
    open_client,
    sentence_collection_name,
    stored_chunks,
    stored_sentences,
)
from knowledge.chunking import Chunk, chunk_documents
from knowledge.config import KnowledgeConfig
from knowledge.documents import DocumentError, load_documents
from knowledge.embeddings import EmbeddingsUnavailable, load_embeddings, model_id_for
from knowledge.guard import DOMAIN_MIN_IDF_SHARE, DOMAIN_NAME_MAX_WORDS, thresholds_for
from knowledge.heap import release_free_memory
from knowledge.indexer import Progress, ensure_index
from knowledge.lexical import KeywordIndex, clean, tokenize
from knowledge.passages import SentenceIndex
from knowledge.retrieval import (
    DENSE_K,
    KEYWORD_K,
    Hit,
    Mode,
    Retrieval,
    by_document,
    rrf,
)
from knowledge.sentences import Sentence

log = logging.getLogger(__name__)

#: Keyword evidence looks at the best few BM25 chunks (one of them must hold the question's words).
MATCH_DEPTH = 3
KEYWORD_ONLY = "Semantic search is unavailable ({reason}); answers use keyword search only."


def domain_vocabulary(chunks: list[Chunk], keywords: KeywordIndex) -> frozenset[str]:
    """Words that name a concept of this knowledge base: the words of its titles and short
    aliases that are not spread all over the corpus (idf >= `DOMAIN_MIN_IDF_SHARE` of the largest).

    Keyword-only mode cannot tell "bad weather today" from a real question by word weight
    alone (both share a few common words with some chunk); a question that uses none of the
    words the documents are named by is almost never about them. Long aliases ("how does our
    work lead to change") are phrasings, not names, so they do not count.
    """
    names = {name for chunk in chunks for name in chunk.names}
    words: set[str] = set()
    for name in names:
        if len(name.split()) <= DOMAIN_NAME_MAX_WORDS:
            words.update(tokenize(name))
    bar = DOMAIN_MIN_IDF_SHARE * keywords.max_idf
    return frozenset(w for w in words if keywords.idf(w) >= bar)


def _stored_sentences(
    client: ClientAPI, config: KnowledgeConfig, *, vectors: bool
) -> SentenceIndex | None:
    """The stored sentences (with vectors when the model is usable); None when not stored yet,
    so the base splits them from the documents instead."""
    collection = find_collection(client, sentence_collection_name(config.collection))
    if collection is None or collection.count() == 0:
        return None
    if vectors:
        check_compatible(collection, model_id_for(config.embeddings))
    ids, texts, metas, stored = stored_sentences(collection)
    units = [Sentence.from_stored(i, t, m) for i, t, m in zip(ids, texts, metas, strict=True)]
    return SentenceIndex(units, stored if vectors else None)


def named_pages(chunks: list[Chunk]) -> dict[str, str]:
    """Folded title or alias -> the page it names; a name two pages share names neither."""
    owners: dict[str, set[str]] = {}
    for chunk in chunks:
        for name in chunk.names:
            owners.setdefault(" ".join(tokenize(name)), set()).add(chunk.slug)
    return {name: next(iter(slugs)) for name, slugs in owners.items() if name and len(slugs) == 1}


class KnowledgeBase:
    """Chunks in memory + BM25 + (when healthy) the embeddings and the Chroma collection.

    Queries go to the collection directly, asking for ids and distances only: the chunk texts
    are already in memory, and having Chroma ship documents and metadata back (what LangChain's
    `similarity_search_with_score` does) costs 1.5 ms of a ~6 ms query. Writes go through
    LangChain's `Chroma` in the indexer.
    """

    def __init__(
        self,
        config: KnowledgeConfig,
        chunks: list[Chunk],
        *,
        embeddings: Embeddings | None = None,
        collection: Collection | None = None,
        client: ClientAPI | None = None,
        warning: str | None = None,
        sentences: SentenceIndex | None = None,
    ) -> None:
        """`sentences` defaults to the documents of `config.docs_dir`, split without vectors."""
        self.config = config
        self.chunks = chunks
        self.by_id = {c.id: c for c in chunks}
        self.keywords = KeywordIndex([c.text for c in chunks])
        self.embeddings = embeddings if collection is not None else None
        self.collection = collection if embeddings is not None else None
        self.domain_vocabulary = domain_vocabulary(chunks, self.keywords)
        self.named = named_pages(chunks)
        self.warning = warning
        #: The decline rule calibrated for this model's cosine scale.
        self.thresholds = thresholds_for(model_id_for(config.embeddings))
        if sentences is None:
            sentences = SentenceIndex.from_documents(load_documents(config.docs_dir))
        if not len(sentences) and chunks:
            # No documents to split (an index shipped without them): the chunks' own text.
            sentences = SentenceIndex.from_chunks(chunks)
        self.sentences = sentences
        self._client = client
        self.llm_cache: dict[str, Any] = {}

    @property
    def mode(self) -> str:
        return "hybrid" if self.collection is not None else "keyword"

    @classmethod
    def open(
        cls,
        config: KnowledgeConfig,
        *,
        embeddings: Embeddings | None = None,
        auto_index: bool = True,
        progress: Progress | None = None,
    ) -> KnowledgeBase:
        """Open (and on first start build) the index; never raises for a degraded setup."""
        warning: str | None = None
        if embeddings is None:
            try:
                embeddings = load_embeddings(
                    config.embeddings,
                    model_path=config.model_path,
                    tokenizer_path=config.tokenizer_path,
                )
            except EmbeddingsUnavailable as exc:
                warning = KEYWORD_ONLY.format(reason=exc)
        client: ClientAPI | None = None
        dense: Collection | None = None
        chunks: list[Chunk] = []
        sentences: SentenceIndex | None = None
        try:
            client = open_client(config)
            if embeddings is not None and auto_index:
                ensure_index(config, embeddings=embeddings, client=client, progress=progress)
            collection = find_collection(client, config.collection)
            if collection is not None:
                ids, texts, metas = stored_chunks(collection)
                chunks = [
                    Chunk.from_stored(i, t, m) for i, t, m in zip(ids, texts, metas, strict=True)
                ]
                chunks.sort(key=lambda c: (c.slug, c.n))
                if embeddings is not None:
                    check_compatible(collection, model_id_for(config.embeddings))
                    dense = collection
                sentences = _stored_sentences(client, config, vectors=dense is not None)
        except IndexMismatchError as exc:
            warning = f"{exc} Until then answers use keyword search only."
        except (StoreUnavailable, EmbeddingsUnavailable, DocumentError) as exc:
            warning = KEYWORD_ONLY.format(reason=exc)
        if dense is None and warning is None:
            warning = KEYWORD_ONLY.format(reason="the index is empty")
        if not chunks:
            # No usable index at all: keyword search straight from the documents.
            loaded = load_documents(config.docs_dir)
            chunks = chunk_documents(loaded.documents)
        if warning:
            log.warning("Knowledge base: %s", warning)
        base = cls(
            config,
            chunks,
            embeddings=embeddings,
            collection=dense,
            client=client,
            warning=warning,
            sentences=sentences,
        )
        release_free_memory()  # the model load's and the reads' peak, freed but still held
        return base

    def retrieve(
        self, question: str, *, dense_k: int = DENSE_K, keyword_k: int = KEYWORD_K
    ) -> Retrieval:
        """Hybrid (dense + BM25, fused by RRF) or keyword-only when the model is unavailable."""
        question = clean(question)
        warning = self.warning
        dense: list[tuple[str, float]] = []
        unit: np.ndarray | None = None
        if self.collection is not None and self.embeddings is not None and dense_k > 0:
            try:
                vector = np.asarray(self.embeddings.embed_query(question), dtype=np.float32)
                found = self.collection.query(
                    query_embeddings=vector[None, :],
                    n_results=dense_k,
                    include=["distances"],
                )
                distances = (found.get("distances") or [[]])[0]
                for cid, distance in zip(found["ids"][0], distances, strict=True):
                    if cid in self.by_id:  # cosine space: distance = 1 - cosine
                        dense.append((cid, 1.0 - float(distance)))
                unit = vector / max(float(np.linalg.norm(vector)), 1e-12)
            except Exception as exc:  # any provider or Chroma failure: keyword answer instead
                log.warning("Dense retrieval failed, using keyword search: %s", exc)
                warning = KEYWORD_ONLY.format(reason=f"dense search failed: {exc}")
                dense, unit = [], None
        keyword = self.keywords.search(question, keyword_k)
        keyword_ids = [self.chunks[h.index].id for h in keyword]
        mode: Mode = "hybrid" if dense else "keyword"
        fused = rrf([[cid for cid, _ in dense], keyword_ids])
        cosines = dict(dense)
        bm25 = {self.chunks[h.index].id: h.score for h in keyword}
        hits = [
            Hit(self.by_id[cid], score, cosines.get(cid), bm25.get(cid)) for cid, score in fused
        ]
        top = [h.index for h in keyword[:MATCH_DEPTH]]
        named = set(tokenize(question)) & self.domain_vocabulary
        in_top: set[str] = set().union(*(self.keywords.terms_of(i) for i in top)) if top else set()
        return Retrieval(
            question=question,
            hits=hits,
            mode=mode,
            best_cosine=dense[0][1] if dense else None,
            coverage=self.keywords.coverage(question),
            keyword_match=self.keywords.match(question, top),
            domain_terms=tuple(sorted(named & in_top)),
            warning=warning,
            documents=by_document(hits),
            vector=unit,
        )

    def titles(self) -> list[tuple[str, str, str]]:
        """(slug, title, path) of every document, in slug order."""
        seen: dict[str, tuple[str, str, str]] = {}
        for chunk in self.chunks:
            seen.setdefault(chunk.slug, (chunk.slug, chunk.title, chunk.path))
        return sorted(seen.values())

    def close(self) -> None:
        """Release the Chroma client (frees the persistent directory for another process)."""
        close_client(self._client)
        self._client = None
        self.collection = None

    def __enter__(self) -> KnowledgeBase:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
