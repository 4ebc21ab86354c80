"""Calibrate the decline rule of `knowledge.guard` on the committed evaluation sets.

Run `python -m knowledge.eval.calibrate`. For every in-domain question (must be answered) and
every off-topic question or pattern-missed injection (must be declined) it measures the evidence
the guard looks at: the best chunk's cosine, the keyword coverage and the keyword match. For
the hybrid rule (cosine + w × coverage) it tries each weight w, and for each the threshold that
minimises errors (an answered off-topic question counts twice a false decline) and, among equally
good ones, sits in the widest gap; the keyword-only rule gets its own threshold. It prints the
chosen values, the margins to the nearest sample on each side, a leave-one-out error estimate
(each question judged by a threshold chosen without it), and the questions on the wrong side,
for the comment next to the constants in `guard.py`.

The Spanish ("translated") threshold is chosen the same way from the evidence of the question's
own-language sentences: between the non-English off-topic questions and the non-English in-domain
questions the chunk rule declines (the ones it exists to rescue). `--embeddings` calibrates
another model (e.g. `e5-small-q4`); `current` then shows that model's thresholds. Calibrating on
the evaluation set fits the set: `--holdout` also chooses every threshold on the even-numbered
questions only and reports the errors on the odd-numbered ones it never saw.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from knowledge.base import KnowledgeBase
from knowledge.config import BUILTIN_EMBEDDINGS, DEFAULT_DOCS_DIR
from knowledge.eval.dataset import OFFTOPIC, QUESTIONS, load_offtopic, load_questions
from knowledge.eval.harness import eval_knowledge_base
from knowledge.guard import (
    KEYWORD_THRESHOLD,
    Thresholds,
    dense_evidence,
    looks_like_injection,
    passes,
)
from knowledge.language import detect_language

#: An off-topic question answered is worse than an in-domain question declined.
ANSWERED_OFFTOPIC_COST = 2.0
#: Coverage weights tried for the hybrid evidence (0 = cosine alone).
WEIGHTS = tuple(round(0.05 * i, 2) for i in range(11))
LOO_KEYS = ("false_declines", "answered_offtopic")


@dataclass(frozen=True)
class Threshold:
    """A chosen threshold and how it separates the two sets (margins: distance to the nearest
    sample on the right side; negative when that side has errors)."""

    feature: str
    value: float
    false_declines: int
    answered_offtopic: int
    margin_in_domain: float
    margin_offtopic: float
    in_domain_min: float
    offtopic_max: float


def choose_threshold(feature: str, keep: Sequence[float], drop: Sequence[float]) -> Threshold:
    """Best threshold t (answer when score >= t) between `keep` (answer) and `drop` (decline)."""
    if not keep or not drop:
        raise ValueError("calibration needs both in-domain and off-topic samples")
    values = sorted(set(keep) | set(drop))
    candidates = [(a + b) / 2 for a, b in itertools.pairwise(values)]
    candidates += [values[0] - 1e-6, values[-1] + 1e-6]

    def key(t: float) -> tuple[float, float]:
        errors = sum(1 for v in keep if v < t) + ANSWERED_OFFTOPIC_COST * sum(
            1 for v in drop if v >= t
        )
        gap = min(abs(v - t) for v in values)
        return (errors, -gap)

    best = min(candidates, key=key)
    return Threshold(
        feature=feature,
        value=round(best, 4),
        false_declines=sum(1 for v in keep if v < best),
        answered_offtopic=sum(1 for v in drop if v >= best),
        margin_in_domain=round(min(keep) - best, 4),
        margin_offtopic=round(best - max(drop), 4),
        in_domain_min=round(min(keep), 4),
        offtopic_max=round(max(drop), 4),
    )


@dataclass(frozen=True)
class Evidence:
    """What the guard sees for one question."""

    cosine: float
    coverage: float
    keyword_match: float
    domain: bool
    #: Evidence of the question's own-language sentences (None for English questions).
    translated: float | None = None

    @property
    def keyword(self) -> float:
        """Keyword-only evidence: the match, or 0 without a domain term (declined anyway)."""
        return self.keyword_match if self.domain else 0.0


def features(kb: KnowledgeBase, question: str) -> Evidence:
    retrieval = kb.retrieve(question)
    cosine = retrieval.best_cosine if retrieval.best_cosine is not None else 0.0
    lang = detect_language(question)
    translated = None if lang == "en" else kb.sentences.evidence(question, retrieval.vector, lang)
    return Evidence(
        cosine,
        retrieval.coverage,
        retrieval.keyword_match,
        bool(retrieval.domain_terms),
        translated,
    )


def _errors(chosen: Threshold) -> float:
    return chosen.false_declines + ANSWERED_OFFTOPIC_COST * chosen.answered_offtopic


def leave_one_out(keep: Sequence[float], drop: Sequence[float]) -> tuple[int, int]:
    """(false declines, answered off-topic) when each sample is judged by a threshold chosen
    without it: an honest estimate of how the threshold does on questions it has not seen."""
    false_declines = answered = 0
    for i, value in enumerate(keep):
        rest = [v for j, v in enumerate(keep) if j != i]
        false_declines += value < choose_threshold("loo", rest, drop).value
    for i, value in enumerate(drop):
        rest = [v for j, v in enumerate(drop) if j != i]
        answered += value >= choose_threshold("loo", keep, rest).value
    return false_declines, answered


@dataclass(frozen=True)
class Rule:
    """A chosen hybrid rule: the coverage weight, the chunk threshold, the translated one."""

    weight: float
    dense: Threshold
    translated: Threshold | None

    def answers(self, e: Evidence) -> bool:
        """What `guard.is_grounded` would decide with these thresholds."""
        translated = self.translated.value if self.translated is not None else math.inf
        rule = Thresholds(self.weight, self.dense.value, translated, named=translated)
        return passes(e.cosine, e.coverage, e.translated, rule)


def choose_rule(keep: Sequence[Evidence], drop: Sequence[Evidence]) -> Rule:
    """The weight and chunk threshold with fewest errors (widest gap on ties), then the
    translated threshold between the non-English off-topic questions and the non-English
    in-domain ones the chunk rule declines (all non-English in-domain ones when it declines
    none: the threshold must then still clear every off-topic one)."""
    by_weight = {
        weight: choose_threshold(
            f"cosine + {weight:.2f} x coverage",
            [dense_evidence(e.cosine, e.coverage, weight) for e in keep],
            [dense_evidence(e.cosine, e.coverage, weight) for e in drop],
        )
        for weight in WEIGHTS
    }
    weight = min(WEIGHTS, key=lambda w: (_errors(by_weight[w]), -_gap(by_weight[w])))
    dense = by_weight[weight]
    foreign = [e for e in keep if e.translated is not None]
    rescued = [
        e for e in foreign if dense_evidence(e.cosine, e.coverage, weight) < dense.value
    ] or foreign
    foreign_drop = [e.translated for e in drop if e.translated is not None]
    translated = None
    if rescued and foreign_drop:
        translated = choose_threshold(
            "translated evidence",
            [e.translated for e in rescued if e.translated is not None],
            foreign_drop,
        )
    return Rule(weight, dense, translated)


def holdout(keep: Sequence[Evidence], drop: Sequence[Evidence]) -> dict[str, Any]:
    """Choose the rule on the even-numbered samples, judge the odd-numbered ones with it."""
    rule = choose_rule(keep[::2], drop[::2])
    seen_keep, seen_drop = keep[1::2], drop[1::2]
    return {
        "coverage_weight": rule.weight,
        "evidence": rule.dense.value,
        "translated": rule.translated.value if rule.translated else None,
        "held_out_in_domain": len(seen_keep),
        "held_out_offtopic": len(seen_drop),
        "false_declines": sum(1 for e in seen_keep if not rule.answers(e)),
        "answered_offtopic": sum(1 for e in seen_drop if rule.answers(e)),
    }


def calibrate(
    kb: KnowledgeBase, questions_path: Path, offtopic_path: Path, *, split: bool = False
) -> dict[str, Any]:
    """Choose the coverage weight and the thresholds; return them with their margins."""
    questions = load_questions(questions_path)
    offtopic = load_offtopic(offtopic_path)
    negatives = [o for o in offtopic if o.kind == "offtopic" or not looks_like_injection(o.q)]
    injections = [o for o in offtopic if o.kind == "injection"]
    keep = [features(kb, q.q) for q in questions]
    drop = [features(kb, o.q) for o in negatives]
    rule = choose_rule(keep, drop)
    weight, dense = rule.weight, rule.dense
    dense_keep = [dense_evidence(e.cosine, e.coverage, weight) for e in keep]
    dense_drop = [dense_evidence(e.cosine, e.coverage, weight) for e in drop]
    word_keep = [e.keyword for e in keep]
    word_drop = [e.keyword for e in drop]
    keyword = choose_threshold("keyword match", word_keep, word_drop)
    cosine_only = choose_threshold(
        "cosine + 0.00 x coverage", [e.cosine for e in keep], [e.cosine for e in drop]
    )
    current = kb.thresholds
    result: dict[str, Any] = {
        "embeddings": kb.config.embeddings,
        "questions": len(questions),
        "offtopic": sum(1 for o in offtopic if o.kind == "offtopic"),
        "injections": len(injections),
        "injections_caught_by_pattern": sum(1 for o in injections if looks_like_injection(o.q)),
        "in_domain_flagged_as_injection": [q.q for q in questions if looks_like_injection(q.q)],
        "coverage_weight": weight,
        "dense": asdict(dense),
        "dense_leave_one_out": dict(
            zip(LOO_KEYS, leave_one_out(dense_keep, dense_drop), strict=True)
        ),
        "cosine_only": asdict(cosine_only),
        "translated": asdict(rule.translated) if rule.translated else None,
        "rule_errors": {
            "false_declines": sum(1 for e in keep if not rule.answers(e)),
            "answered_offtopic": sum(1 for e in drop if rule.answers(e)),
        },
        "keyword": asdict(keyword),
        "keyword_leave_one_out": dict(
            zip(LOO_KEYS, leave_one_out(word_keep, word_drop), strict=True)
        ),
        "current": {
            "COVERAGE_WEIGHT": current.coverage_weight,
            "EVIDENCE_THRESHOLD": current.evidence,
            "TRANSLATED_THRESHOLD": current.translated,
            "KEYWORD_THRESHOLD": KEYWORD_THRESHOLD,
        },
        "keyword_declined_in_domain": [
            q.q for q, v in zip(questions, word_keep, strict=True) if v < keyword.value
        ],
        "keyword_closest_offtopic": sorted(
            ((round(v, 4), o.q) for o, v in zip(negatives, word_drop, strict=True)), reverse=True
        )[:3],
        "declined_in_domain": [
            q.q for q, e in zip(questions, keep, strict=True) if not rule.answers(e)
        ],
        "closest_offtopic": sorted(
            ((round(v, 4), o.q) for o, v in zip(negatives, dense_drop, strict=True)), reverse=True
        )[:3],
        "closest_offtopic_translated": sorted(
            (
                (round(e.translated, 4), o.q)
                for o, e in zip(negatives, drop, strict=True)
                if e.translated is not None
            ),
            reverse=True,
        )[:3],
    }
    if split:
        result["holdout"] = holdout(keep, drop)
    return result


def _gap(chosen: Threshold) -> float:
    return min(abs(chosen.margin_in_domain), abs(chosen.margin_offtopic))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--docs", type=Path, default=DEFAULT_DOCS_DIR)
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--offtopic", type=Path, default=OFFTOPIC)
    parser.add_argument("--chroma", type=Path, default=None, help="index dir (default: temp)")
    parser.add_argument(
        "--embeddings",
        default=BUILTIN_EMBEDDINGS,
        help="minilm-int8, e5-small-q4 or a LangChain provider:model",
    )
    parser.add_argument(
        "--holdout",
        action="store_true",
        help="also calibrate on the even-numbered questions and judge the odd-numbered ones",
    )
    args = parser.parse_args(argv)
    with eval_knowledge_base(args.docs, args.chroma, args.embeddings) as kb:
        if kb.mode != "hybrid":
            raise SystemExit(f"calibration needs the embedding model: {kb.warning}")
        result = calibrate(kb, args.questions, args.offtopic, split=args.holdout)
    for name in ("dense", "cosine_only", "translated", "keyword"):
        t = result[name]
        if t is None:
            continue
        print(
            f"{t['feature']:>28}: threshold {t['value']:.4f}  "
            f"in-domain min {t['in_domain_min']:.4f} (margin {t['margin_in_domain']:+.4f}, "
            f"{t['false_declines']} declined)  off-topic max {t['offtopic_max']:.4f} "
            f"(margin {t['margin_offtopic']:+.4f}, {t['answered_offtopic']} answered)"
        )
    for name in ("rule_errors", "dense_leave_one_out", "keyword_leave_one_out", "holdout"):
        if name not in result:
            continue
        print(f"{name}: {result[name]}")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
