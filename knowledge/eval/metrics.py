"""Retrieval, answer and decline metrics over the evaluation sets.

Hits are counted per document: a question is answered from documents, and the per-document
ranking is what the sources list shows. hit@k = share of questions with an expected slug in the
top k documents; MRR = mean of 1 / rank of the first expected slug (0 when absent).

Retrieval can rank the right page first while the answer quotes the wrong part of it, so answers
are scored too: answer accuracy = share of in-domain questions whose answer is not declined and
contains every one of the question's facts. A fact is a case-insensitive regular expression,
searched in the answer text and in its accent-folded form, so "produccion" matches "producción"
and a Spanish fact need not spell every accent. Every number is given overall and per group:
English, Spanish, and questions about Helix itself (see `Question.about_helix`), with the share
of answers given in the question's language (Spanish questions are to get Spanish answers).
"""

from __future__ import annotations

import math
import re
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from knowledge.answer import Answer, answer
from knowledge.base import KnowledgeBase
from knowledge.eval.dataset import OffTopic, Question
from knowledge.lexical import fold

KS = (1, 3, 5)
#: Characters of a failing answer shown in the failure list (enough to see what it talks about).
FAILURE_PREVIEW = 200
#: Function words that tell the two languages apart (words both use, such as "a" and "no", are
#: left out). Counting them is enough for a paragraph of answer text; it is not a general detector.
_SPANISH = (
    "el la los las del que y en un una es por para con se su sus lo como más pero este esta "
    "son al también cuando donde qué sobre entre sin hay puede"
)
_ENGLISH = (
    "the of and to in is an that for with are as on it by or be this not your from their "
    "you can what which when"
)
SPANISH_WORDS = frozenset(_SPANISH.split())
ENGLISH_WORDS = frozenset(_ENGLISH.split())
WORD = re.compile(r"[a-záéíóúñü]+")


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


def missing_facts(text: str, facts: Sequence[str]) -> list[str]:
    """The facts (patterns) that `text` does not contain, in the order given."""
    folded = fold(text)
    return [
        fact
        for fact in facts
        if not re.search(fact, text, re.IGNORECASE) and not re.search(fact, folded, re.IGNORECASE)
    ]


def answer_language(text: str) -> str:
    """`es` when the text holds more Spanish than English function words, else `en`."""
    words = WORD.findall(text.lower())
    spanish = sum(1 for w in words if w in SPANISH_WORDS)
    english = sum(1 for w in words if w in ENGLISH_WORDS)
    return "es" if spanish > english else "en"


@dataclass(frozen=True)
class Outcome:
    """What happened to one in-domain question: its retrieval rank and its answer."""

    question: Question
    rank: int | None
    grounded: bool
    text: str
    missing: tuple[str, ...]
    latency_ms: float

    @property
    def correct(self) -> bool:
        return self.grounded and not self.missing

    @property
    def in_question_language(self) -> bool:
        return answer_language(self.text) == self.question.lang


def answer_accuracy(outcomes: Sequence[Outcome]) -> float:
    """Share of questions answered (not declined) with every fact present; 0 for none."""
    return sum(1 for o in outcomes if o.correct) / len(outcomes) if outcomes else 0.0


def summarise(outcomes: Sequence[Outcome]) -> dict[str, float]:
    """Retrieval and answer numbers of one group of questions."""
    n = max(1, len(outcomes))
    ranks = [o.rank for o in outcomes]
    latencies = [o.latency_ms for o in outcomes]
    summary: dict[str, float] = {"questions": len(outcomes)}
    for k in KS:
        summary[f"hit@{k}"] = sum(1 for r in ranks if r is not None and r <= k) / n
    summary["mrr"] = sum(1 / r for r in ranks if r is not None) / n
    summary["accuracy"] = answer_accuracy(outcomes)
    summary["false_decline"] = sum(1 for o in outcomes if not o.grounded) / n
    answered = [o for o in outcomes if o.grounded]
    summary["in_question_language"] = (
        sum(1 for o in answered if o.in_question_language) / len(answered) if answered else 0.0
    )
    summary["latency_p50_ms"] = statistics.median(latencies) if latencies else float("nan")
    summary["latency_p95_ms"] = percentile(latencies, 95)
    return summary


def groups(outcomes: Sequence[Outcome]) -> dict[str, dict[str, float]]:
    """`summarise` overall, for English, Spanish and about-Helix questions."""
    return {
        "all": summarise(outcomes),
        "en": summarise([o for o in outcomes if o.question.lang == "en"]),
        "es": summarise([o for o in outcomes if o.question.lang == "es"]),
        "helix": summarise([o for o in outcomes if o.question.about_helix]),
    }


def failure(outcome: Outcome) -> dict[str, Any]:
    """One wrong answer, as the `--failures` list shows it."""
    return {
        "q": outcome.question.q,
        "lang": outcome.question.lang,
        "declined": not outcome.grounded,
        "missing": list(outcome.missing),
        "answer": outcome.text[:FAILURE_PREVIEW],
    }


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
    accuracy: float = 0.0
    groups: dict[str, dict[str, float]] = field(default_factory=dict)
    failures: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self, *, with_failures: bool = False) -> dict[str, Any]:
        data = asdict(self)
        data["hit_at"] = {f"hit@{k}": v for k, v in self.hit_at.items()}
        if not with_failures:
            del data["failures"]
        return data


def evaluate(
    kb: KnowledgeBase,
    questions: Sequence[Question],
    offtopic: Sequence[OffTopic],
    shown: Callable[[Answer], str] = lambda result: result.text,
) -> EvalReport:
    """Score retrieval, answers, declines and warm answer latency of one knowledge base.
    `shown` is the text a user reads for an answer (the surfaces add one-line notes, such as
    "This is Helix's own reading", in the asker's language); facts are checked in it."""
    ranks = [first_rank(q.expected, kb.retrieve(q.q).slugs) for q in questions]
    answer(questions[0].q if questions else "warm-up", kb)  # warm caches before timing
    outcomes: list[Outcome] = []
    for question, rank in zip(questions, ranks, strict=True):
        start = time.perf_counter()
        result = answer(question.q, kb)
        elapsed = (time.perf_counter() - start) * 1000
        text = shown(result)
        missing = tuple(missing_facts(text, question.facts))
        outcomes.append(Outcome(question, rank, result.grounded, text, missing, elapsed))
    answered: list[str] = []
    declined = {"offtopic": 0, "injection": 0}
    totals = {"offtopic": 0, "injection": 0}
    for item in offtopic:
        totals[item.kind] += 1
        if answer(item.q, kb).grounded:
            answered.append(item.q)
        else:
            declined[item.kind] += 1
    overall = groups(outcomes)
    summary = overall["all"]
    return EvalReport(
        mode=kb.mode,
        questions=len(questions),
        hit_at={k: summary[f"hit@{k}"] for k in KS},
        mrr=summary["mrr"],
        offtopic=len(offtopic),
        offtopic_declined=declined["offtopic"] / max(1, totals["offtopic"]),
        injection_declined=declined["injection"] / max(1, totals["injection"]),
        false_decline=summary["false_decline"],
        latency_p50_ms=summary["latency_p50_ms"],
        latency_p95_ms=summary["latency_p95_ms"],
        misses=[o.question.q for o in outcomes if o.rank is None or o.rank > max(KS)],
        answered_offtopic=answered,
        false_declines=[o.question.q for o in outcomes if not o.grounded],
        accuracy=summary["accuracy"],
        groups=overall,
        failures=[failure(o) for o in outcomes if not o.correct],
    )
