"""Hybrid retrieval results: reciprocal-rank fusion and per-document aggregation.

Dense search finds paraphrases ("who should be at the table" → stakeholder mapping); BM25 finds
exact terms and acronyms the small embedding model blurs ("SCS", "PS"). Reciprocal-rank fusion
combines the two rankings without calibrating their incomparable scores: each list contributes
1 / (c + rank), c = 60 (Cormack et al. 2009). Measured on a 615-chunk corpus, RRF of MiniLM int8
and BM25 lifted hit@5 from .875 (dense) / .833 (BM25) to .917 and MRR from .72 to .765.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from knowledge.chunking import Chunk

RRF_C = 60
DENSE_K = 20
KEYWORD_K = 20

Mode = Literal["hybrid", "keyword"]


def rrf(
    rankings: Sequence[Sequence[str]], *, c: int = RRF_C, weights: Sequence[float] | None = None
) -> list[tuple[str, float]]:
    """Fuse ranked id lists by reciprocal rank; each id counted once per list (its best rank).

    Ties keep the order in which ids were first seen, earlier lists first, so the result is
    deterministic and a dense-first tie-break falls out naturally.
    """
    weights = weights or [1.0] * len(rankings)
    scores: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        seen: set[str] = set()
        for rank, item in enumerate(ranking, start=1):
            if item in seen:
                continue
            seen.add(item)
            scores[item] = scores.get(item, 0.0) + weight / (c + rank)
    order = {item: i for i, item in enumerate(scores)}
    return sorted(scores.items(), key=lambda kv: (-kv[1], order[kv[0]]))


@dataclass(frozen=True)
class Hit:
    """One fused chunk with the evidence behind it (None: that retriever did not return it)."""

    chunk: Chunk
    score: float
    cosine: float | None = None
    bm25: float | None = None


@dataclass(frozen=True)
class DocumentHit:
    """A document's best fused rank and its retrieved chunks (for sources and answers)."""

    slug: str
    title: str
    path: str
    score: float
    hits: tuple[Hit, ...]


@dataclass(frozen=True)
class Retrieval:
    """Everything `answer` needs to decide, quote and cite."""

    question: str
    hits: list[Hit]
    mode: Mode
    best_cosine: float | None = None
    coverage: float = 0.0
    keyword_match: float = 0.0
    #: Question words that name a concept (title/alias words) and occur in a top keyword chunk.
    domain_terms: tuple[str, ...] = ()
    warning: str | None = None
    documents: list[DocumentHit] = field(default_factory=list)
    #: The question's unit vector (None in keyword-only mode): answers rank sentences with it.
    vector: np.ndarray | None = field(default=None, compare=False, repr=False)

    @property
    def slugs(self) -> list[str]:
        """Documents in rank order (what hit@k is measured on)."""
        return [d.slug for d in self.documents]


def by_document(hits: Sequence[Hit]) -> list[DocumentHit]:
    """Group fused chunks per document, ranked by each document's best chunk."""
    grouped: dict[str, list[Hit]] = {}
    for hit in hits:
        grouped.setdefault(hit.chunk.slug, []).append(hit)
    return [
        DocumentHit(
            slug=slug,
            title=group[0].chunk.title,
            path=group[0].chunk.path,
            score=group[0].score,
            hits=tuple(group),
        )
        for slug, group in grouped.items()
    ]
