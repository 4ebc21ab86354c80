"""Calibrate the decline thresholds of `knowledge.guard` on the committed evaluation sets.

Run `python -m knowledge.eval.calibrate`. For every in-domain question (must be answered) and
every off-topic question and pattern-missed injection (must be declined) it measures the evidence
the guard looks at — the best chunk's cosine similarity (hybrid mode) and the share of question
words found in the knowledge base (keyword-only mode) — and picks, per feature, the threshold that
minimises errors, counting an answered off-topic question twice as bad as a false decline, and
among equally good thresholds the one in the widest gap. It prints the thresholds, the margins to
the nearest samples on each side, and the questions on the wrong side, for `guard.py`'s comment.
"""

from __future__ import annotations

import argparse
import itertools
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from knowledge.base import KnowledgeBase
from knowledge.config import DEFAULT_DOCS_DIR
from knowledge.eval.dataset import OFFTOPIC, QUESTIONS, load_offtopic, load_questions
from knowledge.eval.harness import eval_knowledge_base
from knowledge.guard import COVERAGE_THRESHOLD, DENSE_THRESHOLD, looks_like_injection

#: An off-topic question answered is worse than an in-domain question declined.
ANSWERED_OFFTOPIC_COST = 2.0


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


def features(kb: KnowledgeBase, question: str) -> tuple[float, float]:
    """(best cosine, keyword coverage) the guard would see for this question."""
    retrieval = kb.retrieve(question)
    cosine = retrieval.best_cosine if retrieval.best_cosine is not None else 0.0
    has_keyword_hit = any(hit.bm25 is not None for hit in retrieval.hits)
    return cosine, retrieval.coverage if has_keyword_hit else 0.0


def calibrate(kb: KnowledgeBase, questions_path: Path, offtopic_path: Path) -> dict[str, object]:
    questions = load_questions(questions_path)
    offtopic = load_offtopic(offtopic_path)
    negatives = [o for o in offtopic if o.kind == "offtopic" or not looks_like_injection(o.q)]
    injections = [o for o in offtopic if o.kind == "injection"]
    keep = [features(kb, q.q) for q in questions]
    drop = [features(kb, o.q) for o in negatives]
    dense = choose_threshold("best_cosine", [k[0] for k in keep], [d[0] for d in drop])
    coverage = choose_threshold("coverage", [k[1] for k in keep], [d[1] for d in drop])
    wrong_side = {
        "declined_in_domain": [
            q.q for q, (c, _) in zip(questions, keep, strict=True) if c < dense.value
        ],
        "answered_offtopic": [
            o.q for o, (c, _) in zip(negatives, drop, strict=True) if c >= dense.value
        ],
    }
    return {
        "questions": len(questions),
        "offtopic": sum(1 for o in offtopic if o.kind == "offtopic"),
        "injections": len(injections),
        "injections_caught_by_pattern": sum(1 for o in injections if looks_like_injection(o.q)),
        "in_domain_flagged_as_injection": [q.q for q in questions if looks_like_injection(q.q)],
        "dense": asdict(dense),
        "keyword": asdict(coverage),
        "current": {"DENSE_THRESHOLD": DENSE_THRESHOLD, "COVERAGE_THRESHOLD": COVERAGE_THRESHOLD},
        "wrong_side_dense": wrong_side,
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--docs", type=Path, default=DEFAULT_DOCS_DIR)
    parser.add_argument("--questions", type=Path, default=QUESTIONS)
    parser.add_argument("--offtopic", type=Path, default=OFFTOPIC)
    parser.add_argument("--chroma", type=Path, default=None, help="index dir (default: temp)")
    args = parser.parse_args(argv)
    with eval_knowledge_base(args.docs, args.chroma) as kb:
        if kb.mode != "hybrid":
            raise SystemExit(f"calibration needs the embedding model: {kb.warning}")
        result = calibrate(kb, args.questions, args.offtopic)
    for name in ("dense", "keyword"):
        t = result[name]
        assert isinstance(t, dict)
        print(
            f"{t['feature']:>12}: threshold {t['value']:.4f}  "
            f"in-domain min {t['in_domain_min']:.4f} (margin {t['margin_in_domain']:+.4f}, "
            f"{t['false_declines']} declined)  off-topic max {t['offtopic_max']:.4f} "
            f"(margin {t['margin_offtopic']:+.4f}, {t['answered_offtopic']} answered)"
        )
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
