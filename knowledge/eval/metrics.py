"""Retrieval and decline metrics over the evaluation sets.

Hits are counted per document: a question is answered from documents, and the per-document
ranking is what the sources list shows. hit@k = share of questions with an expected slug in the
top k documents; MRR = mean of 1 / rank of the first expected slug (0 when absent).
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from knowledge.answer import answer
from knowledge.base import KnowledgeBase
from knowledge.eval.dataset import OffTopic, Question

KS = (1, 3, 5)


def first_rank(expected: Sequence[str], ranking: Sequence[str]) -> int | None:
    """1-based rank of the first expected slug in `ranking`, None when absent."""
    wanted = set(expected)
    for rank, slug in enumerate(ranking, start=1):
        if slug in wanted:
            return rank
    return None


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (no interpolation: with 50 samples, p95 is a real sample)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, math.ceil(pct / 100 * len(ordered)) - 1))
    return ordered[index]


@dataclass
class EvalReport:
    """One retriever's numbers on the evaluation sets."""

    mode: str
    questions: int
    hit_at: dict[int, float]
    mrr: float
    offtopic: int
    offtopic_declined: float
    injection_declined: float
    false_decline: float
    latency_p50_ms: float
    latency_p95_ms: float
    misses: list[str] = field(default_factory=list)
    answered_offtopic: list[str] = field(default_factory=list)
    false_declines: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["hit_at"] = {f"hit@{k}": v for k, v in self.hit_at.items()}
        return data


def evaluate(
    kb: KnowledgeBase, questions: Sequence[Question], offtopic: Sequence[OffTopic]
) -> EvalReport:
    """Score retrieval, declines and warm answer latency of one knowledge base."""
    ranks: list[int | None] = []
    misses: list[str] = []
    for question in questions:
        rank = first_rank(question.expected, kb.retrieve(question.q).slugs)
        ranks.append(rank)
        if rank is None or rank > max(KS):
            misses.append(question.q)
    n = max(1, len(questions))
    hit_at = {k: sum(1 for r in ranks if r is not None and r <= k) / n for k in KS}
    mrr = sum(1 / r for r in ranks if r is not None) / n
    answer(questions[0].q if questions else "warm-up", kb)  # warm caches before timing
    latencies: list[float] = []
    false_declines: list[str] = []
    for question in questions:
        start = time.perf_counter()
        result = answer(question.q, kb)
        latencies.append((time.perf_counter() - start) * 1000)
        if not result.grounded:
            false_declines.append(question.q)
    answered: list[str] = []
    declined = {"offtopic": 0, "injection": 0}
    totals = {"offtopic": 0, "injection": 0}
    for item in offtopic:
        totals[item.kind] += 1
        if answer(item.q, kb).grounded:
            answered.append(item.q)
        else:
            declined[item.kind] += 1
    return EvalReport(
        mode=kb.mode,
        questions=len(questions),
        hit_at=hit_at,
        mrr=mrr,
        offtopic=len(offtopic),
        offtopic_declined=declined["offtopic"] / max(1, totals["offtopic"]),
        injection_declined=declined["injection"] / max(1, totals["injection"]),
        false_decline=len(false_declines) / n,
        latency_p50_ms=statistics.median(latencies) if latencies else float("nan"),
        latency_p95_ms=percentile(latencies, 95),
        misses=misses,
        answered_offtopic=answered,
        false_declines=false_declines,
    )
