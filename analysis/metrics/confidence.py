"""Data confidence: how far to trust the other numbers, shown with every analysis.

Helix's own combination of the digest's ingredients: coverage (interviewed / named efforts),
reciprocity (ties between interviewed initiatives that both ends report) and completeness
(share of the main interview blocks answered). Recency is not part of it: the cores are pure
functions without a clock, and profile dates say when data entered Helix, not when it was true.
"""

from __future__ import annotations

from analysis.metrics.context import NAMING_KINDS, ClusterView, mean
from analysis.metrics.result import Metric, measure
from analysis.profiles import Profile

HIGH = 0.7
MEDIUM = 0.4


def level(score: float | None) -> str:
    if score is None:
        return "none"
    return "high" if score >= HIGH else "medium" if score >= MEDIUM else "low"


def completeness(profile: Profile) -> float:
    """Share of six interview blocks with an answer: goals, tasks, stakeholders, connections,
    production-system links, needs or offers."""
    r = profile.record
    blocks = [
        r.goals,
        r.tasks,
        r.stakeholders,
        r.partners or r.known_initiatives,
        r.ps_links,
        r.needs or r.offers,
    ]
    return sum(bool(block) for block in blocks) / len(blocks)


def reciprocity(view: ClusterView) -> tuple[float | None, int]:
    """Mutual ties / ties between two cluster initiatives, and how many such ties."""
    pairs = [attrs for _, b, attrs in view.ties(*NAMING_KINDS) if b in view.keys]
    if not pairs:
        return None, 0
    return sum(bool(attrs["mutual"]) for attrs in pairs) / len(pairs), len(pairs)


def data_confidence(view: ClusterView, coverage: float | None) -> Metric:
    complete = mean([completeness(p) for p in view.profiles])
    mutual, pairs = reciprocity(view)
    score = mean([v for v in (coverage, complete, mutual) if v is not None])
    return measure(
        "data_confidence",
        "Data confidence",
        f"how far to trust these numbers: {level(score)} (0-1)",
        "helix_proposal",
        n=view.size,
        min_n=1,
        value=score,
        parts={
            "level": level(score),
            "coverage": coverage,
            "completeness": complete,
            "reciprocity": mutual,
            "ties_between_interviewed": pairs,
        },
    )
