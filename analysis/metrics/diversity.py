"""Who is in the change system: cross-sector openness (E-I), sector diversity (Blau), gaps.

Initiatives alone are nearly all civil society, so these metrics look at the actors around them
too: the partners they work with and the stakeholders taking part in them, each with the sector
the leader gave. A tie counts only when both ends have a known sector.
"""

from __future__ import annotations

from collections import Counter

from analysis.metrics.context import SECTORS, ClusterView, blau
from analysis.metrics.result import Metric, measure

MIN_TIES = 5
"""E-I on fewer than five ties swings from -1 to +1 with a single tie."""
MIN_ACTORS = 5
"""Blau on fewer than five actors mostly measures how few there are."""
_ACTOR_TIES = ("works_with", "stakeholder")


def ei_index(view: ClusterView) -> Metric:
    """(E - I) / (E + I), Krackhardt & Stern; also the cross-sector share E / (E + I)."""
    external = internal = 0
    per_sector: dict[str, list[int]] = {}
    for a, b, _ in view.ties(*_ACTOR_TIES):
        sa, sb = view.sector(a), view.sector(b)
        if sa is None or sb is None:
            continue
        if sa == sb:
            internal += 1
            per_sector.setdefault(sa, [0, 0])[1] += 1
        else:
            external += 1
            per_sector.setdefault(sa, [0, 0])[0] += 1
            per_sector.setdefault(sb, [0, 0])[0] += 1
    total = external + internal
    return measure(
        "ei_index",
        "Cross-sector E-I index",
        "-1 = ties stay within a sector, +1 = ties all cross sectors",
        "published",
        n=total,
        min_n=MIN_TIES,
        unit="ties with known sectors",
        value=(external - internal) / total if total else None,
        parts={
            "external": external,
            "internal": internal,
            "cross_sector_share": external / total if total else None,
            "per_sector": {s: (e - i) / (e + i) for s, (e, i) in sorted(per_sector.items())},
        },
    )


def _actor_sectors(view: ClusterView) -> Counter[str]:
    actors = set(view.keys) | view.neighbours(*_ACTOR_TIES)
    return Counter(s for node in actors if (s := view.sector(node)) is not None)


def sector_diversity(view: ClusterView) -> Metric:
    """Blau 1 - sum(p_k^2) over the sectors of all actors; normalised by 1 - 1/K."""
    counts = _actor_sectors(view)
    k = max(len(SECTORS), len(counts))
    value = blau(counts.values())
    own = Counter(s for key in view.keys if (s := view.sector(key)) is not None)
    total = sum(counts.values())
    return measure(
        "sector_diversity",
        "Sector diversity (Blau)",
        "chance two actors picked at random come from different sectors",
        "published",
        n=total,
        min_n=MIN_ACTORS,
        unit="actors with a sector",
        value=value,
        parts={
            "normalised": value / (1 - 1 / k),
            "initiatives_only": blau(own.values()),
            "shares": {s: c / total for s, c in sorted(counts.items())} if total else {},
        },
    )


def missing_sectors(view: ClusterView) -> Metric:
    counts = _actor_sectors(view)
    missing = [s for s in SECTORS if counts[s] == 0]
    return measure(
        "missing_sectors",
        "Missing sectors",
        "sectors with no actor in this change system",
        "helix_proposal",
        n=sum(counts.values()),
        min_n=MIN_ACTORS,
        unit="actors with a sector",
        value=len(missing),
        parts={"missing": missing, "present": [s for s in SECTORS if counts[s]]},
    )
