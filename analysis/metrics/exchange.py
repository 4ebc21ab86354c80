"""Needs/offers match rate: how many needs someone else in the same system could meet.

Matching is by category only (the interview's exchange choices). The digest also asks for
compatible geography; regions are free text, so that refinement is left to the peers matcher.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from analysis.metrics.context import ClusterView
from analysis.metrics.result import Metric, measure
from analysis.network.graph import normalise_sector

MIN_NEEDS = 3
_NOT_A_NEED = frozenset({"none", "other"})
""""Nothing right now" is no need, and "something else" cannot be matched by category."""


def _category(text: str) -> str | None:
    category = normalise_sector(text)  # same folding: "Policy access" -> "policy_access"
    return None if category in _NOT_A_NEED else category


def needs_offers_match(view: ClusterView) -> Metric:
    offered: dict[str, set[str]] = defaultdict(set)
    for p in view.profiles:
        for offer in p.record.offers:
            if (category := _category(offer.category)) is not None:
                offered[category].add(p.key)
    needs = [
        (p.key, category)
        for p in view.profiles
        for need in p.record.needs
        if (category := _category(need.category)) is not None
    ]
    unmatched = Counter(c for key, c in needs if not offered[c] - {key})
    matched = len(needs) - sum(unmatched.values())
    return measure(
        "needs_offers_match",
        "Needs/offers match rate",
        "share of needs that another initiative here offers",
        "helix_proposal",
        n=len(needs),
        min_n=MIN_NEEDS,
        value=matched / len(needs) if needs else None,
        unit="needs",
        parts={"matched": matched, "unmatched": dict(sorted(unmatched.items()))},
    )
